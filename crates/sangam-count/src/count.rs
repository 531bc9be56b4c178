//! What a count gives back, whatever the method: the rounds, who was elected, and every
//! tie broken on the way.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fixed::Decimal;

/// Where a candidate stands during an STV count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Hopeful,
    Elected,
    Excluded,
}

/// The candidates still hopeful, ascending.
pub(crate) fn hopeful(standing: &[Standing]) -> Vec<usize> {
    (0..standing.len())
        .filter(|c| standing[*c] == Standing::Hopeful)
        .collect()
}

/// How an election is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Meek STV, the Proportional Representation Foundation's reference rule.
    Meek,
    /// Scottish STV (the Scottish Local Government Elections Order 2007).
    Scottish,
    /// Approval for k seats: the k most approved win.
    Approval,
}

/// What one round (a stage, in Scottish STV's words) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Action {
    /// The first preferences (Scottish STV's first stage; approval's only round).
    FirstPreferences,
    /// A surplus transferred from an elected candidate (Scottish STV).
    Surplus {
        /// Whose.
        from: usize,
        /// How much.
        amount: Decimal,
    },
    /// Keep factors settled until one or more candidates reached the quota (Meek).
    Settled,
    /// The lowest candidate excluded and their ballots passed on.
    Excluded {
        /// Who.
        candidate: usize,
    },
    /// As many candidates left as seats: all of them elected, with no more transfers.
    LastSeatsFilled,
}

/// One round of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Round {
    /// What the round did.
    pub action: Action,
    /// The quota at the round's end.
    pub quota: Decimal,
    /// Each candidate's votes at the round's end; `None` once excluded or withdrawn.
    pub votes: Vec<Option<Decimal>>,
    /// Meek only: each candidate's keep factor; `None` once excluded or withdrawn.
    pub keep: Vec<Option<Decimal>>,
    /// Votes no longer with any candidate: ballots with no continuing preference, and
    /// (Meek) the fractions lost to rounding.
    pub exhausted: Decimal,
    /// Candidates elected at the end of this round, in the order they were declared.
    pub elected: Vec<usize>,
}

/// Why a tie had to be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieFor {
    /// Several equal surpluses: which is transferred first.
    Surplus,
    /// Several lowest: which is excluded.
    Exclusion,
    /// Equal totals at the last seat (approval).
    Seat,
}

/// How a tie was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", deny_unknown_fields)]
pub enum TieBrokenBy {
    /// By the totals at an earlier round (numbered from 1), the most recent in which one
    /// of the tied stood alone.
    EarlierRound {
        /// The round.
        round: usize,
    },
    /// By the lot.
    Lot,
}

/// A tie, and how it was broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tie {
    /// The round it arose in (from 1).
    pub round: usize,
    /// What was decided.
    pub tie_for: TieFor,
    /// The tied candidates, ascending.
    pub among: Vec<usize>,
    /// The one chosen (to transfer first, to exclude, or to elect).
    pub chosen: usize,
    /// How.
    pub by: TieBrokenBy,
}

/// A count's result. Read back strictly (no unknown members), as a signed report holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// The method.
    pub method: Method,
    /// Seats filled.
    pub seats: usize,
    /// The valid ballots (those ranking or approving anyone), by weight.
    pub ballots: u64,
    /// Every round, in order.
    pub rounds: Vec<Round>,
    /// Who was elected, in the order they were declared.
    pub elected: Vec<usize>,
    /// Every tie broken.
    pub ties: Vec<Tie>,
}

/// How ties are broken: one rule, the same on every laptop.
///
/// First, if `look_back`, the totals of the earlier rounds, from the most recent back: the
/// first round in which exactly one of the tied candidates has the highest total (for a
/// surplus) or the lowest (for an exclusion) decides. Otherwise, or if no round does, the
/// lot: the tied candidate who comes first in `lot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieBreak {
    /// Whether earlier rounds are looked at before the lot.
    pub look_back: bool,
    /// Every candidate, in the order the lot takes them.
    pub lot: Vec<usize>,
}

