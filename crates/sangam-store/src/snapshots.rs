//! Compacted `snapshots` of each co-op's document, so opening it need not replay the
//! whole log.

use rusqlite::{Connection, OptionalExtension, params};
use sangam_model::{CoopId, Timestamp};

use sangam_replica::{ChangeHash, SavedDocument};

use crate::{Store, StoreError};

/// Heads stored as concatenated 32-byte hashes; anything else is treated as unknown.
fn decode_heads(bytes: &[u8]) -> Option<Vec<ChangeHash>> {
    if !bytes.len().is_multiple_of(32) {
        return None;
    }
    bytes
        .chunks_exact(32)
        .map(|h| ChangeHash::try_from(h).ok())
        .collect()
}

/// [`Store::snapshot`] on any connection to the home.
pub(crate) fn read_snapshot(
    conn: &Connection,
    coop: CoopId,
) -> Result<Option<SavedDocument>, StoreError> {
    let row: Option<(Vec<u8>, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT doc, heads FROM snapshots WHERE coop = ?1",
            [coop.as_bytes()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.map(|(bytes, heads)| SavedDocument {
        bytes,
        heads: heads.and_then(|h| decode_heads(&h)),
    }))
}

impl Store {
    /// The latest snapshot of a co-op's document, with its heads when they were kept
    /// (`None` for a snapshot saved before they were, or whose heads column is damaged).
    pub fn snapshot(&self, coop: CoopId) -> Result<Option<SavedDocument>, StoreError> {
        read_snapshot(&self.conn, coop)
    }

    /// Replaces a co-op's snapshot.
    pub fn save_snapshot(
        &self,
        coop: CoopId,
        saved: &SavedDocument,
        change_count: usize,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let heads: Option<Vec<u8>> = saved
            .heads
            .as_ref()
            .map(|heads| heads.iter().flat_map(|h| h.0).collect());
        self.conn.execute(
            "INSERT INTO snapshots (coop, doc, change_count, saved_at, heads)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (coop) DO UPDATE SET doc = excluded.doc,
                change_count = excluded.change_count, saved_at = excluded.saved_at,
                heads = excluded.heads",
            params![
                coop.as_bytes(),
                saved.bytes,
                change_count as i64,
                now,
                heads
            ],
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
