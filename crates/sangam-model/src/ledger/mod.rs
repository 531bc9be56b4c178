//! The books: accounts, balanced entries and their reversals, and members' logged labour
//! (docs/protocol.md "Ledger").
//!
//! This area owns the `ledger.*` and `labour.log` kinds and the ledger's part of the bylaws: their bodies and field rules
//! (`body`: an entry balances per commodity, amounts are integer minor units), their rules
//! where written and the fold's indexes (`rules`: every account an entry posts to, and
//! the entry a reversal negates, must be in its past), and the books read from them
//! (`Fold::accounts`, `Fold::balances`, `Fold::journal`). An entry is never edited: a
//! correction is a new entry that reverses it.

mod body;
mod index;
mod patronage;
mod rules;

pub use body::{
    AccountRole, AccountType, Allocation, Basis, LabourLog, LedgerAccount, LedgerBylaws,
    LedgerClose, LedgerEntry, LedgerFieldError, MAX_POSTINGS, MAX_TREASURERS, Posting, check_date,
};
pub(crate) use index::Index;
pub use patronage::{Split, SplitError, split_surplus};
pub use rules::{Account, Entry, MAX_DAY_MINUTES, Standing};
