//! Counting rules, one pure function per voting method. Each takes the counted choices
//! with their weights (1 for a member's own ballot, plus one per proxy the member holds)
//! and returns the counts and the outcome before quorum. docs/protocol.md ("Counting")
//! states the same rules for other implementations.

use std::collections::BTreeMap;

use serde::Serialize;

use super::body::Vote;
use crate::membership::Fraction;

/// What a count decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A yes/no or consent proposal passed.
    Passed,
    /// It did not pass (or nobody expressed a preference).
    Failed,
    /// Too few took part.
    NoQuorum,
    /// Two or more options (or yes and no) are level and no rule separates them.
    Tie,
    /// The winning option of a choice, approval, ranked or score vote.
    Winner(String),
    /// An election's winners, in the order they were declared.
    Elected(Vec<String>),
}

impl Outcome {
    /// The outcome as one word or the winning option's name.
    pub fn label(&self) -> String {
        match self {
            Outcome::Passed => "passed".into(),
            Outcome::Failed => "failed".into(),
            Outcome::NoQuorum => "no_quorum".into(),
            Outcome::Tie => "tie".into(),
            Outcome::Winner(option) => option.clone(),
            // The winners are in the count's `election`; an election's outcome is never
            // an option's name, so the word cannot be read as one.
            Outcome::Elected(_) => "elected".into(),
        }
    }
}

/// Counts by label and the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// Weight per answer or option.
    pub counts: BTreeMap<String, u64>,
    /// The outcome, before quorum is applied.
    pub outcome: Outcome,
    /// For ranked choice: the tallies of each round, in order.
    pub rounds: Vec<BTreeMap<String, u64>>,
    /// For an election: its count, round by round.
    pub election: Option<sangam_count::Count>,
}

fn add(counts: &mut BTreeMap<String, u64>, key: &str, weight: u64) {
    *counts.entry(key.to_owned()).or_default() += weight;
}

/// `share` of `total` reaches the threshold: share/total ≥ num/den.
fn reaches(share: u64, total: u64, threshold: Fraction) -> bool {
    u128::from(share) * u128::from(threshold.den) >= u128::from(threshold.num) * u128::from(total)
}

/// Yes/no/abstain: passes when yes outnumbers no and yes/(yes+no) reaches the threshold.
/// Yes equal to no is a tie; no yes or no at all (everyone abstained) fails.
pub fn yes_no(votes: &[(Vote, u64)], threshold: Fraction) -> Count {
    let mut counts = BTreeMap::from([("yes".into(), 0), ("no".into(), 0), ("abstain".into(), 0)]);
    for (vote, weight) in votes {
        add(&mut counts, vote.as_str(), *weight);
    }
    let (yes, no) = (counts["yes"], counts["no"]);
    let outcome = if yes + no == 0 {
        Outcome::Failed
    } else if yes == no {
        Outcome::Tie
    } else if yes > no && reaches(yes, yes + no, threshold) {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: None,
    }
}

/// Consent: fails on any block when `blocks_count`; otherwise passes when
/// agree/(agree+disagree) reaches the threshold and agree outnumbers disagree. Everyone
/// abstaining fails.
pub fn consent(votes: &[(Vote, u64)], threshold: Fraction, blocks_count: bool) -> Count {
    let mut counts = BTreeMap::from([
        ("agree".into(), 0),
        ("abstain".into(), 0),
        ("disagree".into(), 0),
        ("block".into(), 0),
    ]);
    for (vote, weight) in votes {
        add(&mut counts, vote.as_str(), *weight);
    }
    let (agree, disagree, block) = (counts["agree"], counts["disagree"], counts["block"]);
    let outcome = if (blocks_count && block > 0) || agree + disagree == 0 {
        Outcome::Failed
    } else if agree > disagree && reaches(agree, agree + disagree, threshold) {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: None,
    }
}

