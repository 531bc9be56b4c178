//! Governance in the fold: THREATS.md 8, 9, 11–13 and the order-independence of tallies.

use proptest::prelude::*;
use sangam_model::body::{Admission, CoopSettings, Effect, Fraction, MemberAdmit, Vote};
use sangam_model::governance::{Outcome, Status};
use sangam_model::{Bylaws, Record, Refusal, Standing};

use crate::support::*;

const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };
const HALF: Fraction = Fraction { num: 1, den: 2 };
const DEADLINE: i64 = 100_000;

fn refusal(records: &[Record], coop: sangam_model::CoopId, of: &Record) -> Result<(), Refusal> {
    fold(coop, records.to_vec())
        .get(&of.id())
        .expect("placed")
        .verdict
        .clone()
}

/// The five-member vote of the foundation scenario: yes/no, 2/3 threshold, 50% quorum.
/// Asha yes, Bo no then yes, Cy yes then no, Dee gives her proxy to Asha, Eli does not vote.
fn scenario() -> (sangam_model::CoopId, Vec<Record>, Record, Vec<Record>) {
    let (p, mut records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("admitted").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, TWO_THIRDS, 50),
    );
    let a = record(coop, &p[0], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let b1 = record(coop, &p[1], &[&open], 11_000, vote(&open, 1, Vote::No));
    let b2 = record(coop, &p[1], &[&b1], 12_000, vote(&open, 2, Vote::Yes));
    let c1 = record(coop, &p[2], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let c2 = record(coop, &p[2], &[&c1, &b2], 13_000, vote(&open, 2, Vote::No));
    let d = record(coop, &p[3], &[&open], 11_500, proxy(&open, &p[0], 1));
    let close = record(
        coop,
        &p[4],
        &[&a, &c2, &d],
        DEADLINE + 1,
        close(&open, &[&a, &b2, &c2], &[&d]),
    );
    let extra = [open.clone(), a, b1, b2, c1, c2, d];
    records.extend(extra.iter().cloned());
    (coop, records, open, vec![close])
}

#[test]
fn the_five_member_vote_with_changed_votes_and_a_proxy() {
    let (coop, records, open, closes) = scenario();
    let provisional = fold(coop, records.clone()).tally(open.id()).expect("tally");
    assert_eq!(provisional.status, Status::Provisional);
    // Yes: Asha + Dee's proxy + Bo's second ballot = 3; no: Cy's second = 1. 3/4 >= 2/3.
    assert_eq!(provisional.counts["yes"], 3);
    assert_eq!(provisional.counts["no"], 1);
    assert_eq!(provisional.ballots_counted, 3);
    assert_eq!(provisional.represented, 1);
    assert!(provisional.quorum_met);
    assert_eq!(provisional.outcome, Outcome::Passed);
    let mut all = records;
    all.extend(closes);
    let closed = fold(coop, all).tally(open.id()).expect("tally");
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.outcome, Outcome::Passed);
    assert_eq!((closed.counts["yes"], closed.counts["no"]), (3, 1));
    assert!(closed.late.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_arrival_order_gives_the_same_tally(order in Just(()).prop_flat_map(|_| {
        let (_, records, _, closes) = scenario();
        let mut all = records;
        all.extend(closes);
        Just(all).prop_shuffle()
    })) {
        let (coop, records, open, closes) = scenario();
        let mut all = records;
        all.extend(closes);
        let expected = fold(coop, all).tally(open.id()).expect("tally");
        let shuffled = fold(coop, order).tally(open.id()).expect("tally");
        prop_assert_eq!(shuffled, expected);
    }
}

#[test]
fn quorum_zero_turnout_and_everyone_abstaining() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 50),
    );
    let t = fold(coop, [records.clone(), vec![open.clone()]].concat())
        .tally(open.id())
        .expect("t");
    assert_eq!(t.outcome, Outcome::NoQuorum);
    let abstain: Vec<Record> = p
        .iter()
        .take(3)
        .map(|m| record(coop, m, &[&open], 11_000, vote(&open, 1, Vote::Abstain)))
        .collect();
    let t = fold(coop, [records, vec![open.clone()], abstain].concat())
        .tally(open.id())
        .expect("t");
    assert!(t.quorum_met, "abstentions count towards quorum");
    assert_eq!(t.outcome, Outcome::Failed);
}

