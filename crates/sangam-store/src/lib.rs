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
//! submodule per area (`membership`, `market`, `books`). `store` keeps the [`Store`]
//! itself (opening, the write lock), `commit` the commit that spans the log and each
//! area's projection, `error` what goes wrong; this file only names what the crate offers.
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

mod commit;
mod error;
mod invites;
mod keys;
mod log;
mod peers;
mod projection;
mod saved;
mod schema;
mod settings;
mod snapshots;
mod store;

pub use commit::Commit;
pub use error::{StoreError, WRITE_LOCK_WAIT};
pub use invites::{InviteJoin, InviteRow, LinkUse};
pub use keys::MemberIdentity;
pub use log::{
    ChangeSource, CoopReads, CoopRow, ForkRow, LogRow, RefusedFrom, Rejection, RejectionRow,
};
pub use peers::{PeerPath, PeerRow};
pub use projection::books::{
    AccountRow, BalanceRow, BooksChanges, CapitalRow, EntryRow, JournalQuery, PostingRow,
};
pub use projection::market::{ListingQuery, ListingRow};
pub use projection::membership::{MemberChanges, MemberRow};
pub use saved::{LogReader, SavedCore, SavedReplica};
pub use store::Store;

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
