//! The ledger's index in the fold: accounts, entries, labour, closes, approvals,
//! reversals and allocations, each as the rules and the books read them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::id::RecordId;
use crate::keys::PublicKey;

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Index {
    /// Valid accounts, in fold order (depth, id).
    pub(crate) accounts: BTreeSet<(u64, RecordId)>,
    /// Valid entries, in fold order. In a fold opened from its saved core, only those
    /// placed since: the rest are among the rest's records (`entries_in_rest` counts them).
    pub(crate) entries: BTreeSet<(u64, RecordId)>,
    /// How many valid entries a fold opened from its saved core left in the rest (the
    /// largest index: a write needs none of it).
    #[serde(skip)]
    pub(crate) entries_in_rest: usize,
    /// Minutes the valid labour logs give each member's each day, before a day's cap:
    /// what the labour totals and a new log's check read, without every log's body.
    pub(crate) labour_days: BTreeMap<PublicKey, BTreeMap<String, u64>>,
    /// Valid closes, by account.
    pub(crate) closes: HashMap<RecordId, Vec<RecordId>>,
    /// Valid entries citing each proposal as their approval.
    pub(crate) approved_by: HashMap<RecordId, Vec<RecordId>>,
    /// Valid reversals of each entry.
    pub(crate) reversals: HashMap<RecordId, Vec<RecordId>>,
    /// Valid patronage allocations, in fold order.
    pub(crate) allocations: BTreeSet<(u64, RecordId)>,
}

impl Index {
    /// A copy without the entries (a saved core leaves them to the rest).
    pub(crate) fn without_entries(&self) -> Index {
        Index {
            accounts: self.accounts.clone(),
            entries: BTreeSet::new(),
            entries_in_rest: 0,
            labour_days: self.labour_days.clone(),
            closes: self.closes.clone(),
            approved_by: self.approved_by.clone(),
            reversals: self.reversals.clone(),
            allocations: self.allocations.clone(),
        }
    }
}
