//! Nominations in the fold: who may nominate and answer and when, the one rule that
//! fixes an election's candidates, and that every arrival order gives the same verdicts.

use proptest::prelude::*;
use sangam_model::body::{
    Fraction, Method, Nominated, Nomination, NominationAnswer, NominationCall, NominationReply,
    ProposalOpen,
};
use sangam_model::{Body, CoopId, PublicKey, Record, Refusal};

use crate::support::*;

const CLOSES: i64 = 50_000;

fn call_body() -> Body {
    Body::NominationCall(NominationCall {
        title: "Board 2027".into(),
        text: "Two seats on the board.".into(),
        method: Method::Stv,
        seats: 2,
        closes_at: CLOSES,
    })
}

fn nominate(call: &Record, who: &Person) -> Body {
    Body::Nomination(Nomination {
        call: call.id(),
        nominee: who.key.public(),
    })
}

fn answer(call: &Record, seq: u64, reply: NominationReply) -> Body {
    Body::NominationAnswer(NominationAnswer {
        call: call.id(),
        seq,
        answer: reply,
    })
}

/// The election from `call`, naming `candidates`, by `author`, at `at`, citing `deps`.
fn election(
    coop: CoopId,
    author: &Person,
    deps: &[&Record],
    at: i64,
    call: &Record,
    electorate: &[&Person],
    candidates: &[&Person],
) -> Record {
    let mut keys: Vec<PublicKey> = electorate.iter().map(|p| p.key.public()).collect();
    keys.sort();
    let body = Body::ProposalOpen(ProposalOpen {
        title: "Board 2027".into(),
        text: "Two seats on the board.".into(),
        method: Method::Stv,
        options: (0..candidates.len())
            .map(|i| format!("Candidate {i}"))
            .collect(),
        seats: Some(2),
        template: None,
        nominated: Some(Nominated {
            call: call.id(),
            candidates: candidates.iter().map(|p| p.key.public()).collect(),
        }),
        quorum_pct: 50,
        threshold: Fraction { num: 1, den: 2 },
        closes_at: CLOSES + 100_000,
        electorate: keys,
        effect: None,
        revises: None,
    });
    record(coop, author, deps, at, body)
}

fn verdict(records: &[Record], coop: CoopId, of: &Record) -> Result<(), Refusal> {
    fold(coop, records.to_vec())
        .get(&of.id())
        .expect("placed")
        .verdict
        .clone()
}

