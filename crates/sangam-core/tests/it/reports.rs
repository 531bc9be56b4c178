//! A report exported from real homes: four members vote by bundles (a changed vote, a
//! proxy, a ballot cast after the close by a laptop that had not seen it), the chair
//! exports the report, it verifies with no home at all, and its page for people matches
//! the committed snapshot.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use sangam_core::{
    BallotFate, Choice, Home, Method, ProposalDraft, ProposalStatus, Vote, report_page,
    verify_report,
};
use sangam_model::{CoopId, RecordId};
use tempfile::TempDir;

use crate::bundled::{START, exchange, home, river_bakery};

fn vote(home: &Home, coop: CoopId, id: RecordId, vote: Vote) {
    home.vote(coop, id, Choice::Vote(vote)).expect("vote");
}

/// Long hex (keys, ids, signatures) and the exporter's claims vary from run to run; the
/// page around them must not.
fn normalized(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut run = String::new();
    for c in page.chars().chain(['\n']) {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
            continue;
        }
        if run.len() >= 12 {
            out.push_str("HEX");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

#[test]
fn a_report_from_real_homes_verifies_without_a_home_and_its_page_is_the_snapshot() {
    let dir = TempDir::new().expect("tmp");
    let clock = Arc::new(AtomicI64::new(START));
    let names = ["Asha", "Bo", "Cy", "Dee"];
    let homes: Vec<Home> = names.iter().map(|n| home(&dir, n, &clock)).collect();
    let [asha, bo, cy, dee] = [&homes[0], &homes[1], &homes[2], &homes[3]];
    let coop = river_bakery(&homes, &names);
    let all: Vec<&Home> = homes.iter().collect();
    let proposal = asha
        .propose(
            coop,
            ProposalDraft {
                title: "Buy the oven".into(),
                text: "We buy the oven from the co-op down the road for 4,000 EUR.".into(),
                method: Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: Some(sangam_core::Fraction { num: 2, den: 3 }),
                closes_at: START + 7 * 86_400_000,
                effect: None,
            },
        )
        .expect("propose");
    let id: RecordId = proposal.id.parse().expect("id");
    exchange(&all, coop);
    vote(asha, coop, id, Vote::Yes);
    vote(bo, coop, id, Vote::No);
    vote(bo, coop, id, Vote::Yes);
    vote(cy, coop, id, Vote::No);
    let asha_key = asha.identity().expect("identity").member;
    dee.proxy(coop, id, crate::pk(&asha_key)).expect("proxy");
    exchange(&all, coop);
    // Everyone voted or is represented: the chair may close before the deadline.
    asha.close(coop, id).expect("close");
    // Cy changes his mind on a laptop that has not seen the close yet: late.
    vote(cy, coop, id, Vote::Yes);
    exchange(&all, coop);

    let report = asha.export_report(coop, id).expect("report");
    let dto = verify_report(&report.json);
    assert!(dto.verified, "{:?}", dto.reason);
    assert_eq!(
        dto, report.dto,
        "the home says of its report what any verifier says"
    );
    let s = dto.summary.expect("summary");
    assert_eq!(s.tally.status, ProposalStatus::Closed);
    assert_eq!(
        s.tally.outcome,
        sangam_core::OutcomeDto::Passed,
        "yes 2 + 1 by proxy against 1 no"
    );
    assert_eq!(s.tally.counts["yes"], 3);
    assert_eq!(s.tally.counts["no"], 1);
    let fates: Vec<(String, BallotFate)> = s
        .ballots
        .iter()
        .map(|b| (b.voter_name.clone().unwrap_or_default(), b.fate))
        .collect();
    for expected in [
        ("Asha", BallotFate::Counted),
        ("Bo", BallotFate::Superseded),
        ("Bo", BallotFate::Counted),
        ("Cy", BallotFate::Counted),
        ("Cy", BallotFate::Late),
    ] {
        assert!(
            fates
                .iter()
                .any(|(n, f)| n == expected.0 && *f == expected.1),
            "{expected:?} in {fates:?}"
        );
    }
    assert_eq!(s.exporter_name.as_deref(), Some("Asha"));
    assert_eq!(
        (s.document_heads.len(), s.record_heads.len()),
        (2, 2),
        "the close and Cy's late ballot were written apart"
    );

    let page = report_page(&report.dto);
    if let Some(path) = std::env::var_os("SANGAM_REPORT_PAGE") {
        std::fs::write(path, &page).expect("write the page");
    }
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots/report.html");
    let got = normalized(&page);
    if std::env::var_os("SANGAM_BLESS").is_some() {
        std::fs::write(&snapshot, &got).expect("write the snapshot");
    }
    let want = std::fs::read_to_string(&snapshot).expect("the snapshot (SANGAM_BLESS=1 writes it)");
    assert_eq!(
        got, want,
        "the page changed: look at it, then SANGAM_BLESS=1 to accept it"
    );

    // Written to files, and refused once a ballot is edited.
    let json_path = dir.path().join("oven.json");
    asha.export_report_to(
        coop,
        id,
        &json_path,
        Some(&dir.path().join("oven.html")),
        &sangam_core::PageWords::english(),
    )
    .expect("written");
    let text = std::fs::read_to_string(&json_path).expect("read");
    let tampered = text.replacen(r#"\"vote\":\"no\""#, r#"\"vote\":\"yes\""#, 1);
    assert_ne!(text, tampered, "the report carries Cy's no");
    let refused = verify_report(tampered.as_bytes());
    assert!(!refused.verified);
    assert_eq!(refused.class.as_deref(), Some("bad_signature"));
    let refused_page = report_page(&refused);
    assert!(refused_page.contains("not a valid vote report"));
}

#[test]
fn an_open_proposal_has_no_report_yet() {
    let dir = TempDir::new().expect("tmp");
    let clock = Arc::new(AtomicI64::new(START));
    let asha = home(&dir, "Asha", &clock);
    asha.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&asha);
    let proposal = asha
        .propose(
            coop,
            ProposalDraft {
                title: "Paint the door".into(),
                text: String::new(),
                method: Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: START + 86_400_000,
                effect: None,
            },
        )
        .expect("propose");
    let err = asha
        .export_report(coop, proposal.id.parse().expect("id"))
        .err()
        .expect("refused");
    assert!(err.message.contains("still open"), "{}", err.message);
}
