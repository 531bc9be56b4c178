//! The rest of a saved replica: every record's place and every change's bookkeeping,
//! read whole the first time something asks for an entry only it holds.
//!
//! A replica opened from its saved core ([`Replica::open_core`]) holds what a write needs
//! (the heads, the authority records, the indexes, each device's chain length); its
//! large maps are [`Layered`] over a [`Rest`]. The rest is read from the saved state
//! kept with the core, or, if another process has saved a newer one since, replayed from
//! the change log up to the position the core was saved at (the log is append-only, so
//! that part of it never changes).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use automerge::ChangeHash;
use sangam_model::fold::Placed;
use sangam_model::layered::{Far, Prefixes};
use sangam_model::{IdMap, PublicKey, RecordId};

use super::{ChangeInfo, Replica};

/// How the rest is read: the whole replica as saved, opened the long way.
pub(super) type ReadRest = Box<dyn Fn() -> Result<Replica, String> + Send + Sync>;

/// The part of a saved replica not opened yet.
pub(super) struct Rest {
    read: ReadRest,
    loaded: OnceLock<Loaded>,
    records: Prefixes,
    changes: Prefixes,
    record_count: usize,
    change_count: usize,
}

struct Loaded {
    placed: IdMap<RecordId, Placed>,
    changes: IdMap<ChangeHash, ChangeInfo>,
    record_change: IdMap<RecordId, ChangeHash>,
    chains: HashMap<PublicKey, Vec<ChangeHash>>,
}

impl Rest {
    pub(super) fn new(
        read: ReadRest,
        records: Prefixes,
        changes: Prefixes,
        record_count: usize,
        change_count: usize,
    ) -> Arc<Self> {
        Arc::new(Self {
            read,
            loaded: OnceLock::new(),
            records,
            changes,
            record_count,
            change_count,
        })
    }

    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            let replica = (self.read)().unwrap_or_else(|why| {
                // Both the saved state and the change log it covers are gone or damaged:
                // a damaged home, not an input to refuse.
                panic!("the rest of the saved replica could not be read: {why}")
            });
            assert_eq!(
                (replica.fold.len(), replica.changes.len()),
                (self.record_count, self.change_count),
                "the rest of the saved replica holds other records than its core says"
            );
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

    pub(super) fn is_read(&self) -> bool {
        self.loaded.get().is_some()
    }

    /// Which records the rest holds, as its core said.
    pub(super) fn records(&self) -> &Prefixes {
        &self.records
    }

    /// Which changes the rest holds, as its core said.
    pub(super) fn changes(&self) -> &Prefixes {
        &self.changes
    }
}

/// The rest's record places, for the fold.
pub(super) struct RestPlaces(pub(super) Arc<Rest>);

impl Far<RecordId, Placed> for RestPlaces {
    fn map(&self) -> &IdMap<RecordId, Placed> {
        &self.0.loaded().placed
    }
    fn may_hold(&self, key: &RecordId) -> bool {
        self.0.records.may_hold(key.as_bytes())
    }
    fn len(&self) -> usize {
        self.0.record_count
    }
    fn is_read(&self) -> bool {
        self.0.is_read()
    }
}

/// The rest's changes.
pub(super) struct RestChanges(pub(super) Arc<Rest>);

impl Far<ChangeHash, ChangeInfo> for RestChanges {
    fn map(&self) -> &IdMap<ChangeHash, ChangeInfo> {
        &self.0.loaded().changes
    }
    fn may_hold(&self, key: &ChangeHash) -> bool {
        self.0.changes.may_hold(&key.0)
    }
    fn len(&self) -> usize {
        self.0.change_count
    }
    fn is_read(&self) -> bool {
        self.0.is_read()
    }
}

/// The rest's record-to-change map.
pub(super) struct RestRecordChanges(pub(super) Arc<Rest>);

impl Far<RecordId, ChangeHash> for RestRecordChanges {
    fn map(&self) -> &IdMap<RecordId, ChangeHash> {
        &self.0.loaded().record_change
    }
    fn may_hold(&self, key: &RecordId) -> bool {
        self.0.records.may_hold(key.as_bytes())
    }
    fn len(&self) -> usize {
        self.0.record_count
    }
    fn is_read(&self) -> bool {
        self.0.is_read()
    }
}

/// Each device's admitted changes by sequence number, the older part possibly in a
/// [`Rest`] not read yet (only their lengths are known then).
#[derive(Default)]
pub(super) struct Chains {
    /// Whole chains, or, over a rest, what was appended since opening.
    near: HashMap<PublicKey, Vec<ChangeHash>>,
    rest: Option<(HashMap<PublicKey, u64>, Arc<Rest>)>,
}

impl Chains {
    /// Chains whose first `lengths` changes are in `rest`.
    pub(super) fn over(lengths: HashMap<PublicKey, u64>, rest: Arc<Rest>) -> Self {
        Self {
            near: HashMap::new(),
            rest: Some((lengths, rest)),
        }
    }

    /// How many changes of `device` are admitted.
    pub(super) fn len(&self, device: &PublicKey) -> u64 {
        let older = self
            .rest
            .as_ref()
            .and_then(|(lengths, _)| lengths.get(device))
            .copied()
            .unwrap_or(0);
        older + self.near.get(device).map_or(0, |c| c.len() as u64)
    }

    /// Appends `device`'s next change.
    pub(super) fn push(&mut self, device: PublicKey, hash: ChangeHash) {
        self.near.entry(device).or_default().push(hash);
    }

    /// Every device's whole chain (reads the rest).
    pub(super) fn whole(&self) -> HashMap<PublicKey, Vec<ChangeHash>> {
        let Some((_, rest)) = &self.rest else {
            return self.near.clone();
        };
        let mut whole = rest.loaded().chains.clone();
        for (device, appended) in &self.near {
            whole.entry(*device).or_default().extend(appended);
        }
        whole
    }

    /// The lengths of every device's chain.
    pub(super) fn lengths(&self) -> HashMap<PublicKey, u64> {
        let mut lengths: HashMap<PublicKey, u64> = self
            .rest
            .as_ref()
            .map(|(lengths, _)| lengths.clone())
            .unwrap_or_default();
        for (device, appended) in &self.near {
            *lengths.entry(*device).or_default() += appended.len() as u64;
        }
        lengths
    }

    fn into_whole(self) -> HashMap<PublicKey, Vec<ChangeHash>> {
        assert!(
            self.rest.is_none(),
            "only chains with no rest are taken apart"
        );
        self.near
    }
}