/// The option(s) with the most weight: a winner, a tie, or a failure when nothing was
/// given to any option.
fn most(counts: &BTreeMap<String, u64>) -> Outcome {
    let best = counts.values().copied().max().unwrap_or(0);
    if best == 0 {
        return Outcome::Failed;
    }
    let leaders: Vec<&String> = counts
        .iter()
        .filter(|(_, c)| **c == best)
        .map(|(o, _)| o)
        .collect();
    match leaders.as_slice() {
        [one] => Outcome::Winner((*one).clone()),
        _ => Outcome::Tie,
    }
}

fn zeroed(options: &[String]) -> BTreeMap<String, u64> {
    options.iter().map(|o| (o.clone(), 0)).collect()
}

/// Single choice (plurality). `None` is an abstention.
pub fn choice(votes: &[(Option<&str>, u64)], options: &[String]) -> Count {
    let mut counts = zeroed(options);
    for (option, weight) in votes {
        if let Some(option) = option {
            add(&mut counts, option, *weight);
        }
    }
    let outcome = most(&counts);
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: None,
    }
}

/// Approval: each ballot approves any number of options; most approvals wins.
pub fn approval(votes: &[(&[String], u64)], options: &[String]) -> Count {
    let mut counts = zeroed(options);
    for (approved, weight) in votes {
        for option in *approved {
            add(&mut counts, option, *weight);
        }
    }
    let outcome = most(&counts);
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: None,
    }
}

/// Score: each ballot gives each option 0 to 5 (unscored counts 0); highest total wins.
pub fn score(votes: &[(&BTreeMap<String, u8>, u64)], options: &[String]) -> Count {
    let mut counts = zeroed(options);
    for (scores, weight) in votes {
        for (option, points) in *scores {
            add(&mut counts, option, u64::from(*points) * weight);
        }
    }
    let outcome = most(&counts);
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: None,
    }
}

/// Ranked choice by instant runoff.
///
/// Each round counts every ballot for its highest-ranked option still in the race; a
/// ballot ranking none of them is exhausted and sits out. An option with more than half
/// of the round's (non-exhausted) weight wins. Otherwise the option with the least weight
/// is eliminated; a tie for least is broken by the earlier rounds' tallies, looking back
/// from the latest, and then by the proposal's option order (the one listed last goes).
/// If every option left has the same weight, the outcome is a tie. If every ballot is
/// exhausted, the vote fails. `counts` holds the first round.
pub fn ranked(votes: &[(&[String], u64)], options: &[String]) -> Count {
    let mut continuing: Vec<&String> = options.iter().collect();
    let mut rounds: Vec<BTreeMap<String, u64>> = Vec::new();
    let outcome = loop {
        let mut round: BTreeMap<String, u64> =
            continuing.iter().map(|o| ((*o).clone(), 0)).collect();
        for (ranking, weight) in votes {
            if let Some(top) = ranking.iter().find(|o| continuing.contains(o)) {
                add(&mut round, top, *weight);
            }
        }
        let active: u64 = round.values().sum();
        rounds.push(round.clone());
        if active == 0 {
            break Outcome::Failed;
        }
        if let Some((leader, _)) = round.iter().find(|(_, w)| **w * 2 > active) {
            break Outcome::Winner(leader.clone());
        }
        let least = round.values().copied().min().unwrap_or(0);
        if round.values().all(|w| *w == least) {
            break Outcome::Tie;
        }
        let lowest: Vec<&String> = continuing
            .iter()
            .copied()
            .filter(|o| round[*o] == least)
            .collect();
        let out = break_elimination_tie(&lowest, &rounds, options);
        continuing.retain(|o| *o != out);
    };
    let counts = rounds.first().cloned().unwrap_or_default();
    Count {
        counts,
        outcome,
        rounds,
        election: None,
    }
}

