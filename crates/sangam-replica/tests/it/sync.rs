//! The sans-IO sync session between replicas in memory.

use sangam_replica::sync::{Frame, MAX_FRAME_BYTES, SyncError, SyncSession};
use sangam_replica::{Replica, Trust};
use sangam_testkit::*;

const T: i64 = 1_700_000_000_000;

/// Runs both sides until neither has anything to send; returns the number of exchanges.
fn run(a: &mut Replica, b: &mut Replica) -> usize {
    let (mut sa, mut sb) = (SyncSession::new(), SyncSession::new());
    // Both open with their heads, as over the network.
    let (ha, hb) = (sa.opening(a), sb.opening(b));
    sb.incoming(b, ha, T).expect("heads");
    sa.incoming(a, hb, T).expect("heads");
    for round in 0..100 {
        let from_a = sa.outgoing(a);
        for frame in &from_a {
            let decoded = Frame::decode(&frame.encode()[4..]).expect("round trip");
            sb.incoming(b, decoded, T).expect("b accepts");
        }
        let from_b = sb.outgoing(b);
        for frame in &from_b {
            sa.incoming(a, frame.clone(), T).expect("a accepts");
        }
        if from_a.is_empty() && from_b.is_empty() {
            return round;
        }
    }
    panic!("no convergence in 100 rounds");
}

#[test]
fn two_replicas_converge_after_concurrent_writes() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    run(&mut a, &mut b);
    b.write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
        .expect("bind");
    run(&mut a, &mut b);
    assert_eq!(a.heads(), b.heads());
    // Both write while apart, then meet.
    for i in 0..20 {
        a.write(
            rename(&format!("Asha {i}")),
            &asha.member,
            &asha.device,
            T + 10 + i,
        )
        .expect("a");
        b.write(
            rename(&format!("Bo {i}")),
            &bo.member,
            &bo.device,
            T + 10 + i,
        )
        .expect("b");
    }
    let rounds = run(&mut a, &mut b);
    assert!(rounds <= 4, "took {rounds} rounds");
    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.state(), b.state());
    assert_eq!(a.state().member(&bo.key()).expect("bo").name, "Bo 19");
}

#[test]
fn a_forged_change_in_a_frame_is_refused_and_the_session_goes_on() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mallory = Person::seeded(9, "Mallory");
    let record = sign_record(
        a.coop(),
        &mallory.member,
        a.fold().heads(),
        T + 2,
        admit(&mallory),
    );
    let forged = forge_change(
        &mut a,
        &mallory.device.public(),
        &[entry(&record)],
        &mallory.device,
        T + 2,
    );
    let before = a.heads();
    let mut session = SyncSession::new();
    let admitted = session
        .incoming(&mut a, Frame::Changes(vec![forged]), T)
        .expect("frame ok");
    assert!(admitted.applied.is_empty());
    assert_eq!(admitted.rejected.len(), 1);
    assert_eq!(a.heads(), before);
    let _ = Trust::OwnStore;
}

#[test]
fn garbage_and_oversized_frames_are_refused_before_decoding() {
    assert_eq!(
        Frame::body_len(((MAX_FRAME_BYTES + 1) as u32).to_be_bytes()),
        Err(SyncError::FrameTooLarge(MAX_FRAME_BYTES + 1))
    );
    for garbage in [
        &b""[..],
        b"\x09",
        b"\x01short",
        b"\x02\xff\xff\xff\xff",
        b"\x04extra",
    ] {
        assert!(Frame::decode(garbage).is_err(), "{garbage:?}");
    }
    let asha = Person::seeded(1, "Asha");
    let (mut a, _) = found(&asha, T);
    let before = a.heads();
    let mut session = SyncSession::new();
    let bad = session.incoming(&mut a, Frame::Sync(b"not a sync message".to_vec()), T);
    assert!(matches!(bad, Err(SyncError::BadSyncMessage(_))));
    assert_eq!(a.heads(), before);
}