#[test]
fn ballots_by_outsiders_latecomers_and_removed_members_are_refused() {
    let (p, mut records) = five();
    let coop = records[0].id();
    let first_four: Vec<&Person> = p.iter().take(4).collect();
    // Eli is admitted but the proposal is opened on a context before his admission...
    let before_eli = records[3].clone();
    let open = record(
        coop,
        &p[0],
        &[&before_eli],
        10_000,
        yes_no(&first_four, DEADLINE, HALF, 50),
    );
    let eli = record(
        coop,
        &p[4],
        &[&open, records.last().expect("eli admitted")],
        11_000,
        vote(&open, 1, Vote::Yes),
    );
    let stranger = person(9);
    let outsider = record(coop, &stranger, &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let removal = record(coop, &p[0], &[&open], 12_000, remove(&p[3]));
    let removed = record(coop, &p[3], &[&removal], 13_000, vote(&open, 1, Vote::No));
    records.extend([
        open.clone(),
        eli.clone(),
        outsider.clone(),
        removal,
        removed.clone(),
    ]);
    assert!(matches!(
        refusal(&records, coop, &eli),
        Err(Refusal::NotInElectorate(_))
    ));
    assert!(matches!(
        refusal(&records, coop, &outsider),
        Err(Refusal::NotAMember(_))
    ));
    assert!(matches!(
        refusal(&records, coop, &removed),
        Err(Refusal::NotAMember(_))
    ));
    let t = fold(coop, records).tally(open.id()).expect("tally");
    assert_eq!(t.ballots_counted, 0);
    assert_eq!(
        t.electorate_size, 4,
        "the electorate stays as it was at opening"
    );
}

#[test]
fn an_electorate_that_is_not_the_current_members_is_refused() {
    let (p, records) = five();
    let coop = records[0].id();
    let stranger = person(9);
    let padded: Vec<&Person> = p.iter().chain([&stranger]).collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&padded, DEADLINE, HALF, 50),
    );
    assert_eq!(
        refusal(&[records, vec![open.clone()]].concat(), coop, &open),
        Err(Refusal::ElectorateMismatch)
    );
}

#[test]
fn double_voting_counts_exactly_one_ballot_per_member() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 50),
    );
    // Bo votes from two laptops at once with the same sequence number.
    let yes = record(coop, &p[1], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let no = record(coop, &p[1], &[&open], 11_001, vote(&open, 1, Vote::No));
    let winner = if yes.id() < no.id() { "yes" } else { "no" };
    let t = fold(coop, [records, vec![open.clone(), yes, no]].concat())
        .tally(open.id())
        .expect("t");
    assert_eq!(t.ballots_counted, 1);
    assert_eq!(t.counts[winner], 1, "the lower record id wins a tie in seq");
}

#[test]
fn a_backdated_ballot_after_close_is_refused_and_a_concurrent_one_is_late() {
    let (coop, mut records, open, closes) = scenario();
    let close = closes[0].clone();
    let p: Vec<Person> = (1..=5).map(person).collect();
    // Eli saw the close, then signs a ballot claiming an early time.
    let backdated = record(coop, &p[4], &[&close], 5_000, vote(&open, 1, Vote::No));
    // Dee votes concurrently with the close (she never saw it): valid, but not named.
    let concurrent = record(
        coop,
        &p[3],
        &[&open],
        DEADLINE - 1,
        vote(&open, 2, Vote::No),
    );
    records.extend([close, backdated.clone(), concurrent.clone()]);
    assert_eq!(
        refusal(&records, coop, &backdated),
        Err(Refusal::ProposalClosed)
    );
    let t = fold(coop, records).tally(open.id()).expect("tally");
    assert_eq!(t.late, vec![concurrent.id()]);
    assert_eq!(
        (t.counts["yes"], t.counts["no"]),
        (3, 1),
        "the late ballot does not count"
    );
}

