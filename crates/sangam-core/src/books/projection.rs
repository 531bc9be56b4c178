//! The books' projection delta: what a commit changed in the accounts and entries, as
//! the store's rows. Below the node (which persists it) and knowing nothing of it.

use sangam_model::ledger::{AccountRole, AccountType, Entry, Standing};
use sangam_model::{Fold, RecordId};
use sangam_replica::{Replica, SignedChange};
use sangam_store::{AccountRow, EntryRow, PostingRow};

use super::dto::EntryStanding;

fn type_word(t: AccountType) -> &'static str {
    match t {
        AccountType::Asset => "asset",
        AccountType::Liability => "liability",
        AccountType::Equity => "equity",
        AccountType::Income => "income",
        AccountType::Expense => "expense",
    }
}

fn role_word(role: AccountRole) -> &'static str {
    match role {
        AccountRole::Surplus => "surplus",
        AccountRole::Reserve => "reserve",
        AccountRole::Education => "education",
    }
}

/// The words a standing is stored and shown as, and what keeps the entry from counting.
fn standing_words(s: Standing) -> (&'static str, Option<RecordId>) {
    let (standing, cause) = match s {
        Standing::Counts => (EntryStanding::Counts, None),
        Standing::AwaitingVote(p) => (EntryStanding::AwaitingVote, Some(p)),
        Standing::NotApproved(p) => (EntryStanding::NotApproved, Some(p)),
        Standing::ReversesUncounted(e) => (EntryStanding::ReversesUncounted, Some(e)),
        Standing::AnotherReversalCounts(r) => (EntryStanding::AnotherReversalCounts, Some(r)),
        Standing::AnotherAllocationCounts(a) => (EntryStanding::AnotherAllocationCounts, Some(a)),
    };
    (standing.as_str(), cause)
}

/// The projection row of every valid account among `ids`.
fn account_rows(fold: &Fold, ids: &[RecordId]) -> Vec<AccountRow> {
    let accounts = fold.accounts();
    ids.iter()
        .filter_map(|id| accounts.iter().find(|a| a.id == *id))
        .map(|a| AccountRow {
            id: a.id,
            depth: fold.get(&a.id).map_or(0, |p| p.depth),
            name: a.name.clone(),
            account_type: type_word(a.account_type).to_owned(),
            member: a.member,
            role: a.role.map(|r| role_word(r).to_owned()),
            closed: a.closed,
        })
        .collect()
}

pub(crate) fn entry_row(fold: &Fold, e: &Entry) -> EntryRow {
    let (standing, cause) = standing_words(e.standing);
    EntryRow {
        id: e.id,
        depth: fold.get(&e.id).map_or(0, |p| p.depth),
        date: e.entry.date.clone(),
        description: e.entry.description.clone(),
        payee: e.entry.payee.clone(),
        author: e.author,
        at: e.at,
        approved_by: e.entry.approved_by,
        reverses: e.entry.reverses,
        allocation: e.entry.allocates.is_some(),
        reference: e.entry.reference.clone(),
        standing: standing.to_owned(),
        cause,
        postings: e
            .entry
            .postings
            .iter()
            .map(|p| PostingRow {
                account: p.account,
                amount: p.amount,
                commodity: p.commodity.clone(),
            })
            .collect(),
    }
}

/// What `changes` changed in the books, as the fold has it now: accounts opened or
/// closed, entries posted, and entries whose standing a close may have changed.
pub(crate) fn touched_books(
    replica: &Replica,
    changes: &[SignedChange],
) -> (Vec<AccountRow>, Vec<EntryRow>) {
    let fold = replica.fold();
    let mut accounts: Vec<RecordId> = Vec::new();
    let mut about: Vec<RecordId> = Vec::new();
    for change in changes {
        for id in replica.records_in(&change.hash) {
            match fold.get(id).map(|p| p.record.body()) {
                Some(sangam_model::Body::LedgerAccount(_)) => accounts.push(*id),
                Some(sangam_model::Body::LedgerClose(c)) => accounts.push(c.account),
                Some(sangam_model::Body::LedgerEntry(_)) => about.push(*id),
                Some(sangam_model::Body::ProposalClose(c)) => about.push(c.proposal),
                Some(sangam_model::Body::ProposalWithdraw(w)) => about.push(w.proposal),
                _ => {}
            }
        }
    }
    if accounts.is_empty() && about.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let entries = fold.entries_of(&fold.entries_touched_by(&about));
    (
        account_rows(fold, &accounts),
        entries.iter().map(|e| entry_row(fold, e)).collect(),
    )
}

/// Every account and entry of the fold, for a rebuild of the books.
pub(crate) fn all_books(fold: &Fold) -> (Vec<AccountRow>, Vec<EntryRow>) {
    let ids: Vec<RecordId> = fold.accounts().iter().map(|a| a.id).collect();
    let entries = fold.journal();
    (
        account_rows(fold, &ids),
        entries.iter().map(|e| entry_row(fold, e)).collect(),
    )
}
