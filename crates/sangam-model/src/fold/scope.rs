//! Judging a record in its own causal context.
//!
//! A [`Scope`] answers "who may act" as of one context from the fold's indexes: most
//! questions look at a handful of records about one key. A member with a leave, removal or
//! vote-decided change in scope, and anything needing the whole membership (an electorate,
//! the last member leaving), falls back to the full [`View`] of the context, which the
//! fold caches.

use std::sync::Arc;

use super::view::View;
use super::{Fold, Placed, Refusal, Standing};
use crate::body::{Admission, Body, Bylaws, Effect, Genesis, ProposalOpen};
use crate::context::Context;
use crate::keys::PublicKey;
use crate::record::{Record, RecordId};

pub(crate) struct Scope<'a> {
    pub(crate) fold: &'a Fold,
    pub(crate) context: &'a Context,
    /// Records of the change being admitted, not yet in the fold.
    pub(crate) earlier: &'a [Placed],
}

impl Scope<'_> {
    /// Valid records in scope: those of `ids`, plus those in `earlier` that `about` selects.
    fn valid<'s>(
        &'s self,
        ids: Option<&'s Vec<RecordId>>,
        about: impl Fn(&Record) -> bool + 's,
    ) -> impl Iterator<Item = &'s Placed> + 's {
        let placed = ids
            .into_iter()
            .flatten()
            .filter(|id| self.context.contains(id))
            .filter_map(|id| self.fold.placed.get(id));
        let earlier = self
            .earlier
            .iter()
            .filter(move |p| self.context.contains(&p.record.id()) && about(&p.record));
        placed.chain(earlier).filter(|p| p.verdict.is_ok())
    }

    fn genesis(&self) -> Option<&Genesis> {
        if !self.context.contains(&self.fold.coop) {
            return None;
        }
        let placed = self.fold.placed.get(&self.fold.coop).or_else(|| {
            self.earlier
                .iter()
                .find(|p| p.record.id() == self.fold.coop)
        })?;
        match placed.record.body() {
            Body::CoopGenesis(g) => Some(g),
            _ => None,
        }
    }

    /// The bylaws in force: the genesis's unless a passed amendment may be in scope.
    pub(crate) fn bylaws(&self) -> Option<Bylaws> {
        let genesis = self.genesis()?.bylaws;
        if self
            .fold
            .amendments
            .iter()
            .any(|id| self.context.contains(id))
        {
            return self.full_view().bylaws;
        }
        Some(genesis)
    }

    pub(crate) fn standing(&self, member: &PublicKey) -> Option<Standing> {
        let mut known = false;
        let mut complex = false;
        for p in self.valid(self.fold.by_member.get(member), |r| {
            about_member(r).contains(member)
        }) {
            match p.record.body() {
                Body::CoopGenesis(_) | Body::MemberAdmit(_) => known = true,
                // Exits and vote-decided effects resolve in fold order: ask the full view.
                _ => complex = true,
            }
        }
        match (known, complex) {
            (false, false) => None,
            (true, false) => Some(Standing::Active),
            (_, true) => self.full_view().members.get(member).map(|m| m.standing),
        }
    }

    fn is_active(&self, member: &PublicKey) -> bool {
        self.standing(member) == Some(Standing::Active)
    }

    pub(crate) fn full_view(&self) -> Arc<View> {
        self.fold.view_of(self.context, self.earlier)
    }

    /// The device's owner in scope (the first valid binding in fold order) and whether
    /// that owner revoked it.
    fn device(&self, device: &PublicKey) -> Option<(PublicKey, bool)> {
        let records: Vec<&Placed> = self
            .valid(self.fold.by_device.get(device), |r| {
                about_device(r) == Some(*device)
            })
            .collect();
        let owner = records
            .iter()
            .filter(|p| matches!(p.record.body(), Body::CoopGenesis(_) | Body::DeviceAdd(_)))
            .min_by_key(|p| (p.depth, p.record.id()))?
            .record
            .author();
        let revoked = records.iter().any(|p| {
            matches!(p.record.body(), Body::DeviceRevoke(_)) && p.record.author() == owner
        });
        Some((owner, revoked))
    }

    pub(crate) fn active_device(&self, device: &PublicKey) -> Option<PublicKey> {
        let (owner, revoked) = self.device(device)?;
        (!revoked && self.is_active(&owner)).then_some(owner)
    }

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
                Body::ProposalWithdraw(_) => {
                    let seen = self.fold.ancestors(deps, self.fold.depth_of(id));
                    let voted = self.fold.about_proposal(id).any(|b| {
                        matches!(b.record.body(), Body::Ballot(_)) && seen.contains(&b.record.id())
                    });
                    if !voted {
                        return Err(Refusal::ProposalWithdrawn);
                    }
                }
                _ => {}
            }
        }
        Ok(open)
    }

    /// Judges `record` as written in this scope (the record's own causal context).
    pub(crate) fn judge(&self, record: &Record) -> Result<(), Refusal> {
        let coop = self.fold.coop;
        if record.coop() != coop {
            return Err(Refusal::WrongCoop);
        }
        if let Body::CoopGenesis(_) = record.body() {
            return if record.id() == coop {
                Ok(())
            } else {
                Err(Refusal::SecondGenesis)
            };
        }
        let bylaws = self.bylaws().ok_or(Refusal::NoGenesis)?;
        let author = record.author();
        if !self.is_active(&author) {
            return Err(Refusal::NotAMember(author.short()));
        }
        match record.body() {
            Body::CoopGenesis(_) => unreachable!("handled above"),
            Body::MemberAdmit(admit) => {
                if bylaws.admission == Admission::Proposal {
                    return Err(Refusal::NeedsProposal("admit a member"));
                }
                match self.standing(&admit.member) {
                    Some(Standing::Active) => {
                        return Err(Refusal::AlreadyMember(admit.member.short()));
                    }
                    Some(_) => return Err(Refusal::AlreadyKnown(admit.member.short())),
                    None => {}
                }
            }
            Body::MemberRemove(remove) => {
                if bylaws.admission == Admission::Proposal {
                    return Err(Refusal::NeedsProposal("remove a member"));
                }
                if remove.member == author {
                    return Err(Refusal::RemoveSelf);
                }
                if !self.is_active(&remove.member) {
                    return Err(Refusal::TargetNotMember(remove.member.short()));
                }
            }
            Body::MemberLeave(_) => {
                if self.full_view().active_count() <= 1 {
                    return Err(Refusal::LastMember);
                }
            }
            Body::DeviceAdd(add) => {
                if self.device(&add.device).is_some() {
                    return Err(Refusal::DeviceTaken(add.device.short()));
                }
            }
            Body::DeviceRevoke(revoke) => {
                if self.device(&revoke.device) != Some((author, false)) {
                    return Err(Refusal::NotOwnDevice(revoke.device.short()));
                }
            }
            Body::MemberUpdate(_) | Body::CoopSettings(_) => {}
            Body::ProposalOpen(open) => self.judge_open(record, open)?,
            Body::Ballot(ballot) => {
                let open = self.open_proposal(&ballot.proposal, record.deps())?;
                if open.electorate.binary_search(&author).is_err() {
                    return Err(Refusal::NotInElectorate(author.short()));
                }
                ballot
                    .choice
                    .check(open.method, &open.options)
                    .map_err(Refusal::BadChoice)?;
            }
            Body::ProxyGrant(grant) => {
                let open = self.open_proposal(&grant.proposal, record.deps())?;
                if open.electorate.binary_search(&author).is_err() {
                    return Err(Refusal::NotInElectorate(author.short()));
                }
                if grant.holder == author || open.electorate.binary_search(&grant.holder).is_err() {
                    return Err(Refusal::BadProxy(
                        "the holder must be another member of the electorate",
                    ));
                }
            }
            Body::ProxyRevoke(revoke) => {
                let open = self.open_proposal(&revoke.proposal, record.deps())?;
                if open.electorate.binary_search(&author).is_err() {
                    return Err(Refusal::NotInElectorate(author.short()));
                }
            }
            Body::ProposalClose(close) => self.judge_close(record, close)?,
            Body::ProposalWithdraw(withdraw) => {
                self.open_proposal(&withdraw.proposal, record.deps())?;
                let proposer = self.fold.get(&withdraw.proposal).map(|p| p.record.author());
                if proposer != Some(author) {
                    return Err(Refusal::NotProposer);
                }
                let seen = self
                    .fold
                    .ancestors(record.deps(), self.fold.depth_of(&withdraw.proposal));
                let voted = self.fold.about_proposal(&withdraw.proposal).any(|p| {
                    matches!(p.record.body(), Body::Ballot(_)) && seen.contains(&p.record.id())
                });
                if voted {
                    return Err(Refusal::AlreadyVotedOn);
                }
            }
        }
        Ok(())
    }

    fn judge_open(&self, record: &Record, open: &ProposalOpen) -> Result<(), Refusal> {
        if open.closes_at <= record.at() {
            return Err(Refusal::BadDeadline);
        }
        let view = self.full_view();
        if open.electorate != view.active_members() {
            return Err(Refusal::ElectorateMismatch);
        }
        // A proposal may ask for more than the bylaws, never less.
        let floor = self.bylaws().unwrap_or_default().voting;
        let (t, f) = (open.threshold, floor.threshold);
        let weaker = u64::from(t.num) * u64::from(f.den) < u64::from(f.num) * u64::from(t.den);
        if open.quorum_pct < floor.quorum_pct || weaker {
            return Err(Refusal::BelowBylaws);
        }
        if open.effect.is_some() && open.method.has_options() {
            return Err(Refusal::BadEffect(
                "only yes/no and consent proposals can carry an effect",
            ));
        }
        if let Some(revised) = &open.revises
            && (self.fold.proposal(revised).is_none() || !self.context.contains(revised))
        {
            return Err(Refusal::UnknownProposal(revised.short()));
        }
        match &open.effect {
            Some(Effect::Admit(admit)) if view.is_active(&admit.member) => {
                Err(Refusal::AlreadyMember(admit.member.short()))
            }
            Some(Effect::Admit(admit)) if view.members.contains_key(&admit.member) => {
                Err(Refusal::AlreadyKnown(admit.member.short()))
            }
            Some(Effect::Remove(remove)) if !view.is_active(&remove.member) => {
                Err(Refusal::TargetNotMember(remove.member.short()))
            }
            _ => Ok(()),
        }
    }

    fn judge_close(
        &self,
        record: &Record,
        close: &crate::body::ProposalClose,
    ) -> Result<(), Refusal> {
        let open = self.open_proposal(&close.proposal, record.deps())?;
        let floor = self.fold.depth_of(&close.proposal);
        let seen = self.fold.ancestors(record.deps(), floor);
        let mut ballots = Vec::with_capacity(close.ballots.len());
        for id in &close.ballots {
            let placed = self
                .fold
                .get(id)
                .filter(|p| seen.contains(id) && p.verdict.is_ok())
                .filter(
                    |p| matches!(p.record.body(), Body::Ballot(b) if b.proposal == close.proposal),
                )
                .ok_or_else(|| Refusal::NamesUnknown(id.short()))?;
            ballots.push(placed);
        }
        let mut proxies = Vec::with_capacity(close.proxies.len());
        for id in &close.proxies {
            let placed = self
                .fold
                .get(id)
                .filter(|p| seen.contains(id) && p.verdict.is_ok())
                .filter(|p| match p.record.body() {
                    Body::ProxyGrant(g) => g.proposal == close.proposal,
                    Body::ProxyRevoke(r) => r.proposal == close.proposal,
                    _ => false,
                })
                .ok_or_else(|| Refusal::NamesUnknown(id.short()))?;
            proxies.push(placed);
        }
        if record.at() < open.closes_at {
            // Early close: only when every elector has voted or is represented.
            let tally = self
                .fold
                .count_named(close.proposal, &ballots, &proxies)
                .ok_or_else(|| Refusal::UnknownProposal(close.proposal.short()))?;
            if tally.ballots_counted + tally.represented < open.electorate.len() {
                return Err(Refusal::DeadlineNotPassed);
            }
        }
        Ok(())
    }
}

/// The member keys whose standing a record can change.
pub(crate) fn about_member(record: &Record) -> Vec<PublicKey> {
    match record.body() {
        Body::CoopGenesis(_) | Body::MemberLeave(_) => vec![record.author()],
        Body::MemberAdmit(a) => vec![a.member],
        Body::MemberRemove(r) => vec![r.member],
        _ => vec![],
    }
}

/// The device key a record binds or revokes.
pub(crate) fn about_device(record: &Record) -> Option<PublicKey> {
    match record.body() {
        Body::CoopGenesis(g) => Some(g.device),
        Body::DeviceAdd(d) => Some(d.device),
        Body::DeviceRevoke(d) => Some(d.device),
        _ => None,
    }
}
