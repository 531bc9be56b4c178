//! Governance: tallying a proposal from its signed ballots, proxies and closes.
//!
//! Which ballots count (docs/protocol.md "Governance"):
//! - until a valid `proposal.close` exists, every valid ballot counts and the tally is
//!   *provisional*;
//! - once closed, exactly the ballots and proxy records named by the valid closes count
//!   (the union over all of them, so several closes resolve alike everywhere); valid
//!   ballots no close names are reported as *late*;
//! - per voter, the ballot with the highest `seq` counts, ties going to the lowest id;
//! - a proxy is the grantor's grant or revoke with the highest `seq`; it counts only if it
//!   is a grant, the grantor has no counted ballot of their own, the holder has one, and
//!   the holder is within the bylaws' cap (grants taken in ascending id order);
//! - quorum counts voters with a counted ballot (abstentions included) plus members
//!   represented by proxy.

mod count;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

pub use count::{Count, Outcome};
use serde::Serialize;

use crate::body::{Ballot, Body, Choice, Method, ProposalOpen};
use crate::fold::{Fold, Placed};
use crate::keys::PublicKey;
use crate::record::RecordId;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open: the tally may still change.
    Provisional,
    /// Closed: the named ballots decide it.
    Closed,
    /// Withdrawn by its author before any ballot.
    Withdrawn,
}

/// A proposal's result, as every peer with the same records computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The proposal's record id.
    pub proposal: RecordId,
    /// Provisional, closed or withdrawn.
    pub status: Status,
    /// What was decided (before the close, what would be decided now).
    pub outcome: Outcome,
    /// Weight per answer or option (first round, for ranked choice).
    pub counts: BTreeMap<String, u64>,
    /// Ranked choice: every round's tallies.
    pub rounds: Vec<BTreeMap<String, u64>>,
    /// Members who may vote.
    pub electorate_size: usize,
    /// Voters whose own ballot counted.
    pub ballots_counted: usize,
    /// Members represented by a proxy holder's ballot.
    pub represented: usize,
    /// Whether quorum was reached.
    pub quorum_met: bool,
    /// The ballot record ids that counted, ascending.
    pub counted: Vec<RecordId>,
    /// The proxy grants that counted, ascending.
    pub proxies: Vec<RecordId>,
    /// Valid ballots that no close names, ascending.
    pub late: Vec<RecordId>,
    /// The valid closes, ascending.
    pub closes: Vec<RecordId>,
    /// Ballots some closes name and others do not: several closers saw different ballot
    /// sets (concurrent closes, or someone withholding). All of them count; this makes the
    /// disagreement visible instead of silent.
    pub contested: Vec<RecordId>,
}

/// Why there is no tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TallyError {
    /// No valid proposal with that id.
    #[error("no valid proposal {0}")]
    UnknownProposal(String),
}

/// One member's act on a proposal, for picking the latest.
fn latest<'a>(
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

