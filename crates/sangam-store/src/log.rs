//! Each co-op's log: the `coops` this home holds, the append-only `changes` (the source of
//! truth), the `rejections` of changes refused, and the `forks` found among them.

use std::fmt;

use rusqlite::{Connection, OptionalExtension, params};
use sangam_model::{CoopId, PublicKey, RecordId, Signature, Timestamp};
use sangam_replica::{ChangeHash, RawChange, SignedChange};

use crate::error::{StoreError, array};
use crate::store::Store;

/// A co-op this home holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoopRow {
    /// The co-op id (the hash of its genesis record).
    pub id: CoopId,
    /// Its name as this home first stored it.
    pub name: String,
}

/// A stored change with its place in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// Its position in the home's log (shared by every co-op, increasing): what a reader
    /// passes to [`Store::changes_after`] to read only what came after.
    pub position: i64,
    /// The change hash.
    pub hash: ChangeHash,
    /// The change as stored: its bytes and the device's signature.
    pub change: RawChange,
}

/// Where a commit's changes came from. Stored with each refusal as the text
/// [`ChangeSource`]'s `Display` gives (`local`, `bundle`, `peer 1a2b3c4d`,
/// `invite from 1a2b3c4d`: a device key's first 8 hex characters), as homes have always
/// stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeSource {
    /// Written on this device: a record, a founding, carried records.
    Local,
    /// Imported from a bundle file.
    Bundle,
    /// Received in a sync session from this device.
    Peer(PublicKey),
    /// Received while joining, from the inviter's device.
    Invite(PublicKey),
}

/// How a source is kept in the `rejections` table: `local`, `bundle`, `peer DEVICE` or
/// `invite from DEVICE`, the device's key whole (rows kept before this form hold its first
/// 8 hex characters).
impl fmt::Display for ChangeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeSource::Local => f.write_str("local"),
            ChangeSource::Bundle => f.write_str("bundle"),
            ChangeSource::Peer(device) => write!(f, "peer {device}"),
            ChangeSource::Invite(device) => write!(f, "invite from {device}"),
        }
    }
}

/// Where a refused change came from, as read back: the device as hex, whole or (in rows
/// kept before the whole key was) its first 8 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusedFrom {
    /// Written on this device.
    Local,
    /// Imported from a bundle file.
    Bundle,
    /// Received in a sync session from this device.
    Peer(String),
    /// Received while joining, from the inviter's device.
    Invite(String),
    /// A source word this build does not know, as kept.
    Other(String),
}

impl RefusedFrom {
    /// Reads a kept source.
    pub fn parse(kept: &str) -> Self {
        let hex =
            |d: &str| !d.is_empty() && d.len() <= 64 && d.bytes().all(|b| b.is_ascii_hexdigit());
        match kept {
            "local" => Self::Local,
            "bundle" => Self::Bundle,
            _ => match (
                kept.strip_prefix("peer "),
                kept.strip_prefix("invite from "),
            ) {
                (Some(d), _) if hex(d) => Self::Peer(d.to_owned()),
                (_, Some(d)) if hex(d) => Self::Invite(d.to_owned()),
                _ => Self::Other(kept.to_owned()),
            },
        }
    }
}

/// A refused change as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionRow {
    /// Its hash, if it decoded.
    pub change: Option<ChangeHash>,
    /// Where it came from.
    pub source: RefusedFrom,
    /// Why it was refused.
    pub reason: String,
    /// When this home refused it.
    pub at: Timestamp,
}

/// A change that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Its hash, if it decoded.
    pub change: Option<ChangeHash>,
    /// Why it was refused, in words.
    pub reason: String,
}

impl From<&sangam_replica::Rejected> for Rejection {
    fn from(rejected: &sangam_replica::Rejected) -> Self {
        Self {
            change: rejected.hash,
            reason: rejected.reason.to_string(),
        }
    }
}

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

/// Records `coop` as held here, under `name`, unless it already is (its name stays), with
/// its currency once known (empty: not known from this commit).
pub(crate) fn add_coop(
    conn: &Connection,
    coop: CoopId,
    name: &str,
    currency: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let currency = Some(currency).filter(|c| !c.is_empty());
    conn.execute(
        "INSERT INTO coops (id, name, added_at, currency) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET currency = excluded.currency
         WHERE coops.currency IS NULL AND excluded.currency IS NOT NULL",
        params![coop.as_bytes(), name, now, currency],
    )?;
    Ok(())
}

