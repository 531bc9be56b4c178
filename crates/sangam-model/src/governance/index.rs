//! Governance's index in the fold: the valid proposals in fold order and every record
//! about each proposal (the questions answered from it are in `queries.rs`).

use std::collections::{BTreeSet, HashMap};

use crate::id::RecordId;

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Index {
    /// Ballots, proxies, closes and withdrawals by proposal.
    pub(crate) by_proposal: HashMap<RecordId, Vec<RecordId>>,
    /// Closes and withdrawals by proposal: what ends a vote.
    pub(crate) ends: HashMap<RecordId, Vec<RecordId>>,
    /// Valid proposals in fold order (depth, id), so listing them reads no other record.
    pub(crate) proposals: BTreeSet<(u64, RecordId)>,
    /// Valid calls for nominations in fold order.
    #[serde(default)]
    pub(crate) calls: BTreeSet<(u64, RecordId)>,
    /// Valid co-op templates in fold order.
    #[serde(default)]
    pub(crate) templates: BTreeSet<(u64, RecordId)>,
    /// Nominations, answers and the elections opened, by call (valid or not: rules
    /// filter by verdict and by the past of the record judged).
    #[serde(default)]
    pub(crate) about_call: HashMap<RecordId, Vec<RecordId>>,
}

impl Index {
    /// Notes a ballot, proxy record, close or withdrawal of `proposal`.
    pub(crate) fn note_act(&mut self, proposal: RecordId, id: RecordId) {
        self.by_proposal.entry(proposal).or_default().push(id);
    }

    /// Notes a close or withdrawal of `proposal`.
    pub(crate) fn note_end(&mut self, proposal: RecordId, id: RecordId) {
        self.ends.entry(proposal).or_default().push(id);
    }
}
