//! Governance's rules in the fold: when a proposal may be opened, answered, proxied,
//! closed or withdrawn where a record is written, how each record is indexed, and what a
//! passed proposal does to the authority view at its first close (docs/protocol.md
//! "Governance", "Effects").

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::body::{
    Ballot, Effect, ProposalClose, ProposalOpen, ProposalWithdraw, ProxyGrant, ProxyRevoke,
};
use super::count::Outcome;
use crate::areas::{Applying, Rules};
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::membership::{Bylaws, View};
use crate::record::Record;

impl Scope<'_> {
    /// The open proposal `id` as seen in scope: valid, in scope, not withdrawn or closed.
    /// `deps` are those of the record being judged: a withdrawal in scope is void when a
    /// valid ballot of the proposal is in that record's past (someone had already voted).
    fn open_proposal(&self, id: &RecordId, deps: &[RecordId]) -> Result<&ProposalOpen, Refusal> {
        let open = self
            .fold
            .proposal(id)
            .filter(|_| self.context.contains(id))
            .ok_or_else(|| Refusal::UnknownProposal(id.short()))?;
        // Closes before withdrawals, whatever order they arrived in, so every peer gives
        // the same reason.
        let mut ends: Vec<&Placed> = self
            .fold
            .index
            .governance
            .ends
            .get(id)
            .into_iter()
            .flatten()
            .filter(|e| self.context.contains(e))
            .filter_map(|e| self.fold.get(e))
            .filter(|p| p.verdict.is_ok())
            .collect();
        ends.sort_by_key(|p| {
            (
                !matches!(p.record.body(), Body::ProposalClose(_)),
                p.record.id(),
            )
        });
        for p in ends {
            match p.record.body() {
                Body::ProposalClose(_) => return Err(Refusal::ProposalClosed),
                // A withdrawal does not stand against a record that saw a ballot.
                Body::ProposalWithdraw(_) if !self.fold.voted_before(id, deps) => {
                    return Err(Refusal::ProposalWithdrawn);
                }
                _ => {}
            }
        }
        Ok(open)
    }

    /// The open proposal `id`, for a record its `author` may write only as an elector.
    fn open_to(
        &self,
        id: &RecordId,
        record: &Record,
        author: &PublicKey,
    ) -> Result<&ProposalOpen, Refusal> {
        let open = self.open_proposal(id, record.deps())?;
        if open.electorate.binary_search(author).is_err() {
            return Err(Refusal::NotInElectorate(author.short()));
        }
        Ok(open)
    }
}

impl Fold {
    /// Whether a valid ballot of `proposal` is in the past of a record citing `deps`.
    fn voted_before(&self, proposal: &RecordId, deps: &[RecordId]) -> bool {
        let seen = self.ancestors(deps, self.depth_of(proposal));
        self.about_proposal(proposal)
            .any(|p| matches!(p.record.body(), Body::Ballot(_)) && seen.contains(&p.record.id()))
    }
}

impl Rules for ProposalOpen {
    fn proposal_moved(&self, own: RecordId) -> Option<RecordId> {
        Some(own)
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        if self.closes_at <= record.at() {
            return Err(Refusal::BadDeadline);
        }
        let view = scope.full_view();
        if self.electorate != view.active_members() {
            return Err(Refusal::ElectorateMismatch);
        }
        // A proposal may ask for more than the bylaws, never less.
        let floor = bylaws.voting;
        let (t, f) = (self.threshold, floor.threshold);
        let weaker = u64::from(t.num) * u64::from(f.den) < u64::from(f.num) * u64::from(t.den);
        if self.quorum_pct < floor.quorum_pct || weaker {
            return Err(Refusal::BelowBylaws);
        }
        if self.effect.is_some() && self.method.has_options() {
            return Err(Refusal::BadEffect(
                "only yes/no and consent proposals can carry an effect".into(),
            ));
        }
        super::nominations::judge_nominated(self, record, scope)?;
        if let Some(revised) = &self.revises
            && (scope.fold.proposal(revised).is_none() || !scope.context.contains(revised))
        {
            return Err(Refusal::UnknownProposal(revised.short()));
        }
        match &self.effect {
            Some(Effect::Admit(admit)) if view.is_active(&admit.member) => {
                Err(Refusal::AlreadyMember(admit.member.short()))
            }
            Some(Effect::Admit(admit)) if view.members.contains_key(&admit.member) => {
                Err(Refusal::AlreadyKnown(admit.member.short()))
            }
            Some(Effect::Remove(remove)) if !view.is_active(&remove.member) => {
                Err(Refusal::TargetNotMember(remove.member.short()))
            }
            // The members can only withdraw a listing the proposer has seen.
            Some(Effect::WithdrawListing(w))
                if !scope.placed(&w.listing).is_some_and(|p| {
                    p.verdict.is_ok() && matches!(p.record.body(), Body::ListingPost(_))
                }) || !scope.reaches(&w.listing, record.deps()) =>
            {
                Err(Refusal::UnknownListing(w.listing.short()))
            }
            _ => Ok(()),
        }
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            let entry = (placed.depth, placed.record.id());
            fold.index.governance.proposals.insert(entry);
        }
        super::nominations::index_nominated(self, placed, fold);
    }
}

impl Rules for Ballot {
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        Some(self.proposal)
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let open = scope.open_to(&self.proposal, record, &record.author())?;
        self.choice
            .check(open.method, &open.options, open.seats)
            .map_err(|e| Refusal::BadChoice(e.to_string()))
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index
            .governance
            .note_act(self.proposal, placed.record.id());
    }
}

