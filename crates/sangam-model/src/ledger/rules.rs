//! The ledger's rules where written, its indexes in the fold, and the books read from them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::body::{
    AccountRole, AccountType, LabourLog, LedgerAccount, LedgerClose, LedgerEntry, Posting,
};
use super::index::Index;
use crate::areas::Rules;
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::governance::{Outcome, Status};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::membership::Bylaws;
use crate::record::Record;

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
    /// The fund it is, if any.
    pub role: Option<AccountRole>,
    /// Whether it has been closed.
    pub closed: bool,
}

/// An entry of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its id.
    pub id: RecordId,
    /// Who posted it.
    pub author: PublicKey,
    /// When it was written (the record's time, milliseconds).
    pub at: i64,
    /// The entry itself.
    pub entry: LedgerEntry,
    /// Whether it counts in the books, and if not why.
    pub standing: Standing,
}

/// The most minutes of one member's labour one day counts for: 24 hours.
pub const MAX_DAY_MINUTES: u64 = 24 * 60;

/// Whether a valid entry counts in the books. An entry citing a proposal counts once that
/// proposal has closed as passed, so the treasurer may post it while the vote runs; the
/// same records give the same standing on every laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It counts.
    Counts,
    /// Its proposal is still being voted on.
    AwaitingVote(RecordId),
    /// Its proposal closed without passing, or was withdrawn: it never counts.
    NotApproved(RecordId),
    /// It reverses an entry that does not count, so it does not either.
    ReversesUncounted(RecordId),
    /// It reverses an entry that another reversal, written without seeing this one and
    /// first in fold order, already reverses: that one counts, this one is void.
    AnotherReversalCounts(RecordId),
    /// It allocates a period's surplus that another allocation of the same basis, first
    /// in fold order and counting, already allocates (their periods overlap): void.
    AnotherAllocationCounts(RecordId),
}

impl Standing {
    /// Whether the entry counts in the books.
    pub fn counts(self) -> bool {
        self == Standing::Counts
    }
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
        (a.account, a.amount, &a.commodity, a.member).cmp(&(
            b.account,
            b.amount,
            &b.commodity,
            b.member,
        ))
    });
    out
}

/// Whether `id` is a valid account in the record's context. Accounts are authority
/// records, so this is a lookup in the context, never a walk back through every entry
/// written since the account was opened.
fn account_in_context(scope: &Scope<'_>, id: &RecordId) -> bool {
    scope.context.contains(id)
        && scope
            .placed(id)
            .is_some_and(|p| p.verdict.is_ok() && matches!(p.record.body(), Body::LedgerAccount(_)))
}

/// Whether a close of `account` is in the record's context (closes are authority records,
/// placed or in the change being admitted).
fn closed_in_past(scope: &Scope<'_>, account: &RecordId) -> bool {
    let placed = scope
        .fold
        .index
        .ledger
        .closes
        .get(account)
        .into_iter()
        .flatten()
        .copied();
    let earlier = scope.earlier.iter().filter_map(|p| match p.record.body() {
        Body::LedgerClose(c) if p.verdict.is_ok() && c.account == *account => Some(p.record.id()),
        _ => None,
    });
    placed
        .chain(earlier)
        .any(|close| scope.context.contains(&close))
}

/// Whether the bylaws in force let the author keep the books.
fn keeps_books(record: &Record, bylaws: &Bylaws) -> Result<(), Refusal> {
    if bylaws.ledger.may_keep_books(&record.author()) {
        Ok(())
    } else {
        Err(Refusal::NotATreasurer(record.author().short()))
    }
}

