//! The ledger area of the projection: the books as the fold has them, so the journal, the
//! balances and the statements read SQLite and never replay the log.
//!
//! - `ledger_accounts`: one row an account.
//! - `ledger_entries`: one row an entry, with its standing (`counts`, `awaiting_vote`,
//!   `not_approved`, `reverses_uncounted`, `another_reversal_counts`,
//!   `another_allocation_counts`): an entry's
//!   postings never change, but its standing does when the proposal it cites closes or a
//!   concurrent reversal of the same entry arrives.
//! - `ledger_postings`: one row a posting, carrying its entry's date and whether it counts,
//!   so a balance at a date reads this table alone.
//! - `ledger_balances`: each account's balance per commodity over the entries that count,
//!   kept up to date entry by entry, so the balance sheet reads a row an account. Balances
//!   are decimal text: any number of 2^53 postings may pass SQLite's 64-bit integers.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use sangam_model::{CoopId, PublicKey, RecordId, Timestamp};

use super::like;
use crate::error::{StoreError, array};
use crate::store::Store;

/// An account row of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// The account (its `ledger.account` record id).
    pub id: RecordId,
    /// Its depth in the fold (accounts list in fold order).
    pub depth: u64,
    /// Its name.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income` or `expense`.
    pub account_type: String,
    /// The member whose capital account it is, if any.
    pub member: Option<PublicKey>,
    /// `surplus`, `reserve` or `education`, if it is one of those funds.
    pub role: Option<String>,
    /// Whether it has been closed.
    pub closed: bool,
}

/// One posting of an entry row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingRow {
    /// The account.
    pub account: RecordId,
    /// Minor units; positive debits, negative credits.
    pub amount: i64,
    /// The commodity code.
    pub commodity: String,
}

/// An entry row of the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// The entry (its record id).
    pub id: RecordId,
    /// Its depth in the fold.
    pub depth: u64,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it was.
    pub description: String,
    /// Who was paid or paid, if said.
    pub payee: Option<String>,
    /// Who posted it.
    pub author: PublicKey,
    /// When it was written.
    pub at: Timestamp,
    /// The proposal it cites, if any.
    pub approved_by: Option<RecordId>,
    /// The entry it reverses, if any.
    pub reverses: Option<RecordId>,
    /// Whether it is a patronage allocation.
    pub allocation: bool,
    /// Its outside reference (a bank row's fingerprint), if any.
    pub reference: Option<String>,
    /// `counts`, `awaiting_vote`, `not_approved`, `reverses_uncounted`,
    /// `another_reversal_counts` or `another_allocation_counts`.
    pub standing: String,
    /// The proposal or entry that keeps it from counting, if it does not.
    pub cause: Option<RecordId>,
    /// Its postings, in the order written.
    pub postings: Vec<PostingRow>,
}

impl EntryRow {
    /// Whether it counts in the balances.
    pub fn counts(&self) -> bool {
        self.standing == "counts"
    }
}

/// What a commit changed in the books: the accounts and entries to write as they are now.
#[derive(Debug, Clone, Copy, Default)]
pub struct BooksChanges<'a> {
    /// Accounts opened or closed.
    pub accounts: &'a [AccountRow],
    /// Entries posted, or whose standing may have changed.
    pub entries: &'a [EntryRow],
}

/// Which entries a journal read returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalQuery {
    /// Only entries posting to this account.
    pub account: Option<RecordId>,
    /// Only entries posted by this member or posting to one of their accounts.
    pub member: Option<PublicKey>,
    /// Only entries dated on or after this day.
    pub from: Option<String>,
    /// Only entries dated on or before this day.
    pub to: Option<String>,
    /// Words that must all appear in the description or the payee, in any case and
    /// with or without accents (the full-text index folds both; words shorter than three
    /// characters are matched by `LIKE`, which folds ASCII case only).
    pub text: Option<String>,
    /// At most this many, newest first (0: 500).
    pub limit: u32,
}

/// An amount per account and commodity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    /// The account.
    pub account: RecordId,
    /// The commodity.
    pub commodity: String,
    /// Minor units (debits positive).
    pub amount: i128,
}

/// A member's capital account over time, per commodity, from the entries that count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapitalRow {
    /// The commodity.
    pub commodity: String,
    /// Paid in: credits other than allocations.
    pub paid_in: i128,
    /// Allocated patronage: credits by allocation entries.
    pub allocated: i128,
    /// Withdrawn: debits.
    pub withdrawn: i128,
}

