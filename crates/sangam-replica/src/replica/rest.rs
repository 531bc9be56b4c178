//! The rest of a saved replica: every record's place and every change's bookkeeping,
//! read whole the first time something asks for an entry only it holds.
//!
//! A replica opened from its saved core ([`Replica::open_core`]) holds what a write needs
//! (the heads, the authority records, the indexes, each device's chain length); its
//! large maps are [`Layered`] over a [`Rest`]. The rest is read from the whole state
//! kept with the core (saved with it, or earlier) and the log's changes after that state
//! up to the core's position; or, if another process has saved a newer whole state since,
//! replayed from the change log up to that position (the log is append-only, so that
//! part of it never changes).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use automerge::ChangeHash;
use sangam_model::fold::Placed;
use sangam_model::layered::{Far, Prefixes};
use sangam_model::{IdMap, PublicKey, RecordId};

use super::ChangeInfo;
use super::change_log::LogError;

/// How the rest is read: the whole replica as saved, opened the long way, taken apart.
pub(super) type ReadRest = Box<dyn Fn() -> Result<Loaded, RestError> + Send + Sync>;

/// Why the rest of a saved replica could not be read: neither the saved state nor the
/// change log it covers gives it back (a damaged home).
#[derive(Debug, thiserror::Error)]
pub(super) enum RestError {
    /// The change log could not be read.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A change the log holds up to the saved core does not replay.
    #[error("the change log up to the saved core does not replay: {0}")]
    DoesNotReplay(crate::admission::Rejection),
}

/// The part of a saved replica not opened yet.
pub(super) struct Rest {
    read: ReadRest,
    loaded: OnceLock<Loaded>,
    records: Prefixes,
    changes: Prefixes,
    record_count: usize,
    change_count: usize,
}

/// The rest, read: the whole replica's records, changes and chains.
pub(super) struct Loaded {
    pub(super) placed: IdMap<RecordId, Placed>,
    pub(super) changes: IdMap<ChangeHash, ChangeInfo>,
    pub(super) record_change: IdMap<RecordId, ChangeHash>,
    pub(super) chains: HashMap<PublicKey, Vec<ChangeHash>>,
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
            let loaded = (self.read)().unwrap_or_else(|why| {
                // Both the saved state and the change log it covers are gone or damaged:
                // a damaged home, not an input to refuse.
                panic!("the rest of the saved replica could not be read: {why}")
            });
            assert_eq!(
                (loaded.placed.len(), loaded.changes.len()),
                (self.record_count, self.change_count),
                "the rest of the saved replica holds other records than its core says"
            );
            loaded
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

/// One of the rest's maps, for a [`sangam_model::layered::Layered`] map over it.
pub(super) struct RestPart<K, V> {
    rest: Arc<Rest>,
    map: fn(&Loaded) -> &IdMap<K, V>,
    holds: fn(&Rest, &K) -> bool,
    len: fn(&Rest) -> usize,
}

impl RestPart<RecordId, Placed> {
    /// The rest's record places, for the fold.
    pub(super) fn places(rest: Arc<Rest>) -> Arc<Self> {
        Arc::new(Self {
            rest,
            map: |loaded| &loaded.placed,
            holds: |rest, id| rest.records.may_hold(id.as_bytes()),
            len: |rest| rest.record_count,
        })
    }
}

impl RestPart<ChangeHash, ChangeInfo> {
    /// The rest's changes.
    pub(super) fn changes(rest: Arc<Rest>) -> Arc<Self> {
        Arc::new(Self {
            rest,
            map: |loaded| &loaded.changes,
            holds: |rest, hash| rest.changes.may_hold(&hash.0),
            len: |rest| rest.change_count,
        })
    }
}

impl RestPart<RecordId, ChangeHash> {
    /// The change holding each of the rest's records.
    pub(super) fn record_changes(rest: Arc<Rest>) -> Arc<Self> {
        Arc::new(Self {
            rest,
            map: |loaded| &loaded.record_change,
            holds: |rest, id| rest.records.may_hold(id.as_bytes()),
            len: |rest| rest.record_count,
        })
    }
}

impl<K: Send + Sync, V: Send + Sync> Far<K, V> for RestPart<K, V> {
    fn map(&self) -> &IdMap<K, V> {
        (self.map)(self.rest.loaded())
    }
    fn may_hold(&self, key: &K) -> bool {
        (self.holds)(&self.rest, key)
    }
    fn len(&self) -> usize {
        (self.len)(&self.rest)
    }
    fn is_read(&self) -> bool {
        self.rest.is_read()
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

    pub(super) fn into_whole(self) -> HashMap<PublicKey, Vec<ChangeHash>> {
        assert!(
            self.rest.is_none(),
            "only chains with no rest are taken apart"
        );
        self.near
    }
}
