//! What went wrong with the home on disk, and the helpers that say so.

/// What went wrong with the home on disk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer Sangam.
    #[error("this home was written by a newer Sangam (schema {found}, this build knows {known})")]
    TooNew {
        /// The file's schema version.
        found: u32,
        /// The newest this build knows.
        known: u32,
    },
    /// A stored value has the wrong shape (the file was damaged or edited).
    #[error("stored data is damaged: {0}")]
    Damaged(&'static str),
    /// A stored word is not one this build writes (the file was damaged or edited, or a
    /// newer Sangam wrote a word this one does not know).
    #[error("stored data is damaged: unknown {what} {value:?}")]
    Unknown {
        /// What the word names (`peer path`, `standing`).
        what: &'static str,
        /// The word found.
        value: String,
    },
    /// Another process held the home's write lock for longer than [`WRITE_LOCK_WAIT`].
    #[error(
        "another Sangam program is writing to this home and did not finish within {} s",
        WRITE_LOCK_WAIT.as_secs()
    )]
    Busy,
}

/// How long a writer waits for another process's write to finish before giving up.
pub const WRITE_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Maps SQLite's "database is locked" (the busy timeout ran out) to [`StoreError::Busy`].
pub(crate) fn busy_or(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy
        }
        _ => StoreError::Sqlite(e),
    }
}

/// A stored id, key or signature as its fixed-size array.
pub(crate) fn array<const N: usize>(bytes: &[u8]) -> Result<[u8; N], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Damaged("a stored id or signature has the wrong length"))
}
