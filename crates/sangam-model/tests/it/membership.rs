//! THREATS.md 1, 2, 5, 6: who may write, concurrent membership changes, backdating.

use sangam_model::{Refusal, Standing};

use crate::support::*;

#[test]
fn a_non_members_record_is_ignored_by_the_fold() {
    let (asha, stranger) = (person(1), person(9));
    let g = genesis(&asha);
    let coop = g.id();
    let forged_admit = record(coop, &stranger, &[&g], 2_000, admit(&stranger, "Mallory"));
    let f = fold(coop, [g.clone(), forged_admit.clone()]);
    let state = f.state();
    assert_eq!(state.active_members().count(), 1);
    assert!(state.member(&stranger.key.public()).is_none());
    assert!(matches!(
        f.get(&forged_admit.id()).expect("placed").verdict,
        Err(Refusal::NotAMember(_))
    ));
}

#[test]
fn a_record_that_does_not_reach_genesis_is_refused() {
    let asha = person(1);
    let g = genesis(&asha);
    let orphan = record(g.id(), &asha, &[], 2_000, rename("Asha R"));
    let f = fold(g.id(), [g.clone(), orphan.clone()]);
    assert_eq!(
        f.get(&orphan.id()).expect("placed").verdict,
        Err(Refusal::NoGenesis)
    );
}

#[test]
fn a_spoofed_author_field_breaks_the_signature() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let by_bo = record(g.id(), &bo, &[&g], 2_000, admit(&bo, "Bo"));
    let spoofed = by_bo
        .json()
        .replace(&bo.key.public().to_string(), &asha.key.public().to_string());
    assert!(sangam_model::Record::from_json(spoofed.as_bytes()).is_err());
}

#[test]
fn a_record_for_another_coop_is_refused() {
    let asha = person(1);
    let g = genesis(&asha);
    let other = genesis(&person(2));
    let stray = record(other.id(), &asha, &[&g], 2_000, rename("A"));
    let f = fold(g.id(), [g.clone(), stray.clone()]);
    assert_eq!(
        f.get(&stray.id()).expect("placed").verdict,
        Err(Refusal::WrongCoop)
    );
}

#[test]
fn removed_members_later_records_are_refused_even_backdated() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let removal = record(coop, &asha, &[&admit_bo], 3_000, remove(&bo));
    // Bo has seen the removal (it is in his deps) but claims a time before it.
    let backdated = record(coop, &bo, &[&removal], 1_500, rename("Bo again"));
    let admits_friend = record(coop, &bo, &[&removal], 1_500, admit(&person(3), "Friend"));
    let f = fold(
        coop,
        [
            g,
            admit_bo,
            removal,
            backdated.clone(),
            admits_friend.clone(),
        ],
    );
    assert!(matches!(
        f.get(&backdated.id()).expect("placed").verdict,
        Err(Refusal::NotAMember(_))
    ));
    assert!(matches!(
        f.get(&admits_friend.id()).expect("placed").verdict,
        Err(Refusal::NotAMember(_))
    ));
    let state = f.state();
    assert_eq!(
        state.member(&bo.key.public()).expect("bo").standing,
        Standing::Removed
    );
    assert_eq!(state.member(&bo.key.public()).expect("bo").name, "Bo");
    assert!(state.member(&person(3).key.public()).is_none());
}

#[test]
fn a_record_written_before_learning_of_removal_stays_valid() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let removal = record(coop, &asha, &[&admit_bo], 3_000, remove(&bo));
    let concurrent = record(coop, &bo, &[&admit_bo], 9_000, rename("Bo B"));
    let f = fold(coop, [g, admit_bo, removal, concurrent.clone()]);
    assert_eq!(f.get(&concurrent.id()).expect("placed").verdict, Ok(()));
    assert_eq!(f.state().member(&bo.key.public()).expect("bo").name, "Bo B");
}

#[test]
fn a_member_who_left_cannot_be_readmitted_under_the_same_key() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let bo_leaves = record(coop, &bo, &[&admit_bo], 3_000, leave());
    let again = record(coop, &asha, &[&bo_leaves], 4_000, admit(&bo, "Bo"));
    let f = fold(coop, [g, admit_bo, bo_leaves, again.clone()]);
    assert!(matches!(
        f.get(&again.id()).expect("placed").verdict,
        Err(Refusal::AlreadyKnown(_))
    ));
    assert_eq!(
        f.state().member(&bo.key.public()).expect("bo").standing,
        Standing::Left
    );
}

/// Folds every permutation and asserts they agree; returns the common state.
fn same_in_every_order(
    coop: sangam_model::CoopId,
    records: &[sangam_model::Record],
) -> sangam_model::CoopState {
    let orders = permutations(records);
    let first = fold(coop, orders[0].clone()).state();
    for order in &orders[1..] {
        assert_eq!(fold(coop, order.clone()).state(), first);
    }
    first
}

#[test]
fn remove_while_the_removed_admits_someone_resolves_alike_in_every_order() {
    let (asha, bo, cy) = (person(1), person(2), person(3));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let remove_bo = record(coop, &asha, &[&admit_bo], 3_000, remove(&bo));
    let bo_admits_cy = record(coop, &bo, &[&admit_bo], 3_000, admit(&cy, "Cy"));
    let state = same_in_every_order(coop, &[g, admit_bo, remove_bo, bo_admits_cy]);
    // Bo admitted Cy before learning of his removal: the admission was valid where made.
    assert_eq!(
        state.member(&bo.key.public()).expect("bo").standing,
        Standing::Removed
    );
    assert_eq!(
        state.member(&cy.key.public()).expect("cy").standing,
        Standing::Active
    );
}

