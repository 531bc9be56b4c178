//! Ledger bodies and their field rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::canonical::MAX_SAFE_INTEGER;
use crate::field::{CurrencyError, FieldError, Fields, check_currency, check_name, check_text};
use crate::id::RecordId;
use crate::keys::PublicKey;

/// Most postings one entry may have: enough for a patronage allocation to every member of
/// a large co-op (one posting each, plus the funds), well inside a record's size.
pub const MAX_POSTINGS: usize = 4_096;

/// A ledger body field that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerFieldError {
    /// A name, description, payee or note.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A commodity that is not a commodity code.
    #[error(transparent)]
    Commodity(#[from] CurrencyError),
    /// Not a calendar date written `YYYY-MM-DD`.
    #[error("{0:?} is not a date written YYYY-MM-DD")]
    Date(String),
    /// Fewer than 2 or more than [`MAX_POSTINGS`] postings.
    #[error("an entry has 2 to {MAX_POSTINGS} postings")]
    PostingCount,
    /// A posting of 0, or beyond JSON's exact integers.
    #[error("a posting's amount is a whole number of minor units, not 0, within ±(2^53 − 1)")]
    Amount,
    /// The postings of one commodity do not sum to zero.
    #[error("the entry does not balance: {commodity} is off by {off} minor units")]
    Unbalanced {
        /// The commodity.
        commodity: String,
        /// By how much.
        off: i128,
    },
    /// A member or a role on an account that is not an equity account, or both.
    #[error(
        "only an equity account names a member (a capital account) or a role (a fund), and not both"
    )]
    MemberAccount,
    /// An allocation without its approving proposal, or whose period ends before it starts.
    #[error(
        "an allocation cites the proposal approving it, over a period from a day to a later one"
    )]
    Allocation,
    /// Labour outside 1 to 1,440 minutes.
    #[error("labour is 1 to 1,440 minutes on one date")]
    Minutes,
}

/// Most treasurers the bylaws may name.
pub const MAX_TREASURERS: usize = 64;

/// The ledger's part of the bylaws. Every part is optional, and a co-op that sets none
/// writes none of them (its bylaws read as they did before the ledger had rules).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerBylaws {
    /// The members who may open and close accounts and post entries; none named means
    /// any current member may.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(type = "string[]"))]
    pub treasurers: Vec<PublicKey>,
    /// Per commodity, the most an entry may move (the sum of its debits in that
    /// commodity, in minor units) without a passed proposal approving it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number>"))]
    pub approval_over: BTreeMap<String, i64>,
    /// The share of a surplus (percent) set aside for the indivisible reserve before
    /// patronage.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reserve_pct: u8,
    /// The share of a surplus (percent) set aside for the education fund.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub education_pct: u8,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

impl LedgerBylaws {
    /// Whether nothing is set.
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }

    /// Whether `member` may keep the books: a named treasurer, or anyone when none is
    /// named.
    pub fn may_keep_books(&self, member: &PublicKey) -> bool {
        self.treasurers.is_empty() || self.treasurers.contains(member)
    }

    /// The range rules a genesis's bylaws and a bylaws effect share; what is wrong, if
    /// anything.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.treasurers.len() > MAX_TREASURERS {
            return Err("at most 64 treasurers");
        }
        if !self.treasurers.windows(2).all(|w| w[0] < w[1]) {
            return Err("treasurers are listed once each, in ascending order");
        }
        for (commodity, limit) in &self.approval_over {
            if check_currency(commodity).is_err() {
                return Err("an approval limit names a commodity code");
            }
            if *limit < 0 || *limit > MAX_SAFE_INTEGER {
                return Err("an approval limit is 0 to 2^53 − 1 minor units");
            }
        }
        if u16::from(self.reserve_pct) + u16::from(self.education_pct) > 100 {
            return Err("the reserve and education shares add up to at most 100%");
        }
        Ok(())
    }

    /// The commodity and limit an entry's debits go over, if any.
    pub fn over_limit(&self, postings: &[Posting]) -> Option<(String, i64)> {
        self.approval_over.iter().find_map(|(commodity, limit)| {
            let moved: i128 = postings
                .iter()
                .filter(|p| &p.commodity == commodity && p.amount > 0)
                .map(|p| i128::from(p.amount))
                .sum();
            (moved > i128::from(*limit)).then(|| (commodity.clone(), *limit))
        })
    }
}

/// `ledger.close`: closes an account; no entry written after it may post to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerClose {
    /// The account (its `ledger.account` record id).
    pub account: RecordId,
}

/// What kind of account.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    /// What the co-op has.
    Asset,
    /// What it owes.
    Liability,
    /// Members' capital and the reserves.
    Equity,
    /// What it earns.
    Income,
    /// What it spends.
    Expense,
}

/// `ledger.account`: opens an account; its record id is the account's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerAccount {
    /// Its name (name rules), such as "Bank" or "Capital: Asha".
    pub name: String,
    /// Asset, liability, equity, income or expense.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// The member whose capital account it is (equity accounts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<PublicKey>,
    /// What the co-op keeps it for, when it is one of the funds a surplus is split into
    /// (equity accounts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<AccountRole>,
}

