//! What the replica keeps of each change besides its bytes.

use automerge::ChangeHash;
use sangam_model::{Context, RecordId, Signature};

/// A change's place in the graph, its context, signature and records.
#[derive(Debug, Clone)]
pub(super) struct ChangeInfo {
    pub(super) deps: Vec<ChangeHash>,
    pub(super) depth: u64,
    /// Authority records in the change's past and in the change itself.
    pub(super) context_after: Context,
    pub(super) sig: Signature,
    /// The records the change carries.
    pub(super) records: Vec<RecordId>,
}
