//! Approval for k seats: each voter approves up to k candidates (k = the seats), each
//! approval adds the ballot's weight to the candidate, and the k most approved win. Equal
//! totals at the last seat go to the lot ([`TieBreak`]); there are no earlier rounds.

use crate::count::{Action, Count, Method, Round, Tie, TieBreak, TieBrokenBy, TieFor};
use crate::election::{Election, ElectionError};
use crate::fixed::Fixed;

/// Counts `election` by approval for `election.seats` seats.
pub fn count(election: &Election, ties: &TieBreak) -> Result<Count, ElectionError> {
    election.check()?;
    let n = election.candidates.len();
    let mut totals = vec![0u64; n];
    for (b, ballot) in election.ballots.iter().enumerate() {
        if ballot.ranking.len() > election.seats {
            return Err(ElectionError::TooManyApproved {
                ballot: b + 1,
                approved: ballot.ranking.len(),
                seats: election.seats,
            });
        }
        for &c in &ballot.ranking {
            if election.stands(c) {
                totals[c] += ballot.weight;
            }
        }
    }
    let lot_place = |c: usize| ties.lot.iter().position(|l| *l == c).unwrap_or(c);
    let mut order: Vec<usize> = (0..n).filter(|c| election.stands(*c)).collect();
    order.sort_by_key(|c| (std::cmp::Reverse(totals[*c]), lot_place(*c)));
    let elected: Vec<usize> = order[..election.seats].to_vec();
    let mut found_ties = Vec::new();
    if let Some(&last) = elected.last() {
        let mut among: Vec<usize> = order
            .iter()
            .copied()
            .filter(|c| totals[*c] == totals[last])
            .collect();
        let inside = among.iter().filter(|c| elected.contains(c)).count();
        if among.len() > inside {
            among.sort();
            // The lot elected those of them first in its order: name each one it chose.
            for &chosen in elected.iter().filter(|c| totals[**c] == totals[last]) {
                found_ties.push(Tie {
                    round: 1,
                    tie_for: TieFor::Seat,
                    among: among.clone(),
                    chosen,
                    by: TieBrokenBy::Lot,
                });
            }
        }
    }
    let whole = |t: u64| Fixed::<0>::whole(t).decimal();
    Ok(Count {
        method: Method::Approval,
        seats: election.seats,
        ballots: election.papers(),
        rounds: vec![Round {
            action: Action::FirstPreferences,
            quota: whole(0),
            votes: (0..n)
                .map(|c| election.stands(c).then(|| whole(totals[c])))
                .collect(),
            keep: Vec::new(),
            exhausted: whole(0),
            elected: elected.clone(),
        }],
        elected,
        ties: found_ties,
    })
}
