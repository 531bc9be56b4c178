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

use super::{ChangeInfo, Replica, SavedDocument};

/// The home's change log, as the replica reads it after opening saved.
pub trait ChangeLog: Send + Sync {
    /// The stored bytes of each of `hashes`, in their order.
    fn changes(&self, hashes: &[ChangeHash]) -> Result<Vec<Vec<u8>>, LogError>;

    /// The saved document kept with the log, if any.
    fn saved_document(&self) -> Result<Option<SavedDocument>, LogError>;
}

/// Why the home's change log could not give what was asked.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The store could not be read.
    #[error("the home's change log could not be read: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The change is not in the log.
    #[error("change {0} is not in the home's change log")]
    Missing(ChangeHash),
}

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
}

/// Bumped whenever what is saved changes shape or meaning: a saved state of another
/// version is not opened, and the home replays instead (and saves anew).
const VERSION: u32 = 1;

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

impl Replica {
    /// The replica's state saved for a later process ([`Replica::open_saved`]); `None`
    /// when it is in a state only a replay rebuilds (see the module docs).
    pub fn save_state(&self) -> Option<Vec<u8>> {
        if self.replay
            || self.document_lost
            // Judged against this device's key: after the home takes a new one (which it
            // does on finding this), a replay would judge it anew.
            || self.own_device_elsewhere
            || !self.shadowed.is_empty()
            || !self.exclude.is_empty()
            || self.fold.waiting() > 0
        {
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
        for (device, chain) in &self.chains {
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
            let chain = replica.chains.entry(change.device).or_default();
            if chain.len() as u64 + 1 != change.seq {
                return Err(SavedReplicaError::Sequence(hash));
            }
            chain.push(hash);
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
        for (hash, mine) in &self.changes {
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
        if self.chains != other.chains {
            out.push("the devices' chains differ".into());
        }
        if self.max_op != other.max_op {
            out.push(format!("max op {} against {}", self.max_op, other.max_op));
        }
        if self.record_change != other.record_change {
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
