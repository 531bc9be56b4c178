//! Writing the books: accounts opened and closed, entries posted and reversed, labour
//! logged. Every draft is checked here first, in the member's own units ("EUR is off by
//! 0.50"), so a bad form is refused with why and nothing is signed; the fold then judges
//! the record by the co-op's rules (treasurers, the approval limit, closed accounts).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use sangam_model::ledger::{
    AccountRole, AccountType, LabourLog, LedgerAccount, LedgerClose, LedgerEntry, Posting,
};
use sangam_model::{Body, CoopId, RecordId};
use sangam_store::AccountRow;

use super::{EntryDto, Home, Node, amount_words, date_arg, find_account};
use crate::error::damaged;
use crate::money::{DecimalMark, parse_money_marked};
use crate::problem::{ProblemKey, Thing, problem};

/// The home setting that holds how amounts for one co-op are read.
fn decimal_mark_setting(coop: CoopId) -> String {
    format!("decimal-mark:{coop}")
}
use crate::ApiError;

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct AccountDraft {
    /// Its name.
    pub name: String,
    /// Asset, liability, equity, income or expense.
    pub account_type: AccountType,
    /// The member whose capital account it is (hex key), for an equity account.
    #[serde(default)]
    pub member: Option<String>,
    /// The fund it is, for an equity account.
    #[serde(default)]
    pub role: Option<AccountRole>,
}

/// One line of a new entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct PostingDraft {
    /// The account: id, id prefix or name.
    pub account: String,
    /// The amount as written ("-12.50"): positive a debit, negative a credit.
    pub amount: String,
    /// The commodity; none: the co-op's currency.
    #[serde(default)]
    pub commodity: Option<String>,
    /// The member it is for (hex key), when it records their use of the co-op.
    #[serde(default)]
    pub member: Option<String>,
}

/// A new entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct EntryDraft {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it was.
    pub description: String,
    /// Who was paid or paid.
    #[serde(default)]
    pub payee: Option<String>,
    /// Its lines.
    pub postings: Vec<PostingDraft>,
    /// The proposal approving it (id or id prefix).
    #[serde(default)]
    pub approved_by: Option<String>,
}

/// Labour logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LabourDto {
    /// The record (hex).
    pub id: String,
    /// The day.
    pub date: String,
    /// Minutes.
    pub minutes: u32,
    /// What the work was.
    pub note: Option<String>,
}

/// The postings of a draft in minor units, every account found, balanced per commodity.
pub(crate) fn postings_of(
    accounts: &[AccountRow],
    drafts: &[PostingDraft],
    currency: &str,
    mark: DecimalMark,
) -> Result<Vec<Posting>, ApiError> {
    let mut out = Vec::with_capacity(drafts.len());
    for (i, p) in drafts.iter().enumerate() {
        let account = find_account(accounts, &p.account)?;
        if account.closed {
            return Err(problem(ProblemKey::AccountClosed)
                .with("name", &account.name)
                .into());
        }
        let text = match &p.commodity {
            Some(c) if !c.trim().is_empty() => format!("{} {}", p.amount.trim(), c.trim()),
            _ => p.amount.trim().to_owned(),
        };
        let (amount, commodity) =
            parse_money_marked(&text, Some(currency), mark).map_err(|e| e.on_line(i + 1))?;
        if amount == 0 {
            return Err(problem(ProblemKey::ZeroLine).on_line(i + 1).into());
        }
        let member = p
            .member
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| crate::key_from_text(m, Thing::PostingMember))
            .transpose()?;
        out.push(Posting {
            account: account.id,
            amount,
            commodity,
            member,
        });
    }
    check_balanced(&out)?;
    Ok(out)
}

/// 2 or more postings that sum to zero in every commodity; otherwise what is off, in the
/// commodity's own units.
pub(crate) fn check_balanced(postings: &[Posting]) -> Result<(), ApiError> {
    if postings.len() < 2 {
        return Err(problem(ProblemKey::OneLine).into());
    }
    let mut sums: BTreeMap<&str, i128> = BTreeMap::new();
    for p in postings {
        *sums.entry(&p.commodity).or_default() += i128::from(p.amount);
    }
    match sums.into_iter().find(|(_, sum)| *sum != 0) {
        Some((commodity, off)) => Err(problem(ProblemKey::Unbalanced)
            .with("commodity", commodity)
            .with("off", amount_words(off, commodity))
            .into()),
        None => Ok(()),
    }
}

