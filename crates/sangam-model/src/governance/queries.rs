//! The questions answered from governance's index: a proposal and the valid ones in fold
//! order, a member's latest ballot, their next sequence number, the proxy acts a close
//! names. None of them goes through every record.

use std::collections::HashMap;

use super::body::{Ballot, ProposalOpen};
use crate::fold::{Fold, Placed};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;

/// Each author's latest act among `acts`: the highest `seq`, equal `seq` going to the
/// lowest id, so arrival order never decides.
pub(crate) fn latest<'a>(
    acts: impl Iterator<Item = &'a Placed>,
    seq: impl Fn(&Placed) -> u64,
) -> HashMap<PublicKey, &'a Placed> {
    let mut out: HashMap<PublicKey, &Placed> = HashMap::new();
    for act in acts {
        let author = act.record.author();
        let better = match out.get(&author) {
            None => true,
            Some(current) => {
                let (s, c) = (seq(act), seq(current));
                s > c || (s == c && act.record.id() < current.record.id())
            }
        };
        if better {
            out.insert(author, act);
        }
    }
    out
}

/// The sequence number of a ballot or proxy record (0 for anything else).
pub(crate) fn ballot_seq(p: &Placed) -> u64 {
    match p.record.body() {
        Body::Ballot(b) => b.seq,
        Body::ProxyGrant(g) => g.seq,
        Body::ProxyRevoke(r) => r.seq,
        _ => 0,
    }
}

impl Fold {
    /// The proposal's body, if it is a valid proposal.
    pub fn proposal(&self, id: &RecordId) -> Option<&ProposalOpen> {
        let placed = self.get(id).filter(|p| p.verdict.is_ok())?;
        match placed.record.body() {
            Body::ProposalOpen(open) => Some(open),
            _ => None,
        }
    }

    /// The valid proposals in fold order (depth, id): oldest first, `.rev()` for newest.
    /// Read from an index, never by going through every record.
    pub fn proposals(&self) -> impl DoubleEndedIterator<Item = (&Placed, &ProposalOpen)> {
        self.index
            .governance
            .proposals
            .iter()
            .filter_map(|(_, id)| {
                let placed = self.get(id)?;
                match placed.record.body() {
                    Body::ProposalOpen(open) => Some((placed, open)),
                    _ => None,
                }
            })
    }

    /// The sequence number of `member`'s next act (ballot, proxy grant or revoke) on
    /// `proposal`: one more than the highest of their acts on it, counted or not, so a
    /// new act always supersedes every earlier one.
    pub fn next_act_seq(&self, proposal: &RecordId, member: &PublicKey) -> u64 {
        self.index
            .governance
            .by_proposal
            .get(proposal)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(id))
            .filter(|p| p.record.author() == *member)
            .map(ballot_seq)
            .max()
            .unwrap_or(0)
            + 1
    }

    /// `member`'s latest valid ballot on `proposal` (highest `seq`, then lowest id): the
    /// one that counts for them.
    pub fn latest_ballot(
        &self,
        proposal: &RecordId,
        member: &PublicKey,
    ) -> Option<(RecordId, &Ballot)> {
        let ballots = self
            .about_proposal(proposal)
            .filter(|p| p.record.author() == *member)
            .filter(|p| matches!(p.record.body(), Body::Ballot(_)));
        let (_, placed) = latest(ballots, ballot_seq).into_iter().next()?;
        match placed.record.body() {
            Body::Ballot(ballot) => Some((placed.record.id(), ballot)),
            _ => None,
        }
    }

    /// Whether `member` has answered `proposal`: a valid ballot of theirs, or a proxy
    /// grant that is their latest proxy act (someone votes for them). A reminder is for a
    /// member who has done neither.
    pub fn has_answered(&self, proposal: &RecordId, member: &PublicKey) -> bool {
        if self.latest_ballot(proposal, member).is_some() {
            return true;
        }
        let acts = self
            .about_proposal(proposal)
            .filter(|p| p.record.author() == *member)
            .filter(|p| matches!(p.record.body(), Body::ProxyGrant(_) | Body::ProxyRevoke(_)));
        latest(acts, ballot_seq)
            .values()
            .any(|p| matches!(p.record.body(), Body::ProxyGrant(_)))
    }

    /// Each grantor's latest valid proxy act (grant or revoke) on `proposal`, ascending by
    /// id: what a close names so the proxies it saw are fixed.
    pub fn latest_proxy_acts(&self, proposal: &RecordId) -> Vec<RecordId> {
        let acts = self
            .about_proposal(proposal)
            .filter(|p| matches!(p.record.body(), Body::ProxyGrant(_) | Body::ProxyRevoke(_)));
        let mut ids: Vec<RecordId> = latest(acts, ballot_seq)
            .values()
            .map(|p| p.record.id())
            .collect();
        ids.sort();
        ids
    }

    /// Valid records about a proposal (ballots, proxies, closes, withdrawals).
    pub(crate) fn about_proposal(&self, proposal: &RecordId) -> impl Iterator<Item = &Placed> {
        self.index
            .governance
            .by_proposal
            .get(proposal)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(id))
            .filter(|p| p.verdict.is_ok())
    }
}
