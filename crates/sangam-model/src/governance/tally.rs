//! The tally: which of a proposal's ballots and proxies count, by the rules in the
//! module docs of [`crate::governance`], and the count by its method.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::body::{Choice, Method, ProposalOpen};
use super::count::{self, Count, Outcome};
use super::queries::{ballot_seq, latest};
use super::{Status, Tally, TallyError};
use crate::fold::{Fold, Placed};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;

impl Fold {
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
        let count = count_choices(proposal, open, &choices, bylaws.consent_blocks);
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
            election: count.election,
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

fn count_choices(
    proposal: RecordId,
    open: &ProposalOpen,
    choices: &[(&Choice, u64)],
    consent_blocks: bool,
) -> Count {
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
        Method::Approval | Method::Ranked | Method::Stv | Method::ScottishStv => {
            let lists: Vec<(&[String], u64)> = choices
                .iter()
                .map(|(c, w)| match c {
                    Choice::Approve(list) | Choice::Rank(list) => (list.as_slice(), *w),
                    _ => (&[][..], *w),
                })
                .collect();
            let elect = |method| {
                let seats = open.seats.unwrap_or(1);
                count::election(method, seats, &lists, options, proposal.as_bytes())
            };
            match (open.method, open.seats) {
                (Method::Approval, Some(_)) => elect(sangam_count::Method::Approval),
                (Method::Approval, None) => count::approval(&lists, options),
                (Method::Stv, _) => elect(sangam_count::Method::Meek),
                (Method::ScottishStv, _) => elect(sangam_count::Method::Scottish),
                _ => count::ranked(&lists, options),
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
