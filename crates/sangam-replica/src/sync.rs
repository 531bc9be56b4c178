//! The sync session, sans-IO: frames in, frames out.
//!
//! Two replicas of one co-op reconcile with Automerge's sync protocol (a fresh
//! [`automerge::sync::State`] per connection), with one change: the changes a sync message
//! would carry travel beside it in [`Frame::Changes`], each with its device signature, and
//! are admitted through [`Replica::admit`] like any other input. Automerge never applies a
//! change Sangam has not verified.
//!
//! Wire format of one frame: a 4-byte big-endian length, then the body:
//! ```text
//! 1 Hello    coop id (32 bytes), live (1 byte)  first frame of the dialling side
//! 2 Changes  u32 count, then per change: u32 length, bytes, 64-byte signature
//! 3 Sync     an Automerge sync message whose change list is empty
//! 4 Idle     nothing to send right now
//! 5 Heads    u32 count, then 32-byte change hashes: the sender's document heads, sent
//!            first by both sides so each starts from what they already share
//! ```
//! Every length is checked against its cap before anything is allocated.

use std::collections::BTreeSet;

use automerge::ChangeHash;
use automerge::sync::{self, MessageFlags, SyncDoc};
use sangam_model::{CoopId, RecordId, Signature, Timestamp};

use crate::change::{MAX_CHANGE_BYTES, RawChange};
use crate::replica::{Admitted, Checked, Replica, Trust};

/// Largest frame body accepted, checked from the length prefix before reading the body.
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;
/// Most changes in one [`Frame::Changes`].
pub const MAX_CHANGES_PER_FRAME: usize = 4096;
/// Most sync messages in a row that move no change either way. Past it the session is
/// stuck (typically: the peer keeps offering changes this laptop refuses) and should end.
pub const MAX_IDLE_ROUNDS: u32 = 16;
/// Most changes a settled session pushes at once; more go by a sync round.
pub const MAX_PUSH: usize = 64;
/// Largest total of change bytes put in one [`Frame::Changes`].
pub const FRAME_CHANGE_BYTES: usize = 16 * 1024 * 1024;
/// Most changes one session asks its peer for by hash at a time.
pub const MAX_WANTED: usize = 4096;

/// One unit of the sync protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The dialling side names the co-op it wants to sync, and whether it will stay
    /// connected for live updates (otherwise it leaves once both sides are idle).
    Hello {
        /// The co-op.
        coop: CoopId,
        /// Whether the dialler stays for live updates.
        live: bool,
    },
    /// Signed changes, each after its deps.
    Changes(Vec<RawChange>),
    /// An Automerge sync message without changes.
    Sync(Vec<u8>),
    /// Nothing to send.
    Idle,
    /// The sender's document heads (its first frame after Hello).
    Heads(Vec<automerge::ChangeHash>),
}

/// Splits changes into [`Frame::Changes`] batches bounded by count and by bytes, so every
/// frame stays under the caps a receiver checks.
pub fn change_frames(changes: Vec<RawChange>) -> Vec<Frame> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut batch: Vec<RawChange> = Vec::new();
    let mut bytes = 0;
    for change in changes {
        if !batch.is_empty()
            && (batch.len() == MAX_CHANGES_PER_FRAME
                || bytes + change.bytes.len() > FRAME_CHANGE_BYTES)
        {
            frames.push(Frame::Changes(std::mem::take(&mut batch)));
            bytes = 0;
        }
        bytes += change.bytes.len() + 68;
        batch.push(change);
    }
    if !batch.is_empty() {
        frames.push(Frame::Changes(batch));
    }
    frames
}

/// Most heads one [`Frame::Heads`] may list.
pub const MAX_HEADS: usize = 4096;

