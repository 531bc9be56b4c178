//! Over random elections: a count does not depend on the order ballots arrived in, fills
//! every seat with distinct candidates, loses no vote it cannot account for, and a ballot
//! file reads back the election it was written from.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sangam_count::{Action, Ballot, Election, Method, TieBreak, blt, count};

fn election() -> impl Strategy<Value = Election> {
    (3usize..8)
        .prop_flat_map(|n| {
            let ballot = (
                1u64..4,
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                0..=n,
            )
                .prop_map(|(weight, order, len)| Ballot {
                    weight,
                    ranking: order[..len].to_vec(),
                });
            (
                Just(n),
                1..n,
                proptest::collection::vec(ballot, 1..40),
                proptest::option::of(0..n),
            )
        })
        .prop_map(|(n, seats, ballots, withdrawn)| Election {
            title: "Board".into(),
            candidates: (0..n).map(|c| format!("Candidate {c}")).collect(),
            seats: seats.min(n - usize::from(withdrawn.is_some())).max(1),
            withdrawn: withdrawn.into_iter().collect(),
            ballots,
        })
}

fn approval(mut election: Election) -> Election {
    for ballot in &mut election.ballots {
        ballot.ranking.truncate(election.seats);
    }
    election
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_arrival_order_counts_alike(election in election(), seed in any::<u64>()) {
        let ties = TieBreak::drawn(&seed.to_be_bytes(), election.candidates.len());
        for method in [Method::Meek, Method::Scottish, Method::Approval] {
            let election = if method == Method::Approval { approval(election.clone()) } else { election.clone() };
            let counted = count(&election, method, &ties).expect("counts");
            let mut reversed = election.clone();
            reversed.ballots.reverse();
            prop_assert_eq!(&count(&reversed, method, &ties).expect("counts"), &counted);
            let mut rotated = election.clone();
            let k = (seed as usize) % rotated.ballots.len();
            rotated.ballots.rotate_left(k);
            prop_assert_eq!(&count(&rotated, method, &ties).expect("counts"), &counted);

            // Every seat filled, by distinct candidates who stand.
            prop_assert_eq!(counted.elected.len(), election.seats);
            let distinct: BTreeSet<usize> = counted.elected.iter().copied().collect();
            prop_assert_eq!(distinct.len(), election.seats);
            prop_assert!(counted.elected.iter().all(|c| election.stands(*c)));

            // Votes with candidates plus exhausted votes never exceed the ballots; in
            // Meek they are exactly the ballots (the exhausted figure is what is left),
            // except in a round that excluded someone: it shows the totals the exclusion
            // was decided on, without the excluded candidate's.
            let papers = counted.ballots as i64;
            for round in &counted.rounds {
                let scale = 10i64.pow(round.exhausted.places as u32);
                let held: i64 = round.votes.iter().flatten().map(|v| v.units).sum::<i64>() + round.exhausted.units;
                let excluded = matches!(round.action, Action::Excluded { .. });
                if method == Method::Meek && !excluded {
                    prop_assert_eq!(held, papers * scale);
                } else if method != Method::Approval {
                    prop_assert!(held <= papers * scale);
                }
            }
        }
    }

    #[test]
    fn a_ballot_file_reads_back_what_was_written(election in election()) {
        let text = blt::write(&election).expect("writes");
        let read = blt::read(&text).expect("reads");
        prop_assert_eq!(read.election, election);
    }
}

#[test]
fn approval_elects_the_most_approved_and_says_where_the_lot_chose() {
    let ballots = [
        (3, vec![0, 1]),
        (2, vec![1, 2]),
        (2, vec![2, 3]),
        (1, vec![3]),
    ];
    let election = Election {
        title: "Two delegates".into(),
        candidates: ["Asha", "Bala", "Chitra", "Devi"]
            .map(String::from)
            .to_vec(),
        seats: 2,
        withdrawn: BTreeSet::new(),
        ballots: ballots
            .into_iter()
            .map(|(weight, ranking)| Ballot { weight, ranking })
            .collect(),
    };
    // Bala 5, Chitra 4, Asha 3, Devi 3: no tie at the last seat.
    let counted = count(&election, Method::Approval, &TieBreak::listed_order(4)).expect("counts");
    assert_eq!(counted.elected, vec![1, 2]);
    assert!(counted.ties.is_empty());
    // One more ballot for Asha: Asha and Chitra tie at 4 for the second seat.
    let mut tied = election.clone();
    tied.ballots.push(Ballot {
        weight: 1,
        ranking: vec![0],
    });
    let lot = TieBreak {
        look_back: true,
        lot: vec![2, 0, 1, 3],
    };
    let counted = count(&tied, Method::Approval, &lot).expect("counts");
    assert_eq!(counted.elected, vec![1, 2]);
    assert_eq!(counted.ties.len(), 1);
    assert_eq!(counted.ties[0].among, vec![0, 2]);
    assert_eq!(counted.ties[0].chosen, 2);
    // Approving more than the seats is refused, with the ballot named.
    let mut over = election;
    over.ballots.push(Ballot {
        weight: 1,
        ranking: vec![0, 1, 2],
    });
    let err = count(&over, Method::Approval, &lot).expect_err("three approvals for two seats");
    assert_eq!(
        err.to_string(),
        "ballot 5 approves 3 candidates, but at most 2 may be approved"
    );
}

#[test]
fn a_tie_for_exclusion_goes_to_the_earlier_round_before_the_lot() {
    // One seat, 11 papers, quota 6. Stage 1: A 5, B 3, C 2, D 1; D is excluded and their
    // paper goes to C. Stage 2: B 3, C 3, tied lowest; at stage 1 C had fewer, so C is
    // excluded although the lot would take B first.
    let election = Election {
        title: "Chair".into(),
        candidates: ["A", "B", "C", "D"].map(String::from).to_vec(),
        seats: 1,
        withdrawn: BTreeSet::new(),
        ballots: vec![
            Ballot {
                weight: 5,
                ranking: vec![0],
            },
            Ballot {
                weight: 3,
                ranking: vec![1],
            },
            Ballot {
                weight: 2,
                ranking: vec![2],
            },
            Ballot {
                weight: 1,
                ranking: vec![3, 2],
            },
        ],
    };
    let lot_first_b = TieBreak {
        look_back: true,
        lot: vec![1, 2, 0, 3],
    };
    let counted = count(&election, Method::Scottish, &lot_first_b).expect("counts");
    let excluded: Vec<usize> = counted
        .rounds
        .iter()
        .filter_map(|r| match r.action {
            Action::Excluded { candidate } => Some(candidate),
            _ => None,
        })
        .collect();
    assert_eq!(excluded, vec![3, 2, 1]);
    assert_eq!(counted.elected, vec![0]);
    assert_eq!(counted.ties.len(), 1, "{:?}", counted.ties);
    assert_eq!(counted.ties[0].among, vec![1, 2]);
    assert_eq!(counted.ties[0].chosen, 2);
    assert_eq!(
        counted.ties[0].by,
        sangam_count::TieBrokenBy::EarlierRound { round: 1 }
    );
    // Without looking back, the lot decides: B goes.
    let lot_only = TieBreak {
        look_back: false,
        ..lot_first_b
    };
    let counted = count(&election, Method::Scottish, &lot_only).expect("counts");
    assert_eq!(counted.ties[0].chosen, 1);
    assert_eq!(counted.ties[0].by, sangam_count::TieBrokenBy::Lot);
}
