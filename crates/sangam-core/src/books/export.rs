//! The books as files other tools read: an hledger journal, a beancount ledger (both of
//! the entries that count, so their balances are Sangam's), and CSV (one row a posting,
//! every entry with its standing).
//!
//! Account names become each tool's hierarchical names under the type's root
//! ("Capital: Asha", an equity account, is `Equity:Capital:Asha`); beancount allows only
//! ASCII letters, digits and dashes in a name's parts, so other characters become dashes,
//! and a name left without a letter becomes the account's short id. When two accounts'
//! names come out the same, the later one (in fold order) gets its short id appended, so
//! an account keeps its exported name when another is added.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use sangam_model::{CoopId, RecordId};
use sangam_store::{AccountRow, EntryRow};

use super::Home;
use crate::ApiError;
use crate::money::minor_text;
use crate::problem::{ProblemKey, problem};

/// A file format the books export to (`hledger`, `beancount` or `csv` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// An hledger journal.
    Hledger,
    /// A beancount ledger.
    Beancount,
    /// CSV, one row a posting.
    Csv,
}

impl std::str::FromStr for ExportFormat {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self, ApiError> {
        match s.to_ascii_lowercase().as_str() {
            "hledger" | "ledger" | "journal" => Ok(Self::Hledger),
            "beancount" => Ok(Self::Beancount),
            "csv" => Ok(Self::Csv),
            other => Err(problem(ProblemKey::BadFormat).with("text", other).into()),
        }
    }
}

fn root(account_type: &str) -> &'static str {
    match account_type {
        "asset" => "Assets",
        "liability" => "Liabilities",
        "income" => "Income",
        "expense" => "Expenses",
        _ => "Equity",
    }
}

