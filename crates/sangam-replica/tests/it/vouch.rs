//! THREATS.md 10 and docs/protocol.md "Change signature": a device's later change vouches
//! for its earlier ones in its past (by hash); nothing else is taken on trust.

use std::sync::OnceLock;

use proptest::prelude::*;
use sangam_model::{Record, Signature};
use sangam_replica::{RawChange, Rejection, Replica, Trust};
use sangam_testkit::*;

const T: i64 = 1_700_000_000_000;
const NOW: Trust = Trust::Verify { now: i64::MAX };

/// Asha founds and admits Bo, whose device binds itself; then both write, apart and
/// together, so the history has two devices, concurrent branches and merges.
fn history() -> &'static (Vec<RawChange>, sangam_model::CoopId) {
    static HISTORY: OnceLock<(Vec<RawChange>, sangam_model::CoopId)> = OnceLock::new();
    HISTORY.get_or_init(|| {
        let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
        let (mut a, _) = found(&asha, T);
        a.write(admit(&bo), &asha.member, &asha.device, T + 1)
            .expect("admit");
        let mut b = copy_of(&mut a, &bo.device);
        b.write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
            .expect("bootstrap");
        let mut at = T + 3;
        for round in 0..6 {
            for i in 0..(round % 3 + 1) {
                a.write(
                    rename(&format!("Asha {round}.{i}")),
                    &asha.member,
                    &asha.device,
                    at,
                )
                .expect("asha writes");
                b.write(
                    rename(&format!("Bo {round}.{i}")),
                    &bo.member,
                    &bo.device,
                    at,
                )
                .expect("bo writes");
                at += 1;
            }
            // They meet: each takes what the other wrote.
            let to_a = raw(&b.changes_since(&a.heads()));
            assert!(a.admit(to_a, NOW).rejected.is_empty());
            let to_b = raw(&a.changes_since(&b.heads()));
            assert!(b.admit(to_b, NOW).rejected.is_empty());
        }
        (raw(&a.changes_since(&[])), a.coop())
    })
}

/// What a fresh laptop holds: its document heads and its co-op state.
fn outcome(replica: &mut Replica) -> (Vec<automerge::ChangeHash>, sangam_model::CoopState) {
    let mut heads = replica.heads();
    heads.sort();
    (heads, replica.state())
}

fn fresh(coop: sangam_model::CoopId) -> Replica {
    Replica::new(coop, Person::seeded(7, "Fresh").device.public())
}

/// Every change in a batch of its own: every device signature checked by itself.
fn one_by_one(coop: sangam_model::CoopId, changes: &[RawChange]) -> Replica {
    let mut replica = fresh(coop);
    for change in changes {
        let admitted = replica.admit(vec![change.clone()], NOW);
        assert!(admitted.rejected.is_empty(), "{:?}", admitted.rejected);
    }
    replica
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The same honest history, cut into frames at random points and delivered in a random
    /// order (a frame whose deps have not come yet is offered again, as a sync would), gives
    /// a fresh laptop exactly what checking every signature one by one gives.
    #[test]
    fn any_cut_and_any_order_gives_the_state_of_one_by_one_checks(
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        order in any::<u64>(),
    ) {
        let (changes, coop) = history();
        let mut expected = one_by_one(*coop, changes);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(changes.len())).collect();
        points.sort();
        points.dedup();
        let mut frames: Vec<Vec<RawChange>> = Vec::new();
        let mut from = 0;
        for point in points.into_iter().chain([changes.len()]) {
            if point > from {
                frames.push(changes[from..point].to_vec());
                from = point;
            }
        }
        // A fixed shuffle from `order` (Fisher–Yates with a small LCG).
        let mut state = order | 1;
        for i in (1..frames.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            frames.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut replica = fresh(*coop);
        let mut queue = frames;
        for _ in 0..changes.len() + 1 {
            let mut again = Vec::new();
            for frame in queue {
                let admitted = replica.admit(frame.clone(), NOW);
                for rejected in &admitted.rejected {
                    prop_assert!(
                        matches!(rejected.reason, Rejection::MissingDeps(_)),
                        "only missing deps may hold a change back: {:?}",
                        rejected
                    );
                }
                let refused: Vec<RawChange> = frame
                    .into_iter()
                    .filter(|c| !replica.knows(&hash_of(c)))
                    .collect();
                if !refused.is_empty() {
                    again.push(refused);
                }
            }
            queue = again;
            if queue.is_empty() {
                break;
            }
        }
        prop_assert!(queue.is_empty(), "every change arrives in the end");
        prop_assert_eq!(outcome(&mut replica), outcome(&mut expected));
    }
}

fn hash_of(change: &RawChange) -> automerge::ChangeHash {
    automerge::Change::from_bytes(change.bytes.clone())
        .expect("decodes")
        .hash()
}

fn with_sig(change: &RawChange, sig: Signature) -> RawChange {
    RawChange {
        bytes: change.bytes.clone(),
        sig,
    }
}

fn garbled(sig: Signature) -> Signature {
    let mut bytes = *sig.as_bytes();
    bytes[40] ^= 0x10;
    Signature::from_bytes(bytes)
}

