//! Importing a bank statement (CSV) through a small rules file (docs/cli.md "Bank
//! statements"): which columns hold the date, amount and description, how dates are
//! written, the account the statement is of, and which counter-account a row goes to.
//!
//! Each row becomes one entry carrying the row's fingerprint as its `reference`, so a row
//! imported once (on any laptop) is skipped by the next import of an overlapping
//! statement. A file with any bad row posts nothing, and says which line and why.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use sangam_model::ledger::{LedgerEntry, Posting};
use sangam_model::{Body, CoopId};
use sangam_store::AccountRow;

use super::statement_rules::{Column, Money, Rules, index_of, read_rules};
use super::{Home, MoneyDto, find_account};
use crate::ApiError;
use crate::money::{DecimalMark, parse_minor_marked};
use crate::problem::{ProblemKey, problem};

/// One row of a statement, as it would be or was posted.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BankRowDto {
    /// Its line in the file (from 1).
    pub line: u64,
    /// The date read, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The description.
    pub description: String,
    /// The amount into the account (negative: out of it).
    pub amount: Option<MoneyDto>,
    /// The counter-account's name.
    pub counter_account: Option<String>,
    /// What became of it.
    pub status: RowStatus,
    /// Why a bad row is bad.
    pub error: Option<String>,
    /// The entry posted (hex).
    pub entry: Option<String>,
}

/// What became of a statement's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub enum RowStatus {
    /// Read, and not in the books yet (a preview).
    #[serde(rename = "new")]
    New,
    /// Posted by this import.
    #[serde(rename = "imported")]
    Imported,
    /// In the books already (by an earlier import of the same row).
    #[serde(rename = "already imported")]
    AlreadyImported,
    /// Not readable as the rules say; `error` says why.
    #[serde(rename = "bad")]
    Bad,
}

impl RowStatus {
    /// The words the CLI prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Imported => "imported",
            Self::AlreadyImported => "already imported",
            Self::Bad => "bad",
        }
    }
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BankImportDto {
    /// Every row.
    pub rows: Vec<BankRowDto>,
    /// Entries posted.
    pub posted: u32,
    /// Rows skipped as imported before.
    pub skipped: u32,
    /// Bad rows (when any, nothing is posted).
    pub bad: u32,
    /// Whether this was a preview.
    pub dry_run: bool,
    /// Rows read but not in `rows`: a long statement read by the command line lists its
    /// first rows and every bad one (0 when every row is listed).
    #[ts(type = "number")]
    pub unlisted: u64,
}

/// Why one row of a statement cannot be posted; shown after its line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum RowError {
    /// The date does not match the rules' format.
    #[error("{text:?} is not a date written {format}")]
    NotWritten {
        /// The field as found.
        text: String,
        /// The rules' format.
        format: String,
    },
    /// It matches, but names no day of the calendar.
    #[error("{0:?} is not a calendar date")]
    NoSuchDay(String),
    /// The rules' format uses a directive other than `%Y`, `%m`, `%d`.
    #[error("the date format has %{0}")]
    Directive(char),
    /// The amount does not read in the commodity (the message says why).
    #[error("{0}")]
    Amount(String),
    /// The row is shorter than a column the rules name.
    #[error("the row has no column {0}")]
    NoColumn(usize),
    /// A column named by a header the first line lacks (the message says which).
    #[error("{0}")]
    Header(String),
    /// Money in and out cancel, or both are empty.
    #[error("the amount is 0")]
    Zero,
    /// Both the debit and the credit column hold an amount: which one the bank meant is
    /// not for Sangam to guess.
    #[error("the row has an amount both out and in; a row moves money one way")]
    BothWays,
}