/// The equity accounts a surplus split moves money between.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// Where a period's surplus waits to be split.
    Surplus,
    /// The indivisible reserve.
    Reserve,
    /// The education fund.
    Education,
}

/// What an allocation entry split: the period and the basis of the shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// The period's first day, `YYYY-MM-DD`.
    pub from: String,
    /// Its last day, `YYYY-MM-DD`.
    pub to: String,
    /// What the members' shares are in proportion to.
    pub basis: Basis,
}

/// What patronage is in proportion to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Minutes of labour logged in the period.
    Labour,
    /// The members' use: what the entries of the period credited to income accounts for
    /// each member, in the surplus's commodity.
    Use,
}

/// One line of an entry: an amount in minor units of a commodity, to an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posting {
    /// The account (its `ledger.account` record id).
    pub account: RecordId,
    /// Minor units; positive debits, negative credits.
    pub amount: i64,
    /// The commodity code.
    pub commodity: String,
    /// The member it is for, when it records their use of the co-op (a sale to them, on
    /// an income account): the basis of patronage by use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<PublicKey>,
}

/// `ledger.entry`: a balanced transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    /// When it happened, `YYYY-MM-DD`.
    pub date: String,
    /// What it was (text rule).
    pub description: String,
    /// 2 to [`MAX_POSTINGS`] postings, summing to zero per commodity.
    pub postings: Vec<Posting>,
    /// Who was paid or paid (text rule), if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<String>,
    /// The proposal that approved it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<RecordId>,
    /// The entry it reverses, if it is a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<RecordId>,
    /// The surplus split it posts, if it is a patronage allocation (which cites the
    /// proposal approving it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocates: Option<Allocation>,
    /// An outside reference (text rule), such as the fingerprint of the bank statement
    /// row it was imported from, by which a second import of that row is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// `labour.log`: a member's work on a date, the usual basis of patronage in a worker co-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabourLog {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// Minutes worked, 1 to 1,440.
    pub minutes: u32,
    /// What the work was (text rule), if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A calendar date written `YYYY-MM-DD` (years 0001 to 9999, the Gregorian calendar).
pub fn check_date(date: &str) -> Result<(), LedgerFieldError> {
    let bad = || LedgerFieldError::Date(date.chars().take(20).collect());
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(m), Some(d)) = (num(&b[..4]), num(&b[5..7]), num(&b[8..])) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if y == 0 || d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

impl Fields for LedgerAccount {
    type Error = LedgerFieldError;
    fn check(&self) -> Result<(), LedgerFieldError> {
        check_name("name", &self.name)?;
        let tagged = self.member.is_some() || self.role.is_some();
        if (tagged && self.account_type != AccountType::Equity)
            || (self.member.is_some() && self.role.is_some())
        {
            return Err(LedgerFieldError::MemberAccount);
        }
        Ok(())
    }
}

impl Fields for LedgerClose {
    type Error = LedgerFieldError;
    fn check(&self) -> Result<(), LedgerFieldError> {
        Ok(())
    }
}

impl Fields for LedgerEntry {
    type Error = LedgerFieldError;
    fn check(&self) -> Result<(), LedgerFieldError> {
        check_date(&self.date)?;
        check_text("description", &self.description)?;
        if let Some(payee) = &self.payee {
            check_text("payee", payee)?;
        }
        if let Some(reference) = &self.reference {
            check_text("reference", reference)?;
        }
        if !(2..=MAX_POSTINGS).contains(&self.postings.len()) {
            return Err(LedgerFieldError::PostingCount);
        }
        if let Some(a) = &self.allocates {
            check_date(&a.from)?;
            check_date(&a.to)?;
            if self.approved_by.is_none() || a.from > a.to {
                return Err(LedgerFieldError::Allocation);
            }
        }
        let mut sums: BTreeMap<&str, i128> = BTreeMap::new();
        for p in &self.postings {
            if p.amount == 0 || p.amount.abs() > MAX_SAFE_INTEGER {
                return Err(LedgerFieldError::Amount);
            }
            check_currency(&p.commodity)?;
            *sums.entry(&p.commodity).or_default() += i128::from(p.amount);
        }
        match sums.into_iter().find(|(_, sum)| *sum != 0) {
            Some((commodity, off)) => Err(LedgerFieldError::Unbalanced {
                commodity: commodity.to_owned(),
                off,
            }),
            None => Ok(()),
        }
    }
}

impl Fields for LabourLog {
    type Error = LedgerFieldError;
    fn check(&self) -> Result<(), LedgerFieldError> {
        check_date(&self.date)?;
        if !(1..=1440).contains(&self.minutes) {
            return Err(LedgerFieldError::Minutes);
        }
        if let Some(note) = &self.note {
            check_text("note", note)?;
        }
        Ok(())
    }
}