#[test]
fn two_concurrent_closes_count_the_union_of_what_they_name() {
    let (coop, records, open, closes) = scenario();
    let p: Vec<Person> = (1..=5).map(person).collect();
    let named: Vec<sangam_model::RecordId> = match closes[0].body() {
        sangam_model::Body::ProposalClose(c) => c.ballots.clone(),
        _ => unreachable!(),
    };
    // A second closer saw only Asha's ballot and no proxy.
    let asha_ballot = records
        .iter()
        .find(|r| r.id() == named[0] || named.contains(&r.id()))
        .expect("b")
        .clone();
    let small = record(
        coop,
        &p[1],
        &[&asha_ballot],
        DEADLINE + 2,
        close(&open, &[&asha_ballot], &[]),
    );
    let only_small = fold(coop, [records.clone(), vec![small.clone()]].concat())
        .tally(open.id())
        .expect("t");
    assert_eq!(only_small.ballots_counted, 1);
    let both = fold(
        coop,
        [records, closes.clone(), vec![small.clone()]].concat(),
    )
    .tally(open.id())
    .expect("t");
    assert_eq!(both.ballots_counted, 3);
    let mut expected = vec![closes[0].id(), small.id()];
    expected.sort();
    assert_eq!(
        both.closes, expected,
        "the tally names every close it counted"
    );
}

#[test]
fn an_early_close_needs_every_elector() {
    let (coop, records, open, _) = scenario();
    let p: Vec<Person> = (1..=5).map(person).collect();
    let heads = fold(coop, records.clone()).heads();
    let tips: Vec<&Record> = records.iter().filter(|r| heads.contains(&r.id())).collect();
    let ballots: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.body(), sangam_model::Body::Ballot(_)))
        .collect();
    let early = record(
        coop,
        &p[0],
        &tips,
        DEADLINE - 10,
        close(&open, &ballots, &[]),
    );
    assert_eq!(
        refusal(&[records, vec![early.clone()]].concat(), coop, &early),
        Err(Refusal::DeadlineNotPassed)
    );
}

#[test]
fn ballots_stay_bound_to_the_text_they_signed() {
    let (coop, records, open, _) = scenario();
    let p: Vec<Person> = (1..=5).map(person).collect();
    let everyone: Vec<&Person> = p.iter().collect();
    // The proposer "edits" the text: that is a new proposal, revising the old one.
    let mut edited_body = yes_no(&everyone, DEADLINE, TWO_THIRDS, 50);
    if let sangam_model::Body::ProposalOpen(o) = &mut edited_body {
        o.text = "We buy the cheaper oven instead.".into();
        o.revises = Some(open.id());
    }
    let tip = records.last().expect("tip").clone();
    let edited = record(coop, &p[0], &[&tip], 20_000, edited_body);
    let f = fold(coop, [records.clone(), vec![edited.clone()]].concat());
    assert_eq!(f.get(&edited.id()).expect("placed").verdict, Ok(()));
    assert_eq!(
        f.tally(edited.id()).expect("t").ballots_counted,
        0,
        "no ballot carries over"
    );
    assert_eq!(f.tally(open.id()).expect("t").ballots_counted, 3);
    // A ballot re-pointed at the new proposal no longer verifies.
    let ballot = records
        .iter()
        .find(|r| matches!(r.body(), sangam_model::Body::Ballot(_)))
        .expect("ballot");
    let replayed = ballot
        .json()
        .replace(&open.id().to_string(), &edited.id().to_string());
    assert!(Record::from_json(replayed.as_bytes()).is_err());
}

