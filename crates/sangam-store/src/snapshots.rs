//! Compacted `snapshots` of each co-op's document, so opening it need not replay the
//! whole log.

use rusqlite::{OptionalExtension, params};
use sangam_model::{CoopId, Timestamp};

use crate::{Store, StoreError};

impl Store {
    /// The latest snapshot of a co-op's document.
    pub fn snapshot(&self, coop: CoopId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT doc FROM snapshots WHERE coop = ?1",
                [coop.as_bytes()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Replaces a co-op's snapshot.
    pub fn save_snapshot(
        &self,
        coop: CoopId,
        doc: &[u8],
        change_count: usize,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO snapshots (coop, doc, change_count, saved_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (coop) DO UPDATE SET doc = excluded.doc,
                change_count = excluded.change_count, saved_at = excluded.saved_at",
            params![coop.as_bytes(), doc, change_count as i64, now],
        )?;
        Ok(())
    }

    /// How many changes the snapshot holds, if there is one.
    pub fn snapshot_change_count(&self, coop: CoopId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT change_count FROM snapshots WHERE coop = ?1",
                [coop.as_bytes()],
                |r| r.get(0),
            )
            .optional()?)
    }
}
