//! One co-op's Automerge document, with the admission rule for changes.
//!
//! Every change in the document is signed by the device whose public key is its actor id.
//! A change is admitted only if (docs/protocol.md "Changes"):
//! 1. it is at most [`crate::change::MAX_CHANGE_BYTES`] and decodes;
//! 2. its actor is a 32-byte device key and its signature verifies (`verify_strict`);
//! 3. its deps are all present and its sequence number follows the device's last one;
//! 4. every op puts a new record (canonical JSON, valid signature, this co-op) at the
//!    root key equal to the record's id — nothing else may be written;
//! 5. each record's own deps lie in the change's causal past (or earlier in the change),
//!    and the record is valid in its causal context;
//! 6. the device was active in the change's causal past — bound by `device.add` (or the
//!    genesis), not revoked, its member current — or is bound by a `device.add` or genesis
//!    carried in the change itself (the two bootstraps).
//!
//! Rejected changes never touch the document. Verified changes are applied in one batch.

use std::collections::{HashMap, HashSet};

use automerge::{ActorId, Automerge, Change, ChangeHash, ReadDoc};
use sangam_model::fold::Placed;
use sangam_model::layered::Layered;
use sangam_model::{
    Body, Context, CoopId, CoopState, Draft, Fold, PublicKey, Record, RecordId, Refusal, SecretKey,
    Signature, Timestamp,
};

use crate::admission::Precheck;
pub use crate::admission::{
    Admitted, Checked, MAX_CLOCK_SKEW_MS, MAX_OP_COUNTER, MAX_RECORDS_PER_CHANGE, Rejected,
    Rejection, Trust, WriteError,
};
use crate::change::{RawChange, SignedChange, sign_change};
pub use change_log::{ChangeLog, LogError, SavedDocument};
use info::ChangeInfo;
pub use saved::{SavedReplicaError, SavedState};

mod change_log;
mod document;
mod forks;
mod info;
mod rest;
mod restore;
mod saved;
mod vouched;

/// A change the fork rule keeps out of the document.
#[derive(Debug, Clone)]
struct Shadow {
    meta: crate::fork::ChangeMeta,
    records: Vec<Record>,
}

/// One co-op's document and everything derived from it.
pub struct Replica {
    coop: CoopId,
    device: PublicKey,
    /// The Automerge document, needed only by sync and snapshots: writes build their
    /// changes without it ([`crate::replica::document`]). Empty until first needed when
    /// `unloaded` holds a snapshot.
    doc: Automerge,
    /// A saved document the doc is loaded from when first needed; `pending` holds the
    /// admitted changes it lacks. Opening a home to write never loads it.
    unloaded: Option<Vec<u8>>,
    /// The saved document did not load when it was needed: the document lacks its
    /// changes, and the replica must be restored without it.
    document_lost: bool,
    /// Opened saved ([`Replica::open_saved`]): the changes the document lacks are not in
    /// `pending` but in the home's change log, read from there when the document is first
    /// needed.
    log: Option<std::sync::Arc<dyn ChangeLog>>,
    /// Bumped by everything that changes what the replica holds (a change admitted,
    /// shadowed or written), so a caller that rolls back can tell whether it must drop it.
    generation: u64,
    /// The largest op counter of any admitted change: a new change starts after it, as a
    /// transaction on the whole document would.
    max_op: u64,
    /// Changes applied one by one into the document since its slabs were last compacted
    /// ([`crate::replica::document`]).
    applied_singly: usize,
    /// Admitted changes not yet applied to `doc`. Applying to a large document costs a
    /// pass over it whatever the batch size, so changes arriving one by one (live sync)
    /// and local writes wait here until the document is next needed (a sync message, a
    /// snapshot) and are then applied together.
    pending: Vec<Change>,
    /// Positions in `pending`, by hash.
    pending_at: HashMap<ChangeHash, usize>,
    /// While a replay from a snapshot runs: admitted changes are not kept decoded in
    /// `pending` (most of them are in the snapshot; holding them decoded was the largest
    /// part of a full load's memory), only their bytes, sorted out once the snapshot is in.
    replaying_onto_snapshot: bool,
    fold: Fold,
    changes: Layered<ChangeHash, ChangeInfo>,
    /// Admitted changes no admitted change depends on.
    heads: std::collections::BTreeSet<ChangeHash>,
    /// Each device's admitted changes, by sequence number.
    chains: rest::Chains,
    record_change: Layered<RecordId, ChangeHash>,
    /// The rest of a replica opened from its saved core (see `rest`).
    rest: Option<std::sync::Arc<rest::Rest>>,
    /// Changes kept out of the document by the fork rule, by hash, and their order of
    /// arrival (each after its deps).
    shadowed: HashMap<ChangeHash, Shadow>,
    shadow_order: Vec<ChangeHash>,
    /// Changes to shadow on arrival: what the fork rule decided over the whole log when
    /// it was replayed.
    exclude: HashSet<ChangeHash>,
    /// A change signed by this replica's own device arrived from outside though this home
    /// never had it: another copy of the home writes under the same device key.
    own_device_elsewhere: bool,
    /// A change admitted on a later change's signature lost its voucher (refused) and its
    /// own signature fails: it was left out of what is stored, and this replica, which
    /// holds it, must be replayed from the change log.
    replay: bool,
}

