//! Sync over loopback between two real homes (SQLite files, iroh endpoints, relays off).
//!
//! - `converge`: a laptop that holds only the co-op's membership (1,000 members) syncs
//!   100,000 further records (member updates, the size of a ledger entry) from a peer, every
//!   change and record signature verified and the whole batch durably stored;
//! - `reconnect`: the same two laptops sync again when already in sync (connection set-up
//!   included);
//! - `one change`: with a live session open, one write on one laptop until it is durably
//!   stored on the other (p50 and p90 of 200);
//! - `flood`: a third laptop C takes in the 100,000 records from A (another member's
//!   device pushing them as fast as it can) while B, which shares a second co-op with C,
//!   reconnects to C again and again: how long B's reconnects take during the flood.
//!
//! Beside them, the floors of the same run: bare signature checks per second (single on one
//! core, batched on every core) and Automerge's own in-process sync of the same history
//! with no signatures, so each figure reads as a ratio to what it cannot beat.
//!
//! Run: `cargo bench -p sangam-core --bench sync` (prints the figures; takes a minute or two).
//! With `SANGAM_BENCH_KEEP=1` the two homes are left on disk (their path is printed), to
//! measure opening them from another process, e.g. with `/usr/bin/time -v sangam --home
//! PATH/b coop show`.

use std::time::{Duration, Instant};

use sangam_core::{Clock, Home, Relays, SystemClock};
use sangam_model::body::MemberAdmit;
use sangam_model::{Body, PublicKey};
use sangam_replica::{Bundle, SignedChange};
use sangam_testkit::{Person, found, rename};

const MEMBERS: u32 = 1_000;
const RECORDS: u32 = 100_000;

fn open(dir: &std::path::Path, name: &str) -> Home {
    let node = Home::open_with_clock(&dir.join(name), Box::<SystemClock>::default()).expect("open");
    node.create_identity(name).expect("identity");
    node
}