/// An election for `seats` of the `options` (its candidates): `rankings` (approvals, for
/// approval for k seats) with their weights, counted by `method` (docs/protocol.md
/// "Counting an election"). Ties are broken by the earlier rounds, then by a lot drawn
/// from `proposal` (its record id). `counts` holds the first preferences (approvals);
/// the outcome is the candidates elected, or failed when no ballot names anyone.
pub fn election(
    method: sangam_count::Method,
    seats: u32,
    rankings: &[(&[String], u64)],
    options: &[String],
    proposal: &[u8],
) -> Count {
    let index = |name: &String| options.iter().position(|o| o == name);
    let ballots: Vec<sangam_count::Ballot> = rankings
        .iter()
        .map(|(ranking, weight)| sangam_count::Ballot {
            weight: *weight,
            ranking: ranking.iter().filter_map(index).collect(),
        })
        .collect();
    let mut counts = zeroed(options);
    for (ranking, weight) in rankings {
        let named: &[String] = if method == sangam_count::Method::Approval {
            ranking
        } else {
            &ranking[..ranking.len().min(1)]
        };
        for option in named {
            add(&mut counts, option, *weight);
        }
    }
    let election = sangam_count::Election {
        title: String::new(),
        candidates: options.to_vec(),
        seats: seats as usize,
        withdrawn: Default::default(),
        ballots,
    };
    let ties = sangam_count::TieBreak::drawn(proposal, options.len());
    // The proposal's and the ballots' field rules are the election's: a valid proposal
    // with valid ballots always counts.
    let Ok(counted) = sangam_count::count(&election, method, &ties) else {
        return Count {
            counts,
            outcome: Outcome::Failed,
            rounds: vec![],
            election: None,
        };
    };
    let outcome = if counted.ballots == 0 {
        Outcome::Failed
    } else {
        Outcome::Elected(
            counted
                .elected
                .iter()
                .map(|c| options[*c].clone())
                .collect(),
        )
    };
    Count {
        counts,
        outcome,
        rounds: vec![],
        election: Some(counted),
    }
}

