//! A bank statement's rules file (docs/cli.md "Bank statements"): which columns hold the
//! date, amount and description, how dates and amounts are written, the account the
//! statement is of, and which counter-account a row goes to.

use std::collections::HashMap;

use crate::ApiError;
use crate::money::DecimalMark;

use crate::problem::{ProblemKey, problem};

/// A column, by position (from 1) or by its header's name.
#[derive(Debug, Clone)]
pub(super) enum Column {
    At(usize),
    Named(String),
}

/// Where a row's money is: one signed column, or money out and money in.
#[derive(Debug, Clone)]
pub(super) enum Money {
    Amount(Column),
    InOut { debit: Column, credit: Column },
}

/// A rules file, read.
#[derive(Debug, Clone)]
pub(super) struct Rules {
    pub(super) account: String,
    pub(super) default_account: String,
    pub(super) date: Column,
    pub(super) date_format: String,
    pub(super) description: Column,
    pub(super) money: Money,
    pub(super) commodity: Option<String>,
    /// The statement's decimal mark, if the rules file names one (else the co-op's).
    pub(super) decimal_mark: Option<DecimalMark>,
    pub(super) skip: usize,
    pub(super) delimiter: u8,
    pub(super) matches: Vec<(String, String)>,
}

fn column(value: &str) -> Column {
    match value.parse::<usize>() {
        Ok(n) if n >= 1 => Column::At(n - 1),
        _ => Column::Named(value.to_owned()),
    }
}

pub(super) fn read_rules(text: &str) -> Result<Rules, ApiError> {
    let mut values: HashMap<String, (usize, String)> = HashMap::new();
    let mut matches = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        // A `#` at the start of a line, or after a space, starts a comment.
        let line = match raw.find(" #").or_else(|| raw.find("\t#")) {
            Some(at) => raw[..at].trim(),
            None => raw.trim(),
        };
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |key: ProblemKey| -> ApiError {
            problem(key).with("at", i + 1).with("text", line).into()
        };
        if let Some(rest) = line.strip_prefix("match ") {
            let (pattern, account) = rest
                .split_once("=>")
                .ok_or_else(|| bad(ProblemKey::RulesMatchForm))?;
            let (pattern, account) = (pattern.trim(), account.trim());
            if pattern.is_empty() || account.is_empty() {
                return Err(bad(ProblemKey::RulesMatchForm));
            }
            matches.push((pattern.to_lowercase(), account.to_owned()));
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| bad(ProblemKey::RulesLineForm))?;
        let key = key.trim().to_lowercase();
        const KEYS: &[&str] = &[
            "account",
            "default-account",
            "date",
            "date-format",
            "description",
            "amount",
            "debit",
            "credit",
            "commodity",
            "decimal-mark",
            "skip",
            "separator",
        ];
        if !KEYS.contains(&key.as_str()) {
            return Err(problem(ProblemKey::RulesUnknownKey)
                .with("at", i + 1)
                .with("text", line)
                .with("keys", KEYS.join(", "))
                .into());
        }
        values.insert(key, (i + 1, value.trim().to_owned()));
    }
    let need = |key: &str| -> Result<String, ApiError> {
        values
            .get(key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| problem(ProblemKey::RulesNeedKey).with("key", key).into())
    };
    let get = |key: &str| values.get(key).map(|(_, v)| v.clone());
    let money = match (get("amount"), get("debit"), get("credit")) {
        (Some(a), _, _) => Money::Amount(column(&a)),
        (None, Some(d), Some(c)) => Money::InOut {
            debit: column(&d),
            credit: column(&c),
        },
        _ => {
            return Err(problem(ProblemKey::RulesNeedAmount).into());
        }
    };
    let skip = match get("skip") {
        Some(v) => v
            .parse()
            .map_err(|_| ApiError::from(problem(ProblemKey::BadSkip).with("text", &v)))?,
        None => 0,
    };
    let delimiter = match get("separator").as_deref() {
        None | Some(",") => b',',
        Some(";") => b';',
        Some("tab") | Some("\\t") => b'\t',
        Some(other) => {
            return Err(problem(ProblemKey::BadSeparator).with("text", other).into());
        }
    };
    let decimal_mark = match get("decimal-mark").as_deref() {
        None => None,
        Some(".") => Some(DecimalMark::Point),
        Some(",") => Some(DecimalMark::Comma),
        Some(other) => {
            return Err(problem(ProblemKey::BadRulesMark).with("text", other).into());
        }
    };
    Ok(Rules {
        account: need("account")?,
        default_account: need("default-account")?,
        date: column(&need("date")?),
        date_format: get("date-format").unwrap_or_else(|| "%Y-%m-%d".into()),
        description: column(&need("description")?),
        money,
        commodity: get("commodity").map(|c| c.to_ascii_uppercase()),
        decimal_mark,
        skip,
        delimiter,
        matches,
    })
}

pub(super) fn index_of(
    col: &Column,
    header: Option<&csv::StringRecord>,
) -> Result<usize, ApiError> {
    match col {
        Column::At(n) => Ok(*n),
        Column::Named(name) => header
            .and_then(|h| {
                h.iter()
                    .position(|c| c.trim().eq_ignore_ascii_case(name.trim()))
            })
            .ok_or_else(|| problem(ProblemKey::NoColumn).with("name", name).into()),
    }
}