/// One line of text: newlines and tabs become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// hledger's part of a name: one line, single spaces, no characters hledger reads as
/// syntax there.
fn hledger_part(part: &str) -> String {
    let cleaned: String = one_line(part)
        .chars()
        .map(|c| {
            if matches!(c, ';' | '(' | ')' | '[' | ']') {
                '-'
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// beancount's part of a name: `[A-Z0-9][A-Za-z0-9-]*`.
fn beancount_part(part: &str) -> String {
    let mut out = String::new();
    for c in part.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_matches('-').to_owned();
    if let Some(first) = out.get(..1) {
        let upper = first.to_ascii_uppercase();
        out.replace_range(..1, &upper);
    }
    out
}

/// Every account's name in a tool, unique.
fn names(accounts: &[AccountRow], part: fn(&str) -> String) -> HashMap<RecordId, String> {
    let mut proposed: Vec<(RecordId, String)> = accounts
        .iter()
        .map(|a| {
            let parts: Vec<String> = a
                .name
                .split(':')
                .map(part)
                .filter(|p| p.chars().any(|c| c.is_alphanumeric()))
                .collect();
            let valid_start = parts
                .first()
                .and_then(|p| p.chars().next())
                .is_some_and(|c| c.is_alphanumeric());
            let tail = if parts.is_empty() || !valid_start {
                format!("A{}", a.id.short())
            } else {
                parts.join(":")
            };
            (a.id, format!("{}:{tail}", root(&a.account_type)))
        })
        .collect();
    // The accounts come in fold order, oldest first: the first to take a name keeps it,
    // and only a later one that comes out the same gets its short id appended, so a name
    // in one export stays the same in every later one.
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (id, name) in &mut proposed {
        if !taken.insert(name.clone()) {
            name.push_str(&format!("-{}", id.short()));
            taken.insert(name.clone());
        }
    }
    proposed.into_iter().collect()
}

/// The name of `id`; an account missing from the books (which the fold never allows) is
/// written by its id rather than failing the export.
fn name_in(names: &HashMap<RecordId, String>, id: &RecordId) -> String {
    names
        .get(id)
        .cloned()
        .unwrap_or_else(|| format!("Equity:Unknown-{}", id.short()))
}

/// An entry's postings, one a line: "NAME  AMOUNT COMMODITY", as both tools read them;
/// `commodity` writes the commodity as the tool needs it.
fn postings(
    out: &mut String,
    indent: &str,
    names: &HashMap<RecordId, String>,
    e: &EntryRow,
    commodity: fn(&str) -> String,
) {
    for p in &e.postings {
        let _ = writeln!(
            out,
            "{indent}{}  {} {}",
            name_in(names, &p.account),
            minor_text(i128::from(p.amount), &p.commodity),
            commodity(&p.commodity)
        );
    }
}

/// A commodity as hledger reads it: bare when it is letters only, else quoted (a bare
/// `X2Y` is a syntax error).
fn hledger_commodity(code: &str) -> String {
    if code.chars().all(|c| c.is_ascii_alphabetic()) {
        code.to_owned()
    } else {
        format!("\"{code}\"")
    }
}

/// Text on an hledger transaction line, where some characters are syntax: `;` starts a
/// comment (whose `name:value` words are tags, so a description could forge another
/// entry's id tag), `|` splits payee from note, and a leading `(` opens a transaction
/// code. They become `,`, `/` and `[`: the text reads the same to a person, and hledger
/// takes it as plain text.
fn hledger_text(text: &str) -> String {
    let cleaned: String = one_line(text)
        .chars()
        .map(|c| match c {
            ';' => ',',
            '|' => '/',
            c => c,
        })
        .collect();
    let mut cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.starts_with('(') {
        cleaned.replace_range(..1, "[");
    }
    cleaned
}

fn beancount_string(text: &str) -> String {
    format!(
        "\"{}\"",
        one_line(text).replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// The hledger journal of the entries that count.
pub(crate) fn hledger(coop_name: &str, accounts: &[AccountRow], entries: &[EntryRow]) -> String {
    let names = names(accounts, hledger_part);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; The books of {}, exported by Sangam.",
        one_line(coop_name)
    );
    let _ = writeln!(
        out,
        "; Only entries that count are here; amounts are exact.\n"
    );
    for a in accounts {
        let _ = writeln!(out, "account {}", name_in(&names, &a.id));
    }
    for e in entries.iter().filter(|e| e.counts()) {
        // hledger's own form "PAYEE | NOTE" carries the payee; the id tag is the only
        // comment on the line, after text that can hold no `;`.
        let description = match &e.payee {
            Some(payee) => format!("{} | {}", hledger_text(payee), hledger_text(&e.description)),
            None => hledger_text(&e.description),
        };
        let _ = writeln!(out, "\n{} * {description}  ; sangam:{}", e.date, e.id);
        postings(&mut out, "    ", &names, e, hledger_commodity);
    }
    out
}

/// When each account was opened and closed, as the books' records say (UTC days): what
/// a beancount ledger needs besides the entries.
#[derive(Debug, Default)]
pub(crate) struct AccountDays {
    /// The day each account's record was written.
    pub(crate) opened: HashMap<RecordId, String>,
    /// The day each closed account's close was written.
    pub(crate) closed: HashMap<RecordId, String>,
}

/// The beancount ledger of the entries that count. Each account opens on the day it was
/// opened, or of its first posting if that is earlier (entries may be dated back); a
/// closed account closes on the day it was closed, or after its last posting if that is
/// later, so bean-check reads every posting within its account's life.
pub(crate) fn beancount(
    coop_name: &str,
    currency: &str,
    accounts: &[AccountRow],
    entries: &[EntryRow],
    days: &AccountDays,
) -> String {
    let names = names(accounts, beancount_part);
    let counted: Vec<&EntryRow> = entries.iter().filter(|e| e.counts()).collect();
    let mut opened: BTreeMap<RecordId, String> = BTreeMap::new();
    let mut last: BTreeMap<RecordId, &str> = BTreeMap::new();
    for e in &counted {
        for p in &e.postings {
            let day = opened.entry(p.account).or_insert_with(|| e.date.clone());
            if e.date < *day {
                *day = e.date.clone();
            }
            let end = last.entry(p.account).or_insert(&e.date);
            if e.date.as_str() > *end {
                *end = &e.date;
            }
        }
    }
    for (id, day) in &days.opened {
        let first = opened.entry(*id).or_insert_with(|| day.clone());
        if *day < *first {
            *first = day.clone();
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; The books of {}, exported by Sangam.",
        one_line(coop_name)
    );
    let _ = writeln!(out, "option \"title\" {}", beancount_string(coop_name));
    let _ = writeln!(out, "option \"operating_currency\" \"{currency}\"\n");
    let mut closes: Vec<(String, &AccountRow)> = Vec::new();
    for a in accounts {
        let Some(day) = opened.get(&a.id) else {
            continue;
        };
        let _ = writeln!(out, "{day} open {}", name_in(&names, &a.id));
        if let Some(closed) = days.closed.get(&a.id) {
            // The day after its last posting at the earliest: beancount allows no posting
            // on or after a close.
            let after_last = last.get(&a.id).map(|d| day_after(d));
            let day = match after_last {
                Some(after) if after > *closed => after,
                _ => closed.clone(),
            };
            closes.push((day, a));
        }
    }
    for e in counted {
        let _ = write!(out, "\n{} *", e.date);
        if let Some(payee) = &e.payee {
            let _ = write!(out, " {}", beancount_string(payee));
        }
        let _ = writeln!(out, " {}", beancount_string(&e.description));
        let _ = writeln!(out, "  sangam_id: \"{}\"", e.id);
        postings(&mut out, "  ", &names, e, str::to_owned);
    }
    if !closes.is_empty() {
        out.push('\n');
    }
    for (day, a) in closes {
        let _ = writeln!(out, "{day} close {}", name_in(&names, &a.id));
    }
    out
}

/// The day after `date` (`YYYY-MM-DD`, a valid day).
fn day_after(date: &str) -> String {
    let parse = |range: std::ops::Range<usize>| date.get(range).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (parse(0..4), parse(5..7), parse(8..10)) else {
        return date.to_owned();
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = match m {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    };
    let (y, m, d) = if d < days_in {
        (y, m, d + 1)
    } else if m < 12 {
        (y, m + 1, 1)
    } else {
        (y + 1, 1, 1)
    };
    format!("{y:04}-{m:02}-{d:02}")
}

/// A cell of text a member wrote, safe to open in a spreadsheet: one starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be run as a formula, so it gets a
/// leading `'` (as OWASP advises); bidirectional and zero-width controls, which can make a
/// cell read as something else, are written as visible escapes (`\u{202e}`).
fn csv_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    for c in text.chars() {
        if matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn csv_not_written(e: impl ToString) -> ApiError {
    problem(ProblemKey::CsvNotWritten)
        .with("detail", e.to_string())
        .into()
}

/// CSV of every posting of every entry, with the entry's standing.
pub(crate) fn csv(accounts: &[AccountRow], entries: &[EntryRow]) -> Result<String, ApiError> {
    let by_id: HashMap<RecordId, &AccountRow> = accounts.iter().map(|a| (a.id, a)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| csv_not_written(e);
    w.write_record([
        "date",
        "entry",
        "description",
        "payee",
        "account",
        "account_name",
        "account_type",
        "amount",
        "commodity",
        "minor_units",
        "approved_by",
        "reverses",
        "standing",
    ])
    .map_err(fail)?;
    for e in entries {
        for p in &e.postings {
            let account = by_id.get(&p.account);
            w.write_record([
                e.date.clone(),
                e.id.to_string(),
                csv_text(&e.description),
                csv_text(e.payee.as_deref().unwrap_or_default()),
                p.account.to_string(),
                account.map(|a| csv_text(&a.name)).unwrap_or_default(),
                account.map(|a| a.account_type.clone()).unwrap_or_default(),
                minor_text(i128::from(p.amount), &p.commodity),
                p.commodity.clone(),
                p.amount.to_string(),
                e.approved_by.map(|x| x.to_string()).unwrap_or_default(),
                e.reverses.map(|x| x.to_string()).unwrap_or_default(),
                e.standing.clone(),
            ])
            .map_err(fail)?;
        }
    }
    let bytes = w.into_inner().map_err(csv_not_written)?;
    String::from_utf8(bytes).map_err(csv_not_written)
}

impl super::Node {
    /// The day each account was opened and, if it was, closed (UTC), from the records.
    pub(crate) fn account_days(&mut self, coop: CoopId) -> Result<AccountDays, ApiError> {
        let fold = self.replica(coop)?.fold();
        let day = |ms: i64| crate::node::when_utc(ms)[..10].to_owned();
        let mut days = AccountDays::default();
        for account in fold.accounts() {
            if let Some(placed) = fold.get(&account.id) {
                days.opened.insert(account.id, day(placed.record.at()));
            }
            if let Some(at) = fold.closed_at(&account.id) {
                days.closed.insert(account.id, day(at));
            }
        }
        Ok(days)
    }
}

impl ExportFormat {
    /// The file name extension the tool expects.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Hledger => "journal",
            Self::Beancount => "beancount",
            Self::Csv => "csv",
        }
    }
}

impl Home {
    /// Where an export in `format` is offered to go: where the last export went, else the
    /// downloads folder, named after the co-op and today.
    pub fn default_books_path(
        &self,
        coop: CoopId,
        format: ExportFormat,
    ) -> Result<std::path::PathBuf, ApiError> {
        let name = self.coop(coop)?.name;
        Ok(self.save_folder(crate::SavedFile::Books)?.join(format!(
            "{}-books-{}.{}",
            crate::save_folders::file_stem(&name),
            self.today(),
            format.extension()
        )))
    }

    /// Writes the books in `format` to `path`, atomically, and remembers its folder for
    /// the next export.
    pub fn export_books_to(
        &self,
        coop: CoopId,
        format: ExportFormat,
        path: &std::path::Path,
    ) -> Result<(), ApiError> {
        let text = self.export_books(coop, format)?;
        crate::files::write_atomically(path, text.as_bytes())?;
        self.remember_save_folder(crate::SavedFile::Books, path)
    }

    /// The books in `format`, as text.
    pub fn export_books(&self, coop: CoopId, format: ExportFormat) -> Result<String, ApiError> {
        let coop_dto = self.coop(coop)?;
        self.node().books_ready(coop)?;
        let reader = self.reader();
        let accounts = reader.book_accounts(coop)?;
        let entries = reader.all_entries(coop)?;
        Ok(match format {
            ExportFormat::Hledger => hledger(&coop_dto.name, &accounts, &entries),
            ExportFormat::Beancount => {
                let days = self.node().account_days(coop)?;
                beancount(
                    &coop_dto.name,
                    &coop_dto.currency,
                    &accounts,
                    &entries,
                    &days,
                )
            }
            ExportFormat::Csv => csv(&accounts, &entries)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8, depth: u64, name: &str) -> AccountRow {
        AccountRow {
            id: RecordId::from_bytes([n; 32]),
            depth,
            name: name.into(),
            account_type: "asset".into(),
            member: None,
            role: None,
            closed: false,
        }
    }

    /// An account keeps its exported name when a later one's name comes out the same:
    /// only the later one gets its short id.
    #[test]
    fn the_day_after_crosses_months_years_and_leap_days() {
        assert_eq!(day_after("2026-02-07"), "2026-02-08");
        assert_eq!(day_after("2026-02-28"), "2026-03-01");
        assert_eq!(day_after("2028-02-28"), "2028-02-29");
        assert_eq!(day_after("2100-02-28"), "2100-03-01");
        assert_eq!(day_after("2026-12-31"), "2027-01-01");
        assert_eq!(day_after("2026-04-30"), "2026-05-01");
    }

    #[test]
    fn an_exported_name_stays_when_a_colliding_account_is_added() {
        let first = account(9, 1, "Cash (till)");
        let before = names(std::slice::from_ref(&first), beancount_part);
        let later = account(1, 5, "Cash till");
        let after = names(&[first.clone(), later.clone()], beancount_part);
        assert_eq!(before[&first.id], "Assets:Cash-till");
        assert_eq!(after[&first.id], before[&first.id]);
        assert_eq!(
            after[&later.id],
            format!("Assets:Cash-till-{}", later.id.short())
        );
    }
}
