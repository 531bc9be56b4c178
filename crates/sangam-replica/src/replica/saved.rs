//! A replica kept between processes: what a write is judged against, without a replay.
//!
//! [`Replica::save_state`] writes the change bookkeeping (each admitted change's deps,
//! device, sequence number, signature and records) and the saved fold
//! ([`sangam_model::fold::SavedFold`]); [`Replica::open_saved`] reads them back and
//! rebuilds what is derived (depths, contexts, heads, chains) in one pass. Neither the
//! Automerge document nor most record bodies are read to open it: bodies come from the
//! home's change log when a rule or a reader first asks ([`ChangeLog`]), and the document,
//! when a sync or a snapshot first needs it, is the saved one plus the changes it lacks,
//! read from the log then.
//!
//! A write needs far less than that: [`Replica::save_state`] also writes the replica's
//! *core* (the heads, each device's chain length, the fold's core, and which records and
//! changes the rest holds), which [`Replica::open_core`] opens alone; the rest is read
//! the first time a lookup needs it (`rest`). A home may keep a whole state older than its
//! core ([`Replica::save_core`]): the rest is then that state and the log after it.
//!
//! A replica in an unusual state (a fork's shadowed changes, a replay owed, a document
//! that did not load, its own device key seen elsewhere) is not saved: it is replayed
//! from the log as before.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use automerge::ChangeHash;
use sangam_model::fold::{RecordSource, SavedFold, SavedFoldError, SourceError};
use sangam_model::{Context, CoopId, Fold, PublicKey, Record, RecordId, Signature};
use serde::{Deserialize, Serialize};

use sangam_model::fold::FoldCore;
use sangam_model::layered::{Layered, Prefixes};

use super::rest::{Chains, Loaded, ReadRest, Rest, RestError, RestPart};
use super::{ChangeInfo, ChangeLog, LogError, Replica, SavedDocument};

/// Why a saved replica cannot be opened (the caller replays the log instead).
#[derive(Debug, thiserror::Error)]
pub enum SavedReplicaError {
    /// The bytes do not decode.
    #[error("the saved replica does not decode: {0}")]
    Unreadable(#[from] postcard::Error),
    /// Saved by a build whose format differs.
    #[error("the saved replica is of format version {0}")]
    Version(u32),
    /// Saved for another co-op.
    #[error("the saved replica is of another co-op")]
    OtherCoop,
    /// Its fold does not open.
    #[error(transparent)]
    Fold(#[from] SavedFoldError),
    /// A change saved before one of its deps.
    #[error("change {0} is saved before one of its deps")]
    DepAfter(ChangeHash),
    /// A change out of its device's sequence.
    #[error("change {0} is out of its device's sequence")]
    Sequence(ChangeHash),
    /// A saved core whose parts do not fit together.
    #[error("the saved core does not fit: {0}")]
    Core(&'static str),
}

/// Bumped whenever what is saved changes shape or meaning: a saved state of another
/// version is not opened, and the home replays instead (and saves anew).
const VERSION: u32 = 3;

#[derive(Serialize, Deserialize)]
struct SavedReplica<'a> {
    version: u32,
    coop: CoopId,
    max_op: u64,
    /// Every admitted change, each after its deps.
    #[serde(borrow)]
    changes: Vec<SavedChange<'a>>,
    #[serde(borrow)]
    fold: SavedFold<'a>,
}

#[derive(Serialize, Deserialize)]
struct SavedChange<'a> {
    hash: [u8; 32],
    deps: Vec<[u8; 32]>,
    device: PublicKey,
    seq: u64,
    sig: Signature,
    records: Cow<'a, [RecordId]>,
}

/// A replica's state as saved for a later process ([`Replica::save_state`]).
#[derive(Debug, Clone)]
pub struct SavedState {
    /// What a write needs: opened by [`Replica::open_core`], a few hundred kilobytes
    /// however large the co-op.
    pub core: Vec<u8>,
    /// Everything: opened by [`Replica::open_saved`], and read as the rest of a replica
    /// opened from its core when that first needs more.
    pub whole: Vec<u8>,
}

/// What a write needs of a saved replica: the heads whole, each device's chain length,
/// the fold's core, and which records and changes the rest holds (by prefix).
#[derive(Serialize, Deserialize)]
struct SavedCore<'a> {
    version: u32,
    coop: CoopId,
    max_op: u64,
    heads: Vec<SavedHead>,
    chains: Vec<(PublicKey, u64)>,
    /// The change holding each of the fold's heads.
    head_records: Vec<(RecordId, [u8; 32])>,
    changes: u64,
    change_prefixes: Vec<u8>,
    record_prefixes: Vec<u8>,
    #[serde(borrow)]
    fold: FoldCore<'a>,
}

