//! The commit that spans the log and each area's projection in one transaction.

use sangam_model::{CoopId, Timestamp};
use sangam_replica::SignedChange;

use crate::error::StoreError;
use crate::log::{self, ChangeSource, CoopReads, Rejection};
use crate::projection;
use crate::projection::books::BooksChanges;
use crate::projection::market::ListingRow;
use crate::projection::membership::MemberChanges;
use crate::store::Store;

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