impl TieBreak {
    /// The lot in the order the candidates are listed, with no look back (the PR
    /// Foundation's reference Meek rule, as its reference counter applies it).
    pub fn listed_order(candidates: usize) -> Self {
        Self {
            look_back: false,
            lot: (0..candidates).collect(),
        }
    }

    /// Earlier rounds first, then a lot drawn from `seed` (a proposal's id): the
    /// candidates ordered by SHA-256 of "sangam lot", the seed and their index (4 bytes,
    /// big-endian). Anyone with the seed draws the same lot; no one can choose it after
    /// the proposal was written.
    pub fn drawn(seed: &[u8], candidates: usize) -> Self {
        let mut keyed: Vec<([u8; 32], usize)> = (0..candidates)
            .map(|c| {
                let mut hash = Sha256::new();
                hash.update(b"sangam lot");
                hash.update(seed);
                hash.update((c as u32).to_be_bytes());
                (hash.finalize().into(), c)
            })
            .collect();
        keyed.sort();
        Self {
            look_back: true,
            lot: keyed.into_iter().map(|(_, c)| c).collect(),
        }
    }

    /// Breaks a tie among `tied` (two or more), given each earlier round's totals (oldest
    /// first; `None` counts as zero). `highest` chooses the highest total, else the
    /// lowest.
    pub(crate) fn choose<T: Ord + Copy + Default>(
        &self,
        tied: &[usize],
        history: &[Vec<Option<T>>],
        highest: bool,
    ) -> (usize, TieBrokenBy) {
        if self.look_back {
            for (r, totals) in history.iter().enumerate().rev() {
                let at = |c: usize| totals[c].unwrap_or_default();
                let best = if highest {
                    tied.iter().map(|c| at(*c)).max()
                } else {
                    tied.iter().map(|c| at(*c)).min()
                };
                let mut at_best = tied.iter().filter(|c| Some(at(**c)) == best);
                if let (Some(only), None) = (at_best.next(), at_best.next()) {
                    return (*only, TieBrokenBy::EarlierRound { round: r + 1 });
                }
            }
        }
        let chosen = self
            .lot
            .iter()
            .find(|c| tied.contains(c))
            .copied()
            .unwrap_or(tied[0]);
        (chosen, TieBrokenBy::Lot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_lot_is_the_same_for_the_same_seed_and_differs_between_seeds() {
        let a = TieBreak::drawn(b"proposal one", 12);
        assert_eq!(a, TieBreak::drawn(b"proposal one", 12));
        let mut sorted = a.lot.clone();
        sorted.sort();
        assert_eq!(sorted, (0..12).collect::<Vec<_>>());
        assert_ne!(a.lot, TieBreak::drawn(b"proposal two", 12).lot);
    }

    #[test]
    fn earlier_rounds_decide_before_the_lot() {
        let ties = TieBreak {
            look_back: true,
            lot: vec![2, 1, 0],
        };
        // Rounds oldest first: in round 2, 0 and 1 are equal; in round 1, 1 was lower.
        let history = vec![
            vec![Some(5), Some(3), Some(9)],
            vec![Some(4), Some(4), Some(9)],
        ];
        assert_eq!(
            ties.choose(&[0, 1], &history, false),
            (1, TieBrokenBy::EarlierRound { round: 1 })
        );
        assert_eq!(
            ties.choose(&[0, 1], &history, true),
            (0, TieBrokenBy::EarlierRound { round: 1 })
        );
        let equal = vec![vec![Some(4), Some(4), Some(9)]];
        assert_eq!(ties.choose(&[0, 1], &equal, false), (1, TieBrokenBy::Lot));
        let no_look = TieBreak {
            look_back: false,
            lot: vec![0, 1, 2],
        };
        assert_eq!(
            no_look.choose(&[0, 1], &history, false),
            (0, TieBrokenBy::Lot)
        );
    }
}