/// Replaces `coop`'s stored reads: both, or the details alone of a co-op whose reads are
/// kept (one whose reads are not kept stays without, to be read from a replay).
pub(crate) fn save_reads(
    conn: &Connection,
    coop: CoopId,
    reads: &CoopReads<'_>,
) -> Result<(), StoreError> {
    match reads.devices {
        Some(devices) => conn
            .prepare_cached(
                "INSERT INTO coop_reads (coop, details, devices) VALUES (?1, ?2, ?3)
                 ON CONFLICT (coop) DO UPDATE SET details = excluded.details,
                     devices = excluded.devices",
            )?
            .execute(params![coop.as_bytes(), reads.details, devices])?,
        None => conn
            .prepare_cached("UPDATE coop_reads SET details = ?2 WHERE coop = ?1")?
            .execute(params![coop.as_bytes(), reads.details])?,
    };
    Ok(())
}

/// Appends admitted changes to `coop`'s log, in order; a change already stored is skipped.
pub(crate) fn append(
    conn: &Connection,
    coop: CoopId,
    changes: &[SignedChange],
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut insert = conn.prepare(
        "INSERT INTO changes (coop, hash, bytes, sig, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (coop, hash) DO NOTHING",
    )?;
    for change in changes {
        insert.execute(params![
            coop.as_bytes(),
            change.hash.0,
            change.bytes,
            change.sig.as_bytes(),
            now
        ])?;
    }
    Ok(())
}

/// Records refused changes of `coop` from `source`.
pub(crate) fn reject(
    conn: &Connection,
    coop: CoopId,
    source: ChangeSource,
    rejections: &[Rejection],
    now: Timestamp,
) -> Result<(), StoreError> {
    if rejections.is_empty() {
        return Ok(());
    }
    let source = source.to_string();
    let mut reject = conn.prepare(
        "INSERT INTO rejections (coop, hash, source, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for rejection in rejections {
        reject.execute(params![
            coop.as_bytes(),
            rejection.change.map(|h| h.0),
            source,
            rejection.reason,
            now
        ])?;
    }
    Ok(())
}

