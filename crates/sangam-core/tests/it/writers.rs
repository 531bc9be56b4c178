//! Several writers on one home: every acknowledged write is there afterwards, and the
//! home loads. Each writer has its own `Home` and its own SQLite connection, as separate
//! processes (the CLI beside `serve`, the desktop app) do.

use std::sync::{Arc, Barrier};

use sangam_core::{Home, SystemClock};
use tempfile::TempDir;

const WRITERS: usize = 10;
const WRITES_EACH: usize = 4;

#[test]
fn ten_writers_on_one_home_keep_every_acknowledged_write() {
    let dir = TempDir::new().expect("tmp");
    let home = dir.path().join("asha");
    let first = Home::open_with_clock(&home, Box::<SystemClock>::default()).expect("open");
    first.create_identity("Asha").expect("identity");
    first.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&first);
    // Every writer loads the co-op before any of them writes: each starts from the same,
    // soon stale, copy, which is what used to fork the device.
    let barrier = Arc::new(Barrier::new(WRITERS));
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (home, barrier) = (home.clone(), barrier.clone());
            std::thread::spawn(move || {
                let node =
                    Home::open_with_clock(&home, Box::<SystemClock>::default()).expect("open");
                node.state(coop).expect("loads");
                barrier.wait();
                let mut acknowledged = Vec::new();
                for n in 0..WRITES_EACH {
                    let key = sangam_testkit::Person::seeded_wide((w * 100 + n) as u32, "M")
                        .key()
                        .to_string();
                    let name = format!("Member {w}-{n}");
                    node.admit(coop, crate::pk(&key), &name)
                        .expect("acknowledged");
                    acknowledged.push(name);
                }
                acknowledged
            })
        })
        .collect();
    let acknowledged: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("writer"))
        .collect();
    assert_eq!(acknowledged.len(), WRITERS * WRITES_EACH);

    let reopened = Home::open_with_clock(&home, Box::<SystemClock>::default()).expect("reopen");
    reopened.check_integrity().expect("intact");
    let state = reopened.state(coop).expect("the home loads");
    for name in &acknowledged {
        assert!(
            state.members.iter().any(|m| &m.name == name),
            "{name} was acknowledged and is missing"
        );
    }
    assert!(
        reopened.take_notices().is_empty(),
        "nothing to mend: no fork was made"
    );
    // The projection agrees with the fold, whichever writer committed last.
    assert_eq!(
        reopened.members(coop).expect("projection").len(),
        state.members.len()
    );
    let (_, export) = reopened.export_bundle(coop, None).expect("export");
    assert_eq!(export.changes, 1 + WRITERS * WRITES_EACH);
}

#[test]
fn members_proposals_and_tallies_read_while_a_write_waits_for_the_home() {
    let dir = TempDir::new().expect("tmp");
    let path = dir.path().join("asha");
    let home = Home::open(&path).expect("open");
    home.create_identity("Asha").expect("identity");
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    let draft = sangam_core::ProposalDraft {
        title: "Oven".into(),
        text: String::new(),
        method: sangam_core::Method::YesNo,
        options: vec![],
        seats: None,
        template: None,
        quorum_pct: None,
        threshold: None,
        closes_at: home.now() + 86_400_000,
        effect: None,
    };
    let oven = crate::rid(&home.propose(coop, draft).expect("propose").id);
    let yes = sangam_core::Choice::Vote(sangam_core::Vote::Yes);
    home.vote(coop, oven, yes).expect("vote");
    // Another program holds the home's write lock: a write here waits for it, holding
    // this home's node all the while.
    let other = rusqlite::Connection::open(path.join(sangam_core::DB_FILE)).expect("db");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let writer = {
        let home = home.clone();
        std::thread::spawn(move || home.update_profile(coop, None, Some("asha@example.org")))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!writer.is_finished(), "the write waits for the lock");
    let members = home.members(coop).expect("members read meanwhile");
    assert_eq!(members.len(), 1);
    assert_eq!(home.coops().expect("co-ops read meanwhile").len(), 1);
    assert!(
        !writer.is_finished(),
        "the reads did not wait for the write"
    );
    other.execute_batch("COMMIT").expect("unlock");
    writer
        .join()
        .expect("writer")
        .expect("the write goes through once the lock is free");
    let members = home.members(coop).expect("members");
    assert_eq!(members[0].contact.as_deref(), Some("asha@example.org"));
    // What is read ready follows the writes: a changed vote, a close.
    let no = sangam_core::Choice::Vote(sangam_core::Vote::No);
    home.vote(coop, oven, no).expect("change the vote");
    assert_eq!(
        home.tally(coop, oven).expect("tally").outcome,
        sangam_core::OutcomeDto::Failed
    );
    home.close(coop, oven).expect("close");
    let ended = home
        .proposals(coop, sangam_core::ProposalFilter::Ended)
        .expect("ended");
    assert_eq!(ended.len(), 1);
    assert_eq!(
        home.tally(coop, oven).expect("tally").status,
        sangam_core::ProposalStatus::Closed
    );
}