impl Node {
    pub(crate) fn book_accounts(&mut self, coop: CoopId) -> Result<Vec<AccountRow>, ApiError> {
        self.books_ready(coop)?;
        Ok(self.store.book_accounts(coop)?)
    }

    /// How this home reads the amounts members type for `coop`: its setting, else
    /// with a decimal point.
    pub(crate) fn decimal_mark(&self, coop: CoopId) -> Result<DecimalMark, ApiError> {
        match self.store().setting(&decimal_mark_setting(coop))? {
            Some(word) => DecimalMark::from_word(&word),
            None => Ok(DecimalMark::Point),
        }
    }

    /// Sets how this home reads the amounts members type for `coop`.
    pub(crate) fn set_decimal_mark(
        &mut self,
        coop: CoopId,
        mark: DecimalMark,
    ) -> Result<(), ApiError> {
        self.replica(coop)?;
        Ok(self
            .store()
            .set_setting(&decimal_mark_setting(coop), mark.as_str())?)
    }

    /// The co-op's currency, from its genesis record (whose id is the co-op's).
    pub(crate) fn currency_of(&mut self, coop: CoopId) -> Result<String, ApiError> {
        // Recorded by the commits of this version: no replay to read it.
        if !self.replicas.contains_key(&coop)
            && let Some(currency) = self.store.coop_currency(coop)?
        {
            return Ok(currency);
        }
        match self
            .replica(coop)?
            .fold()
            .get(&coop)
            .map(|p| p.record.body())
        {
            Some(Body::CoopGenesis(g)) => Ok(g.currency.clone()),
            _ => Err(damaged("the co-op has no genesis record")),
        }
    }

    pub(crate) fn entry_body(
        &mut self,
        coop: CoopId,
        draft: &EntryDraft,
    ) -> Result<LedgerEntry, ApiError> {
        let date = date_arg(&draft.date, Thing::EntryDate)?;
        let accounts = self.book_accounts(coop)?;
        let currency = self.currency_of(coop)?;
        let mark = self.decimal_mark(coop)?;
        let postings = postings_of(&accounts, &draft.postings, &currency, mark)?;
        let approved_by = draft
            .approved_by
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| self.find_proposal(coop, p))
            .transpose()?;
        if let Some(proposal) = approved_by {
            // An entry citing a vote that is over and did not pass could never count; nor
            // one citing a choice among options, which has a winner and never "passed".
            use sangam_model::governance::{Outcome, Status};
            let fold = self.replica(coop)?.fold();
            if let Some(open) = fold.proposal(&proposal)
                && open.method.has_options()
            {
                return Err(problem(ProblemKey::ApprovalByChoice)
                    .with("id", proposal.short())
                    .with("method", open.method.as_str())
                    .into());
            }
            let tally = fold.tally(proposal);
            if let Ok(t) = tally
                && (t.status == Status::Withdrawn
                    || (t.status == Status::Closed && t.outcome != Outcome::Passed))
            {
                let key = if t.status == Status::Withdrawn {
                    ProblemKey::ApprovalWithdrawn
                } else {
                    ProblemKey::ApprovalFailed
                };
                return Err(problem(key).with("id", proposal.short()).into());
            }
        }
        Ok(LedgerEntry {
            date,
            description: draft.description.trim().to_owned(),
            postings,
            payee: draft
                .payee
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
            approved_by,
            reverses: None,
            allocates: None,
            reference: None,
        })
    }

    /// The entry `id` as the journal shows it.
    pub(crate) fn entry_show(&mut self, coop: CoopId, id: RecordId) -> Result<EntryDto, ApiError> {
        self.books_ready(coop)?;
        let fold = self.replica(coop)?.fold();
        let entry = fold.entries_of(&[id]).pop().ok_or_else(|| {
            ApiError::from(problem(ProblemKey::NotAnEntry).with("id", id.short()))
        })?;
        let row = super::projection::entry_row(fold, &entry);
        super::Ledger::read(&self.store, coop)?.entry_dto(&row)
    }

    fn find_entry(&mut self, coop: CoopId, text: &str) -> Result<LedgerEntry, ApiError> {
        let fold = self.replica(coop)?.fold();
        let journal = fold.journal();
        let found = crate::find::pick(
            text,
            journal.iter().map(|e| (e.id.to_string(), e)),
            Thing::Entry,
        )?;
        let mut entry = found.entry.clone();
        entry.reverses = Some(found.id);
        Ok(entry)
    }
}