/// `text` read by `format` (`%Y`, `%m`, `%d`; anything else literal) as `YYYY-MM-DD`.
fn read_date(text: &str, format: &str) -> Result<String, RowError> {
    let text = text.trim();
    let not_written = || RowError::NotWritten {
        text: text.to_owned(),
        format: format.to_owned(),
    };
    let (mut y, mut m, mut d) = (None, None, None);
    let mut rest = text;
    let mut f = format.chars().peekable();
    let take = |rest: &mut &str, most: usize| -> Option<u32> {
        let n = rest
            .chars()
            .take(most)
            .take_while(char::is_ascii_digit)
            .count();
        let (digits, tail) = rest.split_at(n);
        *rest = tail;
        digits.parse().ok()
    };
    while let Some(c) = f.next() {
        if c == '%' {
            match f.next() {
                Some('Y') => y = take(&mut rest, 4),
                Some('m') => m = take(&mut rest, 2),
                Some('d') => d = take(&mut rest, 2),
                other => return Err(RowError::Directive(other.unwrap_or(' '))),
            }
        } else {
            rest = rest.strip_prefix(c).ok_or_else(not_written)?;
        }
    }
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(not_written());
    };
    if !rest.is_empty() {
        return Err(not_written());
    }
    let date = format!("{y:04}-{m:02}-{d:02}");
    sangam_model::ledger::check_date(&date).map_err(|_| RowError::NoSuchDay(text.to_owned()))?;
    Ok(date)
}

/// An amount as a bank writes it ("1.234,56" with a decimal comma, "(12.00)" for out).
fn read_amount(text: &str, mark: DecimalMark, commodity: &str) -> Result<i64, RowError> {
    let mut t = text.trim().replace([' ', '\u{a0}'], "");
    let negative = t.starts_with('(') && t.ends_with(')');
    if negative {
        t = t[1..t.len() - 1].to_owned();
    }
    if t.is_empty() {
        return Ok(0);
    }
    let minor = parse_minor_marked(&t, commodity, mark).map_err(|e| RowError::Amount(e.message))?;
    Ok(if negative { -minor } else { minor })
}

/// A row's stable fingerprint: the statement's account, date, amount and description,
/// and which occurrence of that same row in the file it is.
fn fingerprint(
    account: &AccountRow,
    date: &str,
    minor: i64,
    description: &str,
    nth: u32,
) -> String {
    let mut h = Sha256::new();
    for part in [
        "sangam/bank-row/1".as_bytes(),
        account.id.as_bytes(),
        date.as_bytes(),
        minor.to_string().as_bytes(),
        description.as_bytes(),
        nth.to_string().as_bytes(),
    ] {
        h.update(part);
        h.update([0]);
    }
    format!("bank:{}", hex::encode(&h.finalize()[..16]))
}

/// Where a statement is read from. It is read twice, once to check every row and once
/// more to post them, so that no more than a row at a time is held: a statement of
/// hundreds of thousands of rows costs the memory of its new entries, not of its text.
pub trait StatementSource {
    /// A reader from the statement's start.
    fn open(&self) -> Result<Box<dyn std::io::Read + '_>, ApiError>;
}

impl StatementSource for &str {
    fn open(&self) -> Result<Box<dyn std::io::Read + '_>, ApiError> {
        Ok(Box::new(self.as_bytes()))
    }
}

impl StatementSource for crate::files::CappedFile<'_> {
    fn open(&self) -> Result<Box<dyn std::io::Read + '_>, ApiError> {
        Ok(Box::new(self.reader()?))
    }
}

/// One pass over a statement: each row read, checked and, when it is good, the entry it
/// would post.
struct Pass<'a> {
    rules: &'a Rules,
    mark: DecimalMark,
    commodity: &'a str,
    bank: &'a AccountRow,
    default: &'a AccountRow,
    counter_of: &'a [(String, AccountRow)],
    /// Per (date, amount, description) seen so far, how many times: the n-th such row
    /// of a statement is a row of its own (two coffees on one day). Keyed by a 128-bit
    /// digest, so a long statement costs 20 bytes a row here, not its text.
    seen: HashMap<[u8; 16], u32>,
}

