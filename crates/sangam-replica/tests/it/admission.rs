//! THREATS.md 1–4, 7, 16, 17, 19: what a change must prove before it touches the document.

use sangam_model::{Refusal, Standing};
use sangam_replica::{Rejection, Replica, Trust};
use sangam_testkit::*;

const T: i64 = 1_700_000_000_000;

/// Asha founds, admits Bo; Bo's laptop joins (binding its device). Returns both replicas,
/// in sync.
fn asha_and_bo() -> (Person, Person, Replica, Replica) {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = copy_of(&mut a, &bo.device);
    let (_, change) = b
        .write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
        .expect("bootstrap");
    let admitted = a.admit(raw(&[change]), Trust::Verify { now: i64::MAX });
    assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
    (asha, bo, a, b)
}

fn reason(admitted: &sangam_replica::Admitted) -> &Rejection {
    assert!(
        admitted.applied.is_empty(),
        "expected a rejection, got {:?}",
        admitted.applied
    );
    &admitted.rejected.first().expect("one rejection").reason
}

#[test]
fn a_newcomer_device_binds_itself_and_both_sides_agree() {
    let (_, bo, a, b) = asha_and_bo();
    assert_eq!(a.state(), b.state());
    assert_eq!(a.heads(), b.heads());
    assert!(
        a.state()
            .devices
            .iter()
            .any(|d| d.key == bo.device.public() && d.member == bo.key())
    );
}

#[test]
fn a_non_members_change_is_rejected_and_the_document_is_untouched() {
    let (asha, _, mut a, _) = asha_and_bo();
    let mallory = Person::seeded(9, "Mallory");
    let before = (a.heads(), a.state());
    // Mallory signs an admission of herself and puts it in a change from her own device.
    let heads = a.fold().heads();
    let record = sign_record(a.coop(), &mallory.member, heads, T + 5, admit(&mallory));
    let change = forge_change(
        &mut a,
        &mallory.device.public(),
        &[entry(&record)],
        &mallory.device,
        T + 5,
    );
    let admitted = a.admit(vec![change], Trust::Verify { now: i64::MAX });
    assert!(matches!(
        reason(&admitted),
        Rejection::Refused(Refusal::NotAMember(_))
    ));
    assert_eq!((a.heads(), a.state()), before);
    // Even relayed by an honest member's device, a record by a non-member is refused.
    let relayed = forge_change(
        &mut a,
        &asha.device.public(),
        &[entry(&record)],
        &asha.device,
        T + 6,
    );
    assert!(matches!(
        reason(&a.admit(vec![relayed], Trust::Verify { now: i64::MAX })),
        Rejection::Refused(Refusal::NotAMember(_))
    ));
}

#[test]
fn a_members_record_from_an_unbound_device_is_rejected() {
    let (_, bo, mut a, _) = asha_and_bo();
    let spare = bo.other_device(7);
    let record = sign_record(
        a.coop(),
        &bo.member,
        a.fold().heads(),
        T + 5,
        rename("Bo 2"),
    );
    let change = forge_change(&mut a, &spare.public(), &[entry(&record)], &spare, T + 5);
    assert!(matches!(
        reason(&a.admit(vec![change], Trust::Verify { now: i64::MAX })),
        Rejection::DeviceNotAllowed(_)
    ));
}

#[test]
fn actor_id_squatting_is_rejected_and_the_real_change_still_applies() {
    let (asha, bo, mut a, mut b) = asha_and_bo();
    let mallory = Person::seeded(9, "Mallory");
    // Mallory forges a change under Bo's device actor id and its next sequence number.
    let record = sign_record(
        a.coop(),
        &bo.member,
        a.fold().heads(),
        T + 5,
        rename("Bo the Forged"),
    );
    let forged = forge_change(
        &mut a,
        &bo.device.public(),
        &[entry(&record)],
        &mallory.device,
        T + 5,
    );
    let before = (a.heads(), a.state());
    assert!(matches!(
        reason(&a.admit(vec![forged], Trust::Verify { now: i64::MAX })),
        Rejection::BadSignature(_)
    ));
    assert_eq!((a.heads(), a.state()), before, "the forgery left no trace");
    // Bo's real change with the same sequence number applies.
    let (_, real) = b
        .write(rename("Bo Real"), &bo.member, &bo.device, T + 6)
        .expect("write");
    let admitted = a.admit(raw(&[real]), Trust::Verify { now: i64::MAX });
    assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
    assert_eq!(a.state().member(&bo.key()).expect("bo").name, "Bo Real");
    let _ = asha;
}