fn bundle(
    coop: sangam_model::CoopId,
    heads: Vec<sangam_replica::ChangeHash>,
    changes: &[SignedChange],
) -> Vec<u8> {
    Bundle {
        coop,
        heads,
        changes: changes.iter().map(SignedChange::to_raw).collect(),
    }
    .encode()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// What the figures are set against, in the same run: bare signature checks per second and
/// Automerge syncing the same history in process, without signatures, Sangam's frames or
/// storage.
fn floors(replica: &mut sangam_replica::Replica, membership_doc: &[u8]) {
    use automerge::sync::{Message, State, SyncDoc};
    use sangam_model::record::Record;
    use sangam_model::verify::{verify_many, verify_one};

    let records: Vec<_> = replica
        .fold()
        .ordered()
        .into_iter()
        .rev()
        .take(20_000)
        .map(|p| Record::from_json_deferred(p.record.json().as_bytes()).expect("valid"))
        .collect();
    let checks: Vec<_> = records.iter().map(|r| r.check()).collect();
    let t = Instant::now();
    for check in &checks {
        verify_one(check).expect("valid");
    }
    let single = checks.len() as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    assert!(
        verify_many(&sangam_machine::SYSTEM, &checks)
            .iter()
            .all(Result::is_ok)
    );
    let batched = checks.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "floor: bare signature checks of {} records: {single:.0}/s single on one core, {batched:.0}/s batched on every core",
        checks.len()
    );
    let mut full = automerge::Automerge::load(&replica.save()).expect("loads");
    let mut fresh = automerge::Automerge::load(membership_doc).expect("loads");
    let (mut full_state, mut fresh_state) = (State::new(), State::new());
    let t = Instant::now();
    loop {
        let to_fresh = full.generate_sync_message(&mut full_state);
        let to_full = fresh.generate_sync_message(&mut fresh_state);
        if to_fresh.is_none() && to_full.is_none() {
            break;
        }
        if let Some(message) = to_fresh {
            let message = Message::decode(&message.encode()).expect("decodes");
            fresh
                .receive_sync_message(&mut fresh_state, message)
                .expect("receive");
        }
        if let Some(message) = to_full {
            let message = Message::decode(&message.encode()).expect("decodes");
            full.receive_sync_message(&mut full_state, message)
                .expect("receive");
        }
    }
    assert_eq!(fresh.get_heads(), full.get_heads());
    println!(
        "floor: Automerge's own sync of the same history in process, no signatures: {:.2?}",
        t.elapsed()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::TempDir::new().expect("tmp");
    let a = open(dir.path(), "a");
    let b = open(dir.path(), "b");
    let c = open(dir.path(), "c");
    let key = |n: &Home| -> PublicKey { n.identity().expect("id").member.parse().expect("key") };

    // The co-op, built in memory by its founder: both laptops' members, 998 others, then
    // 100,000 records.
    let started = Instant::now();
    let founder = Person::seeded(1, "Founder");
    let now = SystemClock::default().now() - 3_600_000;
    let (mut replica, _) = found(&founder, now);
    for (i, member) in [key(&a), key(&b), key(&c)].into_iter().enumerate() {
        let admit = Body::MemberAdmit(MemberAdmit {
            member,
            name: format!("Laptop {i}"),
        });
        replica
            .write(admit, &founder.member, &founder.device, now + 1)
            .expect("admit");
    }
    for n in 0..MEMBERS - 4 {
        let who = Person::seeded_wide(n, "Member");
        replica
            .write(
                sangam_testkit::admit(&who),
                &founder.member,
                &founder.device,
                now + 2,
            )
            .expect("admit");
    }
    let membership = replica.changes_since(&[]);
    let membership_bundle = bundle(replica.coop(), replica.heads(), &membership);
    let membership_doc = replica.save();
    for i in 0..RECORDS {
        let at = now + 10 + i64::from(i);
        replica
            .write(
                rename(&format!("Founder {i}")),
                &founder.member,
                &founder.device,
                at,
            )
            .expect("write");
    }
    let full = bundle(replica.coop(), replica.heads(), &replica.changes_since(&[]));
    let coop = replica.coop();
    println!(
        "setup: built {} changes in {:.1?}",
        replica.change_count(),
        started.elapsed()
    );

    floors(&mut replica, &membership_doc);

    let t = Instant::now();
    a.import_bundle(&full).expect("a imports everything");
    println!(
        "import of the whole co-op from a bundle into laptop A: {:.2?}",
        t.elapsed()
    );
    b.import_bundle(&membership_bundle).expect("b joins");
    let (back, _) = b
        .export_bundle(coop, Some(&membership_bundle))
        .expect("binding");
    a.import_bundle(&back).expect("a learns b's device");
    c.import_bundle(&membership_bundle).expect("c joins");
    let (back, _) = c
        .export_bundle(coop, Some(&membership_bundle))
        .expect("binding");
    a.import_bundle(&back).expect("a learns c's device");
    // B and C also share a small second co-op, for the flood figure.
    b.create_coop("Neighbours", "EUR").expect("second co-op");
    let neighbours = b
        .coops()
        .expect("coops")
        .into_iter()
        .find(|c| c.name == "Neighbours")
        .expect("created")
        .id
        .parse()
        .expect("id");
    let c_key = c.identity().expect("id").member;
    b.admit(neighbours, c_key.parse().expect("key"), "C")
        .expect("admit c");
    let (second, _) = b.export_bundle(neighbours, None).expect("export");
    c.import_bundle(&second).expect("c joins the second co-op");
    let (back, _) = c.export_bundle(neighbours, Some(&second)).expect("binding");
    b.import_bundle(&back).expect("b learns c's device");
    runtime.block_on(async {
        let loopback = Some("127.0.0.1:0".parse().expect("addr"));
        let config_a = a.net_config(Relays::Disabled, loopback);
        let net_a = a.start_net(config_a).await.expect("net a");
        let config_b = b.net_config(Relays::Disabled, loopback);
        let net_b = b.start_net(config_b).await.expect("net b");

        let t = Instant::now();
        let summary = net_b
            .sync_with(net_a.addr(), coop, false)
            .await
            .expect("converge");
        let converge = t.elapsed();
        // The records, and the device bindings of the other two laptops.
        assert_eq!(summary.received, RECORDS as usize + 2, "{summary:?}");
        println!(
            "converge: {} changes received and stored in {converge:.2?}",
            summary.received
        );
        // The snapshot a big sync made due is saved once the home is quiet (by `serve`,
        // or `sangam sync` as it exits): not part of converging, but measured too.
        let t = Instant::now();
        let saved = b.save_snapshots(Duration::ZERO).expect("snapshot");
        println!(
            "then, off the sync: {saved} snapshot saved in {:.2?}",
            t.elapsed()
        );

        // More with SANGAM_BENCH_RECONNECTS, to profile them.
        let rounds: usize = std::env::var("SANGAM_BENCH_RECONNECTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(50);
        let mut reconnects = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let s = net_b
                .sync_with(net_a.addr(), coop, false)
                .await
                .expect("reconnect");
            reconnects.push(t.elapsed());
            assert_eq!((s.received, s.sent), (0, 0));
        }
        println!(
            "reconnect when in sync: median {:.2?} of {rounds}",
            median(reconnects)
        );

        let dialer = net_b.dialer();
        let addr = net_a.addr();
        tokio::spawn(async move { dialer.sync_with(addr, coop, true).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut arrived = b.subscribe();
        let mut latencies = Vec::new();
        for i in 0..200 {
            let t = Instant::now();
            a.update_profile(coop, None, Some(&format!("c{i}")))
                .expect("write");
            // Stored on B: its record event is sent once the commit is durable.
            loop {
                let event = arrived.recv().await.expect("event");
                if matches!(event, sangam_core::Event::RecordAdded { coop: c, .. } if c == coop) {
                    break;
                }
            }
            latencies.push(t.elapsed());
        }
        latencies.sort();
        println!(
            "one change, commit on A to durable commit on B: p50 {:.2?}, p90 {:.2?} (200 changes)",
            latencies[100], latencies[180]
        );
        let config_c = c.net_config(Relays::Disabled, loopback);
        let net_c = c.start_net(config_c).await.expect("net c");
        let mut quiet = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            net_b
                .sync_with(net_c.addr(), neighbours, false)
                .await
                .expect("reconnect");
            quiet.push(t.elapsed());
        }
        let flood_dialer = net_c.dialer();
        let a_addr = net_a.addr();
        let t = Instant::now();
        let flood =
            tokio::spawn(async move { flood_dialer.sync_with(a_addr, coop, false).await });
        let mut during = Vec::new();
        while !flood.is_finished() {
            let t = Instant::now();
            let s = net_b
                .sync_with(net_c.addr(), neighbours, false)
                .await
                .expect("reconnect during the flood");
            during.push(t.elapsed());
            assert_eq!((s.received, s.sent), (0, 0));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let flooded = flood.await.expect("task").expect("flood");
        let took = t.elapsed();
        during.sort();
        let n = during.len();
        println!(
            "flood: C took in {} changes in {took:.2?}; B's {n} reconnects to C meanwhile: p50 {:.2?}, p90 {:.2?}, max {:.2?} (quiet: median {:.2?})",
            flooded.received,
            during[n / 2],
            during[n * 9 / 10],
            during[n - 1],
            median(quiet)
        );
    });
    if std::env::var_os("SANGAM_BENCH_KEEP").is_some() {
        println!("homes kept in {}", dir.keep().display());
    }
}