/// Why a frame or a session failed. The connection is dropped; the document is untouched
/// by anything that was not verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// A frame longer than [`MAX_FRAME_BYTES`].
    #[error("frame of {0} bytes is over the limit")]
    FrameTooLarge(usize),
    /// A frame that does not decode.
    #[error("malformed frame: {0}")]
    Malformed(&'static str),
    /// An Automerge sync message that does not decode.
    #[error("malformed sync message: {0}")]
    BadSyncMessage(crate::DecodeError),
    /// A frame that has no place here (a second Hello, Hello for another co-op, ...).
    #[error("unexpected frame: {0}")]
    Unexpected(&'static str),
}

impl Frame {
    /// The frame with its length prefix, ready to write.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::new();
        match self {
            Frame::Hello { coop, live } => {
                body.push(1);
                body.extend_from_slice(coop.as_bytes());
                body.push(u8::from(*live));
            }
            Frame::Changes(changes) => {
                body.push(2);
                push_u32(&mut body, changes.len());
                for change in changes {
                    push_u32(&mut body, change.bytes.len());
                    body.extend_from_slice(&change.bytes);
                    body.extend_from_slice(change.sig.as_bytes());
                }
            }
            Frame::Sync(message) => {
                body.push(3);
                body.extend_from_slice(message);
            }
            Frame::Idle => body.push(4),
            Frame::Heads(heads) => {
                body.push(5);
                push_u32(&mut body, heads.len());
                for head in heads {
                    body.extend_from_slice(&head.0);
                }
            }
        }
        let mut out = Vec::with_capacity(body.len() + 4);
        push_u32(&mut out, body.len());
        out.extend_from_slice(&body);
        out
    }

    /// The body length announced by a 4-byte prefix, refused if over the cap.
    pub fn body_len(prefix: [u8; 4]) -> Result<usize, SyncError> {
        let len = u32::from_be_bytes(prefix) as usize;
        if len > MAX_FRAME_BYTES {
            return Err(SyncError::FrameTooLarge(len));
        }
        Ok(len)
    }

    /// Decodes a frame body (without its length prefix).
    pub fn decode(body: &[u8]) -> Result<Self, SyncError> {
        if body.len() > MAX_FRAME_BYTES {
            return Err(SyncError::FrameTooLarge(body.len()));
        }
        let (&kind, rest) = body
            .split_first()
            .ok_or(SyncError::Malformed("empty frame"))?;
        match kind {
            1 => {
                let (id, live) = match rest {
                    [id @ .., live @ (0 | 1)] if id.len() == 32 => (id, *live == 1),
                    _ => return Err(SyncError::Malformed("hello")),
                };
                let id: [u8; 32] = id.try_into().expect("length checked");
                Ok(Frame::Hello {
                    coop: RecordId::from_bytes(id),
                    live,
                })
            }
            2 => {
                let mut at = 0;
                let count = take_u32(rest, &mut at)?;
                if count > MAX_CHANGES_PER_FRAME {
                    return Err(SyncError::Malformed("too many changes in one frame"));
                }
                let mut changes = Vec::with_capacity(count);
                for _ in 0..count {
                    let len = take_u32(rest, &mut at)?;
                    if len > MAX_CHANGE_BYTES {
                        return Err(SyncError::Malformed("change over the size limit"));
                    }
                    let bytes = take(rest, &mut at, len)?.to_vec();
                    let sig: [u8; 64] =
                        take(rest, &mut at, 64)?.try_into().expect("64 bytes taken");
                    changes.push(RawChange {
                        bytes,
                        sig: Signature::from_bytes(sig),
                    });
                }
                if at != rest.len() {
                    return Err(SyncError::Malformed("trailing bytes"));
                }
                Ok(Frame::Changes(changes))
            }
            3 => Ok(Frame::Sync(rest.to_vec())),
            4 if rest.is_empty() => Ok(Frame::Idle),
            5 => {
                let mut at = 0;
                let count = take_u32(rest, &mut at)?;
                if count > MAX_HEADS {
                    return Err(SyncError::Malformed("too many heads"));
                }
                let mut heads = Vec::with_capacity(count);
                for _ in 0..count {
                    let hash: [u8; 32] =
                        take(rest, &mut at, 32)?.try_into().expect("32 bytes taken");
                    heads.push(automerge::ChangeHash(hash));
                }
                if at != rest.len() {
                    return Err(SyncError::Malformed("trailing bytes"));
                }
                Ok(Frame::Heads(heads))
            }
            _ => Err(SyncError::Malformed("unknown frame kind")),
        }
    }
}

