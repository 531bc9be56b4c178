//! What the books' reads return and take: plain serializable values for the CLI's
//! `--json` and the window.

use serde::{Deserialize, Serialize};

use sangam_model::ledger::{AccountRole, AccountType};

use crate::money::minor_text;

/// An amount of one commodity.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MoneyDto {
    /// The commodity code.
    pub commodity: String,
    /// Minor units, as decimal text (a sum may pass a double's exact integers).
    pub minor: String,
    /// In words with the commodity's places: "1250.50".
    pub text: String,
    /// The same as a number, for charts and sorting only.
    pub value: f64,
}

impl MoneyDto {
    pub(crate) fn new(minor: i128, commodity: &str) -> Self {
        let places = crate::money::places(commodity);
        Self {
            commodity: commodity.to_owned(),
            minor: minor.to_string(),
            text: minor_text(minor, commodity),
            value: minor as f64 / 10f64.powi(places as i32),
        }
    }
}

/// An account with its balances.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AccountDto {
    /// Its id (hex).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Asset, liability, equity, income or expense.
    pub account_type: AccountType,
    /// The member whose capital account it is (hex), if any.
    pub member: Option<String>,
    /// That member's name.
    pub member_name: Option<String>,
    /// The fund it is, if any.
    pub role: Option<AccountRole>,
    /// Whether it has been closed.
    pub closed: bool,
    /// Its balance per commodity (debits positive), over the entries that count.
    pub balances: Vec<MoneyDto>,
}

/// One line of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PostingDto {
    /// The account (hex).
    pub account: String,
    /// Its name.
    pub account_name: String,
    /// The amount: positive a debit, negative a credit.
    pub amount: MoneyDto,
}

/// An entry of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EntryDto {
    /// Its id (hex).
    pub id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it was.
    pub description: String,
    /// Who was paid or paid.
    pub payee: Option<String>,
    /// Who posted it (hex).
    pub author: String,
    /// Their name.
    pub author_name: Option<String>,
    /// The proposal it cites (hex).
    pub approved_by: Option<String>,
    /// The entry it reverses (hex).
    pub reverses: Option<String>,
    /// Whether it is a patronage allocation.
    pub allocation: bool,
    /// Whether it counts, and if not, why.
    pub standing: EntryStanding,
    /// Its postings.
    pub postings: Vec<PostingDto>,
}

/// One type's accounts in the balance sheet, with their totals.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BookGroupDto {
    /// Asset, liability, equity, income or expense.
    pub account_type: AccountType,
    /// Its accounts (with a balance, or open), in the order they were opened.
    pub accounts: Vec<AccountDto>,
    /// The sum of their balances per commodity.
    pub totals: Vec<MoneyDto>,
}

/// The balance sheet: every account by type, at a date or now.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BalanceSheetDto {
    /// The day it is at (end of day), or none: now.
    pub at: Option<String>,
    /// The co-op's currency.
    pub currency: String,
    /// Assets, liabilities, equity, income, expenses.
    pub groups: Vec<BookGroupDto>,
    /// The reserve and education funds (accounts with those roles).
    pub funds: Vec<AccountDto>,
}

/// The income statement of a period.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct IncomeStatementDto {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// Income accounts, with what they earned (as positive amounts).
    pub income: Vec<AccountDto>,
    /// Expense accounts, with what they spent.
    pub expenses: Vec<AccountDto>,
    /// Income less expenses per commodity: the period's surplus (negative: a deficit).
    pub net: Vec<MoneyDto>,
}

/// Income and expenses of one month.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MonthDto {
    /// `YYYY-MM`.
    pub month: String,
    /// Earned, per commodity (positive).
    pub income: Vec<MoneyDto>,
    /// Spent, per commodity (positive).
    pub expenses: Vec<MoneyDto>,
}

/// A member's capital account statement.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CapitalDto {
    /// The member (hex).
    pub member: String,
    /// Their name.
    pub name: Option<String>,
    /// The capital account (hex).
    pub account: String,
    /// Its name.
    pub account_name: String,
    /// Per commodity.
    pub lines: Vec<CapitalLineDto>,
}

/// A capital account's figures in one commodity.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CapitalLineDto {
    /// Paid-in shares: credits other than allocations.
    pub paid_in: MoneyDto,
    /// Allocated patronage.
    pub allocated: MoneyDto,
    /// Withdrawn.
    pub withdrawn: MoneyDto,
    /// What the member holds: paid in and allocated, less withdrawn.
    pub balance: MoneyDto,
}

/// Which entries the journal shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct JournalFilter {
    /// Only entries posting to this account (id, id prefix or name).
    pub account: Option<String>,
    /// Only entries by or for this member (hex key).
    pub member: Option<String>,
    /// Dated on or after this day.
    pub from: Option<String>,
    /// Dated on or before this day.
    pub to: Option<String>,
    /// Words in the description or payee.
    pub search: Option<String>,
    /// At most this many (default 500).
    pub limit: Option<u32>,
}

/// Whether an entry counts in the books, and if not, why (the words are those the store
/// keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryStanding {
    /// It counts.
    Counts,
    /// It needs a passed proposal, whose vote is still open.
    AwaitingVote,
    /// The proposal it cites did not pass.
    NotApproved,
    /// It reverses an entry that does not count.
    ReversesUncounted,
    /// Another reversal of the same entry counts instead.
    AnotherReversalCounts,
    /// Another allocation of the same surplus counts instead.
    AnotherAllocationCounts,
}

impl EntryStanding {
    /// Every standing, for parsing the stored words.
    const ALL: [EntryStanding; 6] = [
        Self::Counts,
        Self::AwaitingVote,
        Self::NotApproved,
        Self::ReversesUncounted,
        Self::AnotherReversalCounts,
        Self::AnotherAllocationCounts,
    ];

    /// The word it is stored and printed as.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counts => "counts",
            Self::AwaitingVote => "awaiting_vote",
            Self::NotApproved => "not_approved",
            Self::ReversesUncounted => "reverses_uncounted",
            Self::AnotherReversalCounts => "another_reversal_counts",
            Self::AnotherAllocationCounts => "another_allocation_counts",
        }
    }

    /// The standing a stored word names; `None` for a word this build never writes.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == word)
    }
}