#[test]
fn overwriting_or_adding_foreign_ops_is_rejected_whatever_the_actor_id() {
    let (asha, _, mut a, _) = asha_and_bo();
    // A high actor id gains nothing: any op other than a new record is refused.
    let genesis_key = a.coop().to_string();
    let overwrite = forge_change(
        &mut a,
        &asha.device.public(),
        &[(genesis_key, "{}".into())],
        &asha.device,
        T + 5,
    );
    assert!(matches!(
        reason(&a.admit(vec![overwrite], Trust::Verify { now: i64::MAX })),
        Rejection::ForeignOp(_)
    ));
    let record = sign_record(a.coop(), &asha.member, a.fold().heads(), T + 5, rename("A"));
    let wrong_key = forge_change(
        &mut a,
        &asha.device.public(),
        &[("x".into(), record.json().into())],
        &asha.device,
        T + 5,
    );
    assert!(matches!(
        reason(&a.admit(vec![wrong_key], Trust::Verify { now: i64::MAX })),
        Rejection::KeyMismatch
    ));
}

#[test]
fn a_removed_members_later_change_is_rejected_but_earlier_ones_stand() {
    let (asha, bo, mut a, mut b) = asha_and_bo();
    // Bo writes before hearing of his removal: concurrent, valid where written.
    let (_, before_removal) = b
        .write(rename("Bo Early"), &bo.member, &bo.device, T + 5)
        .expect("write");
    let (_, removal) = a
        .write(remove(&bo), &asha.member, &asha.device, T + 6)
        .expect("remove");
    assert_eq!(
        a.admit(raw(&[before_removal]), Trust::Verify { now: i64::MAX })
            .applied
            .len(),
        1
    );
    // Bo learns of it; his own laptop refuses to write...
    assert_eq!(
        b.admit(raw(&[removal]), Trust::Verify { now: i64::MAX })
            .rejected,
        vec![]
    );
    assert!(
        b.write(rename("Bo Late"), &bo.member, &bo.device, T + 7)
            .is_err()
    );
    // ...and a hand-made change with the removal in its past is refused by everyone.
    let record = sign_record(
        b.coop(),
        &bo.member,
        b.fold().heads(),
        T + 1,
        rename("Bo Late"),
    );
    let late = forge_change(
        &mut b,
        &bo.device.public(),
        &[entry(&record)],
        &bo.device,
        T + 7,
    );
    assert!(matches!(
        reason(&a.admit(vec![late], Trust::Verify { now: i64::MAX })),
        Rejection::Refused(Refusal::NotAMember(_))
    ));
    let state = a.state();
    assert_eq!(
        state.member(&bo.key()).expect("bo").standing,
        Standing::Removed
    );
    assert_eq!(state.member(&bo.key()).expect("bo").name, "Bo Early");
}

