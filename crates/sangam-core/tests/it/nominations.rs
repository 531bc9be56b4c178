//! An election from nominations, across real homes: a call, members nominated by others
//! and by themselves, answers (one withdrawn), the election opened once nominations
//! closed with exactly those who stand, ranked ballots, the close, and a signed report
//! that verifies with no home.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sangam_core::{CallDraft, Choice, ErrorCode, Home, Method, NominationReply, verify_report};
use sangam_model::RecordId;
use tempfile::TempDir;

use crate::bundled::{START, exchange, home, river_bakery};

const DAY: i64 = 86_400_000;

#[test]
fn an_election_from_nominations_elects_from_those_who_stand_and_its_report_verifies() {
    let dir = TempDir::new().expect("tmp");
    let clock = Arc::new(AtomicI64::new(START));
    let names = ["Asha", "Bo", "Cy", "Dee"];
    let homes: Vec<Home> = names.iter().map(|n| home(&dir, n, &clock)).collect();
    let [asha, bo, cy, dee] = [&homes[0], &homes[1], &homes[2], &homes[3]];
    let coop = river_bakery(&homes, &names);
    let key = |h: &Home| crate::pk(&h.identity().expect("identity").member);
    let all: Vec<&Home> = homes.iter().collect();

    let call = asha
        .call_nominations(
            coop,
            CallDraft {
                title: "Board 2027".into(),
                text: "Two seats on the board, for two years.".into(),
                method: Method::Stv,
                seats: 2,
                closes_at: START + DAY,
            },
        )
        .expect("call");
    let call: RecordId = call.id.parse().expect("id");
    exchange(&all, coop);
    // Bo puts Cy forward; Dee and Bo put themselves forward; Asha puts Dee forward too.
    bo.nominate(coop, call, key(cy)).expect("nominate Cy");
    // Cy's nomination is seen by all before the next two, which are concurrent: their
    // order is the rule's (depth, then id), whichever that is.
    exchange(&all, coop);
    dee.nominate(coop, call, key(dee)).expect("Dee herself");
    bo.nominate(coop, call, key(bo)).expect("Bo himself");
    exchange(&all, coop);
    asha.nominate(coop, call, key(dee))
        .expect("Asha seconds Dee");
    exchange(&all, coop);
    // Nobody answers for another: Asha was not nominated.
    let err = asha
        .answer_nomination(coop, call, NominationReply::Accept)
        .expect_err("not nominated");
    assert_eq!(err.code, ErrorCode::Refused);
    // Cy was nominated and has not answered: nominations close within a day, so he is
    // reminded, and Asha (not nominated) is not.
    let now = clock.load(Ordering::SeqCst);
    let cy_call = cy.nomination_call(coop, call).expect("call");
    assert!(cy_call.you_must_answer && cy_call.needs_reminder(now));
    let asha_call = asha.nomination_call(coop, call).expect("call");
    assert!(!asha_call.you_must_answer && !asha_call.needs_reminder(now));
    // Two days before the close, no reminder yet.
    assert!(!cy_call.needs_reminder(START + DAY - 2 * DAY));
    cy.answer_nomination(coop, call, NominationReply::Accept)
        .expect("Cy stands");
    dee.answer_nomination(coop, call, NominationReply::Accept)
        .expect("Dee stands");
    bo.answer_nomination(coop, call, NominationReply::Accept)
        .expect("Bo stands");
    bo.answer_nomination(coop, call, NominationReply::Withdraw)
        .expect("Bo withdraws");
    exchange(&all, coop);
    assert!(
        !cy.nomination_call(coop, call)
            .expect("call")
            .you_must_answer,
        "answered"
    );
    let seen = dee.nomination_call(coop, call).expect("the call");
    let shown: Vec<(&str, Vec<&str>, Option<NominationReply>)> = seen
        .nominees
        .iter()
        .map(|n| {
            (
                n.name.as_str(),
                n.by.iter().map(String::as_str).collect(),
                n.answer,
            )
        })
        .collect();
    assert_eq!(shown[0], ("Cy", vec!["Bo"], Some(NominationReply::Accept)));
    let mut rest = shown[1..].to_vec();
    rest.sort_by_key(|n| n.0);
    assert_eq!(
        rest,
        vec![
            ("Bo", vec!["Bo"], Some(NominationReply::Withdraw)),
            ("Dee", vec!["Dee", "Asha"], Some(NominationReply::Accept)),
        ]
    );
    assert!(seen.open);

    // Before the close the election cannot open; after it, only the caller opens it.
    let early = asha
        .open_election(coop, call, START + 8 * DAY)
        .expect_err("too early");
    assert_eq!(early.code, ErrorCode::Refused);
    clock.store(START + DAY + 1_000, Ordering::SeqCst);
    let late = cy
        .nominate(coop, call, key(asha))
        .expect_err("nominations closed");
    assert_eq!(late.code, ErrorCode::Refused);
    assert_eq!(
        bo.open_election(coop, call, START + 8 * DAY)
            .expect_err("not the caller")
            .code,
        ErrorCode::Refused
    );
    let election = asha
        .open_election(coop, call, START + 8 * DAY)
        .expect("opens");
    assert_eq!(
        election.options,
        vec!["Cy", "Dee"],
        "those who stand, in order"
    );
    assert_eq!(election.seats, Some(2));
    let by: Vec<(&str, Vec<&str>)> = election
        .candidates
        .iter()
        .map(|c| {
            (
                c.option.as_str(),
                c.nominated_by.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(by, vec![("Cy", vec!["Bo"]), ("Dee", vec!["Dee", "Asha"])]);
    let id: RecordId = election.id.parse().expect("id");
    assert_eq!(
        asha.nomination_call(coop, call).expect("call").election,
        Some(election.id.clone())
    );
    exchange(&all, coop);
    for h in &homes {
        h.vote(coop, id, Choice::Rank(vec!["Dee".into(), "Cy".into()]))
            .expect("ranked");
    }
    exchange(&all, coop);
    asha.close(coop, id).expect("close");
    let report = asha.export_report(coop, id).expect("report");
    let dto = verify_report(&report.json);
    assert!(dto.verified, "{:?}", dto.reason);
    // The report carries what judging the opening needs: the call, the nominations and
    // the answers in its past.
    let json: serde_json::Value = serde_json::from_slice(&report.json).expect("json");
    let kinds: Vec<String> = json["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            let r: serde_json::Value =
                serde_json::from_str(r.as_str().expect("a record")).expect("json");
            r["kind"].as_str().expect("kind").to_owned()
        })
        .collect();
    for kind in ["nomination.call", "nomination", "nomination.answer"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    if let Ok(out) = std::env::var("SANGAM_NOMINATED_REPORT") {
        std::fs::write(out, &report.json).expect("written");
    }
    let elected = dto
        .summary
        .expect("summary")
        .tally
        .election
        .expect("an election")
        .elected;
    assert_eq!(elected.len(), 2);
}