#[test]
fn a_session_with_a_change_the_peer_refuses_ends_as_stuck_instead_of_looping() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    run(&mut a, &mut b);
    // Asha's clock runs a day ahead: Bo's laptop holds her new record back.
    a.write(
        rename("Tomorrow"),
        &asha.member,
        &asha.device,
        T + 86_400_000,
    )
    .expect("write");
    let (mut sa, mut sb) = (SyncSession::new(), SyncSession::new());
    let mut rounds = 0;
    while !sa.is_stuck() && !sb.is_stuck() {
        rounds += 1;
        assert!(rounds < 60, "the session never gave up");
        for frame in sa.outgoing(&mut a) {
            sb.incoming(&mut b, frame, T + 10).expect("b");
        }
        for frame in sb.outgoing(&mut b) {
            sa.incoming(&mut a, frame, T + 10).expect("a");
        }
    }
    // Bo asks for it again each round (it is only "not yet"), so Asha sends it again and
    // Bo refuses it again, until Bo's side sees that nothing moves.
    assert!(
        (1..=sangam_replica::sync::MAX_IDLE_ROUNDS as usize + 1).contains(&sb.refused()),
        "refused {} times",
        sb.refused()
    );
    assert!(sb.is_stuck(), "the side that refuses ends it");
    assert_ne!(a.heads(), b.heads());
}

/// One side of a live connection, answering as the transport does: a sync message gets
/// frames or an Idle; an Idle gets frames only if there are some; a refused push (it
/// lacked its deps) asks for a sync round.
fn answer(session: &mut SyncSession, replica: &mut Replica, frame: Frame) -> Vec<Frame> {
    let reply = matches!(frame, Frame::Sync(_) | Frame::Heads(_));
    let idle = matches!(frame, Frame::Idle);
    session.incoming(replica, frame, T).expect("accepted");
    let mut out = Vec::new();
    if session.wants_sync() {
        out.extend(session.outgoing(replica));
    }
    if !(reply || idle) {
        return out;
    }
    if out.is_empty() {
        out = session.outgoing(replica);
    }
    if out.is_empty() && reply {
        vec![Frame::Idle]
    } else {
        out
    }
}

/// Runs a live exchange until nothing is in flight; returns every frame B received.
fn live(
    a: &mut Replica,
    sa: &mut SyncSession,
    b: &mut Replica,
    sb: &mut SyncSession,
    mut to_b: Vec<Frame>,
    mut to_a: Vec<Frame>,
) -> Vec<Frame> {
    let mut seen_by_b = Vec::new();
    for _ in 0..100 {
        if to_a.is_empty() && to_b.is_empty() {
            return seen_by_b;
        }
        let mut next_a = Vec::new();
        for frame in to_b.drain(..) {
            seen_by_b.push(frame.clone());
            next_a.extend(answer(sb, b, frame));
        }
        let mut next_b = Vec::new();
        for frame in to_a.drain(..) {
            next_b.extend(answer(sa, a, frame));
        }
        to_a = next_a;
        to_b = next_b;
    }
    panic!("the live exchange never went quiet");
}

#[test]
fn a_settled_live_session_pushes_new_changes_without_another_sync_round() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    let (mut sa, mut sb) = (SyncSession::new(), SyncSession::new());
    let (ha, hb) = (sa.opening(&a), sb.opening(&b));
    live(&mut a, &mut sa, &mut b, &mut sb, vec![ha], vec![hb]);
    assert_eq!(a.heads(), b.heads());
    // A local change on each side may take one more round before both know they agree.
    a.write(rename("Asha A"), &asha.member, &asha.device, T + 2)
        .expect("write");
    let out = sa.on_change(&mut a);
    live(&mut a, &mut sa, &mut b, &mut sb, out, vec![]);
    assert!(sa.is_settled(), "A saw B idle while idle itself");
    assert_eq!(a.heads(), b.heads());

    for i in 0..3 {
        a.write(
            rename(&format!("Asha {i}")),
            &asha.member,
            &asha.device,
            T + 10 + i,
        )
        .expect("write");
        let pushed = sa.on_change(&mut a);
        assert!(
            matches!(pushed.as_slice(), [Frame::Changes(c)] if c.len() == 1),
            "one change, no sync message: {pushed:?}"
        );
        let received = live(&mut a, &mut sa, &mut b, &mut sb, pushed, vec![]);
        assert_eq!(received.len(), 1, "B answers a push with nothing");
        assert_eq!(a.heads(), b.heads());
    }
    // Nothing new: nothing to push.
    assert!(sa.on_change(&mut a).is_empty());
    assert_eq!(a.state(), b.state());
}

#[test]
fn a_pushed_change_without_its_deps_calls_for_a_sync_round() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = copy_of(&mut a, &bo.device);
    let first = a
        .write(rename("One"), &asha.member, &asha.device, T + 2)
        .expect("one")
        .1;
    let second = a
        .write(rename("Two"), &asha.member, &asha.device, T + 3)
        .expect("two")
        .1;
    let mut sb = SyncSession::new();
    let admitted = sb
        .incoming(&mut b, Frame::Changes(vec![second.to_raw()]), T)
        .expect("frame");
    assert!(admitted.applied.is_empty());
    assert!(sb.wants_sync());
    assert!(!sb.wants_sync(), "asking clears it");
    let admitted = sb
        .incoming(
            &mut b,
            Frame::Changes(vec![first.to_raw(), second.to_raw()]),
            T,
        )
        .expect("frame");
    assert_eq!(admitted.applied.len(), 2);
    assert_eq!(a.heads(), b.heads());
}