#[test]
fn a_revoked_devices_later_changes_are_rejected_and_its_earlier_ones_stay() {
    let (_, bo, mut a, mut b) = asha_and_bo();
    let laptop2 = bo.other_device(2);
    let (_, bind2) = b
        .write(add_device(&laptop2), &bo.member, &bo.device, T + 5)
        .expect("bind");
    a.admit(raw(&[bind2]), Trust::Verify { now: i64::MAX });
    let mut lost = copy_of(&mut a, &bo.device);
    let (_, before) = lost
        .write(
            rename("Written on the lost laptop"),
            &bo.member,
            &bo.device,
            T + 6,
        )
        .expect("w");
    // From the second laptop Bo revokes the lost one.
    let mut second = copy_of(&mut a, &laptop2);
    let revoke = sangam_model::Body::DeviceRevoke(sangam_model::body::DeviceRevoke {
        device: bo.device.public(),
    });
    let (_, revocation) = second
        .write(revoke, &bo.member, &laptop2, T + 7)
        .expect("revoke");
    assert_eq!(
        a.admit(
            raw(std::slice::from_ref(&revocation)),
            Trust::Verify { now: i64::MAX }
        )
        .applied
        .len(),
        1
    );
    // What the lost laptop signed before the revocation still counts.
    assert_eq!(
        a.admit(
            raw(std::slice::from_ref(&before)),
            Trust::Verify { now: i64::MAX }
        )
        .applied
        .len(),
        1
    );
    // Whoever holds it now, after seeing the revocation, is refused.
    lost.admit(raw(&[revocation]), Trust::Verify { now: i64::MAX });
    let record = sign_record(
        a.coop(),
        &bo.member,
        lost.fold().heads(),
        T + 8,
        rename("Thief"),
    );
    let after = forge_change(
        &mut lost,
        &bo.device.public(),
        &[entry(&record)],
        &bo.device,
        T + 8,
    );
    assert!(matches!(
        reason(&a.admit(vec![after], Trust::Verify { now: i64::MAX })),
        Rejection::DeviceNotAllowed(_)
    ));
    assert_eq!(
        a.state().member(&bo.key()).expect("bo").name,
        "Written on the lost laptop"
    );
}

#[test]
fn a_fresh_peer_validates_the_whole_history_from_genesis() {
    let (asha, _, mut a, _) = asha_and_bo();
    let mallory = Person::seeded(9, "Mallory");
    // A hostile peer offers a history under a genesis of its own making.
    let (mut fake, _) = found(&mallory, T);
    let mut fresh = Replica::new(a.coop(), asha.other_device(3).public());
    let admitted = fresh.admit(
        raw(&fake.changes_since(&[])),
        Trust::Verify { now: i64::MAX },
    );
    assert!(admitted.applied.is_empty());
    // Its device signature binds the fake co-op id, so it fails for this co-op.
    assert!(matches!(
        admitted.rejected[0].reason,
        Rejection::BadSignature(_) | Rejection::WrongCoop
    ));
    // The real history with one change dropped: everything after it is refused as missing.
    let mut history = raw(&a.changes_since(&[]));
    history.remove(1);
    let mut fresh = Replica::new(a.coop(), asha.other_device(3).public());
    let admitted = fresh.admit(history, Trust::Verify { now: i64::MAX });
    assert_eq!(admitted.applied.len(), 1);
    assert!(
        admitted
            .rejected
            .iter()
            .all(|r| matches!(r.reason, Rejection::MissingDeps(_)))
    );
    // The real history in any order converges to the same state.
    let mut history = raw(&a.changes_since(&[]));
    history.reverse();
    let mut fresh = Replica::new(a.coop(), asha.other_device(3).public());
    assert!(
        fresh
            .admit(history, Trust::Verify { now: i64::MAX })
            .rejected
            .is_empty()
    );
    assert_eq!(fresh.state(), a.state());
}

#[test]
fn oversized_and_garbage_changes_are_refused_before_decoding() {
    let (_, _, mut a, _) = asha_and_bo();
    let before = a.heads();
    let sig = sangam_model::Signature::from_bytes([0; 64]);
    let huge = sangam_replica::RawChange {
        bytes: vec![0u8; sangam_replica::change::MAX_CHANGE_BYTES + 1],
        sig,
    };
    let garbage = sangam_replica::RawChange {
        bytes: b"not a change at all".to_vec(),
        sig,
    };
    let admitted = a.admit(vec![huge, garbage], Trust::Verify { now: i64::MAX });
    assert!(matches!(
        admitted.rejected[0].reason,
        Rejection::TooLarge(_)
    ));
    assert!(matches!(
        admitted.rejected[1].reason,
        Rejection::Undecodable(_)
    ));
    assert_eq!(a.heads(), before);
}

#[test]
fn a_huge_string_record_is_refused() {
    let (asha, _, mut a, _) = asha_and_bo();
    let huge = "x".repeat(200_000);
    let key = a.coop().to_string() + "0";
    let change = forge_change(
        &mut a,
        &asha.device.public(),
        &[(key, huge)],
        &asha.device,
        T + 5,
    );
    let admitted = a.admit(vec![change], Trust::Verify { now: i64::MAX });
    assert!(matches!(reason(&admitted), Rejection::Record(_)));
}

