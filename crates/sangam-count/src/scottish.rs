//! Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), rules
//! 45–52. A weighted inclusive Gregory count in five decimal places.
//!
//! - The quota is the valid papers divided by seats + 1, its decimals dropped, plus one.
//! - A candidate with the quota or more is elected at the end of a stage.
//! - While a surplus (votes above the quota) is untransferred, the largest is transferred
//!   first: every paper the candidate holds moves to its next continuing preference at
//!   the value (its value × surplus ÷ the candidate's votes), to five places, remainder
//!   ignored. Papers with no continuing preference are non-transferable.
//! - Otherwise the candidate with the fewest votes is excluded and every paper they hold
//!   moves on at the value it came with.
//! - When as many candidates continue as seats remain, they are elected and nothing more
//!   is transferred.
//! - Ties (equal surpluses, equal lowest) go to the earlier stages, then the lot
//!   ([`TieBreak`]).

use crate::count::{Action, Count, Method, Round, Standing, Tie, TieBreak, TieFor, hopeful};
use crate::election::{Election, ElectionError};
use crate::fixed::{Fixed, Rounding};

type Votes = Fixed<5>;

struct Paper {
    ballot: usize,
    at: usize,
    value: Votes,
}

struct Counting<'a> {
    election: &'a Election,
    status: Vec<Standing>,
    votes: Vec<Votes>,
    piles: Vec<Vec<Paper>>,
    exhausted: Votes,
    quota: Votes,
    rounds: Vec<Round>,
    history: Vec<Vec<Option<Votes>>>,
    elected: Vec<usize>,
    ties: Vec<Tie>,
    untransferred: Vec<usize>,
}

/// Counts `election` by Scottish STV.
pub fn count(election: &Election, ties: &TieBreak) -> Result<Count, ElectionError> {
    election.check()?;
    let n = election.candidates.len();
    let papers = election.papers();
    let mut counting = Counting {
        election,
        status: (0..n)
            .map(|c| {
                if election.stands(c) {
                    Standing::Hopeful
                } else {
                    Standing::Excluded
                }
            })
            .collect(),
        votes: vec![Votes::ZERO; n],
        piles: (0..n).map(|_| Vec::new()).collect(),
        exhausted: Votes::ZERO,
        quota: Votes::whole(papers / (election.seats as u64 + 1) + 1),
        rounds: Vec::new(),
        history: Vec::new(),
        elected: Vec::new(),
        ties: Vec::new(),
        untransferred: Vec::new(),
    };
    for (b, ballot) in election.ballots.iter().enumerate() {
        if !ballot.ranking.is_empty() {
            counting.place(Paper {
                ballot: b,
                at: 0,
                value: Votes::ONE,
            });
        }
    }
    counting.record(Action::FirstPreferences);
    loop {
        counting.elect_with_quota();
        let left = election.seats - counting.elected.len();
        let hopeful = counting.hopeful();
        if left == 0 || hopeful.len() <= left {
            if left > 0 {
                counting.record(Action::LastSeatsFilled);
                let mut rest = hopeful;
                rest.sort_by_key(|c| (std::cmp::Reverse(counting.votes[*c]), *c));
                for c in rest {
                    counting.status[c] = Standing::Elected;
                    counting.elected.push(c);
                    counting
                        .rounds
                        .last_mut()
                        .expect("recorded")
                        .elected
                        .push(c);
                }
            }
            break;
        }
        if let Some(from) = counting.largest_surplus(ties) {
            let amount = counting.votes[from] - counting.quota;
            counting.transfer_surplus(from);
            counting.record(Action::Surplus {
                from,
                amount: amount.decimal(),
            });
            continue;
        }
        let candidate = counting.lowest(ties);
        counting.exclude(candidate);
        counting.record(Action::Excluded { candidate });
    }
    Ok(Count {
        method: Method::Scottish,
        seats: election.seats,
        ballots: papers,
        rounds: counting.rounds,
        elected: counting.elected,
        ties: counting.ties,
    })
}

