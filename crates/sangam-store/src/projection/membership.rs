//! The membership area of the projection: the `members` table, one row per member a
//! co-op's state holds, written member by member as commits change them.

use rusqlite::{Connection, params};
use sangam_model::{CoopId, PublicKey, RecordId, Standing, Timestamp};

use crate::error::{StoreError, array};
use crate::store::Store;

/// A member row of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    /// Member key.
    pub key: PublicKey,
    /// Display name.
    pub name: String,
    /// Contact line.
    pub contact: Option<String>,
    /// Current standing (stored as `active`, `left` or `removed`).
    pub standing: Standing,
    /// Admitting record.
    pub admitted_by: RecordId,
    /// Claimed admission time.
    pub admitted_at: Timestamp,
}

impl From<&sangam_model::Member> for MemberRow {
    fn from(member: &sangam_model::Member) -> Self {
        Self {
            key: member.key,
            name: member.name.clone(),
            contact: member.contact.clone(),
            standing: member.standing,
            admitted_by: member.admitted_by,
            admitted_at: member.admitted_at,
        }
    }
}

/// What a commit changed in a co-op's members: only these rows are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberChanges<'a> {
    /// Members whose row is new or differs from the stored one: each replaces the row
    /// with its key (or is added). Were a key listed twice, the later row would win.
    pub changed: &'a [MemberRow],
    /// Members the co-op's state no longer holds (a fork's verdict replayed away the
    /// branch that admitted them): their rows go. A member who left or was removed is
    /// still held, with that standing, and belongs in `changed`.
    pub gone: &'a [PublicKey],
}

impl MemberChanges<'_> {
    /// Whether the commit leaves every member row as it is.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.gone.is_empty()
    }
}

/// Writes `changes` to `coop`'s member rows, leaving every other row as it is.
pub(crate) fn apply(
    conn: &Connection,
    coop: CoopId,
    changes: MemberChanges<'_>,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut upsert = conn.prepare(
        "INSERT INTO members (coop, key, name, contact, standing, admitted_by, admitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (coop, key) DO UPDATE SET name = excluded.name,
            contact = excluded.contact, standing = excluded.standing,
            admitted_by = excluded.admitted_by, admitted_at = excluded.admitted_at",
    )?;
    for m in changes.changed {
        upsert.execute(params![
            coop.as_bytes(),
            m.key.as_bytes(),
            m.name,
            m.contact,
            standing_word(m.standing),
            m.admitted_by.as_bytes(),
            m.admitted_at
        ])?;
    }
    let mut delete = conn.prepare("DELETE FROM members WHERE coop = ?1 AND key = ?2")?;
    for key in changes.gone {
        delete.execute(params![coop.as_bytes(), key.as_bytes()])?;
    }
    Ok(())
}

fn standing_word(standing: Standing) -> &'static str {
    match standing {
        Standing::Active => "active",
        Standing::Left => "left",
        Standing::Removed => "removed",
    }
}

/// Reads a stored standing. Any other word is an error: a guessed standing (say,
/// `active` for a removed member) would misstate who may act for the co-op.
fn standing_from_stored(word: &str) -> Result<Standing, StoreError> {
    match word {
        "active" => Ok(Standing::Active),
        "left" => Ok(Standing::Left),
        "removed" => Ok(Standing::Removed),
        other => Err(StoreError::Unknown {
            what: "standing",
            value: other.to_owned(),
        }),
    }
}

impl Store {
    /// The member projection of a co-op, by name. A stored standing this build does not
    /// know fails the read with [`StoreError::Unknown`].
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
                standing: standing_from_stored(&standing)?,
                admitted_by: RecordId::from_bytes(array(&admitted_by)?),
                admitted_at,
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{commit_of, temp};
    use crate::{ChangeSource, Commit};

    fn member(n: u8, name: &str, standing: Standing) -> MemberRow {
        MemberRow {
            key: sangam_model::SecretKey::from_seed([n; 32]).public(),
            name: name.to_owned(),
            contact: None,
            standing,
            admitted_by: RecordId::from_bytes([n; 32]),
            admitted_at: i64::from(n),
        }
    }

    fn write(store: &mut Store, coop: CoopId, changed: &[MemberRow], gone: &[PublicKey]) {
        let commit = Commit {
            members: MemberChanges { changed, gone },
            listings: &[],
            books: Default::default(),
            ..commit_of(coop, ChangeSource::Local)
        };
        store.commit(commit, 1_000).expect("commit");
    }

