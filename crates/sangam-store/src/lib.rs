//! A Sangam home on disk: one SQLite file holding the keys, each co-op's append-only log of
//! signed changes (the source of truth), compacted snapshots, and a projection of members
//! that is rebuilt from the changes and lets screens open without replaying them.
//!
//! WAL mode with `synchronous=FULL`: a write is acknowledged only after its transaction is
//! durable. Migrations only move forward. This crate must never depend on tokio, iroh or
//! tauri.

#![deny(missing_docs)]

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use sangam_model::{CoopId, CoopState, PublicKey, RecordId, SecretKey, Signature, Timestamp};
use sangam_replica::{ChangeHash, RawChange, SignedChange};

/// The schema, one migration per entry; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    // 1: keys, co-ops, the change log, snapshots, the member projection, rejections.
    r#"
    CREATE TABLE identity (
        slot TEXT PRIMARY KEY CHECK (slot IN ('member', 'device')),
        secret BLOB NOT NULL CHECK (length(secret) = 32),
        name TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE coops (
        id BLOB PRIMARY KEY CHECK (length(id) = 32),
        name TEXT NOT NULL,
        added_at INTEGER NOT NULL
    );
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY,
        coop BLOB NOT NULL REFERENCES coops(id),
        hash BLOB NOT NULL CHECK (length(hash) = 32),
        bytes BLOB NOT NULL,
        sig BLOB NOT NULL CHECK (length(sig) = 64),
        stored_at INTEGER NOT NULL,
        UNIQUE (coop, hash)
    );
    CREATE TRIGGER changes_append_only_update BEFORE UPDATE ON changes
        BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
    CREATE TRIGGER changes_append_only_delete BEFORE DELETE ON changes
        BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
    CREATE TABLE snapshots (
        coop BLOB PRIMARY KEY REFERENCES coops(id),
        doc BLOB NOT NULL,
        change_count INTEGER NOT NULL,
        saved_at INTEGER NOT NULL
    );
    CREATE TABLE members (
        coop BLOB NOT NULL REFERENCES coops(id),
        key BLOB NOT NULL,
        name TEXT NOT NULL,
        contact TEXT,
        standing TEXT NOT NULL,
        admitted_by BLOB NOT NULL,
        admitted_at INTEGER NOT NULL,
        PRIMARY KEY (coop, key)
    );
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        coop BLOB NOT NULL,
        hash BLOB,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    "#,
    // 2: peers seen, for `sangam peers` and for dialling them again.
    r#"
    CREATE TABLE peers (
        device BLOB NOT NULL CHECK (length(device) = 32),
        coop BLOB NOT NULL,
        addr TEXT NOT NULL,
        path TEXT NOT NULL,
        last_synced INTEGER NOT NULL,
        PRIMARY KEY (device, coop)
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 3: invites this home issued (by the hash of their secret) and who joined with them.
    r#"
    CREATE TABLE invites (
        secret_hash BLOB PRIMARY KEY CHECK (length(secret_hash) = 32),
        coop BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        uses INTEGER NOT NULL CHECK (uses > 0),
        used INTEGER NOT NULL DEFAULT 0 CHECK (used <= uses)
    );
    CREATE TABLE invite_joins (
        secret_hash BLOB NOT NULL REFERENCES invites (secret_hash),
        member BLOB NOT NULL CHECK (length(member) = 32),
        device BLOB NOT NULL CHECK (length(device) = 32),
        name TEXT NOT NULL,
        at INTEGER NOT NULL,
        proposal BLOB,
        PRIMARY KEY (secret_hash, member)
    );
    "#,
    // 4: forks found (a device with two changes under one sequence number), and the
    // device keys this home stopped using because a copy of it wrote under them.
    r#"
    CREATE TABLE forks (
        coop BLOB NOT NULL,
        device BLOB NOT NULL CHECK (length(device) = 32),
        seq INTEGER NOT NULL,
        kept BLOB,
        found_at INTEGER NOT NULL,
        PRIMARY KEY (coop, device, seq)
    );
    CREATE TABLE retired_devices (
        device BLOB PRIMARY KEY CHECK (length(device) = 32),
        retired_at INTEGER NOT NULL
    );
    "#,
];

/// A fork this home found: a device that wrote two changes with one sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkRow {
    /// The forked device.
    pub device: PublicKey,
    /// The sequence number it used twice.
    pub seq: u64,
    /// When this home found it.
    pub found_at: Timestamp,
}