#[test]
fn proxies_are_capped_revocable_and_overridden_by_ones_own_ballot() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 50),
    );
    let asha_yes = record(coop, &p[0], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    // Bo and Cy both give Asha their proxy; the bylaws cap her at one.
    let bo = record(coop, &p[1], &[&open], 11_000, proxy(&open, &p[0], 1));
    let cy = record(coop, &p[2], &[&open], 11_000, proxy(&open, &p[0], 1));
    let t = fold(
        coop,
        [
            records.clone(),
            vec![open.clone(), asha_yes.clone(), bo.clone(), cy.clone()],
        ]
        .concat(),
    )
    .tally(open.id())
    .expect("t");
    assert_eq!(t.represented, 1);
    assert_eq!(t.proxies, vec![bo.id().min(cy.id())]);
    assert_eq!(t.counts["yes"], 2);
    // Bo revokes, and Cy votes herself: neither is represented any more.
    let bo_revokes = record(
        coop,
        &p[1],
        &[&bo],
        12_000,
        sangam_model::Body::ProxyRevoke(sangam_model::body::ProxyRevoke {
            proposal: open.id(),
            seq: 2,
        }),
    );
    let cy_no = record(coop, &p[2], &[&cy], 12_000, vote(&open, 2, Vote::No));
    let eli_abstains = record(coop, &p[4], &[&open], 12_000, vote(&open, 1, Vote::Abstain));
    let later = vec![
        open.clone(),
        asha_yes,
        bo,
        cy,
        bo_revokes,
        cy_no,
        eli_abstains,
    ];
    let t = fold(coop, [records, later].concat())
        .tally(open.id())
        .expect("t");
    assert_eq!(t.represented, 0);
    assert_eq!((t.counts["yes"], t.counts["no"]), (1, 1));
    assert_eq!(t.outcome, Outcome::Tie);
}

#[test]
fn withdrawal_only_by_the_proposer_and_before_any_ballot() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 50),
    );
    let withdraw = |by: &Person, deps: &[&Record]| {
        record(
            coop,
            by,
            deps,
            12_000,
            sangam_model::Body::ProposalWithdraw(sangam_model::body::ProposalWithdraw {
                proposal: open.id(),
            }),
        )
    };
    let by_other = withdraw(&p[1], &[&open]);
    let ballot = record(coop, &p[2], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let after_ballot = withdraw(&p[0], &[&ballot]);
    let fine = withdraw(&p[0], &[&open]);
    let all = [
        records,
        vec![
            open.clone(),
            by_other.clone(),
            ballot,
            after_ballot.clone(),
            fine.clone(),
        ],
    ]
    .concat();
    assert_eq!(refusal(&all, coop, &by_other), Err(Refusal::NotProposer));
    assert_eq!(
        refusal(&all, coop, &after_ballot),
        Err(Refusal::AlreadyVotedOn)
    );
    assert_eq!(refusal(&all, coop, &fine), Ok(()));
    // Valid where written, but a ballot was cast concurrently: the proposal stands.
    let status = |records: Vec<Record>| fold(coop, records).tally(open.id()).expect("t").status;
    assert_eq!(status(all.clone()), Status::Provisional);
    let is_ballot = |r: &Record| matches!(r.body(), sangam_model::Body::Ballot(_));
    let without_ballots: Vec<Record> = all.into_iter().filter(|r| !is_ballot(r)).collect();
    assert_eq!(status(without_ballots), Status::Withdrawn);
}

#[test]
fn admission_by_proposal_takes_effect_when_the_vote_passes() {
    let asha = person(1);
    let bylaws = Bylaws {
        admission: Admission::Proposal,
        ..Bylaws::default()
    };
    let g = genesis_with(&asha, bylaws);
    let coop = g.id();
    let newcomer = person(6);
    let direct = record(coop, &asha, &[&g], 2_000, admit(&newcomer, "Nia"));
    assert_eq!(
        refusal(&[g.clone(), direct.clone()], coop, &direct),
        Err(Refusal::NeedsProposal("admit a member".into()))
    );
    let effect = Effect::Admit(MemberAdmit {
        member: newcomer.key.public(),
        name: "Nia".into(),
    });
    let open = record(
        coop,
        &asha,
        &[&g],
        3_000,
        with_effect(yes_no(&[&asha], DEADLINE, HALF, 50), effect),
    );
    let yes = record(coop, &asha, &[&open], 4_000, vote(&open, 1, Vote::Yes));
    let close = record(coop, &asha, &[&yes], 5_000, close(&open, &[&yes], &[]));
    let nia_writes = record(coop, &newcomer, &[&close], 6_000, rename("Nia N"));
    let too_early = record(coop, &newcomer, &[&yes], 4_500, rename("Nia early"));
    let all = vec![
        g,
        open,
        yes,
        close.clone(),
        nia_writes.clone(),
        too_early.clone(),
    ];
    for order in [all.clone(), all.iter().rev().cloned().collect()] {
        let f = fold(coop, order);
        let state = f.state();
        let nia = state
            .member(&newcomer.key.public())
            .expect("admitted by the vote");
        assert_eq!(nia.standing, Standing::Active);
        assert_eq!(nia.admitted_by, close.id());
        assert_eq!(nia.name, "Nia N");
        assert_eq!(f.get(&nia_writes.id()).expect("p").verdict, Ok(()));
        assert!(matches!(
            f.get(&too_early.id()).expect("p").verdict,
            Err(Refusal::NotAMember(_))
        ));
    }
}