proptest::proptest! {
    /// THREATS.md 17: whatever bytes a peer sends as a frame body, decoding returns a frame
    /// or an error, never a panic; and a frame that decodes encodes back to the same body.
    #[test]
    fn random_frame_bodies_never_panic(
        kind in 0u8..8,
        rest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
    ) {
        let mut body = vec![kind];
        body.extend_from_slice(&rest);
        if let Ok(frame) = Frame::decode(&body) {
            proptest::prop_assert_eq!(&frame.encode()[4..], &body[..]);
        }
    }
}

#[test]
fn a_burst_of_changes_goes_by_a_sync_round_even_in_a_settled_session() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    let (mut sa, mut sb) = (SyncSession::new(), SyncSession::new());
    let (ha, hb) = (sa.opening(&a), sb.opening(&b));
    live(&mut a, &mut sa, &mut b, &mut sb, vec![ha], vec![hb]);
    a.write(rename("Asha A"), &asha.member, &asha.device, T + 2)
        .expect("write");
    let out = sa.on_change(&mut a);
    live(&mut a, &mut sa, &mut b, &mut sb, out, vec![]);
    assert!(sa.is_settled());
    let burst = sangam_replica::sync::MAX_PUSH as i64 + 1;
    for i in 0..burst {
        a.write(
            rename(&format!("Asha {i}")),
            &asha.member,
            &asha.device,
            T + 10 + i,
        )
        .expect("write");
    }
    let out = sa.on_change(&mut a);
    assert!(
        out.iter().any(|f| matches!(f, Frame::Sync(_))),
        "a burst is a sync round"
    );
    assert!(!sa.is_settled());
    live(&mut a, &mut sa, &mut b, &mut sb, out, vec![]);
    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.state(), b.state());
}

/// A change of Asha's that Bo's Bloom filter (of every change Bo holds) reports present
/// though Bo lacks it: found by writing on copies of Asha's replica until one hash is a
/// false positive. Deterministic (keys, times and texts are fixed), so it is the same
/// change every run. Returns how many tries it took.
fn write_a_change_bos_filter_hides(
    a: &mut Replica,
    asha: &Person,
    bo_filter: &automerge::sync::BloomFilter,
) -> usize {
    for attempt in 0..10_000 {
        let mut trial = copy_of(a, &asha.device);
        let text = format!("Asha, try {attempt}");
        let (_, change) = trial
            .write(rename(&text), &asha.member, &asha.device, T + 100)
            .expect("trial");
        if bo_filter.contains_hash(&change.hash) {
            let (_, written) = a
                .write(rename(&text), &asha.member, &asha.device, T + 100)
                .expect("write");
            assert_eq!(written.hash, change.hash, "a write is deterministic");
            return attempt + 1;
        }
    }
    panic!("no false positive in 10,000 tries");
}

/// Bo's own changes since the two last agreed, and the filter Bo's sync messages carry.
fn bos_filter(b: &mut Replica) -> automerge::sync::BloomFilter {
    let hashes: Vec<_> = b.changes_since(&[]).iter().map(|c| c.hash).collect();
    automerge::sync::BloomFilter::from_hashes(hashes.iter())
}

#[test]
fn a_change_bos_filter_reports_present_still_reaches_bo_in_one_session() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = copy_of(&mut a, &bo.device);
    b.write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
        .expect("bind");
    run(&mut a, &mut b);
    // Bo writes on his own for a while: his filter then has entries Asha lacks.
    for i in 0..40 {
        b.write(
            rename(&format!("Bo {i}")),
            &bo.member,
            &bo.device,
            T + 10 + i,
        )
        .expect("bo");
    }
    let filter = bos_filter(&mut b);
    let tries = write_a_change_bos_filter_hides(&mut a, &asha, &filter);
    assert!(
        tries > 1,
        "the search found a false positive, not a known change"
    );
    let hidden = a.heads()[0];
    let (_, on_top) = a
        .write(rename("Asha, after"), &asha.member, &asha.device, T + 101)
        .expect("on top");
    assert!(filter.contains_hash(&hidden) && !b.knows(&hidden));

    run(&mut a, &mut b);
    assert!(b.knows(&hidden), "Bo got the change his filter hid");
    assert!(b.knows(&on_top.hash), "and the one built on it");
    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.state(), b.state());
}