impl Counting<'_> {
    fn hopeful(&self) -> Vec<usize> {
        hopeful(&self.status)
    }

    /// Gives `paper` to its next continuing preference from `paper.at` on, or to the
    /// non-transferable votes.
    fn place(&mut self, mut paper: Paper) {
        let ballot = &self.election.ballots[paper.ballot];
        let value = paper.value.times(ballot.weight);
        while let Some(&c) = ballot.ranking.get(paper.at) {
            if self.status[c] == Standing::Hopeful {
                self.votes[c] += value;
                self.piles[c].push(paper);
                return;
            }
            paper.at += 1;
        }
        self.exhausted += value;
    }

    fn record(&mut self, action: Action) {
        let votes: Vec<Option<Votes>> = (0..self.votes.len())
            .map(|c| match self.status[c] {
                Standing::Excluded => None,
                _ => Some(self.votes[c]),
            })
            .collect();
        self.rounds.push(Round {
            action,
            quota: self.quota.decimal(),
            votes: votes.iter().map(|v| v.map(Fixed::decimal)).collect(),
            keep: Vec::new(),
            exhausted: self.exhausted.decimal(),
            elected: Vec::new(),
        });
        self.history.push(votes);
    }

    fn elect_with_quota(&mut self) {
        let mut reached: Vec<usize> = self
            .hopeful()
            .into_iter()
            .filter(|c| self.votes[*c] >= self.quota)
            .collect();
        reached.sort_by_key(|c| (std::cmp::Reverse(self.votes[*c]), *c));
        let round = self.rounds.len() - 1;
        for c in reached {
            self.status[c] = Standing::Elected;
            self.elected.push(c);
            self.rounds[round].elected.push(c);
            if self.votes[c] > self.quota {
                self.untransferred.push(c);
            }
        }
    }

    fn largest_surplus(&mut self, ties: &TieBreak) -> Option<usize> {
        let most = self.untransferred.iter().map(|c| self.votes[*c]).max()?;
        let mut tied: Vec<usize> = self
            .untransferred
            .iter()
            .copied()
            .filter(|c| self.votes[*c] == most)
            .collect();
        tied.sort();
        let from = self.break_tie(&tied, ties, TieFor::Surplus);
        self.untransferred.retain(|c| *c != from);
        Some(from)
    }

    fn lowest(&mut self, ties: &TieBreak) -> usize {
        let hopeful = self.hopeful();
        let least = hopeful
            .iter()
            .map(|c| self.votes[*c])
            .min()
            .expect("more hopefuls than seats left");
        let tied: Vec<usize> = hopeful
            .into_iter()
            .filter(|c| self.votes[*c] == least)
            .collect();
        self.break_tie(&tied, ties, TieFor::Exclusion)
    }

    fn break_tie(&mut self, tied: &[usize], ties: &TieBreak, tie_for: TieFor) -> usize {
        if let [only] = tied {
            return *only;
        }
        // Rule 49(2) and 51(2) look at the stages before this one: every stage recorded
        // so far has ended.
        let highest = tie_for == TieFor::Surplus;
        let (chosen, by) = ties.choose(tied, &self.history, highest);
        self.ties.push(Tie {
            round: self.rounds.len() + 1,
            tie_for,
            among: tied.to_vec(),
            chosen,
            by,
        });
        chosen
    }

    fn transfer_surplus(&mut self, from: usize) {
        let total = self.votes[from];
        let surplus = total - self.quota;
        for mut paper in std::mem::take(&mut self.piles[from]) {
            // Rule 48(3): value × surplus ÷ the candidate's votes, to five places.
            paper.value = paper.value.mul_div(surplus, total, Rounding::Down);
            paper.at += 1;
            self.place(paper);
        }
        self.votes[from] = self.quota;
    }

    fn exclude(&mut self, candidate: usize) {
        self.status[candidate] = Standing::Excluded;
        for mut paper in std::mem::take(&mut self.piles[candidate]) {
            paper.at += 1;
            self.place(paper);
        }
        self.votes[candidate] = Votes::ZERO;
    }
}