/// Among options tied for least, the one to eliminate.
fn break_elimination_tie<'a>(
    tied: &[&'a String],
    rounds: &[BTreeMap<String, u64>],
    options: &[String],
) -> &'a String {
    let mut candidates: Vec<&String> = tied.to_vec();
    for earlier in rounds.iter().rev().skip(1) {
        let least = candidates
            .iter()
            .map(|o| earlier.get(*o).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        candidates.retain(|o| earlier.get(*o).copied().unwrap_or(0) == least);
        if candidates.len() == 1 {
            return candidates[0];
        }
    }
    let position = |o: &String| options.iter().position(|x| x == o).unwrap_or(usize::MAX);
    candidates
        .into_iter()
        .max_by_key(|o| position(o))
        .expect("at least one option is tied")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HALF: Fraction = Fraction { num: 1, den: 2 };
    const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };

    fn opts(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn yes_no_thresholds_ties_and_abstentions() {
        use Vote::*;
        assert_eq!(yes_no(&[(Yes, 2), (No, 1)], HALF).outcome, Outcome::Passed);
        assert_eq!(
            yes_no(&[(Yes, 2), (No, 1)], TWO_THIRDS).outcome,
            Outcome::Passed
        );
        assert_eq!(
            yes_no(&[(Yes, 3), (No, 2)], TWO_THIRDS).outcome,
            Outcome::Failed
        );
        assert_eq!(
            yes_no(&[(Yes, 2), (No, 2), (Abstain, 5)], HALF).outcome,
            Outcome::Tie
        );
        assert_eq!(yes_no(&[(Abstain, 4)], HALF).outcome, Outcome::Failed);
        assert_eq!(yes_no(&[], HALF).outcome, Outcome::Failed);
        assert_eq!(yes_no(&[(Yes, 1), (Abstain, 9)], HALF).counts["abstain"], 9);
        // Unanimity (1/1) needs every yes-or-no to be yes.
        let all = Fraction { num: 1, den: 1 };
        assert_eq!(yes_no(&[(Yes, 9), (No, 1)], all).outcome, Outcome::Failed);
    }

    #[test]
    fn consent_fails_on_a_block_only_when_blocks_count() {
        use Vote::*;
        let votes = [(Agree, 5), (Block, 1)];
        assert_eq!(consent(&votes, HALF, true).outcome, Outcome::Failed);
        assert_eq!(consent(&votes, HALF, false).outcome, Outcome::Passed);
        assert_eq!(
            consent(&[(Abstain, 3)], HALF, true).outcome,
            Outcome::Failed
        );
        assert_eq!(
            consent(&[(Agree, 1), (Disagree, 1)], HALF, true).outcome,
            Outcome::Failed
        );
    }

    #[test]
    fn plurality_approval_and_score() {
        let o = opts(&["Oak", "Elm", "Ash"]);
        assert_eq!(
            choice(&[(Some("Oak"), 2), (Some("Elm"), 1), (None, 4)], &o).outcome,
            Outcome::Winner("Oak".into())
        );
        assert_eq!(
            choice(&[(Some("Oak"), 1), (Some("Elm"), 1)], &o).outcome,
            Outcome::Tie
        );
        assert_eq!(choice(&[(None, 3)], &o).outcome, Outcome::Failed);
        let a1 = opts(&["Oak", "Elm"]);
        let a2 = opts(&["Elm"]);
        assert_eq!(
            approval(&[(&a1, 1), (&a2, 1)], &o).outcome,
            Outcome::Winner("Elm".into())
        );
        let s1 = BTreeMap::from([("Oak".to_string(), 5u8), ("Elm".to_string(), 3)]);
        let s2 = BTreeMap::from([("Elm".to_string(), 4u8)]);
        let count = score(&[(&s1, 1), (&s2, 1)], &o);
        assert_eq!(count.counts["Elm"], 7);
        assert_eq!(count.outcome, Outcome::Winner("Elm".into()));
    }

    #[test]
    fn ranked_choice_worked_by_hand() {
        // Four options, seven voters:
        //   v1, v2: A > B > C      v3: B > A > D      v4: C > B > A
        //   v5: C > D              v6: D > C > B      v7: B > C
        // Round 1: A 2, B 2, C 2, D 1 (7 active). No majority (needs > 3.5).
        //   D is least and goes.
        // Round 2: v6 moves to C. A 2, B 2, C 3 (7 active). No majority.
        //   A and B tie for least at 2; round 1 had them level too (2, 2), so the
        //   option listed last of the two, B, goes.
        // Round 3: v3 moves to A (B gone, next is A); v7 moves to C.
        //   A: v1, v2, v3 = 3; C: v4, v5, v6, v7 = 4 of 7 active. C has a majority.
        let o = opts(&["A", "B", "C", "D"]);
        let r = |names: &[&str]| opts(names);
        let ballots = [
            r(&["A", "B", "C"]),
            r(&["A", "B", "C"]),
            r(&["B", "A", "D"]),
            r(&["C", "B", "A"]),
            r(&["C", "D"]),
            r(&["D", "C", "B"]),
            r(&["B", "C"]),
        ];
        let votes: Vec<(&[String], u64)> = ballots.iter().map(|b| (b.as_slice(), 1)).collect();
        let count = ranked(&votes, &o);
        assert_eq!(count.outcome, Outcome::Winner("C".into()));
        assert_eq!(count.rounds.len(), 3);
        assert_eq!(
            count.rounds[0],
            BTreeMap::from([
                ("A".into(), 2),
                ("B".into(), 2),
                ("C".into(), 2),
                ("D".into(), 1)
            ])
        );
        assert_eq!(
            count.rounds[1],
            BTreeMap::from([("A".into(), 2), ("B".into(), 2), ("C".into(), 3)])
        );
        assert_eq!(
            count.rounds[2],
            BTreeMap::from([("A".into(), 3), ("C".into(), 4)])
        );
    }

    #[test]
    fn ranked_choice_exhaustion_ties_and_nobody() {
        let o = opts(&["A", "B", "C"]);
        let a = opts(&["A"]);
        let b = opts(&["B"]);
        let c = opts(&["C"]);
        // C is eliminated; its only ballot ranks nothing else and is exhausted; A and B tie.
        let votes: Vec<(&[String], u64)> = vec![(&a, 2), (&b, 2), (&c, 1)];
        assert_eq!(ranked(&votes, &o).outcome, Outcome::Tie);
        assert_eq!(ranked(&[], &o).outcome, Outcome::Failed);
        let votes: Vec<(&[String], u64)> = vec![(&a, 1)];
        assert_eq!(ranked(&votes, &o).outcome, Outcome::Winner("A".into()));
    }
}