impl std::fmt::Debug for Replica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Replica({}, {} changes)",
            self.coop.short(),
            self.changes.len()
        )
    }
}

impl Replica {
    /// An empty replica of `coop`, written to by `device`.
    pub fn new(coop: CoopId, device: PublicKey) -> Self {
        Self {
            coop,
            device,
            doc: Automerge::new().with_actor(ActorId::from(device.as_bytes())),
            unloaded: None,
            document_lost: false,
            log: None,
            generation: 0,
            max_op: 0,
            applied_singly: 0,
            pending: Vec::new(),
            pending_at: HashMap::new(),
            replaying_onto_snapshot: false,
            fold: Fold::new(coop),
            changes: Default::default(),
            heads: Default::default(),
            chains: Default::default(),
            record_change: Default::default(),
            rest: None,
            shadowed: HashMap::new(),
            shadow_order: Vec::new(),
            exclude: HashSet::new(),
            own_device_elsewhere: false,
            replay: false,
        }
    }

    /// Founds a co-op: signs its genesis record and commits it as the first change.
    pub fn found(
        genesis: sangam_model::body::Genesis,
        member: &SecretKey,
        device: &SecretKey,
        now: Timestamp,
    ) -> Result<(Self, Record, SignedChange), WriteError> {
        let draft = Draft {
            coop: None,
            at: now,
            deps: vec![],
            body: Body::CoopGenesis(genesis),
        };
        let record = draft.sign(member)?;
        let mut replica = Self::new(record.id(), device.public());
        let change = replica.commit(record.clone(), device, now)?;
        Ok((replica, record, change))
    }

    /// The co-op id.
    pub fn coop(&self) -> CoopId {
        self.coop
    }

    /// The co-op's state.
    pub fn state(&self) -> CoopState {
        self.fold.state()
    }

    /// The fold, for reading records and verdicts.
    pub fn fold(&self) -> &Fold {
        &self.fold
    }