fn push_u32(out: &mut Vec<u8>, n: usize) {
    let n = u32::try_from(n).expect("frame parts are capped far below u32::MAX");
    out.extend_from_slice(&n.to_be_bytes());
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], SyncError> {
    let end = at
        .checked_add(n)
        .ok_or(SyncError::Malformed("length overflow"))?;
    let slice = bytes
        .get(*at..end)
        .ok_or(SyncError::Malformed("truncated"))?;
    *at = end;
    Ok(slice)
}

fn take_u32(bytes: &[u8], at: &mut usize) -> Result<usize, SyncError> {
    let raw: [u8; 4] = take(bytes, at, 4)?.try_into().expect("4 bytes taken");
    Ok(u32::from_be_bytes(raw) as usize)
}

/// One connection's sync state.
#[derive(Debug)]
pub struct SyncSession {
    state: sync::State,
    /// Sync messages received in a row with no change moving either way.
    idle_rounds: u32,
    /// Changes from the peer this session refused.
    refused: usize,
    /// The heads the peer opened with, sorted.
    peer_heads: Option<Vec<automerge::ChangeHash>>,
    /// Whether a sync message has come from the peer yet.
    heard_sync: bool,
    /// The peer's last frame was Idle: it had nothing more for us.
    peer_idle: bool,
    /// Our last answer was empty: we had nothing more for the peer.
    self_idle: bool,
    /// Both sides were idle at once: the replicas agreed, and from now on local changes
    /// are pushed as they are admitted instead of being found by another sync round.
    settled: bool,
    /// A pushed change arrived without its deps: go back to a sync round.
    wants_sync: bool,
    /// This side's heads when it last pushed (or opened): what came after them is what
    /// a push sends. Heads, not a position in admission order, so a replica rebuilt from
    /// its log in between (its order then differs) still pushes exactly what is new.
    pushed_heads: Vec<ChangeHash>,
    /// Changes that crossed this connection either way (not to be pushed again).
    exchanged: std::collections::HashSet<automerge::ChangeHash>,
    /// Changes to ask the peer for by hash: what a refused change lacked, and the refused
    /// change itself. Put in the `need` of every sync message until they arrive.
    wanted: BTreeSet<ChangeHash>,
    /// Hashes of `wanted` already asked for: a message is sent for the asking only when
    /// something new is wanted, so a peer that lacks them too is not asked forever.
    asked: BTreeSet<ChangeHash>,
    /// The peer's changes refused here for what they are (a rule, a bad signature): never
    /// asked for again in this session, or the peer would send them every round.
    refused_here: BTreeSet<ChangeHash>,
    /// The peer's changes already reported as refused in this session.
    refusals_reported: BTreeSet<ChangeHash>,
}

impl Default for SyncSession {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncSession {
    /// A fresh session (a fresh Automerge sync state).
    pub fn new() -> Self {
        Self {
            state: sync::State::new(),
            idle_rounds: 0,
            refused: 0,
            peer_heads: None,
            heard_sync: false,
            peer_idle: false,
            self_idle: false,
            settled: false,
            wants_sync: false,
            pushed_heads: Vec::new(),
            exchanged: Default::default(),
            wanted: BTreeSet::new(),
            asked: BTreeSet::new(),
            refused_here: BTreeSet::new(),
            refusals_reported: BTreeSet::new(),
        }
    }

    /// Whether the exchange has stopped making progress ([`MAX_IDLE_ROUNDS`] sync messages
    /// in a row with no change moving): the session should end.
    pub fn is_stuck(&self) -> bool {
        self.idle_rounds > MAX_IDLE_ROUNDS
    }

    /// The first frame to send: this side's heads. Changes admitted from now on are
    /// pushed once the session settles (those before are the sync rounds' business).
    pub fn opening(&mut self, replica: &Replica) -> Frame {
        self.pushed_heads = replica.heads();
        Frame::Heads(self.pushed_heads.clone())
    }

