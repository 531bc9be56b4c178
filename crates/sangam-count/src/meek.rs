//! Meek STV by the Proportional Representation Foundation's reference rule (I. D. Hill's
//! 2006 statement of Hill, Wichmann and Woodall's 1987 method, as New Zealand counts),
//! in nine decimal places with the rounding the rule states.
//!
//! Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an
//! elected candidate the part of each vote reaching them that they keep. Each round
//! iterates:
//! 1. Every ballot starts with weight 1. Going down its ranking, each candidate keeps
//!    weight × keep factor (to 9 places, rounded up), times the ballot's multiplicity,
//!    and the weight is reduced by what was kept, until nothing is left.
//! 2. The quota is the votes kept by all candidates ÷ (seats + 1), truncated to 9
//!    places, plus 0.000000001.
//! 3. Every hopeful candidate with the quota or more is elected; the round ends.
//! 4. The surplus is the sum of the elected candidates' votes above the quota. If it is
//!    under 0.000001, or (after the first iteration) not below the last one, the
//!    iteration ends and the lowest hopeful is excluded: every hopeful whose votes are at
//!    most the lowest votes plus the surplus is tied with it.
//! 5. Otherwise each elected candidate's keep factor becomes keep factor × quota (9
//!    places, rounded up) ÷ their votes (9 places, rounded up), and the iteration goes
//!    on at 1.
//!
//! When no more hopefuls stand than seats are left, they are all elected.

use crate::count::{Action, Count, Method, Round, Standing, Tie, TieBreak, TieFor, hopeful};
use crate::election::{Election, ElectionError};
use crate::fixed::{Fixed, Rounding};

type Value = Fixed<9>;

/// The rule's omega: iteration stops when the surplus is smaller.
const OMEGA: Value = Value::from_units(1_000);

/// How an iteration ended.
enum Settled {
    Elected(Vec<usize>),
    /// The surplus fell under omega, or stopped falling.
    Stable {
        surplus: Value,
    },
}

struct Counting<'a> {
    election: &'a Election,
    /// Distinct rankings with their total weight: identical ballots count alike.
    ballots: Vec<(&'a [usize], u64)>,
    papers: u64,
    status: Vec<Standing>,
    keep: Vec<Value>,
    votes: Vec<Value>,
    quota: Value,
    exhausted: Value,
    rounds: Vec<Round>,
    history: Vec<Vec<Option<Value>>>,
    elected: Vec<usize>,
    ties: Vec<Tie>,
}

/// Counts `election` by Meek STV.
pub fn count(election: &Election, ties: &TieBreak) -> Result<Count, ElectionError> {
    election.check()?;
    let n = election.candidates.len();
    let mut grouped: std::collections::BTreeMap<&[usize], u64> = Default::default();
    for ballot in &election.ballots {
        if !ballot.ranking.is_empty() {
            *grouped.entry(&ballot.ranking).or_default() += ballot.weight;
        }
    }
    let stands = |c: usize| election.stands(c);
    let mut counting = Counting {
        election,
        ballots: grouped.into_iter().collect(),
        papers: election.papers(),
        status: (0..n)
            .map(|c| {
                if stands(c) {
                    Standing::Hopeful
                } else {
                    Standing::Excluded
                }
            })
            .collect(),
        keep: (0..n)
            .map(|c| if stands(c) { Value::ONE } else { Value::ZERO })
            .collect(),
        votes: vec![Value::ZERO; n],
        quota: Value::ZERO,
        exhausted: Value::ZERO,
        rounds: Vec::new(),
        history: Vec::new(),
        elected: Vec::new(),
        ties: Vec::new(),
    };
    loop {
        let left = election.seats - counting.elected.len();
        let hopeful = counting.hopeful();
        if left == 0 || hopeful.len() <= left {
            if left > 0 {
                // The round shows what each candidate holds as they are elected.
                counting.distribute();
                counting.record(Action::LastSeatsFilled, hopeful.clone());
                for c in hopeful {
                    counting.status[c] = Standing::Elected;
                    counting.elected.push(c);
                }
            }
            break;
        }
        match counting.settle() {
            Settled::Elected(newly) => {
                counting.elected.extend(&newly);
                counting.record(Action::Settled, newly);
            }
            Settled::Stable { surplus } => {
                let candidate = counting.lowest(surplus, ties);
                counting.status[candidate] = Standing::Excluded;
                counting.keep[candidate] = Value::ZERO;
                counting.votes[candidate] = Value::ZERO;
                counting.record(Action::Excluded { candidate }, Vec::new());
            }
        }
    }
    Ok(Count {
        method: Method::Meek,
        seats: election.seats,
        ballots: counting.papers,
        rounds: counting.rounds,
        elected: counting.elected,
        ties: counting.ties,
    })
}