/// An invite this home issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRow {
    /// The co-op it is for.
    pub coop: CoopId,
    /// When it was made, ms since the epoch.
    pub created_at: Timestamp,
    /// Until when it may be used.
    pub expires_at: Timestamp,
    /// How many newcomers it may bring in.
    pub uses: u32,
    /// How many it has brought in.
    pub used: u32,
}

/// A newcomer who joined with an invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteJoin {
    /// The newcomer's member key.
    pub member: PublicKey,
    /// The proposal to admit them, when the bylaws asked for a vote.
    pub proposal: Option<RecordId>,
}

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

/// A member row of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// Member key.
    pub key: PublicKey,
    /// Display name.
    pub name: String,
    /// Contact line.
    pub contact: Option<String>,
    /// `active`, `left` or `removed`.
    pub standing: String,
    /// Admitting record.
    pub admitted_by: RecordId,
    /// Claimed admission time.
    pub admitted_at: Timestamp,
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

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it forward.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(WRITE_LOCK_WAIT)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(busy_or)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let known = MIGRATIONS.len() as u32;
        // Immediate, and the version read inside: two processes opening a new home at once
        // must not both apply the same migration.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(busy_or)?;
        let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        }
        tx.commit()?;
        Ok(())
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

    /// Ends the write begun by [`Store::begin_write`]: commits durably, or rolls back.
    pub fn end_write(&self, commit: bool) -> Result<(), StoreError> {
        if commit {
            self.conn.execute_batch("COMMIT").map_err(busy_or)
        } else {
            self.conn.execute_batch("ROLLBACK").map_err(busy_or)
        }
    }

    /// The position of the newest stored change of any co-op (0 for none): after a write
    /// that caught up under the lock, every loaded co-op has read the log up to here.
    pub fn last_position(&self) -> Result<i64, StoreError> {
        // A bare max() of the rowid: SQLite reads it from the end of the table's b-tree
        // (wrapped in another function it would scan every row).
        let last: Option<i64> = self
            .conn
            .query_row("SELECT max(seq) FROM changes", [], |r| r.get(0))?;
        Ok(last.unwrap_or(0))
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

    /// This install's device key, created from `seed` on first use.
    pub fn device_key(
        &self,
        seed: impl FnOnce() -> [u8; 32],
        now: Timestamp,
    ) -> Result<SecretKey, StoreError> {
        if let Some(key) = self.secret("device")? {
            return Ok(key.0);
        }
        let key = SecretKey::from_seed(seed());
        // Two processes opening a new home at once: the first key stored is the one kept.
        self.conn.execute(
            "INSERT INTO identity (slot, secret, name, created_at) VALUES ('device', ?1, NULL, ?2)
             ON CONFLICT (slot) DO NOTHING",
            params![key.to_seed().as_slice(), now],
        )?;
        self.secret("device")?
            .map(|(key, _)| key)
            .ok_or(StoreError::Damaged("the device key was not stored"))
    }

    /// The member key and name, if one was made.
    pub fn member_key(&self) -> Result<Option<(SecretKey, String)>, StoreError> {
        Ok(self
            .secret("member")?
            .map(|(key, name)| (key, name.unwrap_or_default())))
    }

    /// Saves the member key. Refuses to replace an existing one.
    pub fn set_member_key(
        &self,
        key: &SecretKey,
        name: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO identity (slot, secret, name, created_at) VALUES ('member', ?1, ?2, ?3)",
            params![key.to_seed().as_slice(), name, now],
        )?;
        Ok(())
    }

    fn secret(&self, slot: &str) -> Result<Option<(SecretKey, Option<String>)>, StoreError> {
        let row: Option<(Vec<u8>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT secret, name FROM identity WHERE slot = ?1",
                [slot],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(bytes, name)| {
            let seed = zeroize::Zeroizing::new(
                <[u8; 32]>::try_from(bytes.as_slice())
                    .map_err(|_| StoreError::Damaged("key length"))?,
            );
            Ok((SecretKey::from_seed(*seed), name))
        })
        .transpose()
    }

    /// Co-ops in this home, oldest first.
    pub fn coops(&self) -> Result<Vec<(CoopId, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM coops ORDER BY added_at, id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (id, name) = row?;
            Ok((RecordId::from_bytes(array(&id)?), name))
        })
        .collect()
    }

    /// The stored changes of a co-op, in the order they were stored (each after its deps).
    pub fn changes(&self, coop: CoopId) -> Result<Vec<RawChange>, StoreError> {
        let mut stmt = self
            .conn
            // `+coop`: in log order straight from the table, with no sort.
            .prepare("SELECT bytes, sig FROM changes WHERE +coop = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        rows.map(|row| {
            let (bytes, sig) = row?;
            Ok(RawChange {
                bytes,
                sig: Signature::from_bytes(array(&sig)?),
            })
        })
        .collect()
    }

    /// Changes stored after position `after` (by any process sharing this home), with their
    /// positions, in order.
    pub fn changes_after(
        &self,
        coop: CoopId,
        after: i64,
    ) -> Result<Vec<(i64, RawChange)>, StoreError> {
        Ok(self
            .read_changes(coop, after)?
            .into_iter()
            .map(|(seq, _, change)| (seq, change))
            .collect())
    }

    /// Every stored change of a co-op with its hash, in the order stored (each after its
    /// deps): what a bundle or a newcomer receives, read without rebuilding changes from
    /// the document.
    pub fn changes_with_hashes(
        &self,
        coop: CoopId,
    ) -> Result<Vec<(ChangeHash, RawChange)>, StoreError> {
        Ok(self
            .read_changes(coop, 0)?
            .into_iter()
            .map(|(_, hash, change)| (hash, change))
            .collect())
    }

    fn read_changes(
        &self,
        coop: CoopId,
        after: i64,
    ) -> Result<Vec<(i64, ChangeHash, RawChange)>, StoreError> {
        let mut stmt = self.conn.prepare(
            // `+coop`: walk the log in order from `after` (the rowid), instead of every row
            // of the co-op through the (coop, hash) index and then a sort.
            "SELECT seq, hash, bytes, sig FROM changes WHERE +coop = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![coop.as_bytes(), after], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, hash, bytes, sig) = row?;
            Ok((
                seq,
                ChangeHash(array(&hash)?),
                RawChange {
                    bytes,
                    sig: Signature::from_bytes(array(&sig)?),
                },
            ))
        })
        .collect()
    }

    /// Remembers a peer device seen syncing a co-op. An address that says how to reach it
    /// (`dialable`) replaces the stored one; a bare id (a peer that dialled us) does not.
    pub fn remember_peer(
        &self,
        device: &PublicKey,
        coop: CoopId,
        addr: &str,
        dialable: bool,
        path: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO peers (device, coop, addr, path, last_synced) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (device, coop) DO UPDATE SET
                addr = CASE WHEN ?6 THEN excluded.addr ELSE peers.addr END,
                path = excluded.path, last_synced = excluded.last_synced",
            params![
                device.as_bytes(),
                coop.as_bytes(),
                addr,
                path,
                now,
                dialable
            ],
        )?;
        Ok(())
    }

    /// Peers seen for a co-op, most recent first: (device, address JSON, path, last synced).
    pub fn peers(
        &self,
        coop: CoopId,
    ) -> Result<Vec<(PublicKey, String, String, Timestamp)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT device, addr, path, last_synced FROM peers WHERE coop = ?1 ORDER BY last_synced DESC",
        )?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (device, addr, path, at) = row?;
            Ok((PublicKey::from_bytes(array(&device)?), addr, path, at))
        })
        .collect()
    }

    /// A home-level setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a home-level setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// How many changes a co-op has stored.
    pub fn change_count(&self, coop: CoopId) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM changes WHERE coop = ?1",
            [coop.as_bytes()],
            |r| r.get(0),
        )?)
    }

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

    /// Durably appends admitted changes and refreshes the member projection, in one
    /// transaction: either all of it is there after a crash, or none of it.
    pub fn commit(&mut self, commit: Commit<'_>, now: Timestamp) -> Result<(), StoreError> {
        // A savepoint: its own transaction alone, or part of the write begun by
        // `begin_write`.
        let tx = self.conn.savepoint()?;
        let coop = commit.state.coop;
        let name = commit
            .state
            .genesis
            .as_ref()
            .map(|g| g.name.as_str())
            .unwrap_or("");
        tx.execute(
            "INSERT INTO coops (id, name, added_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
            params![coop.as_bytes(), name, now],
        )?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO changes (coop, hash, bytes, sig, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (coop, hash) DO NOTHING",
            )?;
            for change in commit.changes {
                insert.execute(params![
                    coop.as_bytes(),
                    change.hash.0,
                    change.bytes,
                    change.sig.as_bytes(),
                    now
                ])?;
            }
            let mut reject = tx.prepare(
                "INSERT INTO rejections (coop, hash, source, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (hash, reason) in commit.rejections {
                reject.execute(params![
                    coop.as_bytes(),
                    hash.map(|h| h.0),
                    commit.source,
                    reason,
                    now
                ])?;
            }
            if commit.members_changed {
                write_members(&tx, commit.state)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The member projection of a co-op, by name.
    pub fn members(&self, coop: CoopId) -> Result<Vec<MemberRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, name, contact, standing, admitted_by, admitted_at FROM members
             WHERE coop = ?1 ORDER BY name COLLATE NOCASE, key",
        )?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (key, name, contact, standing, admitted_by, admitted_at) = row?;
            Ok(MemberRow {
                key: PublicKey::from_bytes(array(&key)?),
                name,
                contact,
                standing,
                admitted_by: RecordId::from_bytes(array(&admitted_by)?),
                admitted_at,
            })
        })
        .collect()
    }

    /// Records a new invite, keyed by the SHA-256 of its secret (the secret itself is not
    /// kept: only the newcomer's ticket holds it).
    pub fn add_invite(&self, secret_hash: &[u8; 32], invite: &InviteRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO invites (secret_hash, coop, created_at, expires_at, uses, used)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                secret_hash,
                invite.coop.as_bytes(),
                invite.created_at,
                invite.expires_at,
                invite.uses,
                invite.used
            ],
        )?;
        Ok(())
    }

    /// The invite whose secret hashes to `secret_hash`, if this home issued it.
    pub fn invite(&self, secret_hash: &[u8; 32]) -> Result<Option<InviteRow>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT coop, created_at, expires_at, uses, used FROM invites WHERE secret_hash = ?1",
                [secret_hash],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, u32>(3)?,
                        r.get::<_, u32>(4)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(coop, created_at, expires_at, uses, used)| {
            Ok(InviteRow {
                coop: CoopId::from_bytes(array(&coop)?),
                created_at,
                expires_at,
                uses,
                used,
            })
        })
        .transpose()
    }

    /// Who joined with an invite (so the same newcomer may come back, e.g. after the
    /// vote on their admission, without using it up again).
    pub fn invite_joins(&self, secret_hash: &[u8; 32]) -> Result<Vec<InviteJoin>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT member, proposal FROM invite_joins WHERE secret_hash = ?1 ORDER BY at",
        )?;
        let rows = stmt.query_map([secret_hash], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })?;
        rows.map(|row| {
            let (member, proposal) = row?;
            Ok(InviteJoin {
                member: PublicKey::from_bytes(array(&member)?),
                proposal: proposal
                    .map(|p| array(&p).map(RecordId::from_bytes))
                    .transpose()?,
            })
        })
        .collect()
    }

    /// Takes one use of an invite for a newcomer, in one transaction. Returns `false`
    /// (and changes nothing) when no use is left.
    pub fn use_invite(
        &mut self,
        secret_hash: &[u8; 32],
        member: &PublicKey,
        device: &PublicKey,
        name: &str,
        proposal: Option<RecordId>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.savepoint()?;
        let taken = tx.execute(
            "UPDATE invites SET used = used + 1 WHERE secret_hash = ?1 AND used < uses",
            [secret_hash],
        )?;
        if taken == 0 {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO invite_joins (secret_hash, member, device, name, at, proposal)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                secret_hash,
                member.as_bytes(),
                device.as_bytes(),
                name,
                now,
                proposal.map(|p| *p.as_bytes())
            ],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Records a fork found in `coop`; `true` if it was not recorded before.
    pub fn record_fork(
        &self,
        coop: CoopId,
        fork: &sangam_replica::Fork,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let added = self.conn.execute(
            "INSERT INTO forks (coop, device, seq, kept, found_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (coop, device, seq) DO UPDATE SET kept = excluded.kept
             WHERE forks.kept IS NOT excluded.kept",
            params![
                coop.as_bytes(),
                fork.device.as_bytes(),
                fork.seq as i64,
                fork.kept.map(|h| h.0),
                now
            ],
        )?;
        Ok(added > 0)
    }

    /// The forks found in `coop`, oldest first.
    pub fn forks(&self, coop: CoopId) -> Result<Vec<ForkRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT device, seq, found_at FROM forks WHERE coop = ?1 ORDER BY found_at, device, seq",
        )?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (device, seq, found_at) = row?;
            Ok(ForkRow {
                device: PublicKey::from_bytes(array(&device)?),
                seq: u64::try_from(seq).map_err(|_| StoreError::Damaged("fork sequence"))?,
                found_at,
            })
        })
        .collect()
    }

    /// Replaces this install's device key with `new`, remembering the old public key as
    /// retired (its secret is gone from the home).
    pub fn replace_device_key(
        &mut self,
        new: &SecretKey,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let old = self
            .secret("device")?
            .map(|(key, _)| key.public())
            .ok_or(StoreError::Damaged("no device key to replace"))?;
        let tx = self.conn.savepoint()?;
        tx.execute(
            "INSERT INTO retired_devices (device, retired_at) VALUES (?1, ?2)
             ON CONFLICT (device) DO NOTHING",
            params![old.as_bytes(), now],
        )?;
        tx.execute(
            "UPDATE identity SET secret = ?1, created_at = ?2 WHERE slot = 'device'",
            params![new.to_seed().as_slice(), now],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// One durable write: admitted changes, the state they lead to, and any rejections.
pub struct Commit<'a> {
    /// Where the changes came from (`local`, `bundle`, a peer id).
    pub source: &'a str,
    /// Newly admitted changes, each after its deps.
    pub changes: &'a [SignedChange],
    /// Changes refused, with why.
    pub rejections: &'a [(Option<ChangeHash>, String)],
    /// The co-op's state after the changes, for the projection.
    pub state: &'a CoopState,
    /// Whether the member projection must be written again (most changes leave the
    /// members as they were).
    pub members_changed: bool,
}

fn write_members(tx: &rusqlite::Savepoint<'_>, state: &CoopState) -> Result<(), StoreError> {
    let coop = state.coop;
    tx.execute("DELETE FROM members WHERE coop = ?1", [coop.as_bytes()])?;
    let mut member = tx.prepare(
        "INSERT INTO members (coop, key, name, contact, standing, admitted_by, admitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for m in &state.members {
        member.execute(params![
            coop.as_bytes(),
            m.key.as_bytes(),
            m.name,
            m.contact,
            serde_standing(m.standing),
            m.admitted_by.as_bytes(),
            m.admitted_at
        ])?;
    }
    Ok(())
}

fn serde_standing(standing: sangam_model::Standing) -> &'static str {
    match standing {
        sangam_model::Standing::Active => "active",
        sangam_model::Standing::Left => "left",
        sangam_model::Standing::Removed => "removed",
    }
}