impl Store {
    /// Co-ops in this home, oldest first.
    pub fn coops(&self) -> Result<Vec<CoopRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM coops ORDER BY added_at, id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (id, name) = row?;
            Ok(CoopRow {
                id: RecordId::from_bytes(array(&id)?),
                name,
            })
        })
        .collect()
    }

    /// `coop`'s details and devices (JSON, as core wrote them), as its last commit left
    /// them, if they are kept.
    pub fn coop_reads(&self, coop: CoopId) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT details, devices FROM coop_reads WHERE coop = ?1")?
            .query_row([coop.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Whether `coop`'s details and devices are kept.
    pub fn has_coop_reads(&self, coop: CoopId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM coop_reads WHERE coop = ?1)")?
            .query_row([coop.as_bytes()], |r| r.get(0))?)
    }

    /// Keeps `coop`'s details and devices read from a replay (an older home's co-op).
    pub fn save_coop_reads(&self, coop: CoopId, reads: &CoopReads<'_>) -> Result<(), StoreError> {
        save_reads(&self.conn, coop, reads)
    }

    /// `coop`'s currency, from its genesis, if a commit of this version recorded it.
    pub fn coop_currency(&self, coop: CoopId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT currency FROM coops WHERE id = ?1")?
            .query_row([coop.as_bytes()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
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

    /// How many changes a co-op has stored.
    pub fn change_count(&self, coop: CoopId) -> Result<i64, StoreError> {
        // Kept by a trigger on every insert (migration 15): counting the log's rows is a
        // pass over the co-op's index, 12 ms at 100,000 changes.
        Ok(self
            .conn
            .query_row(
                "SELECT change_count FROM coops WHERE id = ?1",
                [coop.as_bytes()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Whether a co-op's log holds the change `hash`.
    pub fn holds_change(&self, coop: CoopId, hash: &ChangeHash) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM changes WHERE coop = ?1 AND hash = ?2")?;
        Ok(stmt.exists(params![coop.as_bytes(), &hash.0[..]])?)
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

    /// Changes stored after position `after` (by any process sharing this home), in
    /// order.
    pub fn changes_after(&self, coop: CoopId, after: i64) -> Result<Vec<LogRow>, StoreError> {
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
            let (position, hash, bytes, sig) = row?;
            Ok(LogRow {
                position,
                hash: ChangeHash(array(&hash)?),
                change: RawChange {
                    bytes,
                    sig: Signature::from_bytes(array(&sig)?),
                },
            })
        })
        .collect()
    }

    /// Every stored change of a co-op with its hash, in the order stored (each after its
    /// deps): what a bundle or a newcomer receives, read without rebuilding changes from
    /// the document.
    pub fn changes_with_hashes(&self, coop: CoopId) -> Result<Vec<LogRow>, StoreError> {
        self.changes_after(coop, 0)
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
        if added > 0 {
            // Which branch counts changed what the books and the details hold: both are
            // read from a replay next time.
            self.conn.execute(
                "DELETE FROM books_current WHERE coop = ?1",
                [coop.as_bytes()],
            )?;
            self.conn
                .execute("DELETE FROM coop_reads WHERE coop = ?1", [coop.as_bytes()])?;
        }
        Ok(added > 0)
    }

    /// The changes of `coop` this home refused, oldest first, with where each came from
    /// and why.
    pub fn rejections(&self, coop: CoopId) -> Result<Vec<RejectionRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT hash, source, reason, at FROM rejections WHERE coop = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((
                r.get::<_, Option<Vec<u8>>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (hash, source, reason, at) = row?;
            Ok(RejectionRow {
                change: hash.map(|h| array(&h).map(ChangeHash)).transpose()?,
                source: RefusedFrom::parse(&source),
                reason,
                at,
            })
        })
        .collect()
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
}

/// A co-op's details and devices as core reads them, kept as JSON the store does not read.
#[derive(Debug, Clone, Copy)]
pub struct CoopReads<'a> {
    /// The co-op's details.
    pub details: &'a str,
    /// Its devices, when the commit may have changed them (else those kept stay).
    pub devices: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{commit_of, member_rows, temp};
    use crate::{Commit, MemberChanges};
    use sangam_testkit::{Person, found};

    #[test]
    fn the_change_log_is_append_only_and_survives_reopening() {
        let (_dir, path) = temp();
        let asha = Person::seeded(1, "Asha");
        let (replica, change) = found(&asha, 1_000);
        let members = member_rows(&replica.state());
        {
            let mut store = Store::open(&path).expect("open");
            let mut commit = commit_of(replica.coop(), ChangeSource::Local);
            commit.changes = std::slice::from_ref(&change);
            commit.members = MemberChanges {
                changed: &members,
                gone: &[],
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
        let rows = store.changes_after(replica.coop(), 0).expect("log");
        assert_eq!(
            rows,
            vec![LogRow {
                position: 1,
                hash: change.hash,
                change: change.to_raw()
            }]
        );
        assert_eq!(store.changes_after(replica.coop(), 1).expect("log"), vec![]);
        assert_eq!(store.last_position().expect("last"), 1);
        assert_eq!(
            store.coops().expect("coops"),
            vec![CoopRow {
                id: replica.coop(),
                name: "River Bakery".to_owned()
            }]
        );
    }

    #[test]
    fn refusals_are_stored_with_their_source_as_text() {
        let (_dir, path) = temp();
        let asha = Person::seeded(1, "Asha");
        let (replica, _) = found(&asha, 1_000);
        let device = asha.device.public();
        let mut store = Store::open(&path).expect("open");
        let rejections = [
            Rejection {
                change: Some(ChangeHash([9; 32])),
                reason: "the device signature does not verify".to_owned(),
            },
            Rejection {
                change: None,
                reason: "unreadable change".to_owned(),
            },
        ];
        for source in [
            ChangeSource::Local,
            ChangeSource::Bundle,
            ChangeSource::Peer(device),
            ChangeSource::Invite(device),
        ] {
            let commit = Commit {
                rejections: &rejections,
                ..commit_of(replica.coop(), source)
            };
            store.commit(commit, 2_000).expect("commit");
        }
        let mut stmt = store
            .conn
            .prepare("SELECT hash, source, reason FROM rejections ORDER BY id")
            .expect("query");
        let stored: Vec<(Option<Vec<u8>>, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        let words = [
            "local".to_owned(),
            "bundle".to_owned(),
            format!("peer {device}"),
            format!("invite from {device}"),
        ];
        let sources: Vec<&String> = stored.iter().map(|(_, s, _)| s).collect();
        let expected: Vec<&String> = words.iter().flat_map(|w| [w, w]).collect();
        assert_eq!(sources, expected, "each source once per refusal");
        assert_eq!(stored[0].0, Some(vec![9; 32]));
        assert_eq!(stored[1].0, None);
        assert_eq!(stored[1].2, "unreadable change");
        // Read back typed, the device whole; rows kept before, with 8 characters, too.
        let read: Vec<RefusedFrom> = store
            .rejections(replica.coop())
            .expect("rejections")
            .into_iter()
            .map(|r| r.source)
            .collect();
        assert_eq!(read[4], RefusedFrom::Peer(device.to_string()));
        assert_eq!(read[6], RefusedFrom::Invite(device.to_string()));
        assert_eq!(
            RefusedFrom::parse("peer 1a2b3c4d"),
            RefusedFrom::Peer("1a2b3c4d".into())
        );
        assert_eq!(RefusedFrom::parse("bundle"), RefusedFrom::Bundle);
        assert_eq!(
            RefusedFrom::parse("peer xyz"),
            RefusedFrom::Other("peer xyz".into())
        );
    }
}
