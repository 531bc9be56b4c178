//! The [`Store`] itself: opening a home (and migrating it forward), and its write lock.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{StoreError, WRITE_LOCK_WAIT, busy_or};
use crate::schema;

/// One home's database.
pub struct Store {
    pub(crate) conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.conn.path())
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it forward.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(WRITE_LOCK_WAIT)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(busy_or)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// Takes the home's write lock (`BEGIN IMMEDIATE`), waiting up to [`WRITE_LOCK_WAIT`]
    /// for another process to finish its write. Until [`Store::end_write`], this
    /// connection is the only writer of the home, and what it reads is the latest
    /// committed state: a writer that reads the change log here and then appends to it
    /// cannot race another writer (the sequence numbers and parents of a new change are
    /// decided under this lock).
    pub fn begin_write(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(busy_or)
    }

    /// Like [`Store::begin_write`], but only if the write lock is free now: `Ok(false)`,
    /// with nothing begun, when another process holds it.
    pub fn try_begin_write(&self) -> Result<bool, StoreError> {
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let begun = self.conn.execute_batch("BEGIN IMMEDIATE");
        self.conn.busy_timeout(WRITE_LOCK_WAIT)?;
        match begun.map_err(busy_or) {
            Ok(()) => Ok(true),
            Err(StoreError::Busy) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Ends the write begun by [`Store::begin_write`]: commits durably, or rolls back.
    pub fn end_write(&self, commit: bool) -> Result<(), StoreError> {
        if commit {
            self.conn.execute_batch("COMMIT").map_err(busy_or)
        } else {
            self.conn.execute_batch("ROLLBACK").map_err(busy_or)
        }
    }

    /// `PRAGMA integrity_check`: `Ok` when SQLite reports "ok".
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let report: String = self
            .conn
            .pragma_query_value(None, "integrity_check", |r| r.get(0))?;
        if report == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged("integrity check failed"))
        }
    }
}