    /// What to send after a local change (or one admitted from another peer): once the
    /// session has settled, the new changes themselves; before, a sync round.
    pub fn on_change(&mut self, replica: &mut Replica) -> Vec<Frame> {
        let since = std::mem::replace(&mut self.pushed_heads, replica.heads());
        let Some(new) = replica.lacking_from(&since) else {
            // A head pushed from is no longer admitted (the replica was rebuilt and the
            // fork rule shadowed it): what is new is for a sync round to find.
            self.settled = false;
            return self.outgoing(replica);
        };
        let new: Vec<ChangeHash> = new
            .into_iter()
            .filter(|hash| !self.exchanged.contains(hash))
            .collect();
        if new.is_empty() {
            // Nothing the peer lacks (what changed came from the peer itself): a sync
            // round now would only apply the pending changes to the document and
            // summarise it, under the node's lock, for nothing; the rounds in progress go
            // on as the peer's messages drive them.
            return vec![];
        }
        if !self.settled || new.len() > MAX_PUSH {
            // A burst (another peer brought a backlog) goes by a sync round: Automerge
            // finds what the peer lacks in one pass instead of one change at a time.
            self.settled = false;
            return self.outgoing(replica);
        }
        self.exchanged.extend(new.iter().copied());
        let fresh: Vec<RawChange> = new
            .iter()
            .filter_map(|hash| replica.signed_change(hash))
            .map(|c| c.to_raw())
            .collect();
        change_frames(fresh)
    }

    /// Whether both sides have been idle at once, so that changes are now pushed.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// Whether a sync round is due (a pushed change came without its deps). Asking
    /// clears it.
    pub fn wants_sync(&mut self) -> bool {
        std::mem::take(&mut self.wants_sync)
    }

    /// How many of the peer's changes this session refused.
    pub fn refused(&self) -> usize {
        self.refused
    }

    /// What to send now: change batches then a sync message, or nothing when this side has
    /// nothing new to say.
    pub fn outgoing(&mut self, replica: &mut Replica) -> Vec<Frame> {
        let frames = self.sync_frames(replica);
        self.self_idle = frames.is_empty();
        self.settled |= self.self_idle && self.peer_idle;
        frames
    }

    fn sync_frames(&mut self, replica: &mut Replica) -> Vec<Frame> {
        self.wanted
            .retain(|h| !replica.knows(h) && !self.refused_here.contains(h));
        let ask = self.wanted.iter().any(|h| !self.asked.contains(h));
        if !ask && !self.heard_sync && self.peer_heads.as_ref() == Some(&replica.heads()) {
            // Both sides opened with the same heads and nothing has moved since: already
            // in sync (Automerge would spend a pass over the history to find that out).
            return vec![];
        }
        let mut message = match replica.doc().generate_sync_message(&mut self.state) {
            Some(message) => message,
            // Automerge sees nothing new to say, but a refused change lacked something:
            // ask for it anyway. No filter: the peer then sends just what is named.
            None if ask => sync::Message {
                heads: replica.heads(),
                need: vec![],
                have: vec![],
                changes: Vec::<Vec<u8>>::new().into(),
                flags: None,
                version: sync::MessageVersion::V1,
            },
            None => return vec![],
        };
        message.need.extend(self.wanted.iter().copied());
        message.need.retain(|h| !self.refused_here.contains(h));
        message.need.sort();
        message.need.dedup();
        self.asked.extend(self.wanted.iter().copied());

        let chunks = std::mem::replace(&mut message.changes, Vec::<Vec<u8>>::new().into());
        let mut chosen: Vec<(ChangeHash, Vec<u8>)> = Vec::with_capacity(chunks.iter().len());
        for bytes in chunks.iter() {
            // Peers are always treated as V1 (see `incoming`), so every chunk is one change.
            if let Ok(change) = automerge::Change::try_from(bytes) {
                chosen.push((change.hash(), bytes.to_vec()));
            }
        }
        let chosen = self.with_what_the_filter_hid(replica, chosen);
        let mut changes: Vec<RawChange> = Vec::with_capacity(chosen.len());
        for (hash, bytes) in chosen {
            if let Some(sig) = replica.signature_of(&hash) {
                self.exchanged.insert(hash);
                changes.push(RawChange { bytes, sig });
            }
        }
        if !changes.is_empty() {
            self.idle_rounds = 0;
        }
        let mut frames = change_frames(changes);
        frames.push(Frame::Sync(message.encode()));
        frames
    }