impl Home {
    /// Opens an account.
    pub fn open_account(
        &self,
        coop: CoopId,
        draft: &AccountDraft,
    ) -> Result<super::AccountDto, ApiError> {
        let member = draft
            .member
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| crate::key_from_text(m, Thing::TheMember))
            .transpose()?;
        let body = Body::LedgerAccount(LedgerAccount {
            name: draft.name.trim().to_owned(),
            account_type: draft.account_type,
            member,
            role: draft.role,
        });
        let id = self.node().write_returning(coop, body)?;
        self.account_dto(coop, id)
    }

    fn account_dto(&self, coop: CoopId, id: RecordId) -> Result<super::AccountDto, ApiError> {
        self.accounts(coop)?
            .into_iter()
            .find(|a| a.id == id.to_string())
            .ok_or_else(|| damaged("the account was not projected"))
    }

    /// Closes an account (named by id, id prefix or name): no later entry may post to it.
    pub fn close_account(
        &self,
        coop: CoopId,
        account: &str,
    ) -> Result<super::AccountDto, ApiError> {
        let id = self.node().judged_write(coop, |node| {
            let accounts = node.book_accounts(coop)?;
            let found = find_account(&accounts, account)?;
            if found.closed {
                return Err(problem(ProblemKey::AccountClosedAlready)
                    .with("name", &found.name)
                    .into());
            }
            let id = found.id;
            node.write(coop, Body::LedgerClose(LedgerClose { account: id }))?;
            Ok(id)
        })?;
        self.account_dto(coop, id)
    }

    /// Sets how this home reads the amounts members type for `coop` (entries, statements
    /// whose rules file names no mark, surpluses, prices): `1.5` with a decimal point, or
    /// `1,5` with a decimal comma. The other mark may only group thousands.
    pub fn set_decimal_mark(&self, coop: CoopId, mark: DecimalMark) -> Result<(), ApiError> {
        self.node().set_decimal_mark(coop, mark)
    }

    /// Posts an entry; nothing is signed unless it balances, every account is open and
    /// every amount fits its commodity.
    pub fn post_entry(&self, coop: CoopId, draft: &EntryDraft) -> Result<EntryDto, ApiError> {
        let mut node = self.node();
        let id = node.judged_write(coop, |node| {
            let body = node.entry_body(coop, draft)?;
            node.write_returning(coop, Body::LedgerEntry(body))
        })?;
        node.entry_show(coop, id)
    }

    /// Reverses an entry (id or id prefix): a new entry of its postings negated.
    pub fn reverse_entry(
        &self,
        coop: CoopId,
        entry: &str,
        date: &str,
    ) -> Result<EntryDto, ApiError> {
        let date = date_arg(date, Thing::EntryDate)?;
        let mut node = self.node();
        let id = node.judged_write(coop, |node| {
            let mut body = node.find_entry(coop, entry)?;
            for p in &mut body.postings {
                p.amount = -p.amount;
            }
            body.description = format!("Reverses: {}", body.description)
                .chars()
                .take(sangam_model::field::MAX_TEXT_CHARS)
                .collect();
            body.date = date;
            body.approved_by = None;
            body.allocates = None;
            body.reference = None;
            node.write_returning(coop, Body::LedgerEntry(body))
        })?;
        node.entry_show(coop, id)
    }

    /// Logs this member's work: `minutes` on `date`.
    pub fn log_labour(
        &self,
        coop: CoopId,
        date: &str,
        minutes: u32,
        note: Option<&str>,
    ) -> Result<LabourDto, ApiError> {
        let date = date_arg(date, Thing::EntryDate)?;
        let note = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let body = Body::LabourLog(LabourLog {
            date: date.clone(),
            minutes,
            note: note.clone(),
        });
        let id = self.node().judged_write(coop, |node| {
            // A day counts for at most 24 hours of one member's work (the fold caps it);
            // a log past that would count for nothing, so it is refused here, saying why.
            let me = node.member()?.0.public();
            let logged = node.replica(coop)?.fold().labour_between(&date, &date);
            let so_far = logged.get(&me).copied().unwrap_or(0);
            if so_far + u64::from(minutes) > sangam_model::ledger::MAX_DAY_MINUTES {
                return Err(problem(ProblemKey::DayOverFull)
                    .with("logged", hours_text(so_far))
                    .with("date", &date)
                    .into());
            }
            node.write_returning(coop, body)
        })?;
        Ok(LabourDto {
            id: id.to_string(),
            date,
            minutes,
            note,
        })
    }
}

/// Minutes as hours and minutes: "7 h 30 min".
fn hours_text(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}
