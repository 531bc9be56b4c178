//! A replica saved by one process and opened by the next: it judges, writes and syncs as
//! the same replica replayed from the log does, having read almost no record bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use sangam_model::fold::bodies_here;
use sangam_replica::{ChangeHash, ChangeLog, LogError, RawChange, Replica, SavedDocument, Trust};
use sangam_testkit::*;

const T: i64 = 1_700_000_000_000;

/// A change log in memory, counting what is read from it.
#[derive(Default)]
struct MemLog {
    changes: HashMap<ChangeHash, Vec<u8>>,
    /// Every change in the order stored: its numbering is a change's place, from 1.
    ordered: Vec<RawChange>,
    /// A saved replica's whole state, with the place it covers up to.
    whole: Option<(i64, Vec<u8>)>,
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

    fn saved_state(&self, covers: i64) -> Result<Option<(i64, Vec<u8>)>, LogError> {
        Ok(self.whole.clone().filter(|(at, _)| *at <= covers))
    }

    fn changes_between(&self, after: i64, through: i64) -> Result<Vec<RawChange>, LogError> {
        Ok(self.ordered[after as usize..through as usize].to_vec())
    }
}

fn log_of(replica: &mut Replica, document: Option<SavedDocument>) -> MemLog {
    let all = replica.changes_since(&[]);
    MemLog {
        document,
        ordered: raw(&all),
        whole: None,
        changes: all.into_iter().map(|c| (c.hash, c.bytes)).collect(),
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
            a.coop(), asha.device.public(), &state.whole, log.clone(),
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
    let mut opened = Replica::open_saved(a.coop(), asha.device.public(), &state.whole, log.clone())
        .expect("opens");
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
    let state = a.save_state().expect("saves");
    let log: Arc<MemLog> = Arc::new(log_of(&mut a, None));
    let (other, _) = found(&Person::seeded(9, "Else"), T);
    let device = asha.device.public();
    assert!(Replica::open_saved(other.coop(), device, &state.whole, log.clone()).is_err());
    assert!(Replica::open_core(other.coop(), device, &state.core, 0, log.clone()).is_err());
    // The version comes first.
    for mut bytes in [state.whole.clone(), state.core.clone()] {
        bytes[0] = bytes[0].wrapping_add(1);
        assert!(Replica::open_saved(a.coop(), device, &bytes, log.clone()).is_err());
        assert!(Replica::open_core(a.coop(), device, &bytes, 0, log.clone()).is_err());
    }
}

/// How a test keeps a replica's whole state beside its core.
#[derive(Debug, Clone, Copy)]
enum Whole {
    /// Saved with the core.
    WithCore,
    /// Saved `n` changes before the core (the rest is it and the log after).
    Before(usize),
    /// Not kept (replaced by a newer one): the rest is the log, replayed.
    Lost,
}

/// `a`'s log with its whole state kept as `whole` says, and `a` opened from a core saved
/// covering all of it.
fn opened_from_core(a: &mut Replica, device: &Person, whole: Whole) -> (Replica, Arc<MemLog>) {
    let state = a.save_state().expect("an ordinary replica saves");
    let mut log = log_of(a, None);
    let covers = log.ordered.len() as i64;
    match whole {
        Whole::WithCore => log.whole = Some((covers, state.whole)),
        Whole::Before(n) => {
            // The replica as it was `n` changes back in the log, saved whole.
            let at = log.ordered.len().saturating_sub(n);
            let (earlier, admitted, _) = Replica::restore(
                a.coop(),
                device.device.public(),
                None,
                log.ordered[..at].to_vec(),
            );
            assert!(admitted.rejected.is_empty());
            if let Some(state) = earlier.save_state() {
                log.whole = Some((at as i64, state.whole));
            }
        }
        Whole::Lost => {}
    }
    let log = Arc::new(log);
    let opened = Replica::open_core(
        a.coop(),
        device.device.public(),
        &state.core,
        covers,
        log.clone(),
    )
    .expect("the core opens");
    (opened, log)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_replica_opened_from_its_core_writes_as_the_replica_replayed(
        steps in proptest::collection::vec(any::<u8>(), 0..60),
        whole in prop_oneof![
            Just(Whole::WithCore),
            (0usize..30).prop_map(Whole::Before),
            Just(Whole::Lost),
        ],
    ) {
        let (mut a, mut b, asha, _) = grown(&steps);
        let (mut opened, _) = opened_from_core(&mut a, &asha, whole);
        let mut replay = replayed(&mut a, &asha.device);
        prop_assert!(opened.rest_is_unread());
        prop_assert_eq!(opened.change_count(), replay.change_count());
        prop_assert_eq!(opened.fold().len(), replay.fold().len());
        prop_assert_eq!(opened.state(), replay.state());

        // The same writes on both are the same changes, byte for byte, and a profile
        // update is judged by the core alone.
        for i in 0..3 {
            let at = T + 100_000 + i;
            let name = format!("Asha again {i}");
            let (_, one) = opened.write(rename(&name), &asha.member, &asha.device, at)
                .expect("opened writes");
            let (_, two) = replay.write(rename(&name), &asha.member, &asha.device, at)
                .expect("replay writes");
            prop_assert_eq!(&one.bytes, &two.bytes);
        }
        prop_assert!(opened.rest_is_unread());
        prop_assert_eq!(opened.state(), replay.state());

        // Everything else reads the rest, from the saved state or, when another save has
        // replaced it, from the log: the same replica either way.
        prop_assert_eq!(opened.differences(&replay), Vec::<String>::new());
        prop_assert!(!opened.rest_is_unread());

        // It syncs: what the document lacks comes from the log.
        exchange(&mut opened, &mut b);
        prop_assert_eq!(opened.heads(), b.heads());
        let saved = opened.save_document().expect("the document is whole");
        prop_assert_eq!(saved.heads.as_deref(), Some(&b.heads()[..]));
    }

    #[test]
    fn a_replica_opened_from_its_core_admits_a_peers_changes_as_the_replay_does(
        steps in proptest::collection::vec(any::<u8>(), 0..40),
        later in proptest::collection::vec(any::<u8>(), 0..20),
    ) {
        let (mut a, mut b, asha, bo) = grown(&steps);
        let (mut opened, _) = opened_from_core(&mut a, &asha, Whole::Before(3));
        let mut replay = replayed(&mut a, &asha.device);
        // Bo writes on, some of it concurrently with Asha's writes here.
        for (i, step) in later.iter().enumerate() {
            let at = T + 200_000 + i as i64;
            if step % 2 == 0 {
                b.write(rename(&format!("Bo later {i}")), &bo.member, &bo.device, at)
                    .expect("b writes");
            } else {
                let name = format!("Asha later {i}");
                opened.write(rename(&name), &asha.member, &asha.device, at).expect("writes");
                replay.write(rename(&name), &asha.member, &asha.device, at).expect("writes");
            }
        }
        let incoming = raw(&b.changes_since(&[]));
        let one = opened.admit(incoming.clone(), Trust::Verify { now: i64::MAX });
        let two = replay.admit(incoming, Trust::Verify { now: i64::MAX });
        prop_assert_eq!(one.applied.len(), two.applied.len());
        prop_assert!(one.rejected.is_empty() && two.rejected.is_empty());
        prop_assert_eq!(opened.heads(), replay.heads());
        prop_assert_eq!(opened.differences(&replay), Vec::<String>::new());
    }
}
