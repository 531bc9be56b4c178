//! What a replica opened from its saved state asks of the home: the change log, and the
//! saved document kept with it.

use automerge::ChangeHash;

use crate::change::RawChange;

/// A saved document to restore a replica on top of.
#[derive(Debug, Clone)]
pub struct SavedDocument {
    /// The bytes [`Replica::save`] returned.
    pub bytes: Vec<u8>,
    /// Its heads, as [`Replica::save_document`] gave them; `None` for one
    /// saved before heads were kept, which is loaded at once to learn them.
    pub heads: Option<Vec<ChangeHash>>,
}

/// The home's change log, as the replica reads it after opening saved.
pub trait ChangeLog: Send + Sync {
    /// The stored bytes of each of `hashes`, in their order.
    fn changes(&self, hashes: &[ChangeHash]) -> Result<Vec<Vec<u8>>, LogError>;

    /// The saved document kept with the log, if any.
    fn saved_document(&self) -> Result<Option<SavedDocument>, LogError>;

    /// The whole saved state ([`SavedState::whole`]) kept with the core a replica was
    /// opened from, and the log position it covers (the log's own numbering), if it covers
    /// no more than `covers`; `None` once a state covering more has replaced it.
    fn saved_state(&self, covers: i64) -> Result<Option<(i64, Vec<u8>)>, LogError>;

    /// The co-op's changes in the log after position `after` and up to `through`, in the
    /// order stored.
    fn changes_between(&self, after: i64, through: i64) -> Result<Vec<RawChange>, LogError>;
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