#[derive(Serialize, Deserialize)]
struct SavedHead {
    hash: [u8; 32],
    deps: Vec<[u8; 32]>,
    depth: u64,
    sig: Signature,
    records: Vec<RecordId>,
    context_after: Vec<RecordId>,
}

impl Replica {
    fn core_bytes(&self) -> Option<Vec<u8>> {
        let heads = self
            .heads
            .iter()
            .map(|hash| {
                let info = self.changes.get(hash)?;
                Some(SavedHead {
                    hash: hash.0,
                    deps: info.deps.iter().map(|d| d.0).collect(),
                    depth: info.depth,
                    sig: info.sig,
                    records: info.records.clone(),
                    context_after: info.context_after.iter().copied().collect(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let mut chains: Vec<(PublicKey, u64)> = self.chains.lengths().into_iter().collect();
        chains.sort();
        let head_records = self
            .fold
            .heads()
            .into_iter()
            .map(|id| Some((id, self.record_change.get(&id)?.0)))
            .collect::<Option<Vec<_>>>()?;
        let core = SavedCore {
            version: VERSION,
            coop: self.coop,
            max_op: self.max_op,
            heads,
            chains,
            head_records,
            changes: self.changes.len() as u64,
            change_prefixes: self.change_prefixes().to_bytes(),
            record_prefixes: self.record_prefixes().to_bytes(),
            fold: self.fold.save_core(),
        };
        postcard::to_allocvec(&core).ok()
    }

    /// Opens a replica from the core [`Replica::save_state`] saved, written to by
    /// `device`, with the home's change log, where the whole state saved with the core is
    /// kept covering the log up to `covers`. Only the core is read now: the rest when
    /// something first needs a record or change only it holds (see `rest`). An error says
    /// why the core cannot be used: the caller opens the whole state or replays instead.
    pub fn open_core(
        coop: CoopId,
        device: PublicKey,
        bytes: &[u8],
        covers: i64,
        log: Arc<dyn ChangeLog>,
    ) -> Result<Replica, SavedReplicaError> {
        let core: SavedCore<'_> = postcard::from_bytes(bytes)?;
        if core.version != VERSION {
            return Err(SavedReplicaError::Version(core.version));
        }
        if core.coop != coop {
            return Err(SavedReplicaError::OtherCoop);
        }
        let prefixes = |bytes: &[u8]| {
            Prefixes::from_bytes(bytes).ok_or(SavedReplicaError::Core("unsorted prefixes"))
        };
        let read_log = log.clone();
        let read: ReadRest = Box::new(move || read_rest(coop, device, covers, &read_log));
        let rest = Rest::new(
            read,
            prefixes(&core.record_prefixes)?,
            prefixes(&core.change_prefixes)?,
            core.fold.records() as usize,
            core.changes as usize,
        );
        let fold = Fold::open_core(coop, core.fold, RestPart::places(rest.clone()))?;
        let mut replica = Replica::new(coop, device);
        replica.fold = fold;
        replica.max_op = core.max_op;
        replica.changes = Layered::over(RestPart::changes(rest.clone()));
        replica.record_change = Layered::over(RestPart::record_changes(rest.clone()));
        replica.chains = Chains::over(core.chains.into_iter().collect(), rest.clone());
        replica.rest = Some(rest);
        for head in core.heads {
            let hash = ChangeHash(head.hash);
            replica.heads.insert(hash);
            replica.changes.pin(
                hash,
                ChangeInfo {
                    deps: head.deps.into_iter().map(ChangeHash).collect(),
                    depth: head.depth,
                    context_after: Context::of(head.context_after),
                    sig: head.sig,
                    records: head.records,
                },
            );
        }
        for (id, hash) in core.head_records {
            replica.record_change.pin(id, ChangeHash(hash));
        }
        replica.log = Some(log);
        Ok(replica)
    }

    /// Which records the replica holds, by prefix: the rest's (as its core said, without
    /// reading it) and those placed since, or all of them for a replica held whole.
    fn record_prefixes(&self) -> Prefixes {
        match &self.rest {
            Some(rest) if !rest.is_read() => rest
                .records()
                .merged(self.record_change.near_keys().map(|id| id.as_bytes())),
            _ => Prefixes::of(self.record_change.keys().map(|id| id.as_bytes())),
        }
    }

    /// Which changes the replica holds, by prefix (as [`Replica::record_prefixes`]).
    fn change_prefixes(&self) -> Prefixes {
        match &self.rest {
            Some(rest) if !rest.is_read() => rest
                .changes()
                .merged(self.changes.near_keys().map(|h| &h.0)),
            _ => Prefixes::of(self.changes.keys().map(|h| &h.0)),
        }
    }

    /// Whether this replica was opened from its core and has not read the rest yet.
    pub fn rest_is_unread(&self) -> bool {
        !self.fold.rest_is_read() || self.changes.far_is_unread()
    }
}

/// The whole replica a core was saved with, as of the log position `covers`: the whole
/// state saved with it or before it, and the log's changes after that up to `covers`; else
/// (a whole state covering more has replaced it since) the log up to `covers`, replayed.
fn read_rest(
    coop: CoopId,
    device: PublicKey,
    covers: i64,
    log: &Arc<dyn ChangeLog>,
) -> Result<Loaded, RestError> {
    replayed(coop, device, covers, log).map(|replica| {
        let Replica {
            fold,
            changes,
            record_change,
            chains,
            ..
        } = replica;
        Loaded {
            placed: fold.into_places(),
            changes: changes.into_near(),
            record_change: record_change.into_near(),
            chains: chains.into_whole(),
        }
    })
}

/// The replica as the log gives it up to `covers` (see [`read_rest`]).
fn replayed(
    coop: CoopId,
    device: PublicKey,
    covers: i64,
    log: &Arc<dyn ChangeLog>,
) -> Result<Replica, RestError> {
    if let Ok(Some((at, bytes))) = log.saved_state(covers)
        && let Ok(mut replica) = Replica::open_saved(coop, device, &bytes, log.clone())
        && let Ok(later) = log.changes_between(at, covers)
    {
        let admitted = replica.admit(later, crate::admission::Trust::OwnStore);
        if admitted.rejected.is_empty() && !replica.needs_rebuild() {
            return Ok(replica);
        }
    }
    let changes = log.changes_between(0, covers)?;
    let (replica, admitted, _) = Replica::restore(coop, device, None, changes);
    match admitted.rejected.into_iter().next() {
        None => Ok(replica),
        Some(rejected) => Err(RestError::DoesNotReplay(rejected.reason)),
    }
}

impl Replica {
    /// The replica's state saved for a later process: the whole of it
    /// ([`Replica::open_saved`]) and its core ([`Replica::open_core`]); `None` when it is
    /// in a state only a replay rebuilds (see the module docs). Reads the rest of a
    /// replica opened from its core.
    pub fn save_state(&self) -> Option<SavedState> {
        let whole = self.save_whole()?;
        let core = self.core_bytes()?;
        Some(SavedState { core, whole })
    }

    /// The replica's core alone ([`Replica::open_core`]), for a home that keeps an older
    /// whole state: the rest is then that state and the log after it. Reads nothing of a
    /// rest not read yet; `None` as for [`Replica::save_state`].
    pub fn save_core(&self) -> Option<Vec<u8>> {
        if !self.savable() {
            return None;
        }
        self.core_bytes()
    }

    /// Whether the replica is in a state a later process may open as saved (see the
    /// module docs).
    fn savable(&self) -> bool {
        !(self.replay
            || self.document_lost
            // Judged against this device's key: after the home takes a new one (which it
            // does on finding this), a replay would judge it anew.
            || self.own_device_elsewhere
            || !self.shadowed.is_empty()
            || !self.exclude.is_empty()
            || self.fold.waiting() > 0)
    }

    fn save_whole(&self) -> Option<Vec<u8>> {
        if !self.savable() {
            return None;
        }
        let mut order: Vec<(&ChangeHash, &ChangeInfo)> = self.changes.iter().collect();
        order.sort_by_key(|(hash, info)| (info.depth, **hash));
        let at: HashMap<ChangeHash, u32> = order
            .iter()
            .enumerate()
            .map(|(i, (hash, _))| (**hash, i as u32))
            .collect();
        let mut written_by: HashMap<ChangeHash, (PublicKey, u64)> =
            HashMap::with_capacity(order.len());
        for (device, chain) in &self.chains.whole() {
            for (i, hash) in chain.iter().enumerate() {
                written_by.insert(*hash, (*device, i as u64 + 1));
            }
        }
        let mut changes = Vec::with_capacity(order.len());
        for (hash, info) in &order {
            let (device, seq) = *written_by.get(hash)?;
            changes.push(SavedChange {
                hash: hash.0,
                deps: info.deps.iter().map(|d| d.0).collect(),
                device,
                seq,
                sig: info.sig,
                records: Cow::Borrowed(&info.records),
            });
        }
        let fold = self.fold.save(|id| {
            self.record_change
                .get(id)
                .and_then(|hash| at.get(hash))
                .copied()
        });
        let saved = SavedReplica {
            version: VERSION,
            coop: self.coop,
            max_op: self.max_op,
            changes,
            fold,
        };
        postcard::to_allocvec(&saved).ok()
    }

    /// Opens a replica saved by [`Replica::save_state`], written to by `device`, with the
    /// home's change log to read what was left out (record bodies, and the document with
    /// the log's saved document as its start when first needed). An error says why it
    /// cannot be used: the caller replays the log instead.
    pub fn open_saved(
        coop: CoopId,
        device: PublicKey,
        bytes: &[u8],
        log: Arc<dyn ChangeLog>,
    ) -> Result<Replica, SavedReplicaError> {
        let saved: SavedReplica<'_> = postcard::from_bytes(bytes)?;
        if saved.version != VERSION {
            return Err(SavedReplicaError::Version(saved.version));
        }
        if saved.coop != coop {
            return Err(SavedReplicaError::OtherCoop);
        }
        let hashes: Vec<ChangeHash> = saved.changes.iter().map(|c| ChangeHash(c.hash)).collect();
        let source = Arc::new(LogRecords {
            coop,
            hashes: hashes.clone(),
            log: log.clone(),
            last: Mutex::new(None),
        });
        let fold = Fold::open_saved(coop, saved.fold, source)?;
        let mut replica = Replica::new(coop, device);
        replica.fold = fold;
        replica.max_op = saved.max_op;
        replica.changes.reserve(hashes.len());
        replica.record_change.reserve(replica.fold.len());
        for (change, hash) in saved.changes.into_iter().zip(hashes) {
            let deps: Vec<ChangeHash> = change.deps.into_iter().map(ChangeHash).collect();
            let parents = deps
                .iter()
                .map(|d| replica.changes.get(d))
                .collect::<Option<Vec<&ChangeInfo>>>()
                .ok_or(SavedReplicaError::DepAfter(hash))?;
            let depth = parents.iter().map(|p| p.depth + 1).max().unwrap_or(0);
            let own = change.records.iter().copied().filter(|id| {
                replica
                    .fold
                    .get(id)
                    .is_some_and(|p| p.record.kind().is_authority())
            });
            let context_after = Context::join(parents.iter().map(|p| &p.context_after), own);
            for id in change.records.iter() {
                replica.record_change.insert(*id, hash);
            }
            for dep in &deps {
                replica.heads.remove(dep);
            }
            replica.heads.insert(hash);
            if replica.chains.len(&change.device) + 1 != change.seq {
                return Err(SavedReplicaError::Sequence(hash));
            }
            replica.chains.push(change.device, hash);
            replica.changes.insert(
                hash,
                ChangeInfo {
                    deps,
                    depth,
                    context_after,
                    sig: change.sig,
                    records: change.records.into_owned(),
                },
            );
        }
        replica.log = Some(log);
        Ok(replica)
    }

    /// How this replica differs from `other` in what it judges by (the fold, the
    /// admitted changes and their bookkeeping), for checking a replica opened saved
    /// against a replay.
    pub fn differences(&self, other: &Replica) -> Vec<String> {
        let mut out = self.fold.differences(&other.fold);
        if self.changes.len() != other.changes.len() {
            out.push(format!(
                "{} changes against {}",
                self.changes.len(),
                other.changes.len()
            ));
        }
        for (hash, mine) in self.changes.iter() {
            match other.changes.get(hash) {
                Some(theirs)
                    if mine.deps == theirs.deps
                        && mine.depth == theirs.depth
                        && mine.sig == theirs.sig
                        && mine.records == theirs.records
                        && mine.context_after.iter().eq(theirs.context_after.iter()) => {}
                Some(_) => out.push(format!("change {hash} is kept differently")),
                None => out.push(format!("change {hash} is in one only")),
            }
        }
        if self.heads != other.heads {
            out.push("the change heads differ".into());
        }
        if self.chains.whole() != other.chains.whole() {
            out.push("the devices' chains differ".into());
        }
        if self.max_op != other.max_op {
            out.push(format!("max op {} against {}", self.max_op, other.max_op));
        }
        let record_changes = |r: &Replica| -> HashMap<RecordId, ChangeHash> {
            r.record_change.iter().map(|(k, v)| (*k, *v)).collect()
        };
        if record_changes(self) != record_changes(other) {
            out.push("the records' changes differ".into());
        }
        if self.own_device_elsewhere != other.own_device_elsewhere {
            out.push("the own device seen elsewhere differs".into());
        }
        out
    }

    /// Opened saved, before the document is first loaded: takes the log's saved document
    /// as its start, if its heads are all admitted (else the document is built from the
    /// log alone).
    pub(super) fn read_saved_document(&mut self) {
        let Some(log) = &self.log else { return };
        if self.unloaded.is_some() || !self.doc.get_heads().is_empty() {
            return;
        }
        match log.saved_document() {
            Ok(Some(SavedDocument {
                bytes,
                heads: Some(heads),
            })) if heads.iter().all(|h| self.changes.contains_key(h)) => {
                self.unloaded = Some(bytes);
            }
            Ok(_) => {}
            Err(_) => self.document_lost = true,
        }
    }

    /// Puts in the changes the document lacks, from the change log, once the saved
    /// document (if any) is in: everything admitted that is neither in it nor pending.
    /// Pending changes the saved document already holds are dropped.
    pub(super) fn fill_document_from_log(&mut self) {
        let Some(log) = self.log.take() else {
            return;
        };
        let in_doc = self.past_of(&self.doc.get_heads());
        if !in_doc.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.pending_at.clear();
            for change in pending {
                if !in_doc.contains(&change.hash()) {
                    self.queue(change);
                }
            }
        }
        let mut lacking: Vec<(u64, ChangeHash)> = self
            .changes
            .iter()
            .filter(|(hash, _)| !in_doc.contains(*hash) && !self.pending_at.contains_key(*hash))
            .map(|(hash, info)| (info.depth, *hash))
            .collect();
        lacking.sort();
        let hashes: Vec<ChangeHash> = lacking.into_iter().map(|(_, hash)| hash).collect();
        let read = log.changes(&hashes).and_then(|all| {
            all.iter()
                .map(|bytes| {
                    crate::contain::decode_change(bytes).map_err(|e| LogError::Storage(e.into()))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        match read {
            Ok(changes) => {
                for change in changes {
                    self.queue(change);
                }
            }
            // Without them the document would lack admitted changes: the caller restores
            // from the log, as for a saved document that does not load.
            Err(_) => self.document_lost = true,
        }
    }
}

/// Record bodies read from the change log: the change the saved fold numbered, decoded,
/// and the one record taken from it (the last change read is kept, since a rule reading
/// one record of a statement often reads its neighbours next).
struct LogRecords {
    coop: CoopId,
    hashes: Vec<ChangeHash>,
    log: Arc<dyn ChangeLog>,
    last: Mutex<Option<(u32, RecordStrings)>>,
}

/// A change's records, as (key, JSON) pairs.
type RecordStrings = Vec<(String, String)>;

impl RecordSource for LogRecords {
    fn record(&self, at: u32, id: &RecordId) -> Result<Record, SourceError> {
        let log = |e: Box<dyn std::error::Error + Send + Sync>| SourceError::Log(e);
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.as_ref().is_none_or(|(held, _)| *held != at) {
            let hash = self
                .hashes
                .get(at as usize)
                .ok_or(SourceError::NoSuchChange(at))?;
            let bytes = self
                .log
                .changes(std::slice::from_ref(hash))
                .map_err(|e| log(e.into()))?
                .pop()
                .ok_or_else(|| log(LogError::Missing(*hash).into()))?;
            let change = crate::contain::decode_change(&bytes).map_err(|e| log(e.into()))?;
            let strings = crate::admission::record_strings(&change).map_err(|e| log(e.into()))?;
            *last = Some((at, strings));
        }
        let key = id.to_string();
        let (_, strings) = last.as_ref().expect("filled above");
        let json = strings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, json)| json)
            .ok_or_else(|| SourceError::NotInChange(id.short()))?;
        let record = Record::from_trusted_json(json.as_bytes())?;
        if record.coop() != self.coop {
            return Err(SourceError::OtherCoop);
        }
        Ok(record)
    }
}