#[test]
fn a_forgery_in_a_batch_a_later_real_change_vouches_for_is_refused_and_the_real_ones_apply() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let mallory = Person::seeded(9, "Mallory");
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut before = copy_of(&mut a, &mallory.device);
    for i in 0..3 {
        a.write(
            rename(&format!("Asha {i}")),
            &asha.member,
            &asha.device,
            T + 2 + i,
        )
        .expect("write");
    }
    // Mallory forges a change under Asha's device id with its next sequence number (the
    // slot of Asha's real "Asha 0"), carrying a record Asha signed (replayed from
    // elsewhere): only the device signature is forged.
    let record: Record = sign_record(
        a.coop(),
        &asha.member,
        before.fold().heads(),
        T + 2,
        rename("Asha the Forged"),
    );
    let forged = forge_change(
        &mut before,
        &asha.device.public(),
        &[entry(&record)],
        &mallory.device,
        T + 2,
    );
    let mut batch = raw(&a.changes_since(&[]));
    batch.insert(2, forged.clone());
    let mut receiver = fresh(a.coop());
    let admitted = receiver.admit(batch, NOW);
    assert_eq!(admitted.rejected.len(), 1, "{:?}", admitted.rejected);
    assert_eq!(admitted.rejected[0].hash, Some(hash_of(&forged)));
    assert!(matches!(
        admitted.rejected[0].reason,
        Rejection::BadSignature(_)
    ));
    assert_eq!(
        admitted.applied.len(),
        5,
        "genesis, admit and Asha's three renames"
    );
    assert_eq!(outcome(&mut receiver), outcome(&mut a));
    let (_, forks) = receiver.fork_verdict();
    assert!(forks.is_empty(), "a forgery proves no fork: {forks:?}");
}

#[test]
fn two_real_changes_in_one_slot_are_a_fork_whichever_vouches() {
    let asha = Person::seeded(1, "Asha");
    let (mut a, _) = found(&asha, T);
    // A copy of Asha's home (a backup put back) writes under the same device key.
    let mut copy = copy_of(&mut a, &asha.device);
    let base = a.heads();
    a.write(rename("Asha here"), &asha.member, &asha.device, T + 1)
        .expect("write");
    a.write(rename("Asha here again"), &asha.member, &asha.device, T + 2)
        .expect("write");
    copy.write(rename("Asha there"), &asha.member, &asha.device, T + 1)
        .expect("write");
    let mut batch = raw(&a.changes_since(&[]));
    batch.extend(raw(&copy.changes_since(&base)));
    let mut together = fresh(a.coop());
    let admitted = together.admit(batch.clone(), NOW);
    assert!(admitted.rejected.is_empty(), "{:?}", admitted.rejected);
    let (shadow, forks) = together.fork_verdict();
    assert_eq!(forks.len(), 1);
    assert_eq!(forks[0].device, asha.device.public());
    // The same verdict as when every change comes alone.
    let mut alone = fresh(a.coop());
    for change in batch {
        alone.admit(vec![change], NOW);
    }
    assert_eq!(alone.fork_verdict(), (shadow, forks));
}

#[test]
fn a_change_vouched_for_only_by_another_devices_change_is_checked_on_its_own() {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = copy_of(&mut a, &bo.device);
    let (_, bound) = b
        .write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
        .expect("bootstrap");
    let (_, bos) = b
        .write(rename("Bo"), &bo.member, &bo.device, T + 3)
        .expect("write");
    assert!(a.admit(raw(&[bound, bos.clone()]), NOW).rejected.is_empty());
    // Asha's change builds on Bo's; a relay garbles the signature of Bo's.
    a.write(rename("Asha"), &asha.member, &asha.device, T + 4)
        .expect("write");
    let bos_hash = bos.hash;
    let batch: Vec<RawChange> = raw(&a.changes_since(&[]))
        .into_iter()
        .map(|c| {
            if hash_of(&c) == bos_hash {
                with_sig(&c, garbled(c.sig))
            } else {
                c
            }
        })
        .collect();
    let mut receiver = fresh(a.coop());
    let admitted = receiver.admit(batch, NOW);
    let refused: Vec<_> = admitted
        .rejected
        .iter()
        .map(|r| (r.hash, format!("{:?}", r.reason)))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].0, Some(bos_hash), "{refused:?}");
    assert!(refused[0].1.starts_with("BadSignature"), "{refused:?}");
    assert!(refused[1].1.starts_with("MissingDeps"), "{refused:?}");
}