impl Pass<'_> {
    /// Reads every row of `source`, giving each to `each` with its entry if it is good.
    fn run(
        &mut self,
        source: &dyn StatementSource,
        each: &mut dyn FnMut(BankRowDto, Option<LedgerEntry>) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.rules.delimiter)
            .from_reader(super::line_feeds::LineFeeds::new(source.open()?));
        let mut header = None;
        let mut record = csv::StringRecord::new();
        let mut i = 0usize;
        loop {
            let more = reader
                .read_record(&mut record)
                .map_err(|e| match e.kind() {
                    csv::ErrorKind::Io(io) => {
                        ApiError::from(problem(ProblemKey::StatementUnreadable).with("detail", io))
                    }
                    _ => problem(ProblemKey::NotCsv).with("detail", &e).into(),
                })?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(i as u64 + 1, |p| p.line());
            if i == 0 {
                header = Some(record.clone());
            }
            i += 1;
            if i <= self.rules.skip || record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let (row, entry) = self.row(&record, header.as_ref(), line);
            each(row, entry)?;
        }
    }

    fn row(
        &mut self,
        record: &csv::StringRecord,
        header: Option<&csv::StringRecord>,
        line: u64,
    ) -> (BankRowDto, Option<LedgerEntry>) {
        let rules = self.rules;
        let field = |col: &Column| -> Result<String, RowError> {
            let at = index_of(col, header).map_err(|e| RowError::Header(e.message))?;
            record
                .get(at)
                .map(|f| f.trim().to_owned())
                .ok_or(RowError::NoColumn(at + 1))
        };
        let mut row = BankRowDto {
            line,
            date: None,
            description: String::new(),
            amount: None,
            counter_account: None,
            status: RowStatus::New,
            error: None,
            entry: None,
        };
        let parsed = (|| -> Result<(String, i64, String), RowError> {
            let date = read_date(&field(&rules.date)?, &rules.date_format)?;
            let description = field(&rules.description)?;
            let amount = |col: &Column| read_amount(&field(col)?, self.mark, self.commodity);
            let minor = match &rules.money {
                Money::Amount(a) => amount(a)?,
                Money::InOut { debit, credit } => {
                    let (out, into) = (amount(debit)?, amount(credit)?);
                    if out != 0 && into != 0 {
                        return Err(RowError::BothWays);
                    }
                    into - out
                }
            };
            if minor == 0 {
                return Err(RowError::Zero);
            }
            Ok((date, minor, description))
        })();
        let (date, minor, description) = match parsed {
            Ok(read) => read,
            Err(why) => {
                row.status = RowStatus::Bad;
                row.error = Some(format!("line {line}: {why}"));
                return (row, None);
            }
        };
        let lower = description.to_lowercase();
        let counter = self
            .counter_of
            .iter()
            .find(|(p, _)| lower.contains(p.as_str()))
            .map_or(self.default, |(_, a)| a);
        let nth = self
            .seen
            .entry(row_key(&date, minor, &description))
            .or_default();
        *nth += 1;
        let reference = fingerprint(self.bank, &date, minor, &description, *nth);
        row.date = Some(date.clone());
        row.description = description.clone();
        row.amount = Some(MoneyDto::new(i128::from(minor), self.commodity));
        row.counter_account = Some(counter.name.clone());
        let posting = |account: &AccountRow, amount: i64| Posting {
            account: account.id,
            amount,
            commodity: self.commodity.to_owned(),
            member: None,
        };
        let entry = LedgerEntry {
            date,
            description: if description.is_empty() {
                "Bank statement row".into()
            } else {
                description
            },
            postings: vec![posting(self.bank, minor), posting(counter, -minor)],
            payee: None,
            approved_by: None,
            reverses: None,
            allocates: None,
            reference: Some(reference),
        };
        (row, Some(entry))
    }
}

/// A row's (date, amount, description) as a digest, for counting repeats.
fn row_key(date: &str, minor: i64, description: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    for part in [
        date.as_bytes(),
        &minor.to_le_bytes(),
        description.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize()[..16]);
    key
}

/// How many rows of a statement read from a file are listed (with every bad row beyond).
pub const LISTED_ROWS: usize = 10_000;

/// Marks the rows whose entries were posted (`entries` by line, in order; rows not listed
/// are passed over).
fn mark_imported(rows: &mut [BankRowDto], entries: &[(u64, sangam_model::RecordId)]) {
    let mut entries = entries.iter().peekable();
    for row in rows {
        while entries.next_if(|(line, _)| *line < row.line).is_some() {}
        if let Some((_, id)) = entries.next_if(|(line, _)| *line == row.line) {
            row.status = RowStatus::Imported;
            row.entry = Some(id.to_string());
        }
    }
}

