//! This home's keys (the `identity` table: the member key and the device key) and the
//! device keys it stopped using (`retired_devices`).

use rusqlite::{OptionalExtension, params};
use sangam_model::{SecretKey, Timestamp};

use crate::{Store, StoreError};

/// The member key this home holds, with the name it was made under. Its `Debug` shows the
/// public key only.
#[derive(Debug, Clone)]
pub struct MemberIdentity {
    /// The member's secret key.
    pub key: SecretKey,
    /// The name given when it was made (empty if none was stored).
    pub name: String,
}

impl Store {
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

    /// The member key and its name, if one was made.
    pub fn member_key(&self) -> Result<Option<MemberIdentity>, StoreError> {
        Ok(self.secret("member")?.map(|(key, name)| MemberIdentity {
            key,
            name: name.unwrap_or_default(),
        }))
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::temp;

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
        let kept = store.member_key().expect("read").expect("present");
        assert_eq!(
            (kept.key.public(), kept.name.as_str()),
            (member.public(), "Asha")
        );
    }

    #[test]
    fn a_replaced_device_key_is_retired() {
        let (_dir, path) = temp();
        let mut store = Store::open(&path).expect("open");
        let old = store.device_key(|| [1; 32], 0).expect("device");
        let new = SecretKey::from_seed([2; 32]);
        store.replace_device_key(&new, 5).expect("replace");
        let kept = store.device_key(|| [3; 32], 6).expect("device");
        assert_eq!(kept.public(), new.public());
        let retired: Vec<u8> = store
            .conn
            .query_row("SELECT device FROM retired_devices", [], |r| r.get(0))
            .expect("retired");
        assert_eq!(retired, old.public().as_bytes().to_vec());
    }
}