fn array<const N: usize>(bytes: &[u8]) -> Result<[u8; N], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Damaged("a stored id or signature has the wrong length"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sangam_testkit::{Person, found};

    fn temp() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home.sqlite3");
        (dir, path)
    }

    #[test]
    fn keys_are_made_once_and_never_replaced() {
        let (_dir, path) = temp();
        let store = Store::open(&path).expect("open");
        let first = store.device_key(|| [1; 32], 0).expect("device");
        let again = store.device_key(|| [2; 32], 0).expect("device");
        assert_eq!(first.public(), again.public());
        let member = SecretKey::from_seed([3; 32]);
        store.set_member_key(&member, "Asha", 0).expect("member");
        assert!(
            store
                .set_member_key(&SecretKey::from_seed([4; 32]), "Eve", 0)
                .is_err()
        );
        let (kept, name) = store.member_key().expect("read").expect("present");
        assert_eq!((kept.public(), name.as_str()), (member.public(), "Asha"));
    }

    #[test]
    fn the_change_log_is_append_only_and_survives_reopening() {
        let (_dir, path) = temp();
        let asha = Person::seeded(1, "Asha");
        let (replica, change) = found(&asha, 1_000);
        {
            let mut store = Store::open(&path).expect("open");
            let state = replica.state();
            let commit = Commit {
                members_changed: true,
                source: "local",
                changes: std::slice::from_ref(&change),
                rejections: &[],
                state: &state,
            };
            store.commit(commit, 1_000).expect("commit");
            let conn = &store.conn;
            let update = conn.execute("UPDATE changes SET sig = zeroblob(64)", []);
            assert!(
                update
                    .expect_err("refused")
                    .to_string()
                    .contains("append-only")
            );
            assert!(conn.execute("DELETE FROM changes", []).is_err());
        }
        let store = Store::open(&path).expect("reopen");
        store.integrity_check().expect("intact");
        let stored = store.changes(replica.coop()).expect("changes");
        assert_eq!(stored, vec![change.to_raw()]);
        assert_eq!(store.members(replica.coop()).expect("members").len(), 1);
    }

    #[test]
    fn a_home_from_a_newer_sangam_is_refused() {
        let (_dir, path) = temp();
        drop(Store::open(&path).expect("open"));
        let conn = Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        match Store::open(&path) {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            other => panic!("expected TooNew, got {other:?}"),
        }
    }
}