/// How many rows' references are looked up in the store at once.
const ROWS_PER_LOOKUP: usize = 1024;

/// What an import did, row by row (the rows themselves go to the caller as they are read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportTotals {
    /// Rows read (not counting skipped header lines and blank lines).
    pub rows: u64,
    /// New rows: posted, or in a preview what would be.
    pub new: u64,
    /// Entries posted.
    pub posted: u32,
    /// Rows skipped as imported before.
    pub skipped: u32,
    /// Bad rows (when any, nothing is posted).
    pub bad: u32,
    /// The entries posted, by the line of their row.
    pub entries: Vec<(u64, sangam_model::RecordId)>,
}

impl Home {
    /// Reads a bank statement through `rules`: with `dry_run`, shows what would be posted;
    /// else posts every new row as an entry, in one write. A bad row posts nothing.
    pub fn import_bank_csv(
        &self,
        coop: CoopId,
        statement: &str,
        rules: &str,
        dry_run: bool,
    ) -> Result<BankImportDto, ApiError> {
        self.import_listed(coop, &statement, rules, dry_run, usize::MAX)
    }

    /// [`Home::import_bank_csv`] for the statement in the file at `path` (a regular file of
    /// at most [`crate::files::MAX_STATEMENT_FILE`] bytes), read as it is needed. The rows
    /// listed are the first [`LISTED_ROWS`] and every bad one; `unlisted` counts the rest.
    pub fn import_bank_file(
        &self,
        coop: CoopId,
        path: &std::path::Path,
        rules: &str,
        dry_run: bool,
    ) -> Result<BankImportDto, ApiError> {
        let statement = crate::files::CappedFile {
            path,
            cap: crate::files::MAX_STATEMENT_FILE,
            what: crate::Thing::Statement,
        };
        // A file that is no statement (a device, a pipe, too large) is refused first,
        // before anything else is asked of the rules.
        drop(statement.reader()?);
        self.import_listed(coop, &statement, rules, dry_run, LISTED_ROWS)
    }

    /// An import whose rows are listed up to `listed`, and every bad one beyond.
    fn import_listed(
        &self,
        coop: CoopId,
        statement: &dyn StatementSource,
        rules: &str,
        dry_run: bool,
        listed: usize,
    ) -> Result<BankImportDto, ApiError> {
        let mut rows = Vec::new();
        let mut unlisted = 0u64;
        let totals = self.import_bank_statement(coop, statement, rules, dry_run, &mut |row| {
            if rows.len() < listed || row.status == RowStatus::Bad {
                rows.push(row);
            } else {
                unlisted += 1;
            }
        })?;
        mark_imported(&mut rows, &totals.entries);
        Ok(BankImportDto {
            rows,
            posted: totals.posted,
            skipped: totals.skipped,
            bad: totals.bad,
            dry_run,
            unlisted,
        })
    }

