//! Counting a 10-seat election with 30 candidates and 10,000 ballots (budget: Meek in
//! 500 ms on the project's 2-core machine), by each method, next to the floor: one pass
//! adding up the same ballots' first preferences, the least any count does.
//! Run: `cargo bench -p sangam-count --bench meek`.

use std::collections::BTreeSet;

use divan::Bencher;
use sangam_count::{Ballot, Election, Method, TieBreak, count};

const CANDIDATES: usize = 30;
const SEATS: usize = 10;
const BALLOTS: usize = 10_000;

fn main() {
    divan::main();
}

/// A deterministic electorate: candidates of unequal appeal, rankings of 1 to 30 names
/// (most rank a handful), from a fixed xorshift seed.
fn election() -> Election {
    let mut state: u64 = 0x5eed_cafe_f00d_d00d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let ballots = (0..BALLOTS)
        .map(|_| {
            let len = 1
                + (next() % 6) as usize
                + if next() % 5 == 0 {
                    (next() % 24) as usize
                } else {
                    0
                };
            let mut left: Vec<usize> = (0..CANDIDATES).collect();
            let mut ranking = Vec::with_capacity(len);
            while ranking.len() < len.min(CANDIDATES) {
                // Earlier candidates are liked more: the smaller of two draws.
                let pick = (next() as usize % left.len()).min(next() as usize % left.len());
                ranking.push(left.remove(pick));
            }
            Ballot { weight: 1, ranking }
        })
        .collect();
    Election {
        title: "Board of ten".into(),
        candidates: (0..CANDIDATES).map(|c| format!("Candidate {c}")).collect(),
        seats: SEATS,
        withdrawn: BTreeSet::new(),
        ballots,
    }
}

#[divan::bench]
fn floor_first_preferences(bencher: Bencher) {
    let election = election();
    bencher.bench(|| {
        let mut totals = [0u64; CANDIDATES];
        for ballot in divan::black_box(&election.ballots) {
            if let Some(first) = ballot.ranking.first() {
                totals[*first] += ballot.weight;
            }
        }
        totals
    });
}

#[divan::bench(args = [Method::Meek, Method::Scottish])]
fn count_ten_seats(bencher: Bencher, method: Method) {
    let election = election();
    let ties = TieBreak::drawn(b"board of ten", CANDIDATES);
    let counted = count(&election, method, &ties).expect("counts");
    eprintln!(
        "{method:?}: {} rounds, elected {:?}",
        counted.rounds.len(),
        counted.elected
    );
    bencher.bench(|| count(divan::black_box(&election), method, &ties).expect("counts"));
}
