//! `saved_replicas`: each co-op's replica as a process left it, so the next process opens
//! it and reads only the log's tail; and the [`LogReader`] such a replica reads the rest of
//! the log through, when it first needs a record body or its document.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sangam_model::{CoopId, Timestamp};
use sangam_replica::{ChangeHash, ChangeLog, LogError, SavedDocument};

use crate::{Store, StoreError, WRITE_LOCK_WAIT};

/// A saved replica, as stored.
#[derive(Debug, Clone)]
pub struct SavedReplica {
    /// The log position it covers up to.
    pub position: i64,
    /// How many of the co-op's changes it holds: all of those at `position` or before.
    pub change_count: i64,
    /// How many records its fold holds.
    pub record_count: i64,
    /// The bytes the replica saved.
    pub state: Vec<u8>,
}

impl Store {
    /// The co-op's saved replica, if one is kept and still covers exactly the co-op's
    /// changes up to its position (the log is append-only, so one that does not was
    /// written by something else than this build and is not used).
    pub fn saved_replica(&self, coop: CoopId) -> Result<Option<SavedReplica>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT position, change_count, record_count, state FROM saved_replicas
                 WHERE coop = ?1",
                [coop.as_bytes()],
                |r| {
                    Ok(SavedReplica {
                        position: r.get(0)?,
                        change_count: r.get(1)?,
                        record_count: r.get(2)?,
                        state: r.get(3)?,
                    })
                },
            )
            .optional()?;
        let Some(saved) = row else { return Ok(None) };
        let held: i64 = self.conn.query_row(
            "SELECT count(*) FROM changes WHERE coop = ?1 AND seq <= ?2",
            params![coop.as_bytes(), saved.position],
            |r| r.get(0),
        )?;
        Ok((held == saved.change_count).then_some(saved))
    }

    /// How many records the co-op's saved replica holds, if one is kept.
    pub fn saved_replica_records(&self, coop: CoopId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT record_count FROM saved_replicas WHERE coop = ?1",
                [coop.as_bytes()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps a co-op's saved replica, unless one covering a later position is kept.
    pub fn save_replica(
        &self,
        coop: CoopId,
        saved: &SavedReplica,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO saved_replicas
                (coop, position, change_count, record_count, state, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (coop) DO UPDATE SET position = excluded.position,
                change_count = excluded.change_count, record_count = excluded.record_count,
                state = excluded.state, saved_at = excluded.saved_at
             WHERE excluded.position >= saved_replicas.position",
            params![
                coop.as_bytes(),
                saved.position,
                saved.change_count,
                saved.record_count,
                saved.state,
                now
            ],
        )?;
        Ok(())
    }

    /// Forgets a co-op's saved replica (a fork was found: it is replayed by the rule).
    pub fn drop_saved_replica(&self, coop: CoopId) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM saved_replicas WHERE coop = ?1",
            [coop.as_bytes()],
        )?;
        Ok(())
    }

    /// A reader of a co-op's change log on a connection of its own, for a replica opened
    /// saved. It sees what was committed; a saved replica only asks it for changes that
    /// were.
    pub fn log_reader(&self, coop: CoopId) -> Result<LogReader, StoreError> {
        let path = self
            .conn
            .path()
            .filter(|p| !p.is_empty())
            .ok_or(StoreError::Damaged(
                "the home has no file to read the log from",
            ))?;
        LogReader::open(Path::new(path), coop)
    }
}

/// One co-op's change log, read on a connection of its own ([`Store::log_reader`]).
pub struct LogReader {
    coop: CoopId,
    conn: Mutex<Connection>,
}

impl LogReader {
    fn open(path: &Path, coop: CoopId) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(WRITE_LOCK_WAIT)?;
        Ok(Self {
            coop,
            conn: Mutex::new(conn),
        })
    }
}

impl ChangeLog for LogReader {
    fn changes(&self, hashes: &[ChangeHash]) -> Result<Vec<Vec<u8>>, LogError> {
        let storage = |e: rusqlite::Error| LogError::Storage(Box::new(e));
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = conn
            .prepare_cached("SELECT bytes FROM changes WHERE coop = ?1 AND hash = ?2")
            .map_err(storage)?;
        hashes
            .iter()
            .map(|hash| {
                stmt.query_row(params![self.coop.as_bytes(), &hash.0[..]], |r| r.get(0))
                    .optional()
                    .map_err(storage)?
                    .ok_or(LogError::Missing(*hash))
            })
            .collect()
    }

    fn saved_document(&self) -> Result<Option<SavedDocument>, LogError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        crate::snapshots::read_snapshot(&conn, self.coop)
            .map_err(|e| LogError::Storage(Box::new(e)))
    }
}