/// Asha's device writes `changes` changes of `per_change` records each, every record a
/// rename citing the one before; `bad_record` (if any) has its member signature garbled.
fn big_history(
    changes: usize,
    per_change: usize,
    bad_record: Option<usize>,
) -> (Replica, Vec<RawChange>) {
    let asha = Person::seeded(1, "Asha");
    let (mut a, genesis) = found(&asha, T);
    let mut base = copy_of(&mut a, &Person::seeded(8, "Builder").device);
    let mut out = vec![genesis.to_raw()];
    let mut deps = base.fold().heads();
    let mut n = 0;
    for c in 0..changes {
        let mut puts = Vec::with_capacity(per_change);
        for _ in 0..per_change {
            let record = sign_record(
                base.coop(),
                &asha.member,
                deps.clone(),
                T + 1 + n as i64,
                rename(&format!("Asha {n}")),
            );
            deps = vec![record.id()];
            let (key, mut json) = entry(&record);
            if bad_record == Some(n) {
                let sig = record.sig().to_string();
                json = json.replace(&sig, &garbled(record.sig()).to_string());
            }
            puts.push((key, json));
            n += 1;
        }
        let change = forge_change(
            &mut base,
            &asha.device.public(),
            &puts,
            &asha.device,
            T + c as i64,
        );
        let admitted = base.admit(vec![change.clone()], Trust::OwnStore);
        assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
        out.push(change);
    }
    (a, out)
}

#[test]
fn one_bad_signature_among_ten_thousand_records_refuses_exactly_what_the_rules_refuse() {
    // 100 changes of 100 records in one frame; record 6,050 (in change 60) is forged.
    let (a, batch) = big_history(100, 100, Some(6_050));
    let mut receiver = fresh(a.coop());
    let admitted = receiver.admit(batch.clone(), NOW);
    // Change 60 is refused for its record; the 39 after it build on it, so they wait for
    // a dep that never comes; the genesis and changes 0 to 59 apply.
    assert_eq!(admitted.applied.len(), 61);
    assert_eq!(admitted.rejected.len(), 40);
    let first = admitted
        .rejected
        .iter()
        .find(|r| r.hash == Some(hash_of(&batch[61])))
        .expect("change 60 refused");
    assert!(
        matches!(first.reason, Rejection::Record(_)),
        "{:?}",
        first.reason
    );
    assert!(
        admitted
            .rejected
            .iter()
            .filter(|r| r.hash != first.hash)
            .all(|r| matches!(r.reason, Rejection::MissingDeps(_)))
    );
    assert_eq!(receiver.fold().len(), 1 + 6_000);
    // Checking every change alone refuses exactly the same.
    let mut alone = fresh(a.coop());
    let mut applied = 0;
    for change in &batch {
        applied += alone.admit(vec![change.clone()], NOW).applied.len();
    }
    assert_eq!(applied, 61);
    assert_eq!(outcome(&mut alone), outcome(&mut receiver));
}

#[test]
fn a_garbled_device_signature_under_a_verified_later_change_is_vouched_for() {
    // The bytes of change 30 are fixed by the hash that change 99's verified signature
    // covers, so its own (garbled) signature is not what makes it authentic.
    let (a, mut batch) = big_history(100, 2, None);
    batch[31] = with_sig(&batch[31], garbled(batch[31].sig));
    let mut receiver = fresh(a.coop());
    let admitted = receiver.admit(batch.clone(), NOW);
    assert!(admitted.rejected.is_empty(), "{:?}", admitted.rejected);
    assert_eq!(admitted.applied.len(), 101);
    // Alone (no later change in its batch), the garbled one is refused.
    let mut alone = fresh(a.coop());
    alone.admit(batch[..31].to_vec(), NOW);
    let admitted = alone.admit(vec![batch[31].clone()], NOW);
    assert!(matches!(
        admitted.rejected[0].reason,
        Rejection::BadSignature(_)
    ));
}

#[test]
fn when_the_newest_change_is_held_back_the_last_admitted_one_is_checked_alone() {
    // Change 99 claims a time far in the future: held back, it vouches for nothing, so
    // change 98 (garbled here) is checked by its own signature and refused.
    let (a, mut batch) = big_history(100, 1, None);
    let future = {
        let asha = Person::seeded(1, "Asha");
        let mut base = fresh(a.coop());
        base.admit(batch[..100].to_vec(), NOW);
        let record = sign_record(
            a.coop(),
            &asha.member,
            base.fold().heads(),
            T + 1_000_000_000_000,
            rename("from the future"),
        );
        forge_change(
            &mut base,
            &asha.device.public(),
            &[entry(&record)],
            &asha.device,
            T,
        )
    };
    batch[100] = future;
    batch[99] = with_sig(&batch[99], garbled(batch[99].sig));
    let mut receiver = fresh(a.coop());
    let admitted = receiver.admit(batch.clone(), Trust::Verify { now: T + 1_000_000 });
    let reasons: Vec<String> = admitted
        .rejected
        .iter()
        .map(|r| format!("{:?}", r.reason))
        .collect();
    assert_eq!(admitted.applied.len(), 99, "{reasons:?}");
    // Change 98 is refused by its own signature; change 99 then lacks its dep.
    assert_eq!(admitted.rejected.len(), 2, "{reasons:?}");
    assert_eq!(
        admitted.rejected[0].hash,
        Some(hash_of(&batch[99])),
        "{reasons:?}"
    );
    assert!(reasons[0].starts_with("BadSignature"), "{reasons:?}");
    assert!(reasons[1].starts_with("MissingDeps"), "{reasons:?}");
}