#[test]
fn the_candidates_are_those_who_accepted_in_the_order_first_nominated() {
    let (p, mut records) = five();
    let coop = records[0].id();
    let last = records.last().expect("admitted").clone();
    let call = record(coop, &p[0], &[&last], 2_000, call_body());
    // Bo nominates Chitra, then Asha nominates Dev and Chitra, Dev nominates himself.
    let n1 = record(coop, &p[1], &[&call], 2_100, nominate(&call, &p[2]));
    let n2 = record(coop, &p[0], &[&n1], 2_200, nominate(&call, &p[3]));
    let n3 = record(coop, &p[0], &[&n2], 2_300, nominate(&call, &p[2]));
    let n4 = record(coop, &p[4], &[&n3], 2_400, nominate(&call, &p[4]));
    // Chitra accepts; Dev accepts then withdraws; Eli declines, then accepts.
    let a1 = record(
        coop,
        &p[2],
        &[&n4],
        2_500,
        answer(&call, 0, NominationReply::Accept),
    );
    let a2 = record(
        coop,
        &p[3],
        &[&a1],
        2_600,
        answer(&call, 0, NominationReply::Accept),
    );
    let a3 = record(
        coop,
        &p[3],
        &[&a2],
        2_700,
        answer(&call, 1, NominationReply::Withdraw),
    );
    let a4 = record(
        coop,
        &p[4],
        &[&a3],
        2_800,
        answer(&call, 0, NominationReply::Decline),
    );
    let a5 = record(
        coop,
        &p[4],
        &[&a4],
        2_900,
        answer(&call, 1, NominationReply::Accept),
    );
    records.extend([call.clone(), n1, n2, n3, n4, a1, a2, a3, a4, a5.clone()]);
    let everyone: Vec<&Person> = p.iter().collect();
    let f = fold(coop, records.clone());
    let view = f.call_view(&call.id()).expect("a call");
    let nominees: Vec<(PublicKey, usize, Option<NominationReply>)> = view
        .nominees
        .iter()
        .map(|n| (n.member, n.by.len(), n.answer))
        .collect();
    assert_eq!(
        nominees,
        vec![
            (p[2].key.public(), 2, Some(NominationReply::Accept)),
            (p[3].key.public(), 1, Some(NominationReply::Withdraw)),
            (p[4].key.public(), 1, Some(NominationReply::Accept)),
        ]
    );
    assert_eq!(
        f.candidates_for_new_record(&call.id()),
        vec![p[2].key.public(), p[4].key.public()]
    );
    // Opened after the close with exactly those two, it stands.
    let good = election(
        coop,
        &p[0],
        &[&a5],
        CLOSES + 1,
        &call,
        &everyone,
        &[&p[2], &p[4]],
    );
    let mut with_good = records.clone();
    with_good.push(good.clone());
    assert_eq!(verdict(&with_good, coop, &good), Ok(()));
    assert_eq!(
        fold(coop, with_good)
            .call_view(&call.id())
            .expect("call")
            .election,
        Some(good.id())
    );
    // Any other list, or the same list in another order, does not.
    for wrong in [
        vec![&p[4], &p[2]],
        vec![&p[2], &p[3]],
        vec![&p[2], &p[3], &p[4]],
    ] {
        let bad = election(coop, &p[0], &[&a5], CLOSES + 1, &call, &everyone, &wrong);
        let mut with_bad = records.clone();
        with_bad.push(bad.clone());
        assert_eq!(
            verdict(&with_bad, coop, &bad),
            Err(Refusal::CandidatesMismatch)
        );
    }
    // Before the close, or by someone other than the caller, it is refused.
    let early = election(
        coop,
        &p[0],
        &[&a5],
        CLOSES - 1,
        &call,
        &everyone,
        &[&p[2], &p[4]],
    );
    let other = election(
        coop,
        &p[1],
        &[&a5],
        CLOSES + 1,
        &call,
        &everyone,
        &[&p[2], &p[4]],
    );
    for (bad, why) in [
        (early, Refusal::NominationsOpen),
        (other, Refusal::NotTheCall),
    ] {
        let mut with_bad = records.clone();
        with_bad.push(bad.clone());
        assert_eq!(verdict(&with_bad, coop, &bad), Err(why));
    }
}