const ENTRY_COLUMNS: &str = "e.rowid, e.id, e.depth, e.date, e.description, e.payee, e.author,
    e.at, e.approved_by, e.reverses, e.allocation, e.standing, e.cause, e.reference";

/// Writes a commit's books changes: accounts replaced; entries inserted, or their
/// standing updated; the balances moved by whatever started or stopped counting.
/// Marks `coop`'s books' projection as holding every stored change.
pub(crate) fn mark_current(conn: &rusqlite::Connection, coop: CoopId) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO books_current (coop) VALUES (?1) ON CONFLICT (coop) DO NOTHING",
        [coop.as_bytes()],
    )?;
    Ok(())
}

pub(crate) fn apply(
    conn: &Connection,
    coop: CoopId,
    changes: BooksChanges<'_>,
) -> Result<(), StoreError> {
    for account in changes.accounts {
        write_account(conn, coop, account)?;
    }
    if changes.entries.is_empty() {
        return Ok(());
    }
    let mut moved: BTreeMap<(RecordId, String), i128> = BTreeMap::new();
    let mut find =
        conn.prepare_cached("SELECT rowid, standing FROM ledger_entries WHERE id = ?1")?;
    for entry in changes.entries {
        let old: Option<(i64, String)> = find
            .query_row([entry.id.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let sign = match &old {
            None => {
                insert_entry(conn, coop, entry)?;
                i128::from(entry.counts())
            }
            Some((rowid, standing)) => {
                let was = standing == "counts";
                conn.execute(
                    "UPDATE ledger_entries SET standing = ?2, cause = ?3 WHERE rowid = ?1",
                    params![
                        rowid,
                        entry.standing,
                        entry.cause.map(|c| c.as_bytes().to_vec())
                    ],
                )?;
                conn.execute(
                    "UPDATE ledger_postings SET counts = ?2 WHERE entry = ?1",
                    params![rowid, entry.counts()],
                )?;
                i128::from(entry.counts()) - i128::from(was)
            }
        };
        if sign != 0 {
            for p in &entry.postings {
                *moved.entry((p.account, p.commodity.clone())).or_default() +=
                    sign * i128::from(p.amount);
            }
        }
    }
    move_balances(conn, coop, &moved)
}

fn write_account(conn: &Connection, coop: CoopId, a: &AccountRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO ledger_accounts (coop, id, depth, name, type, member, role, closed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET closed = excluded.closed",
    )?
    .execute(params![
        coop.as_bytes(),
        a.id.as_bytes(),
        a.depth as i64,
        a.name,
        a.account_type,
        a.member.map(|m| m.as_bytes().to_vec()),
        a.role,
        a.closed
    ])?;
    Ok(())
}

fn insert_entry(conn: &Connection, coop: CoopId, e: &EntryRow) -> Result<(), StoreError> {
    let rowid: i64 = conn
        .prepare_cached(
            "INSERT INTO ledger_entries (coop, id, depth, date, description, payee, author, at,
                approved_by, reverses, allocation, standing, cause, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING rowid",
        )?
        .query_row(
            params![
                coop.as_bytes(),
                e.id.as_bytes(),
                e.depth as i64,
                e.date,
                e.description,
                e.payee,
                e.author.as_bytes(),
                e.at,
                e.approved_by.map(|p| p.as_bytes().to_vec()),
                e.reverses.map(|r| r.as_bytes().to_vec()),
                e.allocation,
                e.standing,
                e.cause.map(|c| c.as_bytes().to_vec()),
                e.reference,
            ],
            |r| r.get(0),
        )?;
    conn.prepare_cached("INSERT INTO ledger_text (rowid, description, payee) VALUES (?1, ?2, ?3)")?
        .execute(params![
            rowid,
            e.description,
            e.payee.as_deref().unwrap_or("")
        ])?;
    let mut posting = conn.prepare_cached(
        "INSERT INTO ledger_postings (entry, coop, account, commodity, amount, date, counts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in &e.postings {
        posting.execute(params![
            rowid,
            coop.as_bytes(),
            p.account.as_bytes(),
            p.commodity,
            p.amount,
            e.date,
            e.counts()
        ])?;
    }
    Ok(())
}

/// Adds `moved` to the stored balances (a balance back at 0 is removed).
fn move_balances(
    conn: &Connection,
    coop: CoopId,
    moved: &BTreeMap<(RecordId, String), i128>,
) -> Result<(), StoreError> {
    let mut read = conn.prepare_cached(
        "SELECT amount FROM ledger_balances WHERE coop = ?1 AND account = ?2 AND commodity = ?3",
    )?;
    let mut write = conn.prepare_cached(
        "INSERT INTO ledger_balances (coop, account, commodity, amount) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (coop, account, commodity) DO UPDATE SET amount = excluded.amount",
    )?;
    let mut clear = conn.prepare_cached(
        "DELETE FROM ledger_balances WHERE coop = ?1 AND account = ?2 AND commodity = ?3",
    )?;
    for ((account, commodity), by) in moved {
        if *by == 0 {
            continue;
        }
        let key = params![coop.as_bytes(), account.as_bytes(), commodity];
        let old: Option<String> = read.query_row(key, |r| r.get(0)).optional()?;
        let now = old.as_deref().map_or(Ok(0), decimal)? + by;
        if now == 0 {
            clear.execute(key)?;
        } else {
            write.execute(params![
                coop.as_bytes(),
                account.as_bytes(),
                commodity,
                now.to_string()
            ])?;
        }
    }
    Ok(())
}

fn decimal(text: &str) -> Result<i128, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Damaged("a stored balance is not a number"))
}

