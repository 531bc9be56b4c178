//! What a window reads most, kept ready outside the node: each co-op's proposal list and
//! tallies as of the last commit. The write path refreshes them after each durable commit,
//! before its events go out, so a read never waits for a write or a sync round in progress
//! and a subscriber that rereads on an event sees what the event announced.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use sangam_model::{CoopId, RecordId};

use crate::dto::{ProposalSummaryDto, TallyDto};

/// One co-op's ready reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct CoopReads {
    /// Every proposal, newest first.
    pub(crate) proposals: Vec<ProposalSummaryDto>,
    /// Each proposal's tally.
    pub(crate) tallies: HashMap<RecordId, TallyDto>,
}

/// The ready reads of the co-ops read so far (a co-op is added on its first read).
#[derive(Debug, Default)]
pub(crate) struct Published {
    coops: Mutex<HashMap<CoopId, CoopReads>>,
}

impl Published {
    fn lock(&self) -> MutexGuard<'_, HashMap<CoopId, CoopReads>> {
        self.coops.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A co-op's ready reads, if it has been read before.
    pub(crate) fn get(&self, coop: CoopId) -> Option<CoopReads> {
        self.lock().get(&coop).cloned()
    }

    /// Whether the co-op's reads are kept (so a commit must refresh them).
    pub(crate) fn holds(&self, coop: CoopId) -> bool {
        self.lock().contains_key(&coop)
    }

    pub(crate) fn put(&self, coop: CoopId, reads: CoopReads) {
        self.lock().insert(coop, reads);
    }

    /// Forgets a co-op's reads: the next read rebuilds them from the node.
    pub(crate) fn drop_coop(&self, coop: CoopId) {
        self.lock().remove(&coop);
    }
}