fn ballot_seq(p: &Placed) -> u64 {
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
        self.proposals.iter().filter_map(|(_, id)| {
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
        self.by_proposal
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

    /// Which of `ids` a new record (citing [`Fold::deps_for_new_record`]) has in its past.
    /// When a new record cites every head, that is all of them; otherwise only the part of
    /// the graph above the shallowest of `ids` is walked.
    pub fn reached_by_new_record(&self, ids: &[RecordId]) -> HashSet<RecordId> {
        let placed: Vec<RecordId> = ids
            .iter()
            .copied()
            .filter(|id| self.get(id).is_some())
            .collect();
        if self.heads.len() <= crate::record::MAX_DEPS {
            return placed.into_iter().collect();
        }
        let floor = placed.iter().map(|id| self.depth_of(id)).min().unwrap_or(0);
        let past = self.ancestors(&self.deps_for_new_record(), floor);
        placed.into_iter().filter(|id| past.contains(id)).collect()
    }

    /// Valid records about a proposal (ballots, proxies, closes, withdrawals).
    pub(crate) fn about_proposal(&self, proposal: &RecordId) -> impl Iterator<Item = &Placed> {
        self.by_proposal
            .get(proposal)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(id))
            .filter(|p| p.verdict.is_ok())
    }

    /// The proposal's tally from every record this fold holds.
    pub fn tally(&self, proposal: RecordId) -> Result<Tally, TallyError> {
        self.proposal(&proposal)
            .ok_or_else(|| TallyError::UnknownProposal(proposal.short()))?;
        let closes: Vec<&Placed> = self
            .about_proposal(&proposal)
            .filter(|p| matches!(p.record.body(), Body::ProposalClose(_)))
            .collect();
        let mut tally = self.tally_with_closes(proposal, &closes)?;
        let withdrawn = self
            .about_proposal(&proposal)
            .any(|p| matches!(p.record.body(), Body::ProposalWithdraw(_)));
        // A withdrawal concurrent with a ballot does not take effect: once anyone has
        // voted, the proposal stands.
        let any_ballot = self
            .about_proposal(&proposal)
            .any(|p| matches!(p.record.body(), Body::Ballot(_)));
        if withdrawn && closes.is_empty() && !any_ballot {
            tally.status = Status::Withdrawn;
            tally.outcome = Outcome::Failed;
        }
        Ok(tally)
    }

    /// The tally counting what `closes` name (or, with no closes, every valid ballot).
    pub(crate) fn tally_with_closes(
        &self,
        proposal: RecordId,
        closes: &[&Placed],
    ) -> Result<Tally, TallyError> {
        let open = self
            .proposal(&proposal)
            .ok_or_else(|| TallyError::UnknownProposal(proposal.short()))?;
        let all: Vec<&Placed> = self.about_proposal(&proposal).collect();
        let ballots = all
            .iter()
            .copied()
            .filter(|p| matches!(p.record.body(), Body::Ballot(_)));
        let proxies = all
            .iter()
            .copied()
            .filter(|p| matches!(p.record.body(), Body::ProxyGrant(_) | Body::ProxyRevoke(_)));
        if closes.is_empty() {
            let (ballots, proxies): (Vec<&Placed>, Vec<&Placed>) =
                (ballots.collect(), proxies.collect());
            return Ok(self.count(
                proposal,
                open,
                &ballots,
                &proxies,
                Status::Provisional,
                vec![],
                vec![],
            ));
        }
        let mut named_ballots = BTreeSet::new();
        let mut named_proxies = BTreeSet::new();
        for close in closes {
            if let Body::ProposalClose(c) = close.record.body() {
                named_ballots.extend(c.ballots.iter().copied());
                named_proxies.extend(c.proxies.iter().copied());
            }
        }
        let mut contested: Vec<RecordId> = named_ballots
            .iter()
            .filter(|id| {
                closes.iter().any(|c| matches!(c.record.body(), Body::ProposalClose(b) if !b.ballots.contains(id)))
            })
            .copied()
            .collect();
        contested.sort();
        let (counted, unnamed): (Vec<&Placed>, Vec<&Placed>) =
            ballots.partition(|p| named_ballots.contains(&p.record.id()));
        let proxies: Vec<&Placed> = proxies
            .filter(|p| named_proxies.contains(&p.record.id()))
            .collect();
        // Late: an unnamed ballot that would have counted, i.e. one that no named ballot
        // of the same voter supersedes. Superseded earlier votes are not late.
        let named_latest = latest(counted.iter().copied(), ballot_seq);
        let supersedes = |newer: &Placed, older: &Placed| {
            let (n, o) = (ballot_seq(newer), ballot_seq(older));
            n > o || (n == o && newer.record.id() < older.record.id())
        };
        let mut late: Vec<RecordId> = unnamed
            .iter()
            .filter(|p| {
                named_latest
                    .get(&p.record.author())
                    .is_none_or(|named| !supersedes(named, p))
            })
            .map(|p| p.record.id())
            .collect();
        late.sort();
        let mut close_ids: Vec<RecordId> = closes.iter().map(|p| p.record.id()).collect();
        close_ids.sort();
        let mut tally = self.count(
            proposal,
            open,
            &counted,
            &proxies,
            Status::Closed,
            late,
            close_ids,
        );
        tally.contested = contested;
        Ok(tally)
    }

    /// Counts the named ballots and proxies by the proposal's method.
    pub(crate) fn count_named(
        &self,
        proposal: RecordId,
        ballots: &[&Placed],
        proxies: &[&Placed],
    ) -> Option<Tally> {
        let open = self.proposal(&proposal)?;
        Some(self.count(
            proposal,
            open,
            ballots,
            proxies,
            Status::Closed,
            vec![],
            vec![],
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn count(
        &self,
        proposal: RecordId,
        open: &ProposalOpen,
        ballots: &[&Placed],
        proxies: &[&Placed],
        status: Status,
        late: Vec<RecordId>,
        closes: Vec<RecordId>,
    ) -> Tally {
        let bylaws = self.bylaws_at(&proposal);
        let own = latest(ballots.iter().copied(), ballot_seq);
        let acts = latest(proxies.iter().copied(), ballot_seq);
        // Proxy grants that stand: the grantor's latest act is a grant, they did not vote
        // themselves, and their holder did.
        let mut grants: Vec<(&Placed, PublicKey)> = acts
            .values()
            .filter_map(|p| match p.record.body() {
                Body::ProxyGrant(g)
                    if !own.contains_key(&p.record.author()) && own.contains_key(&g.holder) =>
                {
                    Some((*p, g.holder))
                }
                _ => None,
            })
            .collect();
        grants.sort_by_key(|(p, _)| p.record.id());
        let cap = usize::from(bylaws.proxies_per_holder);
        let mut held: HashMap<PublicKey, usize> = HashMap::new();
        let mut standing_grants = Vec::new();
        for (grant, holder) in grants {
            let n = held.entry(holder).or_default();
            if *n < cap {
                *n += 1;
                standing_grants.push(grant.record.id());
            }
        }
        standing_grants.sort();
        let weight = |voter: &PublicKey| 1 + held.get(voter).copied().unwrap_or(0) as u64;
        let choices: Vec<(&Choice, u64)> = own
            .iter()
            .filter_map(|(voter, p)| match p.record.body() {
                Body::Ballot(b) => Some((&b.choice, weight(voter))),
                _ => None,
            })
            .collect();
        let count = count_choices(open, &choices, bylaws.consent_blocks);
        let electorate_size = open.electorate.len();
        let represented = standing_grants.len();
        let participation = own.len() + represented;
        let quorum_met = participation * 100 >= usize::from(open.quorum_pct) * electorate_size
            && participation > 0;
        let outcome = if quorum_met {
            count.outcome
        } else {
            Outcome::NoQuorum
        };
        let mut counted: Vec<RecordId> = own.values().map(|p| p.record.id()).collect();
        counted.sort();
        Tally {
            proposal,
            status,
            outcome,
            counts: count.counts,
            rounds: count.rounds,
            electorate_size,
            ballots_counted: own.len(),
            represented,
            quorum_met,
            counted,
            proxies: standing_grants,
            late,
            closes,
            contested: vec![],
        }
    }
}

fn count_choices(open: &ProposalOpen, choices: &[(&Choice, u64)], consent_blocks: bool) -> Count {
    let votes = || {
        choices.iter().filter_map(|(c, w)| match c {
            Choice::Vote(v) => Some((*v, *w)),
            _ => None,
        })
    };
    let options = &open.options;
    match open.method {
        Method::YesNo => count::yes_no(&votes().collect::<Vec<_>>(), open.threshold),
        Method::Consent => {
            count::consent(&votes().collect::<Vec<_>>(), open.threshold, consent_blocks)
        }
        Method::Choice => {
            let picks: Vec<(Option<&str>, u64)> = choices
                .iter()
                .map(|(c, w)| match c {
                    Choice::Option(o) => (Some(o.as_str()), *w),
                    _ => (None, *w),
                })
                .collect();
            count::choice(&picks, options)
        }
        Method::Approval | Method::Ranked => {
            let lists: Vec<(&[String], u64)> = choices
                .iter()
                .map(|(c, w)| match c {
                    Choice::Approve(list) | Choice::Rank(list) => (list.as_slice(), *w),
                    _ => (&[][..], *w),
                })
                .collect();
            if open.method == Method::Approval {
                count::approval(&lists, options)
            } else {
                count::ranked(&lists, options)
            }
        }
        Method::Score => {
            let empty = BTreeMap::new();
            let scores: Vec<(&BTreeMap<String, u8>, u64)> = choices
                .iter()
                .map(|(c, w)| match c {
                    Choice::Scores(s) => (s, *w),
                    _ => (&empty, *w),
                })
                .collect();
            count::score(&scores, options)
        }
    }
}
