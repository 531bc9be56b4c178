//! The `invites` this home issued (by the hash of their secret) and the newcomers who
//! joined with them (`invite_joins`), and the tickets to link the member's own laptops
//! (`links`).

use rusqlite::{OptionalExtension, params};
use sangam_model::{CoopId, PublicKey, RecordId, Timestamp};

use crate::error::{StoreError, array};
use crate::store::Store;

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

impl Store {
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
}

/// What became of an attempt to use a link ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkUse {
    /// Taken now by this device.
    Taken,
    /// This home never issued it.
    Unknown,
    /// Already used (by the device named).
    Used(PublicKey),
    /// Past its expiry (ms since the epoch).
    Expired(Timestamp),
}

impl Store {
    /// Records a new link ticket, keyed by the SHA-256 of its secret.
    pub fn add_link(
        &self,
        secret_hash: &[u8; 32],
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO links (secret_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
            params![secret_hash, created_at, expires_at],
        )?;
        Ok(())
    }

    /// Takes a link ticket's one use for `device`, in one transaction, if it is known,
    /// unused and not expired at `now`.
    pub fn use_link(
        &mut self,
        secret_hash: &[u8; 32],
        device: &PublicKey,
        now: Timestamp,
    ) -> Result<LinkUse, StoreError> {
        let tx = self.conn.savepoint()?;
        let row = tx
            .query_row(
                "SELECT expires_at, used_by FROM links WHERE secret_hash = ?1",
                [secret_hash],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
            )
            .optional()?;
        let verdict = match row {
            None => LinkUse::Unknown,
            Some((_, Some(by))) => LinkUse::Used(PublicKey::from_bytes(array(&by)?)),
            Some((expires_at, None)) if now > expires_at => LinkUse::Expired(expires_at),
            Some(_) => {
                tx.execute(
                    "UPDATE links SET used_by = ?2, used_at = ?3 WHERE secret_hash = ?1",
                    params![secret_hash, device.as_bytes(), now],
                )?;
                LinkUse::Taken
            }
        };
        tx.commit()?;
        Ok(verdict)
    }
}