fn id_of(bytes: &[u8]) -> Result<RecordId, StoreError> {
    Ok(RecordId::from_bytes(array(bytes)?))
}

/// Sums `(account, commodity, amount)` rows in `i128`.
fn summed(
    rows: impl Iterator<Item = Result<(Vec<u8>, String, i64), rusqlite::Error>>,
) -> Result<Vec<BalanceRow>, StoreError> {
    let mut sums: BTreeMap<(RecordId, String), i128> = BTreeMap::new();
    for row in rows {
        let (account, commodity, amount) = row?;
        *sums.entry((id_of(&account)?, commodity)).or_default() += i128::from(amount);
    }
    Ok(sums
        .into_iter()
        .filter(|(_, amount)| *amount != 0)
        .map(|((account, commodity), amount)| BalanceRow {
            account,
            commodity,
            amount,
        })
        .collect())
}

impl Store {
    /// Replaces `coop`'s whole books with `accounts` and `entries` (the fold's, in fold
    /// order), balances recomputed: for a home whose books were never projected, or
    /// disagree with its log.
    pub fn rebuild_books(
        &mut self,
        coop: CoopId,
        accounts: &[AccountRow],
        entries: &[EntryRow],
    ) -> Result<(), StoreError> {
        let tx = self.conn.savepoint()?;
        tx.execute(
            "DELETE FROM ledger_text WHERE rowid IN (SELECT rowid FROM ledger_entries WHERE coop = ?1)",
            [coop.as_bytes()],
        )?;
        for table in [
            "ledger_postings",
            "ledger_entries",
            "ledger_balances",
            "ledger_accounts",
        ] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE coop = ?1"),
                [coop.as_bytes()],
            )?;
        }
        apply(&tx, coop, BooksChanges { accounts, entries })?;
        mark_current(&tx, coop)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether `coop`'s books' projection holds every stored change (so reading it needs
    /// no replay).
    pub fn books_current(&self, coop: CoopId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM books_current WHERE coop = ?1)")?
            .query_row([coop.as_bytes()], |r| r.get(0))?)
    }

    /// Records that `coop`'s books' projection was found to hold every stored change.
    pub fn mark_books_current(&self, coop: CoopId) -> Result<(), StoreError> {
        mark_current(&self.conn, coop)
    }

    /// How many accounts and entries `coop`'s books hold.
    pub fn book_counts(&self, coop: CoopId) -> Result<(u64, u64), StoreError> {
        let (accounts, entries): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM ledger_accounts WHERE coop = ?1),
                    (SELECT count(*) FROM ledger_entries WHERE coop = ?1)",
            [coop.as_bytes()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((accounts as u64, entries as u64))
    }

    /// Which of `references` an entry of `coop` already carries.
    pub fn known_references(
        &self,
        coop: CoopId,
        references: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM ledger_entries WHERE coop = ?1 AND reference = ?2 LIMIT 1",
        )?;
        let mut out = std::collections::HashSet::new();
        for reference in references {
            if stmt.exists(params![coop.as_bytes(), reference])? {
                out.insert(reference.clone());
            }
        }
        Ok(out)
    }

    /// `coop`'s accounts, in fold order.
    pub fn book_accounts(&self, coop: CoopId) -> Result<Vec<AccountRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, depth, name, type, member, role, closed FROM ledger_accounts
             WHERE coop = ?1 ORDER BY depth, id",
        )?;
        let rows = stmt.query_map([coop.as_bytes()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (id, depth, name, account_type, member, role, closed) = row?;
            Ok(AccountRow {
                id: id_of(&id)?,
                depth: depth as u64,
                name,
                account_type,
                member: member
                    .map(|m| array(&m).map(PublicKey::from_bytes))
                    .transpose()?,
                role,
                closed,
            })
        })
        .collect()
    }

    /// The journal entries `query` selects, newest first (by date, then fold order), each
    /// with its postings.
    pub fn journal(&self, coop: CoopId, query: &JournalQuery) -> Result<Vec<EntryRow>, StoreError> {
        let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries e WHERE e.coop = ?");
        let mut args: Vec<rusqlite::types::Value> = vec![coop.as_bytes().to_vec().into()];
        if let Some(account) = &query.account {
            sql.push_str(
                " AND e.rowid IN (SELECT entry FROM ledger_postings WHERE coop = ? AND account = ?)",
            );
            args.push(coop.as_bytes().to_vec().into());
            args.push(account.as_bytes().to_vec().into());
        }
        if let Some(member) = &query.member {
            sql.push_str(
                " AND (e.author = ? OR e.rowid IN (SELECT p.entry FROM ledger_postings p
                   JOIN ledger_accounts a ON a.id = p.account WHERE a.coop = ? AND a.member = ?))",
            );
            args.push(member.as_bytes().to_vec().into());
            args.push(coop.as_bytes().to_vec().into());
            args.push(member.as_bytes().to_vec().into());
        }
        if let Some(from) = &query.from {
            sql.push_str(" AND e.date >= ?");
            args.push(from.clone().into());
        }
        if let Some(to) = &query.to {
            sql.push_str(" AND e.date <= ?");
            args.push(to.clone().into());
        }
        // Words of three characters or more are looked up in the full-text index; shorter
        // ones, which a trigram index cannot find, by `LIKE`.
        let (long, short) = super::search_words(query.text.as_deref());
        if !long.is_empty() {
            let terms: Vec<String> = long.iter().map(|w| super::phrase(w)).collect();
            sql.push_str(
                " AND e.rowid IN (SELECT rowid FROM ledger_text WHERE ledger_text MATCH ?)",
            );
            args.push(terms.join(" ").into());
        }
        for word in short {
            sql.push_str(
                " AND (e.description LIKE ? ESCAPE '\\' OR ifnull(e.payee, '') LIKE ? ESCAPE '\\')",
            );
            args.push(like(word).into());
            args.push(like(word).into());
        }
        sql.push_str(" ORDER BY e.date DESC, e.depth DESC, e.id LIMIT ?");
        args.push(i64::from(if query.limit == 0 { 500 } else { query.limit }).into());
        self.entries_where(&sql, args)
    }

    /// Every entry of `coop`, oldest first (by date, then fold order): for exports.
    pub fn all_entries(&self, coop: CoopId) -> Result<Vec<EntryRow>, StoreError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM ledger_entries e WHERE e.coop = ?
             ORDER BY e.date, e.depth, e.id"
        );
        self.entries_where(&sql, vec![coop.as_bytes().to_vec().into()])
    }

    fn entries_where(
        &self,
        sql: &str,
        args: Vec<rusqlite::types::Value>,
    ) -> Result<Vec<EntryRow>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut out: Vec<(i64, EntryRow)> = Vec::new();
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                (
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                ),
                (
                    r.get::<_, i64>(7)?,
                    r.get::<_, Option<Vec<u8>>>(8)?,
                    r.get::<_, Option<Vec<u8>>>(9)?,
                    r.get::<_, bool>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, Option<Vec<u8>>>(12)?,
                    r.get::<_, Option<String>>(13)?,
                ),
            ))
        })?;
        for row in rows {
            let (rowid, (id, depth, date, description, payee, author), rest) = row?;
            let (at, approved_by, reverses, allocation, standing, cause, reference) = rest;
            let opt = |b: Option<Vec<u8>>| b.map(|b| id_of(&b)).transpose();
            out.push((
                rowid,
                EntryRow {
                    id: id_of(&id)?,
                    depth: depth as u64,
                    date,
                    description,
                    payee,
                    author: PublicKey::from_bytes(array(&author)?),
                    at,
                    approved_by: opt(approved_by)?,
                    reverses: opt(reverses)?,
                    allocation,
                    reference,
                    standing,
                    cause: opt(cause)?,
                    postings: Vec::new(),
                },
            ));
        }
        let mut postings = self.conn.prepare_cached(
            "SELECT account, amount, commodity FROM ledger_postings WHERE entry = ?1 ORDER BY rowid",
        )?;
        for (rowid, entry) in &mut out {
            let rows = postings.query_map([*rowid], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (account, amount, commodity) = row?;
                entry.postings.push(PostingRow {
                    account: id_of(&account)?,
                    amount,
                    commodity,
                });
            }
        }
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// Each account's balance per commodity over the entries that count: now (one row an
    /// account and commodity, kept by every commit), or at the end of day `at`.
    pub fn balances(&self, coop: CoopId, at: Option<&str>) -> Result<Vec<BalanceRow>, StoreError> {
        let Some(at) = at else {
            let mut stmt = self.conn.prepare_cached(
                "SELECT account, commodity, amount FROM ledger_balances WHERE coop = ?1
                 ORDER BY account, commodity",
            )?;
            let rows = stmt.query_map([coop.as_bytes()], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            return rows
                .map(|row| {
                    let (account, commodity, amount) = row?;
                    Ok(BalanceRow {
                        account: id_of(&account)?,
                        commodity,
                        amount: decimal(&amount)?,
                    })
                })
                .collect();
        };
        self.flows(coop, None, Some(at))
    }

    /// What the entries that count moved per account and commodity, dated from `from` to
    /// `to` (each end included when given): an income statement's figures.
    pub fn flows(
        &self,
        coop: CoopId,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<BalanceRow>, StoreError> {
        // SQLite sums in 64 bits and stops with "integer overflow" past them: then the
        // rows are summed here in 128 bits instead, slower but exact.
        let mut grouped = self.conn.prepare_cached(
            "SELECT account, commodity, SUM(amount) FROM ledger_postings
             WHERE coop = ?1 AND counts = 1 AND date >= ifnull(?2, '') AND date <= ifnull(?3, '9')
             GROUP BY account, commodity",
        )?;
        let sums: Result<Vec<(Vec<u8>, String, i64)>, rusqlite::Error> = grouped
            .query_map(params![coop.as_bytes(), from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect();
        match sums {
            Ok(rows) => return summed(rows.into_iter().map(Ok)),
            Err(e) if e.to_string().contains("integer overflow") => {}
            Err(e) => return Err(e.into()),
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT account, commodity, amount FROM ledger_postings
             WHERE coop = ?1 AND counts = 1 AND date >= ifnull(?2, '') AND date <= ifnull(?3, '9')",
        )?;
        let rows = stmt.query_map(params![coop.as_bytes(), from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        summed(rows)
    }

    /// What the entries that count moved per month (`YYYY-MM`), account and commodity,
    /// dated from `from` to `to`: the books' monthly chart.
    pub fn monthly_flows(
        &self,
        coop: CoopId,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, BalanceRow)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(date, 1, 7), account, commodity, amount FROM ledger_postings
             WHERE coop = ?1 AND counts = 1 AND date >= ?2 AND date <= ?3",
        )?;
        let rows = stmt.query_map(params![coop.as_bytes(), from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut sums: BTreeMap<(String, RecordId, String), i128> = BTreeMap::new();
        for row in rows {
            let (month, account, commodity, amount) = row?;
            *sums
                .entry((month, id_of(&account)?, commodity))
                .or_default() += i128::from(amount);
        }
        Ok(sums
            .into_iter()
            .map(|((month, account, commodity), amount)| {
                (
                    month,
                    BalanceRow {
                        account,
                        commodity,
                        amount,
                    },
                )
            })
            .collect())
    }

    /// The capital statement of one account, per commodity.
    pub fn capital(&self, coop: CoopId, account: &RecordId) -> Result<Vec<CapitalRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.commodity, p.amount, e.allocation FROM ledger_postings p
             JOIN ledger_entries e ON e.rowid = p.entry
             WHERE p.coop = ?1 AND p.account = ?2 AND p.counts = 1",
        )?;
        let rows = stmt.query_map(params![coop.as_bytes(), account.as_bytes()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut by: BTreeMap<String, CapitalRow> = BTreeMap::new();
        for row in rows {
            let (commodity, amount, allocation) = row?;
            let c = by.entry(commodity.clone()).or_insert_with(|| CapitalRow {
                commodity,
                ..CapitalRow::default()
            });
            let amount = i128::from(amount);
            match (amount < 0, allocation) {
                (true, true) => c.allocated -= amount,
                (true, false) => c.paid_in -= amount,
                (false, _) => c.withdrawn += amount,
            }
        }
        Ok(by.into_values().collect())
    }
}

#[cfg(test)]
#[path = "books_tests.rs"]
mod tests;