#[test]
fn a_record_put_again_by_another_change_changes_nothing_and_splits_nobody() {
    let (asha, bo, mut a, mut b) = asha_and_bo();
    let (record, first) = a
        .write(rename("Asha R"), &asha.member, &asha.device, T + 5)
        .expect("write");
    // Bo's device, before it has Asha's change, puts her record again in a change of its own.
    let again = forge_change(
        &mut b,
        &bo.device.public(),
        &[entry(&record)],
        &bo.device,
        T + 6,
    );
    let state = a.state();
    let admitted = a.admit(vec![again.clone()], Trust::Verify { now: i64::MAX });
    assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
    assert_eq!(a.state(), state, "the second copy changes nothing");
    // A peer that sees the copy first still accepts the original afterwards.
    let admitted = b.admit(vec![again, first.to_raw()], Trust::Verify { now: i64::MAX });
    assert_eq!(admitted.applied.len(), 2, "{:?}", admitted.rejected);
    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.state(), b.state());
}

#[test]
fn a_record_dated_in_the_future_is_held_back_until_its_time() {
    let (asha, _, mut a, _) = asha_and_bo();
    let hour = 3_600_000;
    let mut future = copy_of(&mut a, &asha.device);
    let (_, change) = future
        .write(rename("Early bird"), &asha.member, &asha.device, T + hour)
        .expect("write");
    let mut peer = copy_of(&mut a, &Person::seeded(3, "Cy").device);
    let now = T + 10;
    let admitted = peer.admit(raw(std::slice::from_ref(&change)), Trust::Verify { now });
    assert!(matches!(reason(&admitted), Rejection::FromTheFuture(_)));
    let admitted = peer.admit(raw(&[change]), Trust::Verify { now: T + hour });
    assert_eq!(admitted.applied.len(), 1, "{:?}", admitted.rejected);
}

/// A member's device numbers a change's operations up to what Automerge decodes: were it
/// admitted, every later change (which starts one past the largest counter admitted)
/// would be one that peers cannot decode, and the co-op could no longer write.
#[test]
fn a_change_that_runs_its_op_counters_out_is_refused_and_writes_go_on() {
    use automerge::legacy::{Key, ObjectId, Op, OpType, SortedVec};
    let (asha, bo, mut a, b) = asha_and_bo();
    let record = sign_record(a.coop(), &bo.member, a.fold().heads(), T + 5, rename("Bo"));
    let limit = sangam_replica::replica::MAX_OP_COUNTER;
    for start in [u64::from(u32::MAX), limit + 1, u64::MAX - 1] {
        let change = automerge::Change::from(automerge::ExpandedChange {
            operations: vec![Op {
                action: OpType::Put(automerge::ScalarValue::Str(record.json().into())),
                obj: ObjectId::Root,
                key: Key::Map(record.id().to_string().into()),
                pred: SortedVec::new(),
                insert: false,
            }],
            actor_id: automerge::ActorId::from(bo.device.public().as_bytes()),
            hash: None,
            seq: 2,
            start_op: std::num::NonZeroU64::new(start).expect("not 0"),
            time: 0,
            message: None,
            deps: b.heads(),
            extra_bytes: Vec::new(),
            author: None,
        });
        let signed = sangam_replica::change::sign_change(
            a.coop(),
            change.hash(),
            change.raw_bytes().to_vec(),
            &bo.device,
        );
        let refused = reason(&a.admit(raw(&[signed]), Trust::Verify { now: i64::MAX })).clone();
        if start <= u64::from(u32::MAX) {
            assert_eq!(refused, Rejection::OpCounter(start));
        } else {
            // Automerge itself refuses to decode it.
            assert!(matches!(refused, Rejection::Undecodable(_)), "{refused:?}");
        }
    }
    let (_, change) = a
        .write(rename("Asha"), &asha.member, &asha.device, T + 6)
        .expect("Asha still writes");
    let mut b = b;
    let taken = b.admit(raw(&[change]), Trust::Verify { now: i64::MAX });
    assert_eq!(taken.applied.len(), 1, "{:?}", taken.rejected);
}
