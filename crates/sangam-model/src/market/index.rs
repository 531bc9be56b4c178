//! The marketplace's index in the fold: the valid listings in fold order and what is
//! said about each.

use std::collections::{BTreeMap, BTreeSet};

use crate::id::RecordId;

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Index {
    /// Valid listings in fold order (depth, id).
    pub(crate) listings: BTreeSet<(u64, RecordId)>,
    /// Valid revisions, status changes and responses, by listing.
    pub(crate) about: BTreeMap<RecordId, Vec<RecordId>>,
}