impl Rules for ProxyGrant {
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        Some(self.proposal)
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let author = record.author();
        let open = scope.open_to(&self.proposal, record, &author)?;
        if self.holder == author || open.electorate.binary_search(&self.holder).is_err() {
            return Err(Refusal::BadProxy(
                "the holder must be another member of the electorate".into(),
            ));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index
            .governance
            .note_act(self.proposal, placed.record.id());
    }
}

impl Rules for ProxyRevoke {
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        Some(self.proposal)
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        scope.open_to(&self.proposal, record, &record.author())?;
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index
            .governance
            .note_act(self.proposal, placed.record.id());
    }
}

impl Rules for ProposalClose {
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        Some(self.proposal)
    }

    /// A close may carry an admission or a removal.
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        let fold = scope.fold;
        let open = scope.open_proposal(&self.proposal, record.deps())?;
        let seen = fold.ancestors(record.deps(), fold.depth_of(&self.proposal));
        let named = |id: &RecordId, fits: &dyn Fn(&Body) -> bool| {
            fold.get(id)
                .filter(|p| seen.contains(id) && p.verdict.is_ok())
                .filter(|p| fits(p.record.body()))
                .ok_or_else(|| Refusal::NamesUnknown(id.short()))
        };
        let ballots = self
            .ballots
            .iter()
            .map(|id| {
                named(
                    id,
                    &|b| matches!(b, Body::Ballot(b) if b.proposal == self.proposal),
                )
            })
            .collect::<Result<Vec<&Placed>, Refusal>>()?;
        let proxies = self
            .proxies
            .iter()
            .map(|id| {
                named(id, &|b| match b {
                    Body::ProxyGrant(g) => g.proposal == self.proposal,
                    Body::ProxyRevoke(r) => r.proposal == self.proposal,
                    _ => false,
                })
            })
            .collect::<Result<Vec<&Placed>, Refusal>>()?;
        if record.at() < open.closes_at {
            // Early close: only when every elector has voted or is represented.
            let tally = fold
                .count_named(self.proposal, &ballots, &proxies)
                .ok_or_else(|| Refusal::UnknownProposal(self.proposal.short()))?;
            if tally.ballots_counted + tally.represented < open.electorate.len() {
                return Err(Refusal::DeadlineNotPassed);
            }
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        let id = placed.record.id();
        fold.index.governance.note_act(self.proposal, id);
        fold.index.governance.note_end(self.proposal, id);
        // A close may carry its proposal's effect: index it where membership looks.
        let (member, amends) = match fold
            .proposal(&self.proposal)
            .and_then(|p| p.effect.as_ref())
        {
            Some(Effect::Admit(a)) => (Some(a.member), false),
            Some(Effect::Remove(r)) => (Some(r.member), false),
            Some(Effect::Bylaws(_)) => (None, true),
            Some(Effect::Settings(_) | Effect::WithdrawListing(_)) | None => (None, false),
        };
        if let Some(member) = member {
            fold.index.membership.note_effect_on(member, id);
        }
        if amends {
            fold.index.membership.note_amendment(id);
        }
    }

    /// At a proposal's first close in this view: if it passed, its effect happens here.
    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        applying: &mut Applying<'_>,
    ) -> Option<&'static str> {
        let proposal = self.proposal;
        if !applying.governance.decided.insert(proposal) {
            return None;
        }
        let fold = applying.fold;
        let Some(Body::ProposalOpen(open)) = fold.get(&proposal).map(|p| p.record.body()) else {
            return None;
        };
        let effect = open.effect.as_ref()?;
        let closes = &applying.governance.closes;
        let named = closes.get(&proposal).map(Vec::as_slice).unwrap_or_default();
        let passed = fold
            .tally_with_closes(proposal, named)
            .is_ok_and(|t| t.outcome == Outcome::Passed);
        if !passed {
            return None;
        }
        match effect {
            Effect::Admit(admit) => view.admit(admit.member, &admit.name, record),
            Effect::Remove(remove) => view.remove(remove.member),
            Effect::Bylaws(bylaws) => {
                view.bylaws = Some(bylaws.clone());
                None
            }
            Effect::Settings(settings) => {
                view.relay = Some(settings.relay.clone());
                None
            }
            // Read by the listing itself (`Fold::listing`): nothing in the view.
            Effect::WithdrawListing(_) => None,
        }
    }
}

impl Rules for ProposalWithdraw {
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        Some(self.proposal)
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        scope.open_proposal(&self.proposal, record.deps())?;
        let proposer = scope.fold.get(&self.proposal).map(|p| p.record.author());
        if proposer != Some(record.author()) {
            return Err(Refusal::NotProposer);
        }
        if scope.fold.voted_before(&self.proposal, record.deps()) {
            return Err(Refusal::AlreadyVotedOn);
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        let id = placed.record.id();
        fold.index.governance.note_act(self.proposal, id);
        fold.index.governance.note_end(self.proposal, id);
    }
}

/// Governance's part of one view build: every close in the set counts towards its
/// proposal's result, whichever comes first, and an effect is considered once.
pub(crate) struct Deciding<'a> {
    closes: HashMap<RecordId, Vec<&'a Placed>>,
    decided: HashSet<RecordId>,
}

impl<'a> Deciding<'a> {
    pub(crate) fn new(valid: &[&'a Placed]) -> Self {
        let mut closes: HashMap<RecordId, Vec<&'a Placed>> = HashMap::new();
        for placed in valid {
            if let Body::ProposalClose(close) = placed.record.body() {
                closes.entry(close.proposal).or_default().push(placed);
            }
        }
        Self {
            closes,
            decided: HashSet::new(),
        }
    }
}