#[test]
fn the_coops_relay_changes_only_by_a_passed_proposal() {
    let (p, records) = five();
    let coop = records[0].id();
    let last = records.last().expect("admissions").clone();
    let relay = |url: Option<&str>| {
        Effect::Settings(CoopSettings {
            relay: url.map(str::to_owned),
        })
    };
    // Any one member pointing every laptop at their relay: refused where written.
    let alone = record(
        coop,
        &p[1],
        &[&last],
        2_000,
        sangam_model::Body::CoopSettings(CoopSettings {
            relay: Some("https://relay.bo.example".into()),
        }),
    );
    // Two proposals: one the members pass, one they do not.
    let everyone: Vec<&Person> = p.iter().collect();
    let passes = record(
        coop,
        &p[0],
        &[&alone],
        3_000,
        with_effect(
            yes_no(&everyone, DEADLINE, HALF, 50),
            relay(Some("https://relay.river.coop:8443")),
        ),
    );
    let fails = record(
        coop,
        &p[2],
        &[&passes],
        3_100,
        with_effect(
            yes_no(&everyone, DEADLINE, HALF, 50),
            relay(Some("https://evil.example")),
        ),
    );
    let mut all = records.clone();
    all.extend([alone.clone(), passes.clone(), fails.clone()]);
    let mut yes = vec![];
    let mut no = vec![];
    for (i, voter) in p.iter().enumerate().take(3) {
        let last = all.last().expect("records").clone();
        let y = record(
            coop,
            voter,
            &[&last],
            4_000 + i as i64,
            vote(&passes, 1, Vote::Yes),
        );
        all.push(y.clone());
        yes.push(y);
        let n = record(
            coop,
            voter,
            &[&all.last().expect("y").clone()],
            4_100 + i as i64,
            vote(&fails, 1, Vote::No),
        );
        all.push(n.clone());
        no.push(n);
    }
    let before_close = fold(coop, all.clone());
    assert_eq!(
        before_close.get(&alone.id()).expect("placed").verdict,
        Err(Refusal::SettingsByProposal)
    );
    assert_eq!(
        before_close.state().relay,
        None,
        "no proposal has passed yet"
    );
    let last = all.last().expect("votes").clone();
    let yes_refs: Vec<&Record> = yes.iter().collect();
    let no_refs: Vec<&Record> = no.iter().collect();
    let close_passes = record(
        coop,
        &p[3],
        &[&last],
        DEADLINE + 1,
        close(&passes, &yes_refs, &[]),
    );
    let close_fails = record(
        coop,
        &p[3],
        &[&close_passes],
        DEADLINE + 2,
        close(&fails, &no_refs, &[]),
    );
    all.extend([close_passes, close_fails]);
    for order in [all.clone(), all.iter().rev().cloned().collect()] {
        let state = fold(coop, order).state();
        assert_eq!(
            state.relay.as_deref(),
            Some("https://relay.river.coop:8443")
        );
    }
    // A proposal back to n0's public relays, passed by all: the relay is cleared again.
    let last = all.last().expect("closes").clone();
    let back = record(
        coop,
        &p[0],
        &[&last],
        DEADLINE + 10,
        with_effect(yes_no(&everyone, DEADLINE + 100_000, HALF, 50), relay(None)),
    );
    all.push(back.clone());
    let mut ballots = vec![];
    for (i, voter) in p.iter().enumerate() {
        let last = all.last().expect("records").clone();
        let b = record(
            coop,
            voter,
            &[&last],
            DEADLINE + 20 + i as i64,
            vote(&back, 1, Vote::Yes),
        );
        all.push(b.clone());
        ballots.push(b);
    }
    let last = all.last().expect("ballots").clone();
    let refs: Vec<&Record> = ballots.iter().collect();
    all.push(record(
        coop,
        &p[0],
        &[&last],
        DEADLINE + 30,
        close(&back, &refs, &[]),
    ));
    assert_eq!(fold(coop, all).state().relay, None);
}

