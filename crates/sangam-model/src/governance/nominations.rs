//! Nominations (docs/protocol.md "Nominations"): a call for candidates, members put
//! forward, each nominee's answer, and the election opened from the call once it closed,
//! whose candidates are fixed by one rule every laptop applies alike:
//!
//! > In the opening's causal past, the candidates are the members nominated on the call by
//! > a valid `nomination`, whose own latest valid `nomination.answer` (highest `seq`, then
//! > lowest id) is `accept`, in the order of each one's first valid nomination (depth, id).
//!
//! Nominations and answers count only when written (by their own time) before the call
//! closes; the election opens from the call only after it, by the caller, once.

use std::collections::HashSet;

use super::body::{Nomination, NominationAnswer, NominationCall, NominationReply, ProposalOpen};
use super::queries::latest;
use crate::areas::Rules;
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::membership::Bylaws;
use crate::record::Record;

/// One nominee on a call, as members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominee {
    /// The member put forward.
    pub member: PublicKey,
    /// Who nominated them, in the order they did.
    pub by: Vec<PublicKey>,
    /// Their latest answer, if they gave one.
    pub answer: Option<NominationReply>,
}

/// The candidates `acts` give: `acts` are the call's valid nominations and answers in
/// the past that matters, in any order.
fn candidates_among<'a>(acts: impl Iterator<Item = &'a Placed>) -> Vec<PublicKey> {
    nominees_among(acts)
        .into_iter()
        .filter(|n| n.answer == Some(NominationReply::Accept))
        .map(|n| n.member)
        .collect()
}

/// Every nominee among `acts`, in the order of their first valid nomination.
fn nominees_among<'a>(acts: impl Iterator<Item = &'a Placed>) -> Vec<Nominee> {
    let mut nominations: Vec<&Placed> = Vec::new();
    let mut answers: Vec<&Placed> = Vec::new();
    for act in acts {
        match act.record.body() {
            Body::Nomination(_) => nominations.push(act),
            Body::NominationAnswer(_) => answers.push(act),
            _ => {}
        }
    }
    nominations.sort_by_key(|p| (p.depth, p.record.id()));
    let seq = |p: &Placed| match p.record.body() {
        Body::NominationAnswer(a) => a.seq,
        _ => 0,
    };
    let latest = latest(answers.into_iter(), seq);
    let mut out: Vec<Nominee> = Vec::new();
    for p in nominations {
        let Body::Nomination(n) = p.record.body() else {
            continue;
        };
        match out.iter_mut().find(|x| x.member == n.nominee) {
            Some(x) => x.by.push(p.record.author()),
            None => out.push(Nominee {
                member: n.nominee,
                by: vec![p.record.author()],
                answer: latest.get(&n.nominee).and_then(|a| match a.record.body() {
                    Body::NominationAnswer(a) => Some(a.answer),
                    _ => None,
                }),
            }),
        }
    }
    out
}

impl Scope<'_> {
    /// The call `id` if it is a valid call in the past of a record citing `deps`.
    fn call(&self, id: &RecordId, deps: &[RecordId]) -> Result<&NominationCall, Refusal> {
        self.placed(id)
            .filter(|p| p.verdict.is_ok() && self.reaches(id, deps))
            .and_then(|p| match p.record.body() {
                Body::NominationCall(call) => Some(call),
                _ => None,
            })
            .ok_or_else(|| Refusal::UnknownCall(id.short()))
    }

    /// The records about `call` (valid or not) in the past of a record citing `deps`,
    /// placed or being admitted.
    fn about_call<'s>(&'s self, call: &RecordId, deps: &[RecordId]) -> Vec<&'s Placed> {
        let floor = self.placed(call).map_or(0, |p| p.depth);
        let past = self.past(deps, floor);
        let indexed = self.fold.about_call(call);
        let earlier = self.earlier.iter().filter(move |p| match p.record.body() {
            Body::Nomination(n) => n.call == *call,
            Body::NominationAnswer(a) => a.call == *call,
            Body::ProposalOpen(o) => o.nominated.as_ref().is_some_and(|n| n.call == *call),
            _ => false,
        });
        indexed
            .chain(earlier)
            .filter(|p| past.contains(&p.record.id()))
            .collect()
    }

    /// Every record reachable from `deps` (inclusive) down to depth `floor`, placed or
    /// being admitted.
    fn past(&self, deps: &[RecordId], floor: u64) -> HashSet<RecordId> {
        let mut seen = HashSet::new();
        let mut stack: Vec<RecordId> = deps.to_vec();
        while let Some(id) = stack.pop() {
            let Some(placed) = self.placed(&id) else {
                continue;
            };
            if placed.depth < floor || !seen.insert(id) {
                continue;
            }
            stack.extend(placed.record.deps().iter().copied());
        }
        seen
    }
}

/// Notes a record about `call` in governance's index.
fn note(call: RecordId, placed: &Placed, fold: &mut Fold) {
    fold.index
        .governance
        .about_call
        .entry(call)
        .or_default()
        .push(placed.record.id());
}

impl Rules for NominationCall {
    fn judge(&self, record: &Record, _: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        if self.closes_at <= record.at() {
            return Err(Refusal::BadDeadline);
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            let entry = (placed.depth, placed.record.id());
            fold.index.governance.calls.insert(entry);
        }
    }
}

