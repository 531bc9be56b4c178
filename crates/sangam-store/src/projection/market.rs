//! The marketplace area of the projection: one `listings` row per listing, as its author
//! last revised it, and `listing_text`, a full-text index of titles, descriptions and
//! categories, written listing by listing as commits change them.
//!
//! The index uses SQLite FTS5's `trigram` tokenizer (case folded, Latin diacritics
//! removed): it matches any three consecutive characters, so it needs no word rules
//! and works the same for Tamil (whose vowel signs `unicode61` would treat as separators,
//! cutting words apart), accented Latin (`cafe` finds `Café`) and any other script. A
//! member's query is never FTS5 syntax: each word is matched as a quoted substring (words
//! of one or two characters, which a trigram cannot hold, by `LIKE` on the row), so
//! quotes, `*`, `NEAR` or a stray `-` typed by a member match as text and never error.

use rusqlite::{Connection, params, params_from_iter};
use sangam_model::{CoopId, PublicKey, RecordId, Timestamp};

use super::like;
use crate::error::{StoreError, array};
use crate::store::Store;

/// A listing row of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRow {
    /// The listing (its post's record id).
    pub id: RecordId,
    /// Who posted it.
    pub author: PublicKey,
    /// `offer`, `want` or `gift`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category, if any.
    pub category: Option<String>,
    /// `open`, `reserved`, `done` or `withdrawn` (as the author last said).
    pub status: String,
    /// Price in minor units and its commodity, if priced.
    pub price: Option<(u64, String)>,
    /// Quantity, if it counts.
    pub quantity: Option<u32>,
    /// Location, if any.
    pub location: Option<String>,
    /// Expiry, if it ends.
    pub expires_at: Option<Timestamp>,
    /// When it was posted.
    pub posted_at: Timestamp,
    /// When its text was last revised.
    pub revised_at: Option<Timestamp>,
    /// How many responses it has.
    pub responses: u32,
}

/// Which listings a search returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingQuery {
    /// Words that must all appear in the title, description or category.
    pub text: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this author's.
    pub author: Option<PublicKey>,
    /// At most this many (newest first).
    pub limit: u32,
}

/// Writes `rows` to `coop`'s listings (each replaces the row with its id), index too.
pub(crate) fn apply(
    conn: &Connection,
    coop: CoopId,
    rows: &[ListingRow],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut find = conn.prepare("SELECT rowid FROM listings WHERE id = ?1")?;
    let mut forget = conn.prepare("DELETE FROM listing_text WHERE rowid = ?1")?;
    let mut upsert = conn.prepare(
        "INSERT INTO listings (coop, id, author, kind, title, description, category, status,
            price_amount, price_commodity, quantity, location, expires_at, posted_at,
            revised_at, responses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
            description = excluded.description, category = excluded.category,
            status = excluded.status, price_amount = excluded.price_amount,
            price_commodity = excluded.price_commodity, quantity = excluded.quantity,
            location = excluded.location, expires_at = excluded.expires_at,
            revised_at = excluded.revised_at, responses = excluded.responses
         RETURNING rowid",
    )?;
    let mut index = conn.prepare(
        "INSERT INTO listing_text (rowid, title, description, category) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for row in rows {
        let old: Option<i64> = find
            .query_row([row.id.as_bytes()], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if let Some(rowid) = old {
            forget.execute([rowid])?;
        }
        let rowid: i64 = upsert.query_row(
            params![
                coop.as_bytes(),
                row.id.as_bytes(),
                row.author.as_bytes(),
                row.kind,
                row.title,
                row.description,
                row.category,
                row.status,
                row.price.as_ref().map(|(a, _)| *a as i64),
                row.price.as_ref().map(|(_, c)| c.as_str()),
                row.quantity,
                row.location,
                row.expires_at,
                row.posted_at,
                row.revised_at,
                row.responses
            ],
            |r| r.get(0),
        )?;
        index.execute(params![rowid, row.title, row.description, row.category])?;
    }
    Ok(())
}

impl Store {
    /// The listings of `coop` that `query` selects, newest first.
    pub fn listings(
        &self,
        coop: CoopId,
        query: &ListingQuery,
    ) -> Result<Vec<ListingRow>, StoreError> {
        let mut sql = String::from(
            "SELECT id, author, kind, title, description, category, status, price_amount,
                price_commodity, quantity, location, expires_at, posted_at, revised_at,
                responses FROM listings WHERE coop = ?",
        );
        let mut args: Vec<rusqlite::types::Value> = vec![coop.as_bytes().to_vec().into()];
        let (long, short) = super::search_words(query.text.as_deref());
        if !long.is_empty() {
            let terms: Vec<String> = long.iter().map(|w| super::phrase(w)).collect();
            sql.push_str(
                " AND rowid IN (SELECT rowid FROM listing_text WHERE listing_text MATCH ?)",
            );
            args.push(terms.join(" ").into());
        }
        for word in short {
            sql.push_str(
                " AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\'
                   OR ifnull(category, '') LIKE ? ESCAPE '\\')",
            );
            for _ in 0..3 {
                args.push(like(word).into());
            }
        }
        for (column, value) in [
            ("kind", &query.kind),
            ("category", &query.category),
            ("status", &query.status),
        ] {
            if let Some(value) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                args.push(value.clone().into());
            }
        }
        if let Some(author) = &query.author {
            sql.push_str(" AND author = ?");
            args.push(author.as_bytes().to_vec().into());
        }
        sql.push_str(" ORDER BY posted_at DESC, id LIMIT ?");
        args.push(i64::from(if query.limit == 0 { 200 } else { query.limit }).into());
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok((
                (
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ),
                (
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<u32>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<i64>>(11)?,
                    r.get::<_, i64>(12)?,
                    r.get::<_, Option<i64>>(13)?,
                    r.get::<_, u32>(14)?,
                ),
            ))
        })?;
        rows.map(|row| {
            let (
                (id, author, kind, title, description, category, status),
                (
                    amount,
                    commodity,
                    quantity,
                    location,
                    expires_at,
                    posted_at,
                    revised_at,
                    responses,
                ),
            ) = row?;
            Ok(ListingRow {
                id: RecordId::from_bytes(array(&id)?),
                author: PublicKey::from_bytes(array(&author)?),
                kind,
                title,
                description,
                category,
                status,
                price: amount.zip(commodity).map(|(a, c)| (a as u64, c)),
                quantity,
                location,
                expires_at,
                posted_at,
                revised_at,
                responses,
            })
        })
        .collect()
    }
}