#[test]
fn two_members_removing_each_other_leaves_exactly_one() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let a_removes_b = record(coop, &asha, &[&admit_bo], 3_000, remove(&bo));
    let b_removes_a = record(coop, &bo, &[&admit_bo], 3_000, remove(&asha));
    let winner = if a_removes_b.id() < b_removes_a.id() {
        &asha
    } else {
        &bo
    };
    let state = same_in_every_order(
        coop,
        &[g, admit_bo, a_removes_b.clone(), b_removes_a.clone()],
    );
    let active: Vec<_> = state.active_members().map(|m| m.key).collect();
    assert_eq!(
        active,
        vec![winner.key.public()],
        "the removal ordered first by id wins"
    );
    assert_eq!(state.void.len(), 1);
}

#[test]
fn the_last_members_cannot_all_leave() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let a_leaves = record(coop, &asha, &[&admit_bo], 3_000, leave());
    let b_leaves = record(coop, &bo, &[&admit_bo], 3_000, leave());
    let state = same_in_every_order(coop, &[g.clone(), admit_bo, a_leaves, b_leaves]);
    assert_eq!(
        state.active_members().count(),
        1,
        "never a co-op with no members"
    );
    let alone = record(coop, &asha, &[&g], 2_000, leave());
    let f = fold(coop, [g, alone.clone()]);
    assert_eq!(f.state().active_members().count(), 1);
    assert_eq!(
        f.get(&alone.id()).expect("placed").verdict,
        Err(Refusal::LastMember)
    );
}

#[test]
fn one_device_bound_concurrently_by_two_members_goes_to_one() {
    let (asha, bo) = (person(1), person(2));
    let shared = sangam_model::SecretKey::from_seed([77; 32]);
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let by_a = record(coop, &asha, &[&admit_bo], 3_000, add_device(&shared));
    let by_b = record(coop, &bo, &[&admit_bo], 3_000, add_device(&shared));
    let state = same_in_every_order(coop, &[g, admit_bo, by_a.clone(), by_b.clone()]);
    let owner = if by_a.id() < by_b.id() { &asha } else { &bo };
    let bound: Vec<_> = state
        .devices
        .iter()
        .filter(|d| d.key == shared.public())
        .collect();
    assert_eq!(bound.len(), 1);
    assert_eq!(bound[0].member, owner.key.public());
}

#[test]
fn the_co_ops_relay_from_concurrent_passed_proposals_is_the_same_whatever_the_arrival_order() {
    use sangam_model::body::{Effect, Fraction, Vote};
    let (asha, stranger) = (person(1), person(9));
    let g = genesis(&asha);
    let coop = g.id();
    let settings = |url: &str| sangam_model::body::CoopSettings {
        relay: Some(url.to_owned()),
    };
    // Setting it directly: refused for a member (a vote decides) and a stranger alike.
    let direct = record(
        coop,
        &asha,
        &[&g],
        2_000,
        sangam_model::Body::CoopSettings(settings("https://mine.example")),
    );
    let forged = record(
        coop,
        &stranger,
        &[&g],
        2_000,
        sangam_model::Body::CoopSettings(settings("https://evil.example")),
    );
    // Two relay proposals decided apart (Asha alone is the electorate): both pass, and the
    // close later in fold order names the relay, on every laptop.
    let half = Fraction { num: 1, den: 2 };
    let decide = |url: &str, at: i64| {
        let open = record(
            coop,
            &asha,
            &[&g],
            at,
            crate::support::with_effect(
                crate::support::yes_no(&[&asha], 1_000_000, half, 50),
                Effect::Settings(settings(url)),
            ),
        );
        let yes = record(
            coop,
            &asha,
            &[&open],
            at + 1,
            crate::support::vote(&open, 1, Vote::Yes),
        );
        let close = record(
            coop,
            &asha,
            &[&yes],
            at + 2,
            crate::support::close(&open, &[&yes], &[]),
        );
        (vec![open, yes], close)
    };
    let (one, close_one) = decide("https://one.example", 3_000);
    let (two, close_two) = decide("https://two.example", 3_000);
    let mut all = vec![g, direct.clone(), forged.clone()];
    all.extend(one);
    all.extend(two);
    all.extend([close_one.clone(), close_two.clone()]);
    let folded = fold(coop, all.clone());
    assert_eq!(
        folded.get(&direct.id()).expect("placed").verdict,
        Err(Refusal::SettingsByProposal)
    );
    assert!(matches!(
        folded.get(&forged.id()).expect("placed").verdict,
        Err(Refusal::NotAMember(_))
    ));
    let winner = if close_one.id() > close_two.id() {
        "https://one.example"
    } else {
        "https://two.example"
    };
    assert_eq!(folded.state().relay.as_deref(), Some(winner));
    for order in permutations(&all[3..]) {
        let records = all[..3].iter().cloned().chain(order);
        assert_eq!(fold(coop, records).state().relay.as_deref(), Some(winner));
    }
}