#[test]
fn a_proposal_may_not_ask_for_less_than_the_bylaws() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let third = Fraction { num: 1, den: 3 };
    let no_quorum = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 0),
    );
    let low_bar = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, third, 50),
    );
    let stricter = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, TWO_THIRDS, 80),
    );
    let all = [
        records,
        vec![no_quorum.clone(), low_bar.clone(), stricter.clone()],
    ]
    .concat();
    assert_eq!(refusal(&all, coop, &no_quorum), Err(Refusal::BelowBylaws));
    assert_eq!(refusal(&all, coop, &low_bar), Err(Refusal::BelowBylaws));
    assert_eq!(refusal(&all, coop, &stricter), Ok(()));
}

#[test]
fn closes_that_saw_different_ballots_are_flagged_as_contested() {
    let (coop, records, open, closes) = scenario();
    let p: Vec<Person> = (1..=5).map(person).collect();
    // Eli closes on a stale view that names a ballot of his the first closer never saw.
    let eli = record(coop, &p[4], &[&open], 11_000, vote(&open, 1, Vote::No));
    let stale = record(
        coop,
        &p[4],
        &[&eli],
        DEADLINE + 5,
        close(&open, &[&eli], &[]),
    );
    let all = [records, closes, vec![eli.clone(), stale]].concat();
    let t = fold(coop, all).tally(open.id()).expect("t");
    assert_eq!(t.closes.len(), 2);
    assert!(
        t.contested.contains(&eli.id()),
        "the ballot only one close names is flagged"
    );
    assert_eq!(
        t.contested.len(),
        4,
        "and so are the three only the other close names"
    );
}

#[test]
fn a_void_withdrawal_does_not_leave_the_proposal_stuck() {
    let (p, records) = five();
    let coop = records[0].id();
    let everyone: Vec<&Person> = p.iter().collect();
    let base = records.last().expect("base").clone();
    let open = record(
        coop,
        &p[0],
        &[&base],
        10_000,
        yes_no(&everyone, DEADLINE, HALF, 50),
    );
    let ballot = record(coop, &p[2], &[&open], 11_000, vote(&open, 1, Vote::Yes));
    let withdraw_body =
        sangam_model::Body::ProposalWithdraw(sangam_model::body::ProposalWithdraw {
            proposal: open.id(),
        });
    let withdrawal = record(coop, &p[0], &[&open], 11_000, withdraw_body);
    // Seen together, the ballot makes the withdrawal void: more votes and a close go in.
    let later = record(
        coop,
        &p[1],
        &[&ballot, &withdrawal],
        12_000,
        vote(&open, 1, Vote::Yes),
    );
    let more = record(coop, &p[3], &[&later], 12_500, vote(&open, 1, Vote::Yes));
    let done = record(
        coop,
        &p[4],
        &[&more],
        DEADLINE + 1,
        close(&open, &[&ballot, &later, &more], &[]),
    );
    let all = [
        records,
        vec![
            open.clone(),
            ballot,
            withdrawal,
            later.clone(),
            more,
            done.clone(),
        ],
    ]
    .concat();
    assert_eq!(refusal(&all, coop, &later), Ok(()));
    assert_eq!(refusal(&all, coop, &done), Ok(()));
    let t = fold(coop, all).tally(open.id()).expect("tally");
    assert_eq!(t.status, Status::Closed);
    assert_eq!(t.outcome, Outcome::Passed);
}
