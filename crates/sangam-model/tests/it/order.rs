//! The fold's law: the same records in any arrival order give the same state and verdicts.

use proptest::prelude::*;
use sangam_model::{Body, CoopId, Fold, Record};

use crate::support::*;

/// One step of a random history: who writes, what, about whom, and which earlier records
/// they had seen (a bitmask over the last eight), so histories branch and merge.
#[derive(Debug, Clone)]
struct Step {
    author: u8,
    action: u8,
    target: u8,
    seen: u8,
}

fn step() -> impl Strategy<Value = Step> {
    (0..5u8, 0..6u8, 0..5u8, any::<u8>()).prop_map(|(author, action, target, seen)| Step {
        author,
        action,
        target,
        seen,
    })
}

/// Builds signed records from the steps. Authors include people never admitted, and
/// actions include ones the rules refuse, so verdicts of every kind appear.
fn history(steps: &[Step]) -> (CoopId, Vec<Record>) {
    let people: Vec<Person> = (1..=5).map(person).collect();
    let g = genesis(&people[0]);
    let coop = g.id();
    let mut records = vec![g];
    for (i, s) in steps.iter().enumerate() {
        let author = &people[s.author as usize];
        let target = &people[s.target as usize];
        let body: Body = match s.action {
            0 | 1 => admit(target, "Someone"),
            2 => remove(target),
            3 => leave(),
            4 => rename(&format!("Name {i}")),
            _ => add_device(&sangam_model::SecretKey::from_seed([200 + s.target; 32])),
        };
        let window = records.len().saturating_sub(8);
        let mut deps: Vec<&Record> = records[window..]
            .iter()
            .enumerate()
            .filter(|(j, _)| s.seen & (1 << j) != 0)
            .map(|(_, r)| r)
            .collect();
        if deps.is_empty() {
            deps.push(records.last().expect("genesis is there"));
        }
        let r = record(coop, author, &deps, 10_000 + i as i64, body);
        records.push(r);
    }
    (coop, records)
}

fn verdicts(fold: &Fold) -> Vec<(sangam_model::RecordId, Result<(), sangam_model::Refusal>)> {
    fold.ordered()
        .iter()
        .map(|p| (p.record.id(), p.verdict.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_arrival_order_folds_to_the_same_state(
        (coop, records, shuffled) in prop::collection::vec(step(), 1..14)
            .prop_map(|steps| history(&steps))
            .prop_flat_map(|(coop, records)| {
                let shuffled = Just(records.clone()).prop_shuffle();
                (Just(coop), Just(records), shuffled)
            })
    ) {
        let in_order = fold(coop, records.clone());
        let reversed = fold(coop, records.iter().rev().cloned());
        let any = fold(coop, shuffled);
        prop_assert_eq!(in_order.waiting(), 0);
        prop_assert_eq!(any.waiting(), 0);
        prop_assert_eq!(in_order.state(), any.state());
        prop_assert_eq!(in_order.state(), reversed.state());
        prop_assert_eq!(verdicts(&in_order), verdicts(&any));
        prop_assert_eq!(in_order.heads(), any.heads());
        prop_assert!(in_order.state().active_members().count() >= 1);
    }
}

#[test]
fn records_wait_for_missing_deps_and_are_judged_when_they_arrive() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let bo_renames = record(coop, &bo, &[&admit_bo], 3_000, rename("Bo B"));
    let mut f = Fold::new(coop);
    f.add(bo_renames.clone());
    f.add(g);
    assert_eq!(f.waiting(), 1);
    assert!(f.get(&bo_renames.id()).is_none());
    f.add(admit_bo);
    assert_eq!(f.waiting(), 0);
    assert_eq!(f.get(&bo_renames.id()).expect("placed").verdict, Ok(()));
    assert_eq!(f.state().member(&bo.key.public()).expect("bo").name, "Bo B");
}

#[test]
fn a_new_record_names_at_most_the_cap_of_heads_authority_first() {
    let asha = person(1);
    let g = genesis(&asha);
    let coop = g.id();
    let mut records = vec![g.clone()];
    // 300 concurrent renames, all citing only the genesis: 300 heads.
    for i in 0..300 {
        records.push(record(
            coop,
            &asha,
            &[&g],
            2_000 + i,
            rename(&format!("Asha {i}")),
        ));
    }
    let bo = person(2);
    let admit_bo = record(coop, &asha, &[&g], 1_999, admit(&bo, "Bo"));
    records.push(admit_bo.clone());
    let f = fold(coop, records);
    assert_eq!(f.heads().len(), 301);
    let deps = f.deps_for_new_record();
    assert_eq!(deps.len(), sangam_model::record::MAX_DEPS);
    assert!(deps.contains(&admit_bo.id()), "authority heads are kept");
    assert!(deps.windows(2).all(|w| w[0] < w[1]));
}
