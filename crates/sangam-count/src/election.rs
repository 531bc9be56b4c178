//! An election to count: the candidates, the seats and the ballots.

use std::collections::BTreeSet;

/// One ballot (or `weight` identical ones): the candidates it ranks, most preferred
/// first, as indexes into [`Election::candidates`]. For approval, the candidates it
/// approves, in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// How many voters cast this ranking (a proxy's weight, or identical papers grouped).
    pub weight: u64,
    /// Candidate indexes, most preferred first; each at most once.
    pub ranking: Vec<usize>,
}

/// An election: who stands, how many seats, and the ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// What the election is for.
    pub title: String,
    /// The candidates' names, in the order the lot and the ballot file list them.
    pub candidates: Vec<String>,
    /// How many are elected.
    pub seats: usize,
    /// Candidates who withdrew: they stand for nothing and ballots pass over them.
    pub withdrawn: BTreeSet<usize>,
    /// The ballots.
    pub ballots: Vec<Ballot>,
}

/// The most ballots an election may hold, by weight: every total stays exact in 64 bits
/// at 9 decimal places with room to spare.
pub const MAX_BALLOTS: u64 = 1_000_000_000;

/// Why an election cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// No seats, or more seats than candidates standing.
    #[error("{seats} seats cannot be filled from {standing} candidates standing")]
    Seats {
        /// Seats asked for.
        seats: usize,
        /// Candidates not withdrawn.
        standing: usize,
    },
    /// A ballot names a candidate that does not exist.
    #[error("ballot {ballot} ranks candidate {candidate}, but there are only {count}")]
    UnknownCandidate {
        /// The ballot's position (from 1).
        ballot: usize,
        /// The index it names (from 1, as a ballot file writes it).
        candidate: usize,
        /// How many candidates there are.
        count: usize,
    },
    /// A ballot ranks one candidate twice.
    #[error("ballot {ballot} ranks candidate {candidate} twice")]
    RankedTwice {
        /// The ballot's position (from 1).
        ballot: usize,
        /// The candidate (from 1).
        candidate: usize,
    },
    /// A withdrawn candidate that does not exist.
    #[error("candidate {0} is withdrawn, but there is no such candidate")]
    UnknownWithdrawn(usize),
    /// Too many ballots to count exactly.
    #[error("{0} ballots are more than {MAX_BALLOTS}")]
    TooManyBallots(u64),
    /// An approval ballot approving more candidates than there are seats.
    #[error("ballot {ballot} approves {approved} candidates, but at most {seats} may be approved")]
    TooManyApproved {
        /// The ballot's position (from 1).
        ballot: usize,
        /// How many it approves.
        approved: usize,
        /// The seats.
        seats: usize,
    },
    /// Two candidates with one name (a result could not say which was elected).
    #[error("two candidates are named {0:?}")]
    SameName(String),
}

impl Election {
    /// Checks that the election can be counted.
    pub fn check(&self) -> Result<(), ElectionError> {
        let count = self.candidates.len();
        for (i, name) in self.candidates.iter().enumerate() {
            if self.candidates[..i].contains(name) {
                return Err(ElectionError::SameName(name.clone()));
            }
        }
        if let Some(w) = self.withdrawn.iter().find(|w| **w >= count) {
            return Err(ElectionError::UnknownWithdrawn(w + 1));
        }
        let standing = count - self.withdrawn.len();
        if self.seats == 0 || self.seats > standing {
            return Err(ElectionError::Seats {
                seats: self.seats,
                standing,
            });
        }
        let mut total: u64 = 0;
        for (b, ballot) in self.ballots.iter().enumerate() {
            let mut seen = vec![false; count];
            for &c in &ballot.ranking {
                if c >= count {
                    return Err(ElectionError::UnknownCandidate {
                        ballot: b + 1,
                        candidate: c + 1,
                        count,
                    });
                }
                if std::mem::replace(&mut seen[c], true) {
                    return Err(ElectionError::RankedTwice {
                        ballot: b + 1,
                        candidate: c + 1,
                    });
                }
            }
            total = total.saturating_add(ballot.weight);
        }
        if total > MAX_BALLOTS {
            return Err(ElectionError::TooManyBallots(total));
        }
        Ok(())
    }

    /// Whether candidate `c` stands (is not withdrawn).
    pub fn stands(&self, c: usize) -> bool {
        !self.withdrawn.contains(&c)
    }

    /// The ballots that rank at least one candidate, by weight: the valid papers.
    pub fn papers(&self) -> u64 {
        self.ballots
            .iter()
            .filter(|b| !b.ranking.is_empty())
            .map(|b| b.weight)
            .sum()
    }
}