impl Counting<'_> {
    fn hopeful(&self) -> Vec<usize> {
        hopeful(&self.status)
    }

    /// Iterates keep factors until a candidate is elected or the surplus settles.
    fn settle(&mut self) -> Settled {
        let mut last_surplus = Value::whole(self.papers);
        loop {
            self.distribute();
            let newly: Vec<usize> = self
                .hopeful()
                .into_iter()
                .filter(|c| self.votes[*c] >= self.quota)
                .collect();
            for c in &newly {
                self.status[*c] = Standing::Elected;
            }
            if !newly.is_empty() {
                return Settled::Elected(newly);
            }
            let surplus: Value = (0..self.status.len())
                .filter(|c| self.status[*c] == Standing::Elected)
                .map(|c| self.votes[c] - self.quota)
                .sum::<Value>()
                .max(Value::ZERO);
            if surplus < OMEGA || surplus >= last_surplus {
                return Settled::Stable { surplus };
            }
            last_surplus = surplus;
            for c in 0..self.status.len() {
                if self.status[c] == Standing::Elected {
                    let kept = self.keep[c].mul(self.quota, Rounding::Up);
                    self.keep[c] = kept.div(self.votes[c], Rounding::Up);
                }
            }
        }
    }

    /// Step 1 and 2: every ballot's weight given out by the keep factors, then the quota.
    fn distribute(&mut self) {
        for vote in &mut self.votes {
            *vote = Value::ZERO;
        }
        let mut kept_in_all = Value::ZERO;
        for (ranking, weight) in &self.ballots {
            let mut left = Value::ONE;
            for &c in *ranking {
                let keep = self.keep[c];
                if keep == Value::ZERO {
                    continue;
                }
                let kept = left.mul(keep, Rounding::Up);
                let value = kept.times(*weight);
                self.votes[c] += value;
                kept_in_all += value;
                left -= kept;
                if left <= Value::ZERO {
                    break;
                }
            }
        }
        self.exhausted = Value::whole(self.papers) - kept_in_all;
        let seats = self.election.seats as u64 + 1;
        self.quota = kept_in_all.over(seats, Rounding::Down) + Value::EPSILON;
    }

    fn lowest(&mut self, surplus: Value, ties: &TieBreak) -> usize {
        let hopeful = self.hopeful();
        let least = hopeful
            .iter()
            .map(|c| self.votes[*c])
            .min()
            .expect("more hopefuls than seats left");
        let tied: Vec<usize> = hopeful
            .into_iter()
            .filter(|c| self.votes[*c] <= least + surplus)
            .collect();
        if let [only] = tied[..] {
            return only;
        }
        let (chosen, by) = ties.choose(&tied, &self.history, false);
        self.ties.push(Tie {
            round: self.rounds.len() + 1,
            tie_for: TieFor::Exclusion,
            among: tied,
            chosen,
            by,
        });
        chosen
    }

    fn record(&mut self, action: Action, elected: Vec<usize>) {
        let shown = |status: Standing, value: Value| match status {
            Standing::Excluded => None,
            _ => Some(value),
        };
        let votes: Vec<Option<Value>> = (0..self.votes.len())
            .map(|c| shown(self.status[c], self.votes[c]))
            .collect();
        self.rounds.push(Round {
            action,
            quota: self.quota.decimal(),
            votes: votes.iter().map(|v| v.map(Fixed::decimal)).collect(),
            keep: (0..self.keep.len())
                .map(|c| shown(self.status[c], self.keep[c]).map(Fixed::decimal))
                .collect(),
            exhausted: self.exhausted.decimal(),
            elected,
        });
        self.history.push(votes);
    }
}
