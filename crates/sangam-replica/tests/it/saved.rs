//! A replica saved by one process and opened by the next: it judges, writes and syncs as
//! the same replica replayed from the log does, having read almost no record bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use sangam_model::fold::bodies_here;
use sangam_replica::{ChangeHash, ChangeLog, LogError, Replica, SavedDocument, Trust};
use sangam_testkit::*;

const T: i64 = 1_700_000_000_000;

/// A change log in memory, counting what is read from it.
#[derive(Default)]
struct MemLog {
    changes: HashMap<ChangeHash, Vec<u8>>,
    document: Option<SavedDocument>,
    reads: Mutex<usize>,
}

impl ChangeLog for MemLog {
    fn changes(&self, hashes: &[ChangeHash]) -> Result<Vec<Vec<u8>>, LogError> {
        *self.reads.lock().expect("not poisoned") += hashes.len();
        hashes
            .iter()
            .map(|h| self.changes.get(h).cloned().ok_or(LogError::Missing(*h)))
            .collect()
    }

    fn saved_document(&self) -> Result<Option<SavedDocument>, LogError> {
        Ok(self.document.clone())
    }
}

fn log_of(replica: &mut Replica, document: Option<SavedDocument>) -> MemLog {
    MemLog {
        document,
        changes: replica
            .changes_since(&[])
            .into_iter()
            .map(|c| (c.hash, c.bytes))
            .collect(),
        reads: Mutex::new(0),
    }
}

fn replayed(replica: &mut Replica, device: &sangam_model::SecretKey) -> Replica {
    let (copy, admitted, _) = Replica::restore(
        replica.coop(),
        device.public(),
        None,
        raw(&replica.changes_since(&[])),
    );
    assert!(admitted.rejected.is_empty());
    copy
}

/// Syncs by exchanging every change each lacks (the sync protocol has tests of its own).
fn exchange(a: &mut Replica, b: &mut Replica) {
    let to_b = raw(&a.changes_since(&b.heads()));
    let to_a = raw(&b.changes_since(&a.heads()));
    assert!(
        b.admit(to_b, Trust::Verify { now: i64::MAX })
            .rejected
            .is_empty()
    );
    assert!(
        a.admit(to_a, Trust::Verify { now: i64::MAX })
            .rejected
            .is_empty()
    );
}

/// Two members write, concurrently and not, with exchanges at random points: `steps`
/// says who writes what and when they meet.
fn grown(steps: &[u8]) -> (Replica, Replica, Person, Person) {
    let (asha, bo) = (Person::seeded(1, "Asha"), Person::seeded(2, "Bo"));
    let (mut a, _) = found(&asha, T);
    a.write(admit(&bo), &asha.member, &asha.device, T + 1)
        .expect("admit");
    let mut b = Replica::new(a.coop(), bo.device.public());
    exchange(&mut a, &mut b);
    b.write(add_device(&bo.device), &bo.member, &bo.device, T + 2)
        .expect("bind");
    exchange(&mut a, &mut b);
    for (i, step) in steps.iter().enumerate() {
        let at = T + 10 + i as i64;
        match step % 6 {
            0 | 1 => {
                a.write(rename(&format!("Asha {i}")), &asha.member, &asha.device, at)
                    .expect("a writes");
            }
            2 | 3 => {
                b.write(rename(&format!("Bo {i}")), &bo.member, &bo.device, at)
                    .expect("b writes");
            }
            4 => {
                let newcomer = Person::seeded(10 + (i % 200) as u8, "New");
                // Refused if already admitted: a refused write changes nothing.
                let _ = a.write(admit(&newcomer), &asha.member, &asha.device, at);
            }
            _ => exchange(&mut a, &mut b),
        }
    }
    (a, b, asha, bo)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_replica_opened_saved_is_the_replica_replayed(
        steps in proptest::collection::vec(any::<u8>(), 0..60),
        with_document in any::<bool>(),
    ) {
        let (mut a, mut b, asha, _) = grown(&steps);
        let state = a.save_state().expect("an ordinary replica saves");
        let document = if with_document { a.save_document() } else { None };
        let log = Arc::new(log_of(&mut a, document));
        let mut opened = Replica::open_saved(
            a.coop(), asha.device.public(), &state, log.clone(),
        ).expect("opens");
        let mut replay = replayed(&mut a, &asha.device);
        prop_assert_eq!(opened.differences(&replay), Vec::<String>::new());
        prop_assert_eq!(opened.state(), replay.state());

        // The same write on both is the same change, byte for byte.
        let at = T + 100_000;
        let (_, one) = opened.write(rename("Asha again"), &asha.member, &asha.device, at)
            .expect("opened writes");
        let (_, two) = replay.write(rename("Asha again"), &asha.member, &asha.device, at)
            .expect("replay writes");
        prop_assert_eq!(&one.bytes, &two.bytes);
        prop_assert_eq!(opened.differences(&replay), Vec::<String>::new());

        // It syncs: what the document lacks comes from the log.
        exchange(&mut opened, &mut b);
        prop_assert_eq!(opened.heads(), b.heads());
        let saved = opened.save_document().expect("the document is whole");
        prop_assert_eq!(saved.heads.as_deref(), Some(&b.heads()[..]));
    }
}

#[test]
fn opening_saved_reads_no_bodies_but_authority_ones() {
    let steps: Vec<u8> = (0..400).map(|i| [0u8, 2, 0, 2, 5][i % 5]).collect();
    let (mut a, _, asha, _) = grown(&steps);
    let state = a.save_state().expect("saves");
    let log = Arc::new(log_of(&mut a, None));
    let mut opened =
        Replica::open_saved(a.coop(), asha.device.public(), &state, log.clone()).expect("opens");
    let placed = opened.fold().len();
    // Genesis, Bo's admission and Bo's device: the authority records.
    assert_eq!(bodies_here(opened.fold()), 3, "of {placed} records");
    assert_eq!(*log.reads.lock().expect("not poisoned"), 0);
    opened
        .write(
            rename("Asha once more"),
            &asha.member,
            &asha.device,
            T + 1_000_000,
        )
        .expect("writes");
    // Judging a rename reads no other record: only the new one is added.
    assert_eq!(bodies_here(opened.fold()), 4);
    assert_eq!(*log.reads.lock().expect("not poisoned"), 0);
    // Reading every record reads them from the log.
    let names: Vec<String> = opened
        .fold()
        .ordered()
        .iter()
        .map(|p| p.record.kind().to_string())
        .collect();
    assert_eq!(names.len(), placed + 1);
    let _ = opened.state().members.len();
    for p in opened.fold().ordered() {
        let _ = p.record.author();
    }
    assert_eq!(bodies_here(opened.fold()), placed + 1);
}

#[test]
fn a_saved_state_of_another_coop_or_version_is_not_opened() {
    let (mut a, _, asha, _) = grown(&[0, 2, 5]);
    let mut state = a.save_state().expect("saves");
    let log = Arc::new(log_of(&mut a, None));
    let (other, _) = found(&Person::seeded(9, "Else"), T);
    assert!(Replica::open_saved(other.coop(), asha.device.public(), &state, log.clone()).is_err());
    // The version comes first.
    state[0] = state[0].wrapping_add(1);
    assert!(Replica::open_saved(a.coop(), asha.device.public(), &state, log).is_err());
}
