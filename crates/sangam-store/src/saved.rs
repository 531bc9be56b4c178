//! `saved_replicas`: each co-op's replica as a process left it, so the next process opens
//! it and reads only the log's tail; and the [`LogReader`] such a replica reads the rest of
//! the log through, when it first needs a record body or its document.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sangam_model::Signature;
use sangam_model::{CoopId, Timestamp};
use sangam_replica::{ChangeHash, ChangeLog, LogError, RawChange, SavedDocument, SavedState};

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
    /// The bytes the replica saved: what one write needs, and everything.
    pub state: SavedState,
}

/// A saved replica's core, as read to open it ([`Store::saved_core`]).
#[derive(Debug, Clone)]
pub struct SavedCore {
    /// The log position it covers up to.
    pub position: i64,
    /// The log position the whole state kept with it covers up to (its own or earlier).
    pub state_position: i64,
    /// How many records its fold holds.
    pub record_count: i64,
    /// The core's bytes.
    pub core: Vec<u8>,
}

impl Store {
    /// The co-op's saved replica, if one is kept and still covers exactly the co-op's
    /// changes up to its position (the log is append-only, so one that does not was
    /// written by something else than this build and is not used).
    /// Only the core is read (the whole state is read through the [`LogReader`], if the
    /// replica opened from the core needs it); one saved without a core is not used.
    pub fn saved_core(&self, coop: CoopId) -> Result<Option<SavedCore>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT position, change_count, record_count, core, state_position
                 FROM saved_replicas
                 WHERE coop = ?1 AND core IS NOT NULL AND state_position <= position",
                [coop.as_bytes()],
                |r| {
                    Ok((
                        r.get::<_, i64>(1)?,
                        SavedCore {
                            position: r.get(0)?,
                            state_position: r.get(4)?,
                            record_count: r.get(2)?,
                            core: r.get(3)?,
                        },
                    ))
                },
            )
            .optional()?;
        let Some((change_count, saved)) = row else {
            return Ok(None);
        };
        // The co-op's changes at the position or before: all of them but the tail after it
        // (the log's rows from the position on, a short walk), so the check does not count
        // every change.
        let after: i64 = self.conn.query_row(
            "SELECT count(*) FROM changes WHERE +coop = ?1 AND seq > ?2",
            params![coop.as_bytes(), saved.position],
            |r| r.get(0),
        )?;
        let held = self.change_count(coop)? - after;
        Ok((held == change_count).then_some(saved))
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
                (coop, position, change_count, record_count, state, core, saved_at,
                 state_position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?2)
             ON CONFLICT (coop) DO UPDATE SET position = excluded.position,
                change_count = excluded.change_count, record_count = excluded.record_count,
                state = excluded.state, core = excluded.core, saved_at = excluded.saved_at,
                state_position = excluded.state_position
             WHERE excluded.position >= saved_replicas.position",
            params![
                coop.as_bytes(),
                saved.position,
                saved.change_count,
                saved.record_count,
                saved.state.whole,
                saved.state.core,
                now
            ],
        )?;
        Ok(())
    }

    /// Replaces the core of a co-op's saved replica, keeping its older whole state (the
    /// rest of a replica opened from the core is that state and the log after it). Does
    /// nothing when no saved replica is kept, or one covering a later position is.
    pub fn save_core(
        &self,
        coop: CoopId,
        position: i64,
        change_count: i64,
        record_count: i64,
        core: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE saved_replicas SET position = ?2, change_count = ?3, record_count = ?4,
                core = ?5, saved_at = ?6
             WHERE coop = ?1 AND position <= ?2 AND state_position <= ?2",
            params![
                coop.as_bytes(),
                position,
                change_count,
                record_count,
                core,
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

    fn saved_state(&self, covers: i64) -> Result<Option<(i64, Vec<u8>)>, LogError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.query_row(
            "SELECT state_position, state FROM saved_replicas
             WHERE coop = ?1 AND state_position <= ?2",
            params![self.coop.as_bytes(), covers],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| LogError::Storage(Box::new(e)))
    }

    fn changes_between(&self, after: i64, through: i64) -> Result<Vec<RawChange>, LogError> {
        let storage = |e: Box<dyn std::error::Error + Send + Sync>| LogError::Storage(e);
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = conn
            .prepare(
                "SELECT bytes, sig FROM changes WHERE +coop = ?1 AND seq > ?2 AND seq <= ?3
                 ORDER BY seq",
            )
            .map_err(|e| storage(Box::new(e)))?;
        let rows = stmt
            .query_map(params![self.coop.as_bytes(), after, through], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .map_err(|e| storage(Box::new(e)))?;
        rows.map(|row| {
            let (bytes, sig) = row.map_err(|e| storage(Box::new(e)))?;
            let sig: [u8; 64] = sig
                .try_into()
                .map_err(|_| storage("a stored signature is not 64 bytes".into()))?;
            Ok(RawChange {
                bytes,
                sig: Signature::from_bytes(sig),
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use sangam_replica::SavedState;
    use sangam_testkit::{Person, found, rename};

    use super::SavedReplica;
    use crate::ChangeSource;
    use crate::testing::{commit_of, temp};

    #[test]
    fn a_saved_core_is_read_only_while_it_covers_exactly_the_changes_up_to_its_position() {
        let (_dir, path) = temp();
        let asha = Person::seeded(1, "Asha");
        let (mut replica, genesis) = found(&asha, 1_000);
        let coop = replica.coop();
        let mut store = crate::Store::open(&path).expect("open");
        let mut changes = vec![genesis];
        for i in 0..3 {
            let (_, change) = replica
                .write(
                    rename(&format!("Asha {i}")),
                    &asha.member,
                    &asha.device,
                    2_000 + i,
                )
                .expect("writes");
            changes.push(change);
        }
        let mut commit = commit_of(coop, ChangeSource::Local);
        commit.changes = &changes[..3];
        store.commit(commit, 3_000).expect("commit");
        let count = |store: &crate::Store| -> (i64, i64) {
            let counted: i64 = store
                .conn
                .query_row(
                    "SELECT count(*) FROM changes WHERE coop = ?1",
                    [coop.as_bytes()],
                    |r| r.get(0),
                )
                .expect("counts");
            (store.change_count(coop).expect("kept"), counted)
        };
        assert_eq!(count(&store), (3, 3));
        let saved = |change_count: i64| SavedReplica {
            position: 3,
            change_count,
            record_count: change_count,
            state: SavedState {
                core: b"core".to_vec(),
                whole: b"whole".to_vec(),
            },
        };
        // Saved as covering two of the three changes up to position 3: not opened.
        store.save_replica(coop, &saved(2), 3_000).expect("saves");
        assert!(store.saved_core(coop).expect("reads").is_none());
        store.save_replica(coop, &saved(3), 3_000).expect("saves");
        let core = store.saved_core(coop).expect("reads").expect("covers");
        assert_eq!((core.position, core.core.as_slice()), (3, &b"core"[..]));
        // A change stored after leaves what it covers as it was (a duplicate is not
        // counted twice).
        let mut commit = commit_of(coop, ChangeSource::Local);
        commit.changes = &changes[2..];
        store.commit(commit, 4_000).expect("commit");
        assert_eq!(count(&store), (4, 4));
        assert!(store.saved_core(coop).expect("reads").is_some());
        // The whole state is read by position only.
        let reader = store.log_reader(coop).expect("reader");
        use sangam_replica::ChangeLog;
        assert_eq!(
            reader.saved_state(3).expect("reads"),
            Some((3, b"whole".to_vec()))
        );
        assert_eq!(reader.saved_state(2).expect("reads"), None);
        assert_eq!(reader.changes_between(0, 2).expect("reads").len(), 2);
        assert_eq!(reader.changes_between(2, 4).expect("reads").len(), 2);
        // A newer core keeps the older whole state: the rest is that and the log after.
        store
            .save_core(coop, 4, 4, 4, b"newer core", 5_000)
            .expect("saves");
        let core = store.saved_core(coop).expect("reads").expect("covers");
        assert_eq!((core.position, core.state_position), (4, 3));
        assert_eq!(core.core, b"newer core");
        assert_eq!(
            reader.saved_state(4).expect("reads"),
            Some((3, b"whole".to_vec()))
        );
        // An older one does not replace it.
        store
            .save_core(coop, 3, 3, 3, b"older", 5_000)
            .expect("runs");
        assert_eq!(
            store.saved_core(coop).expect("reads").expect("covers").core,
            b"newer core"
        );
    }
}
