//! The ledger's rules where written, its indexes in the fold, and the books read from them.

use std::collections::{BTreeMap, BTreeSet};

use super::body::{AccountType, LabourLog, LedgerAccount, LedgerEntry, Posting};
use crate::areas::Rules;
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::membership::Bylaws;
use crate::record::Record;

#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Valid accounts, in fold order (depth, id).
    pub(crate) accounts: BTreeSet<(u64, RecordId)>,
    /// Valid entries, in fold order.
    pub(crate) entries: BTreeSet<(u64, RecordId)>,
    /// Valid labour logs, in fold order.
    pub(crate) labour: BTreeSet<(u64, RecordId)>,
}

/// An account of the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its id (the `ledger.account` record id).
    pub id: RecordId,
    /// Its name.
    pub name: String,
    /// Its type.
    pub account_type: AccountType,
    /// The member whose capital it holds, if any.
    pub member: Option<PublicKey>,
}

/// An entry of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its id.
    pub id: RecordId,
    /// Who posted it.
    pub author: PublicKey,
    /// The entry itself.
    pub entry: LedgerEntry,
}

/// The record `id` must be a valid record of the kind `is` in `record`'s causal past.
fn valid_in_past(scope: &Scope<'_>, id: &RecordId, record: &Record, is: fn(&Body) -> bool) -> bool {
    scope
        .placed(id)
        .is_some_and(|p| p.verdict.is_ok() && is(p.record.body()))
        && scope.reaches(id, record.deps())
}

fn note(set: fn(&mut Index) -> &mut BTreeSet<(u64, RecordId)>, placed: &Placed, fold: &mut Fold) {
    if placed.verdict.is_ok() {
        set(&mut fold.index.ledger).insert((placed.depth, placed.record.id()));
    }
}

/// The same postings with every amount negated, as a multiset.
fn negated(postings: &[Posting]) -> Vec<Posting> {
    let mut out: Vec<Posting> = postings
        .iter()
        .map(|p| Posting {
            amount: -p.amount,
            ..p.clone()
        })
        .collect();
    out.sort_by(|a, b| {
        (a.account, a.amount, &a.commodity).cmp(&(b.account, b.amount, &b.commodity))
    });
    out
}

impl Rules for LedgerAccount {
    fn judge(&self, _: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        match &self.member {
            Some(member) if !scope.full_view().members.contains_key(member) => {
                Err(Refusal::NotAMember(member.short()))
            }
            _ => Ok(()),
        }
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(|i| &mut i.accounts, placed, fold);
    }
}

impl Rules for LedgerEntry {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        for p in &self.postings {
            if !valid_in_past(scope, &p.account, record, |b| {
                matches!(b, Body::LedgerAccount(_))
            }) {
                return Err(Refusal::UnknownAccount(p.account.short()));
            }
        }
        if let Some(proposal) = &self.approved_by
            && !(scope.context.contains(proposal) && scope.fold.proposal(proposal).is_some())
        {
            return Err(Refusal::UnknownProposal(proposal.short()));
        }
        if let Some(reversed) = &self.reverses {
            if !valid_in_past(scope, reversed, record, |b| {
                matches!(b, Body::LedgerEntry(_))
            }) {
                return Err(Refusal::UnknownEntry(reversed.short()));
            }
            let Some(Body::LedgerEntry(original)) = scope.placed(reversed).map(|p| p.record.body())
            else {
                return Err(Refusal::UnknownEntry(reversed.short()));
            };
            let mut mine = self.postings.clone();
            mine.sort_by(|a, b| {
                (a.account, a.amount, &a.commodity).cmp(&(b.account, b.amount, &b.commodity))
            });
            if mine != negated(&original.postings) {
                return Err(Refusal::NotAReversal);
            }
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(|i| &mut i.entries, placed, fold);
    }
}

impl Rules for LabourLog {
    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(|i| &mut i.labour, placed, fold);
    }
}

impl Fold {
    /// Every valid account, in fold order.
    pub fn accounts(&self) -> Vec<Account> {
        self.index
            .ledger
            .accounts
            .iter()
            .filter_map(|(_, id)| match self.get(id)?.record.body() {
                Body::LedgerAccount(a) => Some(Account {
                    id: *id,
                    name: a.name.clone(),
                    account_type: a.account_type,
                    member: a.member,
                }),
                _ => None,
            })
            .collect()
    }

    /// Every valid entry, in fold order.
    pub fn journal(&self) -> Vec<Entry> {
        self.index
            .ledger
            .entries
            .iter()
            .filter_map(|(_, id)| {
                let placed = self.get(id)?;
                match placed.record.body() {
                    Body::LedgerEntry(e) => Some(Entry {
                        id: *id,
                        author: placed.record.author(),
                        entry: e.clone(),
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    /// Each account's balance per commodity, over every valid entry: the same whatever
    /// order the entries arrived in.
    pub fn balances(&self) -> BTreeMap<(RecordId, String), i64> {
        let mut out: BTreeMap<(RecordId, String), i64> = BTreeMap::new();
        for entry in self.journal() {
            for p in entry.entry.postings {
                *out.entry((p.account, p.commodity)).or_default() += p.amount;
            }
        }
        out.retain(|_, sum| *sum != 0);
        out
    }

    /// Minutes of labour logged, by member.
    pub fn labour(&self) -> BTreeMap<PublicKey, u64> {
        let mut out: BTreeMap<PublicKey, u64> = BTreeMap::new();
        for (_, id) in &self.index.ledger.labour {
            if let Some(placed) = self.get(id)
                && let Body::LabourLog(l) = placed.record.body()
            {
                *out.entry(placed.record.author()).or_default() += u64::from(l.minutes);
            }
        }
        out
    }
}
