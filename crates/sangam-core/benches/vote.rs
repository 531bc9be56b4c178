//! A vote's core path on a large co-op: one `vote` (resolve the proposal, choose the
//! ballot's sequence number, sign, durably commit, tally) and one `tally` read, on a real
//! home (a SQLite file) whose co-op holds many records unrelated to the proposal.
//!
//! The co-op is built twice, with 10,000 and with 100,000 unrelated records (member
//! updates, the size of a ledger entry), so the figures show whether any step grows with
//! them. Run: `cargo bench -p sangam-core --bench vote`.

mod support;

use std::time::{Duration, Instant};

use sangam_core::{Choice, Method, ProposalDraft, Vote};
use sangam_testkit::{bundle_of, rename};

const VOTES: usize = 40;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run(unrelated: u32) {
    let support::Setup {
        _dir,
        home: node,
        founder,
        mut replica,
        now,
    } = support::setup();
    for i in 0..unrelated {
        replica
            .write(
                rename(&format!("Founder {i}")),
                &founder.member,
                &founder.device,
                now + 10 + i64::from(i),
            )
            .expect("write");
    }
    let bundle = bundle_of(&mut replica);
    drop(replica);
    let imported = node.import_bundle(&bundle).expect("import");
    let coop = imported.coop.parse().expect("coop id");
    let proposal = node
        .propose(
            coop,
            ProposalDraft {
                title: "Paint the shed".into(),
                text: "Green.".into(),
                method: Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: node.now() + 86_400_000,
                effect: None,
            },
        )
        .expect("propose")
        .id
        .parse()
        .expect("proposal id");

    let mut votes = Vec::new();
    let mut tallies = Vec::new();
    for i in 0..VOTES {
        let vote = if i % 2 == 0 { Vote::Yes } else { Vote::No };
        let t = Instant::now();
        let tally = node.vote(coop, proposal, Choice::Vote(vote)).expect("vote");
        votes.push(t.elapsed());
        assert_eq!(tally.ballots_counted, 1);
        let t = Instant::now();
        node.tally(coop, proposal).expect("tally");
        tallies.push(t.elapsed());
    }
    println!(
        "{unrelated:>7} unrelated records: vote (write + tally) median {:.2?}, max {:.2?}; tally alone median {:.2?}",
        median(votes.clone()),
        votes.iter().max().expect("votes"),
        median(tallies)
    );
}

fn main() {
    for unrelated in [10_000, 100_000] {
        run(unrelated);
    }
}