impl Rules for Nomination {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let call = scope.call(&self.call, record.deps())?;
        if record.at() >= call.closes_at {
            return Err(Refusal::NominationsClosed);
        }
        if !scope.is_active(&self.nominee) {
            return Err(Refusal::TargetNotMember(self.nominee.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(self.call, placed, fold);
    }
}

impl Rules for NominationAnswer {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let call = scope.call(&self.call, record.deps())?;
        if record.at() >= call.closes_at {
            return Err(Refusal::NominationsClosed);
        }
        // The author's own nominations, each looked for in the answer's past: a walk that
        // stops at the nomination, not one through everything since the call.
        let author = record.author();
        let of_author = |p: &&Placed| {
            p.verdict.is_ok()
                && matches!(p.record.body(), Body::Nomination(n) if n.nominee == author && n.call == self.call)
        };
        let nominated = scope
            .fold
            .about_call(&self.call)
            .chain(scope.earlier.iter())
            .filter(of_author)
            .any(|p| scope.reaches(&p.record.id(), record.deps()));
        if !nominated {
            return Err(Refusal::NotNominated(author.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note(self.call, placed, fold);
    }
}

/// Step 5 for a `proposal.open` that elects from a call: by the caller, after the call
/// closed, once, with the call's method and seats, and exactly the candidates the rule
/// gives in its own past.
pub(crate) fn judge_nominated(
    open: &ProposalOpen,
    record: &Record,
    scope: &Scope<'_>,
) -> Result<(), Refusal> {
    let Some(nominated) = &open.nominated else {
        return Ok(());
    };
    let call = scope.call(&nominated.call, record.deps())?;
    let caller = scope.placed(&nominated.call).map(|p| p.record.author());
    let about = scope.about_call(&nominated.call, record.deps());
    let opened = about.iter().any(|p| {
        p.verdict.is_ok()
            && p.record.id() != record.id()
            && matches!(p.record.body(), Body::ProposalOpen(_))
    });
    if caller != Some(record.author()) || opened {
        return Err(Refusal::NotTheCall);
    }
    if record.at() < call.closes_at {
        return Err(Refusal::NominationsOpen);
    }
    if open.method != call.method || open.seats != Some(call.seats) {
        return Err(Refusal::CandidatesMismatch);
    }
    let candidates = candidates_among(about.into_iter().filter(|p| p.verdict.is_ok()));
    if candidates != nominated.candidates {
        return Err(Refusal::CandidatesMismatch);
    }
    Ok(())
}

/// Notes a `proposal.open` that elects from a call.
pub(crate) fn index_nominated(open: &ProposalOpen, placed: &Placed, fold: &mut Fold) {
    if let Some(nominated) = &open.nominated {
        note(nominated.call, placed, fold);
    }
}

/// A call for nominations as members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView<'a> {
    /// The `nomination.call` record.
    pub id: RecordId,
    /// Who called it.
    pub caller: PublicKey,
    /// Its body.
    pub call: &'a NominationCall,
    /// Every nominee, in the order of their first nomination.
    pub nominees: Vec<Nominee>,
    /// The election opened from it, if one was.
    pub election: Option<RecordId>,
}

impl Fold {
    /// The records placed about `call` (nominations, answers, elections opened from it),
    /// valid or not, from governance's index.
    fn about_call(&self, call: &RecordId) -> impl Iterator<Item = &Placed> {
        self.index
            .governance
            .about_call
            .get(call)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(id))
    }

    /// The valid calls for nominations, newest first, each with its nominees as every
    /// record placed here says.
    pub fn calls(&self) -> Vec<CallView<'_>> {
        self.index
            .governance
            .calls
            .iter()
            .rev()
            .filter_map(|(_, id)| self.call_view(id))
            .collect()
    }

    /// One call for nominations, if it is a valid one.
    pub fn call_view(&self, id: &RecordId) -> Option<CallView<'_>> {
        let placed = self.get(id).filter(|p| p.verdict.is_ok())?;
        let Body::NominationCall(call) = placed.record.body() else {
            return None;
        };
        let about: Vec<&Placed> = self.about_call(id).filter(|p| p.verdict.is_ok()).collect();
        let election = about
            .iter()
            .filter(|p| matches!(p.record.body(), Body::ProposalOpen(_)))
            .min_by_key(|p| (p.depth, p.record.id()))
            .map(|p| p.record.id());
        Some(CallView {
            id: *id,
            caller: placed.record.author(),
            call,
            nominees: nominees_among(about.into_iter()),
            election,
        })
    }

    /// The candidates an election opened from `call` now would have: the rule applied to
    /// what a new record (citing [`Fold::deps_for_new_record`]) has in its past.
    pub fn candidates_for_new_record(&self, call: &RecordId) -> Vec<PublicKey> {
        let ids: Vec<RecordId> = self
            .index
            .governance
            .about_call
            .get(call)
            .cloned()
            .unwrap_or_default();
        let reached = self.reached_by_new_record(&ids);
        candidates_among(
            ids.iter()
                .filter(|id| reached.contains(id))
                .filter_map(|id| self.get(id))
                .filter(|p| p.verdict.is_ok()),
        )
    }

    /// Each nominee's latest answer's `seq` on `call` by `member`, for their next answer.
    pub fn next_answer_seq(&self, call: &RecordId, member: &PublicKey) -> u64 {
        let mut next = 0;
        for p in self.about_call(call) {
            if let Body::NominationAnswer(a) = p.record.body()
                && p.record.author() == *member
            {
                next = next.max(a.seq + 1);
            }
        }
        next
    }
}
