//! A Sangam home on disk: one SQLite file holding the keys, each co-op's append-only log of
//! signed changes (the source of truth), compacted snapshots, and a projection of members
//! that is kept up to date from the changes and lets screens open without replaying them.
//!
//! WAL mode with `synchronous=FULL`: a write is acknowledged only after its transaction is
//! durable. Migrations only move forward. This crate must never depend on tokio, iroh or
//! tauri.
//!
//! One module per group of tables, each owning its SQL: `schema` (the migrations), `keys`
//! (identity, device key, retired devices), `log` (co-ops, the change log, rejections,
//! forks), `snapshots`, `peers`, `settings`, `invites`, and `projection` with one
//! submodule per area (`membership`: the members table). This file keeps the [`Store`]
//! itself: opening, the write lock, and the commit that spans the log and the projection.
//!
//! # Locking
//!
//! - One [`Store`] (one SQLite connection) per process and home.
//! - A write unit is `BEGIN IMMEDIATE` ([`Store::begin_write`]) to `COMMIT` or `ROLLBACK`
//!   ([`Store::end_write`]): SQLite's write lock on the file, shared by every process that
//!   uses the home. A writer waits up to [`WRITE_LOCK_WAIT`] for it, then fails with
//!   [`StoreError::Busy`] having written nothing.
//! - [`Store::commit`] (and the other multi-statement writes) are savepoints: inside a
//!   write unit they join it; outside one they are a transaction of their own.
//! - Reads never take the lock: WAL lets them see the last committed state while another
//!   process writes.

#![deny(missing_docs)]

mod invites;
mod keys;
mod log;
mod peers;
mod projection;
mod saved;
mod schema;
mod settings;
mod snapshots;

use std::path::Path;

use rusqlite::Connection;
use sangam_model::{CoopId, Timestamp};
use sangam_replica::SignedChange;

pub use invites::{InviteJoin, InviteRow, LinkUse};
pub use keys::MemberIdentity;
pub use log::{ChangeSource, CoopRow, ForkRow, LogRow, RefusedFrom, Rejection, RejectionRow};
pub use peers::{PeerPath, PeerRow};
pub use projection::books::{
    AccountRow, BalanceRow, BooksChanges, CapitalRow, EntryRow, JournalQuery, PostingRow,
};
pub use projection::market::{ListingQuery, ListingRow};
pub use projection::membership::{MemberChanges, MemberRow};
pub use saved::{LogReader, SavedCore, SavedReplica};

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
fn busy_or(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy
        }
        _ => StoreError::Sqlite(e),
    }
}

/// One home's database.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.conn.path())
    }
}

/// One durable write to a co-op: admitted changes, refusals, and what they changed in the
/// projection.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    /// The co-op written to.
    pub coop: CoopId,
    /// The co-op's name (from its genesis; empty when the changes do not carry it),
    /// recorded when the co-op is new to this home. A known co-op keeps the name it has.
    pub coop_name: &'a str,
    /// The co-op's currency (from its genesis; empty when not known), recorded once.
    pub coop_currency: &'a str,
    /// The co-op's details and devices after this commit, as core reads them (JSON), if
    /// it computed them.
    pub reads: Option<CoopReads<'a>>,
    /// Where the changes came from.
    pub source: ChangeSource,
    /// Newly admitted changes, each after its deps.
    pub changes: &'a [SignedChange],
    /// Changes refused, with why.
    pub rejections: &'a [Rejection],
    /// The members whose projection rows the changes altered. Every other row is left as
    /// it is, so a commit that changed no member passes [`MemberChanges::default`].
    pub members: MemberChanges<'a>,
    /// The listings the changes posted, revised, re-statused or answered, as they are now.
    pub listings: &'a [ListingRow],
    /// The accounts and entries the changes opened, posted or re-standed, as they are now.
    pub books: BooksChanges<'a>,
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

    /// Durably appends admitted changes and their refusals, and applies the member
    /// changes to the projection, in one transaction: either all of it is there after a
    /// crash, or none of it.
    pub fn commit(&mut self, commit: Commit<'_>, now: Timestamp) -> Result<(), StoreError> {
        // A savepoint: its own transaction alone, or part of the write begun by
        // `begin_write`.
        let tx = self.conn.savepoint()?;
        // A co-op's first commit starts its books' projection from nothing, so it holds
        // every change from the start (older homes' co-ops are checked once instead).
        let first = !tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM changes WHERE coop = ?1)")?
            .query_row([commit.coop.as_bytes()], |r| r.get::<_, bool>(0))?;
        log::add_coop(
            &tx,
            commit.coop,
            commit.coop_name,
            commit.coop_currency,
            now,
        )?;
        log::append(&tx, commit.coop, commit.changes, now)?;
        log::reject(&tx, commit.coop, commit.source, commit.rejections, now)?;
        projection::membership::apply(&tx, commit.coop, commit.members)?;
        projection::market::apply(&tx, commit.coop, commit.listings)?;
        projection::books::apply(&tx, commit.coop, commit.books)?;
        if first {
            projection::books::mark_current(&tx, commit.coop)?;
        }
        if let Some(reads) = &commit.reads {
            log::save_reads(&tx, commit.coop, reads)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A co-op's details and devices as core reads them, kept as JSON the store does not read.
#[derive(Debug, Clone, Copy)]
pub struct CoopReads<'a> {
    /// The co-op's details.
    pub details: &'a str,
    /// Its devices, when the commit may have changed them (else those kept stay).
    pub devices: Option<&'a str>,
}

/// A stored id, key or signature as its fixed-size array.
fn array<const N: usize>(bytes: &[u8]) -> Result<[u8; N], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Damaged("a stored id or signature has the wrong length"))
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::Store;
    use crate::testing::temp;

    #[test]
    fn a_write_begun_only_if_free_does_not_wait_for_another_process() {
        let (_dir, path) = temp();
        let holder = Store::open(&path).expect("opens");
        let other = Store::open(&path).expect("opens");
        holder.begin_write().expect("the lock");
        let started = std::time::Instant::now();
        assert!(!other.try_begin_write().expect("asks"), "held elsewhere");
        // Not the ten seconds a writer waits.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        holder.end_write(false).expect("releases");
        assert!(other.try_begin_write().expect("asks"), "free now");
        other.end_write(false).expect("releases");
        // The wait is back for ordinary writes: this one gets the lock once it is freed.
        other.begin_write().expect("the lock");
        other.end_write(true).expect("commits");
    }
}