    /// [`Home::import_bank_csv`] for a statement of any length: read from `statement` as
    /// needed, each row given to `each` as it is checked (with the status it has before
    /// posting: new, already imported or bad), then, if it is not a preview and no row is
    /// bad, read again to post the new rows in one write unit.
    pub fn import_bank_statement(
        &self,
        coop: CoopId,
        statement: &dyn StatementSource,
        rules: &str,
        dry_run: bool,
        each: &mut dyn FnMut(BankRowDto),
    ) -> Result<ImportTotals, ApiError> {
        let rules = read_rules(rules)?;
        let mut node = self.node();
        let mark = match rules.decimal_mark {
            Some(mark) => mark,
            None => node.decimal_mark(coop)?,
        };
        let accounts = node.book_accounts(coop)?;
        let currency = node.currency_of(coop)?;
        let commodity = rules.commodity.clone().unwrap_or(currency);
        crate::money::check_commodity(&commodity)?;
        let bank = find_account(&accounts, &rules.account)?.clone();
        let default = find_account(&accounts, &rules.default_account)?.clone();
        let mut counter_of: Vec<(String, AccountRow)> = Vec::new();
        for (pattern, account) in &rules.matches {
            counter_of.push((pattern.clone(), find_account(&accounts, account)?.clone()));
        }
        let pass = || Pass {
            rules: &rules,
            mark,
            commodity: &commodity,
            bank: &bank,
            default: &default,
            counter_of: &counter_of,
            seen: HashMap::new(),
        };
        // First pass: every row checked, and looked up by its reference in slices.
        let mut totals = ImportTotals::default();
        // Rows wait here (in order) until their slice's references are looked up; a bad row
        // has none to look up.
        let mut waiting: Vec<(BankRowDto, Option<String>)> = Vec::new();
        let mut settle = |waiting: &mut Vec<(BankRowDto, Option<String>)>,
                          totals: &mut ImportTotals|
         -> Result<(), ApiError> {
            let references: Vec<String> = waiting.iter().filter_map(|(_, r)| r.clone()).collect();
            let known = node.store.known_references(coop, &references)?;
            for (mut row, reference) in waiting.drain(..) {
                match reference {
                    None => totals.bad += 1,
                    Some(r) if known.contains(&r) => {
                        row.status = RowStatus::AlreadyImported;
                        totals.skipped += 1;
                    }
                    Some(_) => totals.new += 1,
                }
                each(row);
            }
            Ok(())
        };
        pass().run(statement, &mut |row, entry| {
            totals.rows += 1;
            waiting.push((row, entry.and_then(|e| e.reference)));
            if waiting.len() >= ROWS_PER_LOOKUP {
                settle(&mut waiting, &mut totals)?;
            }
            Ok(())
        })?;
        settle(&mut waiting, &mut totals)?;
        if dry_run || totals.bad > 0 || totals.new == 0 {
            return Ok(totals);
        }
        // Second pass: the new rows posted, all in one write unit (all or nothing).
        let entries = node.write_unit(|node| {
            let mut posted = Vec::new();
            let mut batch: Vec<(u64, LedgerEntry)> = Vec::new();
            let mut post = |batch: &mut Vec<(u64, LedgerEntry)>,
                            node: &mut crate::node::Node|
             -> Result<(), ApiError> {
                let references: Vec<String> = batch
                    .iter()
                    .filter_map(|(_, e)| e.reference.clone())
                    .collect();
                let known = node.store.known_references(coop, &references)?;
                for (line, entry) in batch.drain(..) {
                    if entry.reference.as_ref().is_some_and(|r| known.contains(r)) {
                        continue;
                    }
                    let id = node.write_returning(coop, Body::LedgerEntry(entry))?;
                    posted.push((line, id));
                }
                Ok(())
            };
            pass().run(statement, &mut |row, entry| {
                let entry = entry.ok_or_else(|| {
                    ApiError::from(problem(ProblemKey::StatementChanged).with("line", row.line))
                })?;
                batch.push((row.line, entry));
                if batch.len() >= ROWS_PER_LOOKUP {
                    post(&mut batch, node)?;
                }
                Ok(())
            })?;
            post(&mut batch, node)?;
            Ok(posted)
        })?;
        totals.posted = entries.len() as u32;
        totals.entries = entries;
        Ok(totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_amounts_read_as_the_rules_say() {
        assert_eq!(
            read_date("03/11/2026", "%d/%m/%Y").expect("date"),
            "2026-11-03"
        );
        assert_eq!(
            read_date("2026-11-3", "%Y-%m-%d").expect("date"),
            "2026-11-03"
        );
        assert!(read_date("31/02/2026", "%d/%m/%Y").is_err());
        assert!(read_date("03.11.2026", "%d/%m/%Y").is_err());
        assert_eq!(
            read_amount("1.234,56", DecimalMark::Comma, "EUR").expect("eur"),
            123_456
        );
        assert_eq!(
            read_amount("(12.00)", DecimalMark::Point, "EUR").expect("eur"),
            -1_200
        );
        assert!(read_amount("12.345", DecimalMark::Point, "INR").is_err());
        assert!(
            read_rules("account = Bank\n").is_err(),
            "no default account"
        );
        assert!(read_rules("acount = Bank\n").is_err(), "a misspelt key");
    }
}