    /// The changes Automerge chose to send (from the peer's Bloom filter), completed when
    /// this side holds all of the peer's heads: then exactly what the peer lacks is known,
    /// and a change the filter reported present by mistake (about 1 in 100 of those the
    /// peer lacks) is sent too. Without it the peer refuses every change built on the
    /// hidden one, and a fresh session builds the same filter and hides it again. All
    /// are put in an order where each follows its deps.
    fn with_what_the_filter_hid(
        &mut self,
        replica: &mut Replica,
        chosen: Vec<(ChangeHash, Vec<u8>)>,
    ) -> Vec<(ChangeHash, Vec<u8>)> {
        // Before the peer's first Sync, Automerge has no filter to be wrong about: it sends
        // what the peer lacks once it has heard it (and the whole history, fetched one
        // change at a time, would cost a pass over the document each).
        if self.state.their_have.is_none() {
            return chosen;
        }
        let ours = replica.heads();
        let Some(theirs) = self.state.their_heads.clone().or(self.peer_heads.clone()) else {
            return chosen;
        };
        if theirs == ours {
            return chosen;
        }
        let Some(lacking) = replica.lacking_from(&theirs) else {
            return chosen;
        };
        let mut by_hash: std::collections::HashMap<ChangeHash, Vec<u8>> =
            chosen.into_iter().collect();
        let hidden: Vec<ChangeHash> = lacking
            .iter()
            .filter(|h| {
                !by_hash.contains_key(h)
                    && !self.state.sent_hashes.contains(h)
                    && !self.exchanged.contains(h)
            })
            .copied()
            .collect();
        // A few are fetched one by one; more (about one in a hundred of a large backlog)
        // in one pass over the document.
        let mut fetched: std::collections::HashMap<ChangeHash, Vec<u8>> = if hidden.len() <= 16 {
            hidden
                .iter()
                .filter_map(|h| replica.signed_change(h).map(|c| (*h, c.bytes)))
                .collect()
        } else {
            let wanted: std::collections::HashSet<&ChangeHash> = hidden.iter().collect();
            replica
                .changes_since(&theirs)
                .into_iter()
                .filter(|c| wanted.contains(&c.hash))
                .map(|c| (c.hash, c.bytes))
                .collect()
        };
        let mut out = Vec::with_capacity(lacking.len());
        for hash in &lacking {
            if let Some(bytes) = by_hash.remove(hash) {
                out.push((*hash, bytes));
            } else if let Some(bytes) = fetched.remove(hash) {
                self.state.sent_hashes.insert(*hash);
                out.push((*hash, bytes));
            }
        }
        // Whatever Automerge chose that the peer does not lack (it asked by hash for a
        // change it holds but could not admit, say) goes first: it is in the peer's past.
        let mut asked_for: Vec<(ChangeHash, Vec<u8>)> = by_hash.into_iter().collect();
        asked_for.sort_by_key(|(hash, _)| *hash);
        asked_for.extend(out);
        asked_for
    }

    /// Admits the changes of a [`Frame::Changes`] checked beforehand ([`Checked::new`],
    /// with [`Trust::Verify`]), as [`SyncSession::incoming`] would.
    pub fn incoming_checked(&mut self, replica: &mut Replica, checked: Checked) -> Admitted {
        let admitted = replica.admit_checked(checked);
        self.took(replica, admitted)
    }