    /// A stored member row: rowid, co-op, key, name, standing.
    type Stored = (i64, Vec<u8>, Vec<u8>, String, String);

    /// Every stored member row of the home, with its rowid: a row written again by
    /// `DELETE` + `INSERT` would show a new rowid.
    fn stored(store: &Store) -> Vec<Stored> {
        store
            .conn
            .prepare("SELECT rowid, coop, key, name, standing FROM members ORDER BY rowid")
            .expect("query")
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect()
    }

    #[test]
    fn changing_one_member_leaves_the_others_untouched() {
        let (_dir, path) = temp();
        let mut store = Store::open(&path).expect("open");
        let (river, orchard) = (CoopId::from_bytes([1; 32]), CoopId::from_bytes([2; 32]));
        let asha = member(1, "Asha", Standing::Active);
        let bo = member(2, "Bo", Standing::Active);
        write(&mut store, river, &[asha.clone(), bo.clone()], &[]);
        write(&mut store, orchard, std::slice::from_ref(&asha), &[]);
        // Edited behind the projection's back: a rewrite of the table would undo it.
        store
            .conn
            .execute("UPDATE members SET contact = 'kept' WHERE name = 'Bo'", [])
            .expect("edit");
        let before = stored(&store);

        let renamed = MemberRow {
            name: "Asha K.".to_owned(),
            ..asha.clone()
        };
        write(&mut store, river, std::slice::from_ref(&renamed), &[]);
        write(&mut store, river, &[], &[]);

        let after = stored(&store);
        assert_eq!(after.len(), 3);
        assert_eq!(after[0].0, before[0].0, "Asha's row is updated where it is");
        assert_eq!(after[0].3, "Asha K.");
        assert_eq!(
            after[1..],
            before[1..],
            "Bo and the other co-op are untouched"
        );
        let bo_kept = MemberRow {
            contact: Some("kept".to_owned()),
            ..bo
        };
        assert_eq!(store.members(river).expect("members"), [renamed, bo_kept]);
        assert_eq!(store.members(orchard).expect("members"), [asha]);
    }

    #[test]
    fn a_member_whose_standing_changes_is_updated() {
        let (_dir, path) = temp();
        let mut store = Store::open(&path).expect("open");
        let coop = CoopId::from_bytes([1; 32]);
        let asha = member(1, "Asha", Standing::Active);
        let cy = member(3, "Cy", Standing::Active);
        write(&mut store, coop, &[asha.clone(), cy.clone()], &[]);
        for standing in [Standing::Left, Standing::Removed] {
            let cy = MemberRow {
                standing,
                ..cy.clone()
            };
            write(&mut store, coop, std::slice::from_ref(&cy), &[]);
            assert_eq!(
                store.members(coop).expect("members"),
                [asha.clone(), cy.clone()]
            );
        }
        let words: Vec<String> = stored(&store).into_iter().map(|r| r.4).collect();
        assert_eq!(words, ["active", "removed"]);
    }

    #[test]
    fn a_member_the_state_no_longer_holds_goes_alone() {
        let (_dir, path) = temp();
        let mut store = Store::open(&path).expect("open");
        let coop = CoopId::from_bytes([1; 32]);
        let asha = member(1, "Asha", Standing::Active);
        let bo = member(2, "Bo", Standing::Active);
        write(&mut store, coop, &[asha.clone(), bo.clone()], &[]);
        write(&mut store, coop, &[], &[bo.key]);
        assert_eq!(store.members(coop).expect("members"), [asha]);
    }

    #[test]
    fn an_unknown_stored_standing_is_a_clear_error() {
        let (_dir, path) = temp();
        let mut store = Store::open(&path).expect("open");
        let coop = CoopId::from_bytes([1; 32]);
        write(
            &mut store,
            coop,
            &[member(1, "Asha", Standing::Active)],
            &[],
        );
        store
            .conn
            .execute("UPDATE members SET standing = 'honorary'", [])
            .expect("edit");
        let err = store.members(coop).expect_err("refused");
        assert!(
            matches!(&err, StoreError::Unknown { what: "standing", value } if value == "honorary"),
            "{err:?}"
        );
    }
}