impl Rules for LedgerAccount {
    fn judge(&self, record: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        keeps_books(record, bylaws)?;
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

impl Rules for LedgerClose {
    fn judge(&self, record: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        keeps_books(record, bylaws)?;
        if !account_in_context(scope, &self.account) {
            return Err(Refusal::UnknownAccount(self.account.short()));
        }
        if closed_in_past(scope, &self.account) {
            return Err(Refusal::ClosedAccount(self.account.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            let closes = fold.index.ledger.closes.entry(self.account).or_default();
            closes.push(placed.record.id());
        }
    }
}

impl Rules for LedgerEntry {
    fn judge(&self, record: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        keeps_books(record, bylaws)?;
        for p in &self.postings {
            if !account_in_context(scope, &p.account) {
                return Err(Refusal::UnknownAccount(p.account.short()));
            }
            if closed_in_past(scope, &p.account) {
                return Err(Refusal::ClosedAccount(p.account.short()));
            }
            if let Some(member) = &p.member
                && !scope.full_view().members.contains_key(member)
            {
                return Err(Refusal::NotAMember(member.short()));
            }
        }
        // A reversal puts back what a counted entry moved, so it needs no approval of
        // its own; anything else over the limit must cite the proposal approving it
        // (and counts once that proposal has passed: `Fold::approval`).
        if self.reverses.is_none()
            && self.approved_by.is_none()
            && let Some((commodity, limit)) = bylaws.ledger.over_limit(&self.postings)
        {
            return Err(Refusal::NeedsApproval(format!(
                "{limit} minor units of {commodity}"
            )));
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
            if original.reverses.is_some() {
                return Err(Refusal::ReversesAReversal);
            }
            // One reversal an entry: a second one written after seeing the first is
            // refused; concurrent ones are all valid, and the standing keeps one.
            let placed = scope
                .fold
                .index
                .ledger
                .reversals
                .get(reversed)
                .into_iter()
                .flatten()
                .filter_map(|id| scope.fold.get(id));
            let in_this_change = scope.earlier.iter().filter(|p| {
                matches!(p.record.body(), Body::LedgerEntry(e) if e.reverses == Some(*reversed))
            });
            let already = placed
                .chain(in_this_change)
                .filter(|p| p.verdict.is_ok())
                .any(|p| scope.reaches(&p.record.id(), record.deps()));
            if already {
                return Err(Refusal::AlreadyReversed(reversed.short()));
            }
            let mut mine = self.postings.clone();
            mine.sort_by(|a, b| {
                (a.account, a.amount, &a.commodity, a.member).cmp(&(
                    b.account,
                    b.amount,
                    &b.commodity,
                    b.member,
                ))
            });
            if mine != negated(&original.postings) {
                return Err(Refusal::NotAReversal);
            }
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(|i| &mut i.entries, placed, fold);
        if placed.verdict.is_ok() {
            let id = placed.record.id();
            let index = &mut fold.index.ledger;
            if let Some(p) = self.approved_by {
                index.approved_by.entry(p).or_default().push(id);
            }
            if let Some(r) = self.reverses {
                index.reversals.entry(r).or_default().push(id);
            }
            if self.allocates.is_some() {
                index.allocations.insert((placed.depth, id));
            }
        }
    }
}

impl Rules for LabourLog {
    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            *fold
                .index
                .ledger
                .labour_days
                .entry(placed.record.author())
                .or_default()
                .entry(self.date.clone())
                .or_default() += u64::from(self.minutes);
        }
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
                    role: a.role,
                    closed: self.is_closed(id),
                }),
                _ => None,
            })
            .collect()
    }

    /// Every valid entry, in fold order, with its standing.
    pub fn journal(&self) -> Vec<Entry> {
        let mut approvals = HashMap::new();
        let mut standings = HashMap::new();
        self.entry_order()
            .iter()
            .filter_map(|(_, id)| self.entry_with(id, &mut approvals, &mut standings))
            .collect()
    }

    /// Every valid entry's place in fold order (reads the rest of a fold opened from its
    /// saved core, whose index holds only the entries placed since).
    pub(crate) fn entry_order(&self) -> std::borrow::Cow<'_, BTreeSet<(u64, RecordId)>> {
        if self.index.ledger.entries_in_rest == 0 {
            return std::borrow::Cow::Borrowed(&self.index.ledger.entries);
        }
        std::borrow::Cow::Owned(
            self.placed_values()
                .filter(|p| p.verdict.is_ok() && p.record.kind() == crate::kinds::Kind::LedgerEntry)
                .map(|p| (p.depth, p.record.id()))
                .collect(),
        )
    }

    /// The valid entries among `ids`, in that order, with their standing: each reads only
    /// its own approval and the entries it reverses.
    pub fn entries_of(&self, ids: &[RecordId]) -> Vec<Entry> {
        let mut approvals = HashMap::new();
        let mut standings = HashMap::new();
        ids.iter()
            .filter_map(|id| self.entry_with(id, &mut approvals, &mut standings))
            .collect()
    }

    /// The entries whose standing a change to `ids` may have changed: the valid entries
    /// among them, those citing a proposal among them, and every reversal of those.
    pub fn entries_touched_by(&self, ids: &[RecordId]) -> Vec<RecordId> {
        let index = &self.index.ledger;
        let mut out: Vec<RecordId> = Vec::new();
        let mut stack: Vec<RecordId> = Vec::new();
        for id in ids {
            if let Some(cited) = index.approved_by.get(id) {
                stack.extend(cited.iter().copied());
            }
            if self.get(id).is_some_and(|p| {
                p.verdict.is_ok() && matches!(p.record.body(), Body::LedgerEntry(_))
            }) {
                stack.push(*id);
            }
        }
        // Allocations decide their standings together (an earlier one that counts voids a
        // later overlapping one): touching one, or the proposal one cites, touches all.
        let allocation = |id: &RecordId| {
            matches!(self.get(id).map(|p| p.record.body()),
                Some(Body::LedgerEntry(e)) if e.allocates.is_some())
        };
        if stack.iter().any(allocation) {
            stack.extend(index.allocations.iter().map(|(_, id)| *id));
        }
        while let Some(id) = stack.pop() {
            if out.contains(&id) {
                continue;
            }
            out.push(id);
            if let Some(reversals) = index.reversals.get(&id) {
                stack.extend(reversals.iter().copied());
            }
            // A new reversal may come first in fold order and void another of the same
            // entry.
            if let Some(Body::LedgerEntry(e)) = self.get(&id).map(|p| p.record.body())
                && let Some(siblings) = e.reverses.and_then(|r| index.reversals.get(&r))
            {
                stack.extend(siblings.iter().copied());
            }
        }
        out
    }

    fn entry_with(
        &self,
        id: &RecordId,
        approvals: &mut HashMap<RecordId, Standing>,
        standings: &mut HashMap<RecordId, Standing>,
    ) -> Option<Entry> {
        let placed = self.get(id).filter(|p| p.verdict.is_ok())?;
        let Body::LedgerEntry(e) = placed.record.body() else {
            return None;
        };
        let standing = self.standing_with(id, approvals, standings);
        Some(Entry {
            id: *id,
            author: placed.record.author(),
            at: placed.record.at(),
            entry: e.clone(),
            standing,
        })
    }

    /// The standing of entry `id`: its approval's, unless it reverses an entry that does
    /// not count. Walks a chain of reversals of reversals without recursing.
    fn standing_with(
        &self,
        id: &RecordId,
        approvals: &mut HashMap<RecordId, Standing>,
        standings: &mut HashMap<RecordId, Standing>,
    ) -> Standing {
        let mut chain: Vec<(RecordId, &LedgerEntry)> = Vec::new();
        let mut next = Some(*id);
        // The standing of the entry the last of `chain` reverses.
        let mut below = None;
        while let Some(at) = next {
            if let Some(known) = standings.get(&at) {
                below = Some(*known);
                break;
            }
            match self
                .get(&at)
                .filter(|p| p.verdict.is_ok())
                .map(|p| p.record.body())
            {
                Some(Body::LedgerEntry(e)) => {
                    chain.push((at, e));
                    next = e.reverses;
                }
                _ => {
                    below = Some(Standing::ReversesUncounted(at));
                    break;
                }
            }
        }
        for (at, e) in chain.into_iter().rev() {
            let mut standing = match e.approved_by {
                Some(p) => *approvals.entry(p).or_insert_with(|| self.approval(p)),
                None => Standing::Counts,
            };
            if e.allocates.is_some() && standing.counts() {
                standing = self.allocation_standing(&at, approvals);
            }
            if let Some(reversed) = e.reverses
                && standing.counts()
            {
                if !below.is_some_and(Standing::counts) {
                    standing = Standing::ReversesUncounted(reversed);
                } else if let Some(first) = self.first_reversal(&reversed)
                    && first != at
                {
                    standing = Standing::AnotherReversalCounts(first);
                }
            }
            standings.insert(at, standing);
            below = Some(standing);
        }
        below.unwrap_or(Standing::ReversesUncounted(*id))
    }

    /// The standing of allocation `id`: allocations of one basis are taken in fold order,
    /// and each counts if its proposal passed and its period overlaps none of an earlier
    /// one that counts. A period's surplus is so allocated once, whatever the order the
    /// allocations arrive in and however many cite one proposal.
    fn allocation_standing(
        &self,
        id: &RecordId,
        approvals: &mut HashMap<RecordId, Standing>,
    ) -> Standing {
        let mut counted: Vec<(RecordId, &crate::ledger::Allocation)> = Vec::new();
        for (_, other) in &self.index.ledger.allocations {
            let Some(Body::LedgerEntry(e)) = self.get(other).map(|p| p.record.body()) else {
                continue;
            };
            let Some(a) = &e.allocates else { continue };
            let approved = match e.approved_by {
                Some(p) => *approvals.entry(p).or_insert_with(|| self.approval(p)),
                None => Standing::Counts,
            };
            let earlier = counted
                .iter()
                .find(|(_, b)| b.basis == a.basis && b.from <= a.to && a.from <= b.to)
                .map(|(first, _)| *first);
            let standing = match earlier {
                Some(first) if approved.counts() => Standing::AnotherAllocationCounts(first),
                _ => approved,
            };
            if other == id {
                return standing;
            }
            if standing.counts() {
                counted.push((*other, a));
            }
        }
        Standing::Counts
    }

    /// Of the valid reversals of `entry` (concurrent ones: each was written without
    /// seeing the others), the one first in fold order (depth, then id): the one that
    /// counts, the same on every laptop whatever the arrival order.
    fn first_reversal(&self, entry: &RecordId) -> Option<RecordId> {
        self.index
            .ledger
            .reversals
            .get(entry)?
            .iter()
            .min_by_key(|id| (self.depth_of(id), **id))
            .copied()
    }

    /// The standing of an entry approved by `proposal`, from its tally.
    fn approval(&self, proposal: RecordId) -> Standing {
        match self.tally(proposal) {
            Ok(t) if t.status == Status::Closed && t.outcome == Outcome::Passed => Standing::Counts,
            Ok(t) if t.status == Status::Provisional => Standing::AwaitingVote(proposal),
            _ => Standing::NotApproved(proposal),
        }
    }

    /// Each account's balance per commodity, over every entry that counts: the same
    /// whatever order the entries arrived in. Sums are `i128`, so no number of entries
    /// overflows them.
    pub fn balances(&self) -> BTreeMap<(RecordId, String), i128> {
        let mut out: BTreeMap<(RecordId, String), i128> = BTreeMap::new();
        for entry in self.journal() {
            if !entry.standing.counts() {
                continue;
            }
            for p in entry.entry.postings {
                *out.entry((p.account, p.commodity)).or_default() += i128::from(p.amount);
            }
        }
        out.retain(|_, sum| *sum != 0);
        out
    }

    /// How many valid accounts and entries the fold holds.
    pub fn ledger_counts(&self) -> (usize, usize) {
        let index = &self.index.ledger;
        (
            index.accounts.len(),
            index.entries.len() + index.entries_in_rest,
        )
    }

    /// When `account` was first closed (the earliest valid close's time), if it was.
    pub fn closed_at(&self, account: &RecordId) -> Option<i64> {
        self.index
            .ledger
            .closes
            .get(account)?
            .iter()
            .filter_map(|id| self.get(id))
            .map(|p| p.record.at())
            .min()
    }

    /// Whether the account has been closed.
    pub fn is_closed(&self, account: &RecordId) -> bool {
        self.index
            .ledger
            .closes
            .get(account)
            .is_some_and(|c| !c.is_empty())
    }

    /// Minutes of labour logged from `from` to `to` (dates `YYYY-MM-DD`, both included),
    /// by member.
    pub fn labour_between(&self, from: &str, to: &str) -> BTreeMap<PublicKey, u64> {
        self.labour_where(|date| (from..=to).contains(&date))
    }

    /// Minutes of labour by member over the logs whose date `within` keeps. A member's
    /// day counts at most [`MAX_DAY_MINUTES`], however many logs name it (written apart on
    /// two laptops, say): the same sum whatever order they arrived in.
    fn labour_where(&self, within: impl Fn(&str) -> bool) -> BTreeMap<PublicKey, u64> {
        let mut out: BTreeMap<PublicKey, u64> = BTreeMap::new();
        for (member, days) in &self.index.ledger.labour_days {
            for (_, minutes) in days.iter().filter(|(date, _)| within(date)) {
                *out.entry(*member).or_default() += (*minutes).min(MAX_DAY_MINUTES);
            }
        }
        out
    }

    /// Each member's use from `from` to `to` in `commodity`: what the entries that count
    /// credited to income accounts for them (a refund, a debit, takes it back; never
    /// below 0).
    pub fn use_between(&self, from: &str, to: &str, commodity: &str) -> BTreeMap<PublicKey, u64> {
        let income: BTreeSet<RecordId> = self
            .accounts()
            .into_iter()
            .filter(|a| a.account_type == AccountType::Income)
            .map(|a| a.id)
            .collect();
        let mut sums: BTreeMap<PublicKey, i128> = BTreeMap::new();
        for entry in self.journal() {
            if !entry.standing.counts() || !(from..=to).contains(&entry.entry.date.as_str()) {
                continue;
            }
            for p in &entry.entry.postings {
                if let Some(member) = p.member
                    && p.commodity == commodity
                    && income.contains(&p.account)
                {
                    *sums.entry(member).or_default() -= i128::from(p.amount);
                }
            }
        }
        sums.into_iter()
            .filter(|(_, s)| *s > 0)
            .map(|(m, s)| (m, u64::try_from(s).unwrap_or(u64::MAX)))
            .collect()
    }

    /// Minutes of labour logged, by member (each day at most [`MAX_DAY_MINUTES`]).
    pub fn labour(&self) -> BTreeMap<PublicKey, u64> {
        self.labour_where(|_| true)
    }
}