    /// This session's bookkeeping after changes from the peer were admitted.
    fn took(&mut self, replica: &Replica, mut admitted: Admitted) -> Admitted {
        if !admitted.applied.is_empty() {
            self.idle_rounds = 0;
        }
        self.exchanged
            .extend(admitted.applied.iter().map(|c| c.hash));
        for rejected in &admitted.rejected {
            let lacked = match &rejected.reason {
                crate::Rejection::MissingDeps(lacked) => lacked,
                // Not yet, rather than never: asked for again, it is refused again until
                // this laptop's clock catches up, and the session ends as stuck (a later
                // one takes it). Never asked for, it would leave a live session settled
                // and diverged, with every change built on it refused.
                crate::Rejection::FromTheFuture(_) => continue,
                _ => {
                    if let Some(hash) = rejected.hash
                        && self.refused_here.len() < MAX_WANTED
                    {
                        self.refused_here.insert(hash);
                    }
                    continue;
                }
            };
            // Ask for what it lacked and for the change itself: it was not kept.
            for hash in lacked.iter().chain(&rejected.hash) {
                if self.wanted.len() < MAX_WANTED && !replica.knows(hash) {
                    self.wanted.insert(*hash);
                }
            }
            self.settled = false;
            self.wants_sync = true;
        }
        self.wanted.retain(|h| !replica.knows(h));
        self.refused += admitted.rejected.len();
        // A change refused again in this session (asked for once more, dated ahead still)
        // is reported once: the caller records what is returned.
        let seen = &mut self.refusals_reported;
        admitted.rejected.retain(|r| match r.hash {
            Some(hash) if seen.len() < MAX_WANTED => seen.insert(hash),
            Some(hash) => !seen.contains(&hash),
            None => true,
        });
        admitted
    }

    /// Handles one frame from the peer: changes are verified and admitted (the caller stores
    /// what was applied); a sync message updates this session's view of the peer.
    pub fn incoming(
        &mut self,
        replica: &mut Replica,
        frame: Frame,
        now: Timestamp,
    ) -> Result<Admitted, SyncError> {
        match frame {
            Frame::Changes(changes) => {
                let admitted = replica.admit(changes, Trust::Verify { now });
                Ok(self.took(replica, admitted))
            }
            Frame::Sync(bytes) => {
                self.idle_rounds += 1;
                self.heard_sync = true;
                self.peer_idle = false;
                let mut message = crate::contain::decode_sync_message(&bytes)
                    .map_err(SyncError::BadSyncMessage)?;
                if message.changes.iter().len() > 0 {
                    return Err(SyncError::Unexpected("changes inside a sync message"));
                }
                // Treat every peer as a V1 peer: it then always receives changes one by one,
                // never a whole document, so every change can carry its signature. Of the
                // flags only a reset is honoured: the peer dropped what it had been sent.
                let reset = message
                    .flags
                    .is_some_and(|f| f.contains(MessageFlags::SYNC_RESET));
                message.flags = None;
                replica
                    .receive_sync(&mut self.state, message)
                    .map_err(|e| {
                        SyncError::BadSyncMessage(crate::DecodeError::Refused(e.to_string()))
                    })?;
                if reset {
                    self.state.sent_hashes.clear();
                }
                // A change the peer asks for by hash is sent again even if it went
                // before: the peer could not keep it (it lacked a dep then). Automerge's
                // own need names only our heads the peer lacks, and is sent while they
                // are still on their way; a need naming an older change of ours is the
                // peer asking for what a refused change lacked, and only then is what
                // it names sent again (else every change would travel twice).
                let need: Vec<ChangeHash> = self.state.their_need.clone().unwrap_or_default();
                let heads = replica.heads();
                let asked = need
                    .iter()
                    .any(|h| replica.signature_of(h).is_some() && !heads.contains(h));
                if asked {
                    for hash in &need {
                        self.state.sent_hashes.remove(hash);
                        self.exchanged.remove(hash);
                    }
                }
                Ok(Admitted::default())
            }
            Frame::Idle => {
                self.peer_idle = true;
                Ok(Admitted::default())
            }
            Frame::Heads(heads) => {
                let mut sorted = heads.clone();
                sorted.sort();
                self.peer_heads = Some(sorted);
                // Whatever of the peer's heads we hold, we both hold, with all their past:
                // Automerge then summarises only what came after, not the whole history.
                let shared: Vec<_> = heads
                    .into_iter()
                    .filter(|h| replica.signature_of(h).is_some())
                    .collect();
                self.state.shared_heads = shared;
                Ok(Admitted::default())
            }
            Frame::Hello { .. } => Err(SyncError::Unexpected("hello after the start")),
        }
    }
}