    /// The document heads (sorted).
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.heads.iter().copied().collect()
    }

    /// A number that changes whenever a change is admitted, shadowed or written here: a
    /// write unit that rolls back compares it to drop a replica it changed, even one that
    /// only shadowed changes (which a count of admitted changes would not show).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// An admitted change with its signature. Cheap for changes still pending; one
    /// already in the document is rebuilt from it (a pass over the document, loaded
    /// first if it is not yet).
    pub fn signed_change(&mut self, hash: &ChangeHash) -> Option<SignedChange> {
        if !self.pending_at.contains_key(hash) {
            // Loading may put it among the pending (read from the log).
            self.load_document();
        }
        let bytes = match self.pending_at.get(hash) {
            Some(at) => self.pending[*at].raw_bytes().to_vec(),
            None => self.doc.get_change_by_hash(hash)?.raw_bytes().to_vec(),
        };
        Some(SignedChange {
            hash: *hash,
            bytes,
            sig: self.changes.get(hash)?.sig,
        })
    }

    /// `heads` and every admitted change in their past (unknown hashes are ignored).
    pub fn past_of(&self, heads: &[ChangeHash]) -> HashSet<ChangeHash> {
        let mut stack: Vec<ChangeHash> = heads
            .iter()
            .filter(|h| self.changes.contains_key(h))
            .copied()
            .collect();
        let mut past = HashSet::new();
        while let Some(hash) = stack.pop() {
            if !past.insert(hash) {
                continue;
            }
            if let Some(info) = self.changes.get(&hash) {
                stack.extend(info.deps.iter().copied());
            }
        }
        past
    }

    /// Exactly the admitted changes a peer whose heads are `theirs` lacks, each after its
    /// deps; `None` when some of `theirs` is not admitted here (then only the peer knows).
    ///
    /// Walks down from both sides' heads at once, deepest first, marking what each side
    /// reaches (as git finds a merge base): a change's marks are final when it is taken, so
    /// the walk stops as soon as nothing only this side reaches is left, and it visits
    /// only what was written since the two last agreed, not the whole history.
    pub fn lacking_from(&self, theirs: &[ChangeHash]) -> Option<Vec<ChangeHash>> {
        const OURS: u8 = 1;
        const THEIRS: u8 = 2;
        if theirs.iter().any(|h| !self.changes.contains_key(h)) {
            return None;
        }
        let mut marks: HashMap<ChangeHash, u8> = HashMap::new();
        let mut queue = std::collections::BinaryHeap::new();
        // How many changes are queued that only this side reaches: the walk's work left.
        let mut ours_only = 0usize;
        let mark = |hash: ChangeHash,
                    with: u8,
                    marks: &mut HashMap<ChangeHash, u8>,
                    queue: &mut std::collections::BinaryHeap<(u64, ChangeHash)>,
                    ours_only: &mut usize| {
            let Some(depth) = self.changes.get(&hash).map(|c| c.depth) else {
                return;
            };
            let old = marks.get(&hash).copied().unwrap_or(0);
            let new = old | with;
            if new == old {
                return;
            }
            marks.insert(hash, new);
            if old == 0 {
                queue.push((depth, hash));
            }
            if new == OURS {
                *ours_only += 1;
            } else if old == OURS {
                *ours_only -= 1;
            }
        };
        for head in &self.heads {
            mark(*head, OURS, &mut marks, &mut queue, &mut ours_only);
        }
        for head in theirs {
            mark(*head, THEIRS, &mut marks, &mut queue, &mut ours_only);
        }
        let mut lacking = Vec::new();
        while ours_only > 0 {
            let Some((_, hash)) = queue.pop() else { break };
            let taken = marks[&hash];
            if taken == OURS {
                ours_only -= 1;
                lacking.push(hash);
            }
            for dep in &self.changes[&hash].deps {
                mark(*dep, taken, &mut marks, &mut queue, &mut ours_only);
            }
        }
        // Taken deepest first; a change is deeper than each of its deps.
        lacking.reverse();
        Some(lacking)
    }

    /// Every admitted change's hash, in no particular order.
    pub fn admitted_hashes(&self) -> impl Iterator<Item = &ChangeHash> {
        self.changes.keys()
    }

    /// How many changes are in the document.
    pub fn change_count(&self) -> usize {
        self.changes.len()
    }

    /// The document, saved whole (a compacted snapshot).
    pub fn save(&mut self) -> Vec<u8> {
        self.flush();
        self.doc.save()
    }

    /// Every change not in the past of `since` (all of them for `&[]`), each after its
    /// deps. Unknown hashes in `since` are ignored.
    pub fn changes_since(&mut self, since: &[ChangeHash]) -> Vec<SignedChange> {
        self.flush();
        let known: Vec<ChangeHash> = since
            .iter()
            .filter(|h| self.changes.contains_key(h))
            .copied()
            .collect();
        self.doc
            .get_changes(&known)
            .into_iter()
            .map(|change| {
                let hash = change.hash();
                let sig = self.changes[&hash].sig;
                SignedChange {
                    hash,
                    bytes: change.raw_bytes().to_vec(),
                    sig,
                }
            })
            .collect()
    }

    /// Whether `device` may write now (it is an active device in the current heads).
    pub fn device_is_active(&self, device: &PublicKey) -> bool {
        // The context after all heads holds every authority record admitted, so this is
        // the fold's current view, kept built between authority records: asked at every
        // handshake, after every frame and before every push, it was a third of a
        // reconnect when it joined the heads' contexts each time.
        let active = self.fold.active_device_now(device).is_some();
        debug_assert_eq!(
            active,
            self.device_active_after(device, &self.heads(), &[]),
            "the current view and the heads' context disagree on device {}",
            device.short()
        );
        active
    }

    /// Signs `body` as a record by `member` and commits it in a change signed by `device`.
    pub fn write(
        &mut self,
        body: Body,
        member: &SecretKey,
        device: &SecretKey,
        now: Timestamp,
    ) -> Result<(Record, SignedChange), WriteError> {
        let draft = Draft {
            coop: Some(self.coop),
            at: now,
            deps: self.fold.deps_for_new_record(),
            body,
        };
        let record = draft.sign(member)?;
        let change = self.commit(record.clone(), device, now)?;
        Ok((record, change))
    }

    fn commit(
        &mut self,
        record: Record,
        device: &SecretKey,
        now: Timestamp,
    ) -> Result<SignedChange, WriteError> {
        let placed = self
            .fold
            .judge_owned(record, &[])
            .map_err(|_| WriteError::Refused(Refusal::NoGenesis))?;
        if let Err(refusal) = &placed.verdict {
            return Err(WriteError::Refused(refusal.clone()));
        }
        self.commit_placed(vec![placed], device, now)
    }

    /// Commits judged records in one change signed by `device`.
    fn commit_placed(
        &mut self,
        placed: Vec<Placed>,
        device: &SecretKey,
        now: Timestamp,
    ) -> Result<SignedChange, WriteError> {
        if self.replay {
            return Err(WriteError::MustReplay);
        }
        let heads = self.heads();
        if !self.device_active_after(&device.public(), &heads, &placed) {
            return Err(WriteError::DeviceNotAllowed);
        }
        // The change is built from its parts, not by a transaction on the document: a
        // write needs neither the document loaded nor the changes waiting applied to it
        // (applying into a loaded document is what made writes cost gigabytes; see
        // docs/automerge-raw-column.md). It is the change a transaction would make.
        let seq = self.chains.len(&device.public()) + 1;
        let change = crate::local_change::record_change(
            &device.public(),
            seq,
            self.max_op + 1,
            now.div_euclid(1000),
            heads.clone(),
            placed.iter().map(|p| &*p.record),
        );
        let hash = change.hash();
        debug_assert_eq!(
            change.deps(),
            &heads[..],
            "a change records the deps it was signed with"
        );
        let signed = sign_change(self.coop, hash, change.raw_bytes().to_vec(), device);
        self.max_op = self.max_op.max(change.max_op());
        self.register(hash, heads, device.public(), seq, signed.sig, placed);
        self.queue(change);
        Ok(signed)
    }

    /// Whether `hash` is a change this replica holds (admitted or shadowed).
    pub fn knows(&self, hash: &ChangeHash) -> bool {
        self.changes.contains_key(hash) || self.shadowed.contains_key(hash)
    }

    /// Admits changes from outside (a bundle, a peer, this home's store). Each is checked
    /// as the module docs say; verified ones are applied to the document in one batch.
    pub fn admit(&mut self, incoming: Vec<RawChange>, trust: Trust) -> Admitted {
        // Changes already here are set aside before their signatures are checked.
        let checked = Checked::new(self.coop, incoming, trust, &|hash| self.knows(hash));
        self.admit_checked(checked)
    }

    /// Admits changes checked beforehand by [`Checked::new`] (outside any lock on this
    /// replica): the sequence, deps, records in context and device rules, then the batch
    /// is applied. `checked` must be for this co-op.
    pub fn admit_checked(&mut self, checked: Checked) -> Admitted {
        assert_eq!(checked.coop, self.coop, "checked for another co-op");
        let trust = checked.trust;
        let mut out = Admitted {
            duplicates: checked.duplicates,
            rejected: checked.refused,
            ..Admitted::default()
        };
        let (vouched, vouchers) = (checked.vouched, checked.vouchers);
        let mut own_candidates: HashSet<ChangeHash> = HashSet::new();
        let mut waiting: Vec<(Change, RawChange, Precheck)> = Vec::new();
        for (change, raw, pre) in checked.items {
            let hash = change.hash();
            if self.knows(&hash) {
                out.duplicates += 1;
                continue;
            }
            if matches!(trust, Trust::Verify { .. })
                && change.actor_id().to_bytes() == self.device.as_bytes()
            {
                // Not in this home, yet signed with its device key (checked below: a
                // forgery is refused and proves nothing).
                own_candidates.insert(hash);
            }
            waiting.push((change, raw, pre));
        }
        // Admit in rounds: a change waits until its deps are in.
        let mut to_apply: Vec<Change> = Vec::new();
        loop {
            let before = waiting.len();
            let mut still = Vec::new();
            for (change, raw, pre) in waiting {
                let hash = change.hash();
                let missing: Vec<&ChangeHash> = change
                    .deps()
                    .iter()
                    .filter(|d| !self.changes.contains_key(d))
                    .collect();
                let on_shadow =
                    !missing.is_empty() && missing.iter().all(|d| self.shadowed.contains_key(*d));
                if !missing.is_empty() && !on_shadow {
                    still.push((change, raw, pre));
                    continue;
                }
                if on_shadow || self.exclude.contains(&hash) || self.takes_a_used_slot(&change) {
                    // Built on a shadowed change, decided by the rule already, or a second
                    // change in a device's slot: evidence, kept out of the document.
                    match self.shadow(&change, &raw, pre) {
                        Ok(signed) => out.shadowed.push(signed),
                        Err(reason) => out.rejected.push(Rejected {
                            hash: Some(hash),
                            reason,
                        }),
                    }
                    continue;
                }
                match self.check_and_register(&change, &raw, pre) {
                    Ok(()) => {
                        out.applied.push(SignedChange {
                            hash,
                            bytes: raw.bytes,
                            sig: raw.sig,
                        });
                        to_apply.push(change);
                    }
                    Err(reason) => out.rejected.push(Rejected {
                        hash: Some(hash),
                        reason,
                    }),
                }
            }
            waiting = still;
            if waiting.is_empty() || waiting.len() == before {
                break;
            }
        }
        for (change, _, _) in waiting {
            let missing = change
                .deps()
                .iter()
                .filter(|d| !self.changes.contains_key(d))
                .copied()
                .collect();
            out.rejected.push(Rejected {
                hash: Some(change.hash()),
                reason: Rejection::MissingDeps(missing),
            });
        }
        for change in to_apply {
            if self.replaying_onto_snapshot {
                continue;
            }
            self.queue(change);
        }
        let authentic = |hash: &ChangeHash| {
            out.applied.iter().any(|c| c.hash == *hash) || self.shadowed.contains_key(hash)
        };
        if own_candidates.iter().any(authentic) {
            self.own_device_elsewhere = true;
        }
        if !vouched.is_empty() {
            self.confirm_vouched(&mut out, &vouched, &vouchers);
        }
        out
    }

    /// Makes `device` this replica's writer (a home that took a new device key).
    pub fn switch_device(&mut self, device: PublicKey) {
        self.device = device;
        self.own_device_elsewhere = false;
        self.doc.set_actor(ActorId::from(device.as_bytes()));
    }

    fn check_and_register(
        &mut self,
        change: &Change,
        raw: &RawChange,
        pre: Precheck,
    ) -> Result<(), Rejection> {
        let (device, records) = pre?;
        let hash = change.hash();
        let last = self.chains.len(&device);
        if change.seq() != last + 1 {
            return Err(Rejection::BadSequence {
                got: change.seq(),
                last,
            });
        }
        let records = records?;
        let start = change.start_op().get();
        if start
            .checked_add(change.len() as u64)
            .is_none_or(|end| end > MAX_OP_COUNTER + 1)
        {
            return Err(Rejection::OpCounter(start));
        }
        // A change built on every head here (a live push, the next change of a chain in a
        // sync) has all that is admitted in its past: no walk needed. Without this, a record
        // citing an old head (another device's binding, say) walked the whole history: 10 ms
        // of each live write on a 100,000-change co-op.
        let whole_past = self.heads.iter().all(|h| change.deps().contains(h));
        let mut placed: Vec<Placed> = Vec::with_capacity(records.len());
        for record in records {
            // The same record again (its id covers all it says; only the signature bytes
            // can differ) changes nothing: skip it rather than split peers over it.
            if self.fold.get(&record.id()).is_some()
                || placed.iter().any(|p| p.record.id() == record.id())
            {
                continue;
            }
            for dep in record.deps() {
                let in_change = placed.iter().any(|p| p.record.id() == *dep);
                let in_past = self
                    .record_change
                    .get(dep)
                    .is_some_and(|c| whole_past || self.is_ancestor(*c, change.deps()));
                if !in_change && !in_past {
                    return Err(Rejection::DepOutsidePast(dep.short()));
                }
            }
            let judged = self
                .fold
                .judge_owned(record, &placed)
                .map_err(|m| Rejection::DepOutsidePast(m.0.short()))?;
            if let Err(refusal) = &judged.verdict {
                return Err(Rejection::Refused(refusal.clone()));
            }
            placed.push(judged);
        }
        if !self.device_active_after(&device, change.deps(), &placed) {
            return Err(Rejection::DeviceNotAllowed(device.short()));
        }
        self.register(
            hash,
            change.deps().to_vec(),
            device,
            change.seq(),
            raw.sig,
            placed,
        );
        self.max_op = self.max_op.max(change.max_op());
        Ok(())
    }

    /// Whether `device` is active after the changes `deps`, counting device bindings
    /// (genesis, `device.add`) among `own` records: the newcomer bootstrap.
    fn device_active_after(&self, device: &PublicKey, deps: &[ChangeHash], own: &[Placed]) -> bool {
        let parents: Vec<&Context> = deps
            .iter()
            .filter_map(|d| self.changes.get(d))
            .map(|c| &c.context_after)
            .collect();
        let bindings = own
            .iter()
            .filter(|p| matches!(p.record.body(), Body::CoopGenesis(_) | Body::DeviceAdd(_)))
            .map(|p| p.record.id());
        let context = Context::join(parents, bindings);
        self.fold.active_device(&context, own, device).is_some()
    }

    /// Whether change `target` is `from` or in its causal past.
    fn is_ancestor(&self, target: ChangeHash, from: &[ChangeHash]) -> bool {
        let Some(target_depth) = self.changes.get(&target).map(|c| c.depth) else {
            return false;
        };
        let mut stack: Vec<ChangeHash> = from.to_vec();
        let mut seen = HashSet::new();
        while let Some(hash) = stack.pop() {
            if hash == target {
                return true;
            }
            if !seen.insert(hash) {
                continue;
            }
            if let Some(info) = self.changes.get(&hash) {
                // Deps are strictly shallower, so nothing under a shallower node can be it.
                if info.depth > target_depth {
                    stack.extend(info.deps.iter().copied());
                }
            }
        }
        false
    }

    fn register(
        &mut self,
        hash: ChangeHash,
        deps: Vec<ChangeHash>,
        device: PublicKey,
        seq: u64,
        sig: Signature,
        placed: Vec<Placed>,
    ) {
        self.generation += 1;
        let parents: Vec<&ChangeInfo> = deps.iter().filter_map(|d| self.changes.get(d)).collect();
        let depth = parents.iter().map(|p| p.depth + 1).max().unwrap_or(0);
        let own = placed
            .iter()
            .filter(|p| p.record.kind().is_authority())
            .map(|p| p.record.id());
        let context_after = Context::join(parents.iter().map(|p| &p.context_after), own);
        let records = placed.iter().map(|p| p.record.id()).collect();
        for placed in placed {
            self.record_change.insert(placed.record.id(), hash);
            self.fold.insert(placed);
        }
        for dep in &deps {
            self.heads.remove(dep);
        }
        self.heads.insert(hash);
        debug_assert_eq!(
            self.chains.len(&device) + 1,
            seq,
            "admission checks the sequence"
        );
        self.chains.push(device, hash);
        self.changes.insert(
            hash,
            ChangeInfo {
                deps,
                depth,
                context_after,
                sig,
                records,
            },
        );
    }

    /// The records an admitted change carries (none for a change this replica lacks).
    pub fn records_in(&self, change: &ChangeHash) -> &[RecordId] {
        self.changes.get(change).map_or(&[], |info| &info.records)
    }

    /// The Automerge document, with every admitted change applied (read-only: every
    /// write goes through admission).
    pub fn doc(&mut self) -> &Automerge {
        self.flush();
        &self.doc
    }

    /// The device signature of a change in the document.
    pub fn signature_of(&self, change: &ChangeHash) -> Option<Signature> {
        self.changes.get(change).map(|c| c.sig)
    }

    /// Updates a sync state from a peer's message that carries no changes (changes come
    /// through [`Replica::admit`]).
    pub fn receive_sync(
        &mut self,
        state: &mut automerge::sync::State,
        message: automerge::sync::Message,
    ) -> Result<(), automerge::AutomergeError> {
        use automerge::sync::SyncDoc;
        debug_assert_eq!(message.changes.iter().len(), 0);
        self.flush();
        self.doc.receive_sync_message(state, message)
    }
}