#[test]
fn a_settled_live_session_asks_for_what_a_refused_push_lacked() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    let (mut sa, mut sb) = (SyncSession::new(), SyncSession::new());
    let (mut to_b, mut to_a) = (vec![sa.opening(&a)], vec![sb.opening(&b)]);
    let exchange = |a: &mut Replica,
                    sa: &mut SyncSession,
                    b: &mut Replica,
                    sb: &mut SyncSession,
                    to_b: &mut Vec<Frame>,
                    to_a: &mut Vec<Frame>| {
        for _ in 0..100 {
            if to_a.is_empty() && to_b.is_empty() {
                return;
            }
            let next_a: Vec<Frame> = to_b.drain(..).flat_map(|f| answer(sb, b, f)).collect();
            let next_b: Vec<Frame> = to_a.drain(..).flat_map(|f| answer(sa, a, f)).collect();
            *to_a = next_a;
            *to_b = next_b;
        }
        panic!("the live exchange never went quiet");
    };
    exchange(&mut a, &mut sa, &mut b, &mut sb, &mut to_b, &mut to_a);
    assert!(sa.is_settled() && a.heads() == b.heads());

    // A push is lost on the way (a frame the connection dropped), then the next arrives.
    let (_, lost) = a
        .write(rename("lost"), &asha.member, &asha.device, T + 3)
        .expect("lost");
    assert!(!sa.on_change(&mut a).is_empty(), "it was pushed");
    let (_, next) = a
        .write(rename("next"), &asha.member, &asha.device, T + 4)
        .expect("next");
    let mut pushed = sa.on_change(&mut a);
    exchange(&mut a, &mut sa, &mut b, &mut sb, &mut pushed, &mut vec![]);
    assert!(b.knows(&lost.hash), "Bo asked for the change he lacked");
    assert!(b.knows(&next.hash));
    assert_eq!(a.heads(), b.heads());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// What a peer lacks, found by walking down from both sides' heads, is exactly every
    /// change outside the past of the peer's heads, each after its deps: over random
    /// histories of two laptops writing apart and taking each other's changes.
    #[test]
    fn what_a_peer_lacks_is_exactly_what_is_outside_its_past(
        steps in proptest::collection::vec(0u8..4, 1..40),
    ) {
        let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
        let (mut a, _) = found(&asha, T);
        a.write(admit(&bo), &asha.member, &asha.device, T + 1).expect("admit");
        let mut b = copy_of(&mut a, &bo.device);
        b.write(add_device(&bo.device), &bo.member, &bo.device, T + 2).expect("bind");
        let take = |to: &mut Replica, from: &mut Replica| {
            let admitted = to.admit(raw(&from.changes_since(&[])), Trust::Verify { now: i64::MAX });
            assert!(admitted.rejected.is_empty(), "{:?}", admitted.rejected);
        };
        for (i, step) in steps.iter().enumerate() {
            let at = T + 10 + i as i64;
            match step {
                0 => { a.write(rename(&format!("A{i}")), &asha.member, &asha.device, at).expect("a"); }
                1 => { b.write(rename(&format!("B{i}")), &bo.member, &bo.device, at).expect("b"); }
                2 => take(&mut a, &mut b),
                _ => take(&mut b, &mut a),
            }
        }
        take(&mut a, &mut b);
        let theirs = b.heads();
        let lacking = a.lacking_from(&theirs).expect("A holds all of B's heads");
        let past = a.past_of(&theirs);
        let everything: std::collections::HashSet<_> =
            a.changes_since(&[]).iter().map(|c| c.hash).collect();
        let expected: std::collections::HashSet<_> = everything.difference(&past).copied().collect();
        let found: std::collections::HashSet<_> = lacking.iter().copied().collect();
        proptest::prop_assert_eq!(found.len(), lacking.len(), "no change twice");
        proptest::prop_assert_eq!(&found, &expected);
        // Each after its deps: B admits them in this order, one at a time.
        let changes: Vec<_> = lacking.iter().map(|h| a.signed_change(h).expect("held")).collect();
        for change in changes {
            let admitted = b.admit(vec![change.to_raw()], Trust::Verify { now: i64::MAX });
            proptest::prop_assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
        }
        proptest::prop_assert_eq!(a.heads(), b.heads());
    }
}
