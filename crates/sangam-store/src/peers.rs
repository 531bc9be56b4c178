//! The `peers` seen syncing each co-op: for `sangam peers` and for dialling them again.

use std::fmt;

use rusqlite::params;
use sangam_model::{CoopId, PublicKey, Timestamp};

use crate::error::{StoreError, array};
use crate::store::Store;

/// How a session with a peer reached it. Stored as the word [`PeerPath::as_str`] gives
/// (`lan`, `direct`, `relay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerPath {
    /// On the local network.
    Lan,
    /// A public address, reached directly.
    Direct,
    /// Through a relay.
    Relay,
}

impl PeerPath {
    /// The word stored, and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            PeerPath::Lan => "lan",
            PeerPath::Direct => "direct",
            PeerPath::Relay => "relay",
        }
    }

    /// Reads a stored word. Any other word is an error, not a guess: only
    /// [`PeerPath::as_str`] writes this column, so another word means the file was edited
    /// or written by a newer Sangam, and showing a made-up path (a relayed peer as `lan`)
    /// would tell a member something false about where their co-op's data went.
    fn from_stored(word: &str) -> Result<Self, StoreError> {
        match word {
            "lan" => Ok(PeerPath::Lan),
            "direct" => Ok(PeerPath::Direct),
            "relay" => Ok(PeerPath::Relay),
            other => Err(StoreError::Unknown {
                what: "peer path",
                value: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for PeerPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A peer device seen syncing a co-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRow {
    /// The peer's device key.
    pub device: PublicKey,
    /// Its address as JSON, as the network layer wrote it (a bare id for a peer that only
    /// dialled this home).
    pub addr_json: String,
    /// How the latest session reached it.
    pub path: PeerPath,
    /// When it was last seen, ms since the epoch.
    pub last_synced: Timestamp,
}

impl Store {
    /// Remembers a peer device seen syncing a co-op. An address that says how to reach it
    /// (`dialable`) replaces the stored one; a bare id (a peer that dialled us) does not.
    pub fn remember_peer(
        &self,
        device: &PublicKey,
        coop: CoopId,
        addr: &str,
        dialable: bool,
        path: PeerPath,
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
                path.as_str(),
                now,
                dialable
            ],
        )?;
        Ok(())
    }

    /// Peers seen for a co-op, most recent first. A stored path this build does not know
    /// fails the read with [`StoreError::Unknown`].
    pub fn peers(&self, coop: CoopId) -> Result<Vec<PeerRow>, StoreError> {
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
            let (device, addr_json, path, last_synced) = row?;
            Ok(PeerRow {
                device: PublicKey::from_bytes(array(&device)?),
                addr_json,
                path: PeerPath::from_stored(&path)?,
                last_synced,
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::temp;

    fn coop() -> CoopId {
        CoopId::from_bytes([7; 32])
    }

    fn device(n: u8) -> PublicKey {
        sangam_model::SecretKey::from_seed([n; 32]).public()
    }

    #[test]
    fn every_path_is_stored_as_its_word_and_read_back() {
        let (_dir, path) = temp();
        let store = Store::open(&path).expect("open");
        let paths = [PeerPath::Lan, PeerPath::Direct, PeerPath::Relay];
        for (n, kind) in (1..).zip(paths) {
            store
                .remember_peer(&device(n), coop(), "{}", true, kind, i64::from(n))
                .expect("remember");
        }
        let stored: Vec<String> = store
            .conn
            .prepare("SELECT path FROM peers ORDER BY last_synced")
            .expect("query")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(stored, ["lan", "direct", "relay"]);
        let read: Vec<PeerPath> = store
            .peers(coop())
            .expect("peers")
            .iter()
            .map(|p| p.path)
            .collect();
        assert_eq!(read, [PeerPath::Relay, PeerPath::Direct, PeerPath::Lan]);
    }

    #[test]
    fn a_bare_id_keeps_the_address_but_takes_the_path() {
        let (_dir, path) = temp();
        let store = Store::open(&path).expect("open");
        let bo = device(2);
        store
            .remember_peer(
                &bo,
                coop(),
                r#"{"addrs":["10.0.0.2:1"]}"#,
                true,
                PeerPath::Lan,
                1,
            )
            .expect("remember");
        store
            .remember_peer(&bo, coop(), r#"{"addrs":[]}"#, false, PeerPath::Relay, 2)
            .expect("remember");
        let peers = store.peers(coop()).expect("peers");
        assert_eq!(
            peers,
            [PeerRow {
                device: bo,
                addr_json: r#"{"addrs":["10.0.0.2:1"]}"#.to_owned(),
                path: PeerPath::Relay,
                last_synced: 2,
            }]
        );
    }

    #[test]
    fn an_unknown_stored_path_is_a_clear_error() {
        let (_dir, path) = temp();
        let store = Store::open(&path).expect("open");
        store
            .remember_peer(&device(2), coop(), "{}", true, PeerPath::Lan, 1)
            .expect("remember");
        store
            .conn
            .execute("UPDATE peers SET path = 'carrier pigeon'", [])
            .expect("edit");
        let err = store.peers(coop()).expect_err("refused");
        assert!(
            matches!(&err, StoreError::Unknown { what: "peer path", value } if value == "carrier pigeon"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            r#"stored data is damaged: unknown peer path "carrier pigeon""#
        );
    }
}