#[test]
fn nominations_and_answers_count_only_before_the_close_and_from_the_nominee() {
    let (p, mut records) = five();
    let coop = records[0].id();
    let last = records.last().expect("admitted").clone();
    let call = record(coop, &p[0], &[&last], 2_000, call_body());
    let late = record(coop, &p[1], &[&call], CLOSES, nominate(&call, &p[2]));
    let n = record(coop, &p[1], &[&call], 2_100, nominate(&call, &p[2]));
    // Only the nominee answers; an answer after the close does not count.
    let by_other = record(
        coop,
        &p[3],
        &[&n],
        2_200,
        answer(&call, 0, NominationReply::Accept),
    );
    let late_answer = record(
        coop,
        &p[2],
        &[&n],
        CLOSES + 5,
        answer(&call, 0, NominationReply::Accept),
    );
    // A nomination whose call is not in its past names nothing.
    let blind = record(coop, &p[1], &[&last], 2_100, nominate(&call, &p[3]));
    records.extend([
        call.clone(),
        late.clone(),
        n,
        by_other.clone(),
        late_answer.clone(),
        blind.clone(),
    ]);
    assert_eq!(
        verdict(&records, coop, &late),
        Err(Refusal::NominationsClosed)
    );
    assert_eq!(
        verdict(&records, coop, &by_other),
        Err(Refusal::NotNominated(p[3].key.public().short()))
    );
    assert_eq!(
        verdict(&records, coop, &late_answer),
        Err(Refusal::NominationsClosed)
    );
    assert_eq!(
        verdict(&records, coop, &blind),
        Err(Refusal::UnknownCall(call.id().short()))
    );
    // A call for a vote that elects no one does not read.
    let not_an_election = Body::NominationCall(NominationCall {
        title: "Lunch".into(),
        text: String::new(),
        method: Method::YesNo,
        seats: 1,
        closes_at: CLOSES,
    });
    let value = match &not_an_election {
        Body::NominationCall(c) => serde_json::to_value(c).expect("json"),
        _ => unreachable!(),
    };
    assert!(Body::from_value(sangam_model::Kind::NominationCall, value).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The verdicts of a call's nominations, answers and election, and the candidates the
    /// call gives, are the same in every arrival order.
    #[test]
    fn every_arrival_order_gives_the_same_candidates_and_verdicts(seed in any::<u64>()) {
        let (p, admitted) = five();
        let coop = admitted[0].id();
        let last = admitted.last().expect("admitted").clone();
        let call = record(coop, &p[0], &[&last], 2_000, call_body());
        // Three concurrent nominations; Chitra and Eli accept, Dev accepts then declines.
        let n1 = record(coop, &p[1], &[&call], 2_100, nominate(&call, &p[2]));
        let n2 = record(coop, &p[2], &[&call], 2_100, nominate(&call, &p[3]));
        let n3 = record(coop, &p[3], &[&call], 2_100, nominate(&call, &p[4]));
        let nominated = [&n1, &n2, &n3];
        let a1 = record(coop, &p[2], &nominated, 2_300, answer(&call, 0, NominationReply::Accept));
        let a2 = record(coop, &p[3], &nominated, 2_300, answer(&call, 0, NominationReply::Accept));
        let a3 = record(coop, &p[3], &[&a2], 2_400, answer(&call, 1, NominationReply::Decline));
        let a4 = record(coop, &p[4], &nominated, 2_300, answer(&call, 0, NominationReply::Accept));
        let acts = vec![call.clone(), n1.clone(), n2.clone(), n3.clone(), a1.clone(), a2, a3.clone(), a4.clone()];
        let in_order: Vec<Record> = admitted.iter().cloned().chain(acts.iter().cloned()).collect();
        let expected = fold(coop, in_order).candidates_for_new_record(&call.id());
        prop_assert_eq!(expected.len(), 2);
        prop_assert!(!expected.contains(&p[3].key.public()));
        let stand: Vec<&Person> = expected
            .iter()
            .map(|k| p.iter().find(|x| x.key.public() == *k).expect("a member"))
            .collect();
        let everyone: Vec<&Person> = p.iter().collect();
        let e = election(coop, &p[0], &[&a1, &a3, &a4], CLOSES + 1, &call, &everyone, &stand);
        let mut tail = acts;
        tail.push(e.clone());
        // A seeded shuffle of the tail (the admissions first keep the fold small).
        let mut s = seed;
        for i in (1..tail.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            tail.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut records = admitted.clone();
        records.extend(tail);
        let f = fold(coop, records);
        prop_assert_eq!(f.get(&e.id()).expect("placed").verdict.clone(), Ok(()));
        let view = f.calls();
        prop_assert_eq!(view.len(), 1);
        prop_assert_eq!(view[0].election, Some(e.id()));
        let accepted: Vec<PublicKey> = view[0]
            .nominees
            .iter()
            .filter(|n| n.answer == Some(NominationReply::Accept))
            .map(|n| n.member)
            .collect();
        prop_assert_eq!(accepted, expected);
    }
}
