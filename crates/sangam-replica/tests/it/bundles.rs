//! THREATS.md 17: bundles that are truncated, corrupted or random never panic and are
//! refused whole.

use proptest::prelude::*;
use sangam_replica::{Bundle, BundleError, SavedDocument, Trust};
use sangam_testkit::*;

/// Asha admits the seeded members `ns`, one change each.
fn admit_all(a: &mut sangam_replica::Replica, asha: &Person, ns: std::ops::Range<u8>) {
    for n in ns {
        a.write(
            admit(&Person::seeded(n, "M")),
            &asha.member,
            &asha.device,
            1_000 + n as i64,
        )
        .expect("admit");
    }
}

fn sample() -> (sangam_replica::Replica, Vec<u8>) {
    let asha = Person::seeded(1, "Asha");
    let (mut a, _) = found(&asha, 1_000);
    admit_all(&mut a, &asha, 2..6);
    let bundle = Bundle {
        coop: a.coop(),
        heads: a.heads(),
        changes: raw(&a.changes_since(&[])),
    };
    let bytes = bundle.encode();
    (a, bytes)
}

#[test]
fn a_bundle_round_trips_and_rebuilds_the_same_state() {
    let (a, bytes) = sample();
    let bundle = Bundle::decode(&bytes).expect("decodes");
    assert_eq!(bundle.heads, a.heads());
    let mut fresh =
        sangam_replica::Replica::new(bundle.coop, Person::seeded(7, "X").device.public());
    let admitted = fresh.admit(bundle.changes, Trust::Verify { now: i64::MAX });
    assert!(admitted.rejected.is_empty());
    assert_eq!(fresh.state(), a.state());
}

#[test]
fn truncated_and_corrupted_bundles_are_refused() {
    let (_, bytes) = sample();
    for cut in [0, 5, 9, 40, bytes.len() / 2, bytes.len() - 1] {
        assert!(Bundle::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert_eq!(Bundle::decode(&flipped), Err(BundleError::Corrupt));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Bundle::decode(&longer).is_err());
    assert_eq!(
        Bundle::decode(b"PK\x03\x04 a zip file"),
        Err(BundleError::NotABundle)
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = Bundle::decode(&bytes);
        let mut with_magic = b"SANGAMB\n\x01".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = Bundle::decode(&with_magic);
    }

    #[test]
    fn any_single_byte_change_is_detected(at in any::<prop::sample::Index>(), bit in 0..8u8) {
        let (_, bytes) = sample();
        let mut mutated = bytes.clone();
        let i = at.index(mutated.len());
        mutated[i] ^= 1 << bit;
        prop_assert!(Bundle::decode(&mutated).is_err());
    }
}

/// A home reopening from a snapshot saved mid-history and the log after it: the document
/// holds every change (those of the snapshot and those after), and a new write builds on
/// all of them.
#[test]
fn a_replay_onto_a_snapshot_holds_every_change_and_writes_on_top() {
    let asha = Person::seeded(1, "Asha");
    let (mut a, _) = found(&asha, 1_000);
    admit_all(&mut a, &asha, 2..3);
    let saved = a.save_document().expect("whole");
    admit_all(&mut a, &asha, 3..6);
    let log = raw(&a.changes_since(&[]));
    let legacy = SavedDocument {
        heads: None,
        ..saved.clone()
    };
    let damaged = SavedDocument {
        bytes: b"not a document".to_vec(),
        heads: None,
    };
    for snapshot in [Some(saved), Some(legacy), Some(damaged), None] {
        let damaged = snapshot
            .as_ref()
            .is_some_and(|s| s.bytes == b"not a document".as_slice());
        let (mut b, admitted, used) = sangam_replica::Replica::restore(
            a.coop(),
            asha.device.public(),
            snapshot.clone(),
            log.clone(),
        );
        assert_eq!(used, snapshot.is_some() && !damaged);
        assert!(admitted.rejected.is_empty(), "{:?}", admitted.rejected);
        assert_eq!(b.heads(), a.heads());
        assert_eq!(
            b.changes_since(&[]).len(),
            log.len(),
            "every change is in the document"
        );
        let (_, change) = b
            .write(rename("Asha"), &asha.member, &asha.device, 2_000)
            .expect("write on top");
        let mut a_copy = copy_of(&mut a, &Person::seeded(9, "X").device);
        let taken = a_copy.admit(raw(&[change]), Trust::Verify { now: i64::MAX });
        assert_eq!(taken.applied.len(), 1, "{:?}", taken.rejected);
        assert!(!b.needs_rebuild());
    }
}

/// A saved document is not trusted over the log: one whose heads the log lacks is not
/// used (the document never holds a change the log lacks), and one that turns out not to
/// load when it is first needed marks the replica for a replay from the log.
#[test]
fn a_snapshot_the_log_does_not_back_is_not_used() {
    let asha = Person::seeded(1, "Asha");
    let (mut a, _) = found(&asha, 1_000);
    admit_all(&mut a, &asha, 2..4);
    let log = raw(&a.changes_since(&[]));
    admit_all(&mut a, &asha, 4..5);
    let ahead = a.save_document().expect("whole");
    let (mut b, admitted, used) =
        sangam_replica::Replica::restore(a.coop(), asha.device.public(), Some(ahead), log.clone());
    assert!(!used, "the snapshot holds a change the log lacks");
    assert!(admitted.rejected.is_empty());
    assert_eq!(b.changes_since(&[]).len(), log.len());
    assert_eq!(b.doc().get_heads(), b.heads());

    let bogus = SavedDocument {
        bytes: b"not a document".to_vec(),
        heads: Some(b.heads()),
    };
    let (mut c, _, used) =
        sangam_replica::Replica::restore(a.coop(), asha.device.public(), Some(bogus), log);
    assert!(used, "heads known: not loaded until needed");
    assert!(!c.needs_rebuild());
    let _ = c.doc();
    assert!(
        c.needs_rebuild(),
        "a snapshot that does not load asks for a replay"
    );
}
