//! A home restored from a copy writes under the same device key and sequence numbers as
//! the original: a fork. Every laptop must end with the same records and the same
//! document, whichever branch reached it first, and the copies stop using the forked key.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sangam_core::{Clock, Home, ProposalDraft};
use tempfile::TempDir;

struct Ticking(Arc<AtomicI64>);

impl Clock for Ticking {
    fn now(&self) -> i64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

fn open(home: &Path, start: i64) -> Home {
    Home::open_with_clock(home, Box::new(Ticking(Arc::new(AtomicI64::new(start))))).expect("opens")
}

fn copy_home(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

/// Carries a full bundle from `from` to `to`.
fn carry(from: &Home, to: &Home, coop: sangam_model::CoopId) {
    let (bundle, _) = from.export_bundle(coop, None).expect("export");
    to.import_bundle(&bundle).expect("import");
}

struct Fixture {
    _dir: TempDir,
    homes: Vec<PathBuf>,
    coop: sangam_model::CoopId,
    proposal: String,
    asha_first_device: String,
}

/// Asha (original laptop 0, restored copy 1) and Bo (2). The copy is taken after the
/// proposal opened; then Asha votes yes on the original, no on the copy, and Bo votes yes.
fn forked_homes() -> Fixture {
    let dir = TempDir::new().expect("tmp");
    let homes: Vec<PathBuf> = ["asha", "asha-restored", "bo"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    let start = 1_700_000_000_000;
    let asha = open(&homes[0], start);
    asha.create_identity("Asha").expect("id");
    let bo = open(&homes[2], start);
    let bo_key = bo.create_identity("Bo").expect("id").member;
    asha.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&asha);
    asha.admit(coop, crate::pk(&bo_key), "Bo").expect("admit");
    carry(&asha, &bo, coop);
    carry(&bo, &asha, coop);
    let proposal = asha
        .propose(
            coop,
            ProposalDraft {
                title: "Buy an oven".into(),
                text: String::new(),
                method: sangam_core::Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: start + 86_400_000,
                effect: None,
            },
        )
        .expect("propose")
        .id;
    carry(&asha, &bo, coop);
    let asha_first_device = asha.identity().expect("id").device;
    drop(asha);
    copy_home(&homes[0], &homes[1]);

    let asha = open(&homes[0], start + 10_000);
    asha.vote(
        coop,
        crate::rid(&proposal),
        sangam_core::Choice::Vote(sangam_core::Vote::Yes),
    )
    .expect("vote");
    let restored = open(&homes[1], start + 20_000);
    restored
        .vote(
            coop,
            crate::rid(&proposal),
            sangam_core::Choice::Vote(sangam_core::Vote::No),
        )
        .expect("vote");
    bo.vote(
        coop,
        crate::rid(&proposal),
        sangam_core::Choice::Vote(sangam_core::Vote::Yes),
    )
    .expect("vote");
    Fixture {
        _dir: dir,
        homes,
        coop,
        proposal,
        asha_first_device,
    }
}

#[test]
fn a_restored_copy_converges_with_the_original_in_every_arrival_order() {
    // Who sends to whom, in order, until nobody has anything new: every order in which
    // the two branches can reach Bo and each other.
    let orders: [[(usize, usize); 6]; 4] = [
        [(0, 2), (1, 2), (2, 0), (2, 1), (0, 1), (1, 0)],
        [(1, 2), (0, 2), (2, 1), (2, 0), (1, 0), (0, 1)],
        [(0, 1), (1, 0), (0, 2), (1, 2), (2, 0), (2, 1)],
        [(1, 0), (0, 1), (2, 1), (1, 2), (0, 2), (2, 0)],
    ];
    let mut final_states = Vec::new();
    for order in orders {
        let f = forked_homes();
        let mut nodes: Vec<Home> = f
            .homes
            .iter()
            .enumerate()
            .map(|(i, h)| open(h, 1_700_000_100_000 + i as i64 * 1000))
            .collect();
        let mut rounds = 0;
        loop {
            rounds += 1;
            assert!(rounds <= 6, "no convergence after 5 rounds of exchange");
            for &(from, to) in &order {
                let (a, b) = two(&mut nodes, from, to);
                carry(a, b, f.coop);
            }
            let heads: Vec<Vec<String>> = nodes
                .iter_mut()
                .map(|n| n.coop(f.coop).expect("show").heads)
                .collect();
            if heads.iter().all(|h| *h == heads[0]) {
                break;
            }
        }
        let states: Vec<_> = nodes
            .iter_mut()
            .map(|n| n.state(f.coop).expect("state"))
            .collect();
        assert!(
            states.iter().all(|s| *s == states[0]),
            "same state everywhere"
        );
        for node in &mut nodes {
            let tally = node.tally(f.coop, crate::rid(&f.proposal)).expect("tally");
            assert_eq!(tally.ballots_counted, 2, "Asha's and Bo's votes both count");
            // Both of Asha's ballots are there; one rule picks the one that counts.
            let ballots = node
                .log(f.coop)
                .expect("log")
                .into_iter()
                .filter(|e| e.kind.as_str() == "ballot")
                .count();
            assert_eq!(ballots, 3);
        }
        // Both copies of Asha's laptop left the forked key; members see the fork.
        for i in [0, 1] {
            assert_ne!(
                nodes[i].identity().expect("id").device,
                f.asha_first_device,
                "home {i} still writes as the forked device"
            );
        }
        assert_ne!(
            nodes[0].identity().expect("id").device,
            nodes[1].identity().expect("id").device
        );
        for node in &mut nodes {
            let devices = node.devices(f.coop).expect("devices");
            let forked = devices
                .iter()
                .find(|d| d.key == f.asha_first_device)
                .expect("the old device is still listed");
            assert!(forked.forked_at.is_some(), "the fork is shown");
            assert!(!forked.revoked, "the old key is not revoked");
            node.check_integrity().expect("intact");
        }
        // Nothing moves any more: a further exchange brings nothing new.
        let before = nodes[2].coop(f.coop).expect("show").heads;
        let (a, b) = two(&mut nodes, 0, 2);
        let (bundle, _) = a.export_bundle(f.coop, None).expect("export");
        let again = b.import_bundle(&bundle).expect("import");
        assert_eq!((again.applied, again.rejected.len()), (0, 0));
        assert_eq!(nodes[2].coop(f.coop).expect("show").heads, before);
        // Each run founds its own co-op (its own ids): compare what a member sees.
        let mut members: Vec<(String, sangam_model::Standing)> = nodes[2]
            .state(f.coop)
            .expect("state")
            .members
            .iter()
            .map(|m| (m.name.clone(), m.standing))
            .collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        final_states.push(members);
    }
    assert!(
        final_states.iter().all(|m| *m == final_states[0]),
        "the same members whatever the order"
    );
}

#[test]
fn a_home_holding_a_fork_in_its_own_log_opens_mends_and_exports() {
    let f = forked_homes();
    // Put the copy's change into the original's log, as two writers racing on one home
    // used to: two changes of one device with one sequence number, in one change log.
    let db = |i: usize| f.homes[i].join(sangam_core::DB_FILE);
    let copy = rusqlite::Connection::open(db(1)).expect("copy db");
    let (hash, bytes, sig): (Vec<u8>, Vec<u8>, Vec<u8>) = copy
        .query_row(
            "SELECT hash, bytes, sig FROM changes ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the copy's vote");
    drop(copy);
    let original = rusqlite::Connection::open(db(0)).expect("db");
    original
        .execute(
            "INSERT INTO changes (coop, hash, bytes, sig, stored_at) VALUES (?1, ?2, ?3, ?4, 0)",
            rusqlite::params![f.coop.as_bytes(), hash, bytes, sig],
        )
        .expect("insert");
    drop(original);

    let asha = open(&f.homes[0], 1_700_000_200_000);
    let mut events = asha.subscribe();
    let state = asha.state(f.coop).expect("a damaged home still loads");
    // Typed too, for a notification in the member's language.
    let mut forks = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let sangam_core::Event::ForkFound { coop, device, .. } = event {
            forks.push((coop, device));
        }
    }
    assert_eq!(
        forks,
        vec![(f.coop.to_string(), f.asha_first_device.clone())],
        "one fork, of Asha's first device"
    );
    let notices = asha.take_notices();
    assert!(
        notices
            .iter()
            .any(|n| matches!(n, sangam_core::Notice::Fork { device, .. } if *device == f.asha_first_device)),
        "{notices:?}"
    );
    assert!(notices.iter().any(
        |n| matches!(n, sangam_core::Notice::NewDevice { old, .. } if *old == f.asha_first_device)
    ));
    assert_ne!(asha.identity().expect("id").device, f.asha_first_device);
    let ballots = asha
        .log(f.coop)
        .expect("log")
        .into_iter()
        .filter(|e| e.kind.as_str() == "ballot")
        .count();
    assert_eq!(ballots, 2, "both of Asha's ballots are kept");
    assert!(state.members.len() == 2);
    let (bundle, _) = asha.export_bundle(f.coop, None).expect("exports");
    asha.vote(
        f.coop,
        crate::rid(&f.proposal),
        sangam_core::Choice::Vote(sangam_core::Vote::Abstain),
    )
    .expect("writes again, as the new device");
    drop(asha);
    // Reopening finds nothing more to mend.
    let again = open(&f.homes[0], 1_700_000_300_000);
    again.state(f.coop).expect("loads");
    assert!(again.take_notices().is_empty());
    // The bundle carries the mended co-op to a fresh look: Bo's home takes it.
    let bo = open(&f.homes[2], 1_700_000_400_000);
    let imported = bo.import_bundle(&bundle).expect("import");
    assert!(imported.rejected.is_empty(), "{:?}", imported.rejected);
}

fn two(nodes: &mut [Home], a: usize, b: usize) -> (&Home, &Home) {
    assert_ne!(a, b);
    if a < b {
        let (left, right) = nodes.split_at_mut(b);
        (&mut left[a], &mut right[0])
    } else {
        let (left, right) = nodes.split_at_mut(a);
        (&mut right[0], &mut left[b])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forked_laptops_syncing_over_the_network_settle_on_one_document() {
    use sangam_net::Relays;
    let f = forked_homes();
    let mut homes = Vec::new();
    for (i, path) in f.homes.iter().enumerate() {
        let node = open(path, 1_700_000_500_000 + i as i64 * 1000);
        let loopback = Some("127.0.0.1:0".parse().expect("addr"));
        let config = node.net_config(Relays::Disabled, loopback);
        let shared = node;
        let net = shared.start_net(config).await.expect("net");
        homes.push((shared, net));
    }
    let heads = |h: &(Home, sangam_net::Net)| h.0.coop(f.coop).expect("show").heads;
    // Bo syncs with each copy of Asha's laptop and they with him, until the three hold
    // the same document; every one-shot sync must end by itself. (The two copies cannot
    // dial each other: their endpoints started with one key, so they have one id.)
    let pairs = [(2, 0), (2, 1), (0, 2), (1, 2)];
    let mut rounds = 0;
    while !(heads(&homes[0]) == heads(&homes[1]) && heads(&homes[1]) == heads(&homes[2])) {
        rounds += 1;
        assert!(rounds <= 4, "no convergence after 3 rounds of syncs");
        for (from, to) in pairs {
            let addr = homes[to].1.addr();
            homes[from]
                .1
                .sync_with(addr, f.coop, false)
                .await
                .expect("a sync between forked laptops ends by itself");
        }
    }
    let state = homes[0].0.state(f.coop).expect("state");
    for home in &homes {
        assert_eq!(home.0.state(f.coop).expect("state"), state);
        let tally = home
            .0
            .tally(f.coop, crate::rid(&f.proposal))
            .expect("tally");
        assert_eq!(tally.ballots_counted, 2);
    }
    // Settled: syncing again moves nothing either way.
    let addr = homes[0].1.addr();
    let again = homes[2]
        .1
        .sync_with(addr, f.coop, false)
        .await
        .expect("sync");
    assert_eq!((again.received, again.sent), (0, 0), "{again:?}");
}

#[test]
fn a_restored_copy_that_syncs_before_writing_never_forks() {
    let dir = TempDir::new().expect("tmp");
    let (original, copy) = (dir.path().join("asha"), dir.path().join("asha-restored"));
    let asha = open(&original, 1_700_000_000_000);
    asha.create_identity("Asha").expect("id");
    asha.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&asha);
    let old_device = asha.identity().expect("id").device;
    drop(asha);
    copy_home(&original, &copy);
    let asha = open(&original, 1_700_000_010_000);
    asha.update_profile(coop, None, Some("asha@example.org"))
        .expect("the original writes on");
    let restored = open(&copy, 1_700_000_020_000);
    // The copy takes what the original has of its device before writing anything.
    carry(&asha, &restored, coop);
    let notices = restored.take_notices();
    assert!(
        notices
            .iter()
            .any(|n| matches!(n, sangam_core::Notice::NewDevice { old, .. } if *old == old_device)),
        "{notices:?}"
    );
    assert_ne!(restored.identity().expect("id").device, old_device);
    restored
        .update_profile(coop, Some("Asha R"), None)
        .expect("writes as its new device");
    carry(&restored, &asha, coop);
    let devices = asha.devices(coop).expect("devices");
    assert_eq!(devices.len(), 2, "the old key and the copy's new one");
    assert!(
        devices.iter().all(|d| d.forked_at.is_none()),
        "no fork was made"
    );
    assert_eq!(
        asha.state(coop).expect("a"),
        restored.state(coop).expect("r")
    );
    // The original keeps its key: it never saw a change of its device it lacked.
    assert_eq!(asha.identity().expect("id").device, old_device);
}
