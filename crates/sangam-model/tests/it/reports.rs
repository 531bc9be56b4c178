//! Vote reports: every voting method, with proxies, changed votes and a late ballot,
//! verifies with Sangam's verifier and with the independent one in
//! tests/report-verifier/ (Python, written from docs/protocol.md alone); each kind of
//! tampering is refused by both, for the right reason; two partitions that closed
//! differently give two reports that each verify as what they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use sangam_machine::SYSTEM;
use sangam_model::body::{
    Ballot, Choice, Fraction, Method, ProposalClose, ProposalOpen, ProxyGrant, Vote,
};
use sangam_model::report::{Hash32, Report, ReportClass, verify};
use sangam_model::{Body, CoopId, Fold, Record, RecordId};

use crate::support::{Person, admit, genesis, person, record, rename};

/// Records written one after another, each citing the heads of what was written before
/// (as an app does), unless told what it saw.
struct Book {
    coop: CoopId,
    records: Vec<Record>,
    at: i64,
}

impl Book {
    fn new(founder: &Person) -> Self {
        Self::with(genesis(founder))
    }

    fn with(g: Record) -> Self {
        Self {
            coop: g.id(),
            records: vec![g],
            at: 1_000,
        }
    }

    /// Writes `body` citing every head.
    fn write(&mut self, author: &Person, body: Body) -> Record {
        let heads = self.heads(&self.records);
        self.write_after(author, &heads, body)
    }

    /// Writes `body` citing exactly `deps` (what the author had seen).
    fn write_after(&mut self, author: &Person, deps: &[Record], body: Body) -> Record {
        self.at += 1_000;
        let deps: Vec<&Record> = deps.iter().collect();
        let r = record(self.coop, author, &deps, self.at, body);
        self.records.push(r.clone());
        r
    }

    fn heads(&self, of: &[Record]) -> Vec<Record> {
        of.iter()
            .filter(|r| !of.iter().any(|o| o.deps().contains(&r.id())))
            .cloned()
            .collect()
    }

    fn fold(&self) -> Fold {
        crate::support::fold(self.coop, self.records.iter().cloned())
    }
}

const OPTIONS: [&str; 3] = ["Oak", "Elm", "Ash"];

fn open(method: Method, electorate: &[&Person], title: &str) -> Body {
    let mut keys: Vec<_> = electorate.iter().map(|p| p.key.public()).collect();
    keys.sort();
    Body::ProposalOpen(ProposalOpen {
        title: title.into(),
        text: "Which wood for the new counter?".into(),
        method,
        options: if method.has_options() {
            OPTIONS.iter().map(|o| (*o).to_owned()).collect()
        } else {
            vec![]
        },
        seats: method.is_stv().then_some(2),
        template: None,
        nominated: None,
        quorum_pct: 50,
        threshold: Fraction { num: 1, den: 2 },
        closes_at: 60_000,
        electorate: keys,
        effect: None,
        revises: None,
    })
}

/// The n-th answer of the scenario in `method`'s terms (0: Asha, 1 and 2: Bo's first and
/// changed vote, 3: Cy, 4: Eli's late one).
fn answer(method: Method, n: usize) -> Choice {
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match method {
        Method::YesNo => Choice::Vote([Vote::Yes, Vote::No, Vote::Yes, Vote::No, Vote::Yes][n]),
        Method::Consent => Choice::Vote(
            [
                Vote::Agree,
                Vote::Disagree,
                Vote::Agree,
                Vote::Disagree,
                Vote::Agree,
            ][n],
        ),
        Method::Choice => Choice::Option(["Oak", "Elm", "Oak", "Elm", "Ash"][n].into()),
        Method::Approval => Choice::Approve(names(
            [&["Oak", "Elm"][..], &["Elm"], &["Oak"], &["Ash"], &["Ash"]][n],
        )),
        Method::Ranked | Method::Stv | Method::ScottishStv => Choice::Rank(names(
            [
                &["Oak", "Elm"][..],
                &["Elm"],
                &["Ash", "Oak"],
                &["Elm", "Ash"],
                &["Ash"],
            ][n],
        )),
        Method::Score => Choice::Scores(BTreeMap::from_iter(
            [
                &[("Oak", 5), ("Elm", 1)][..],
                &[("Elm", 5)],
                &[("Oak", 3)],
                &[("Ash", 4)],
                &[("Ash", 5)],
            ][n]
                .iter()
                .map(|(o, s)| ((*o).to_owned(), *s)),
        )),
    }
}

fn ballot(proposal: &Record, seq: u64, choice: Choice) -> Body {
    Body::Ballot(Ballot {
        proposal: proposal.id(),
        seq,
        choice,
    })
}

fn close(proposal: &Record, ballots: &[&Record], proxies: &[&Record]) -> Body {
    let mut ballots: Vec<RecordId> = ballots.iter().map(|r| r.id()).collect();
    ballots.sort();
    let mut proxies: Vec<RecordId> = proxies.iter().map(|r| r.id()).collect();
    proxies.sort();
    Body::ProposalClose(ProposalClose {
        proposal: proposal.id(),
        ballots,
        proxies,
    })
}

/// A co-op of five that decides one proposal by `method`: Bo changes his vote, Dee gives
/// her proxy to Asha, Eli closes after the deadline and then votes late (not having seen
/// the close). Another proposal runs beside it, voted and closed after this one.
struct Scenario {
    book: Book,
    people: Vec<Person>,
    proposal: Record,
    close: Record,
    /// A ballot of the other proposal, which nothing of this one depends on.
    other_ballot: Record,
    /// A close of the other proposal, written from what this one's close saw.
    other_close: Record,
}

fn scenario(method: Method) -> Scenario {
    let people: Vec<Person> = (1..=5).map(person).collect();
    let [asha, bo, cy, dee, eli] = [&people[0], &people[1], &people[2], &people[3], &people[4]];
    let mut book = Book::new(asha);
    for (p, name) in [(bo, "Bo"), (cy, "Cy"), (dee, "Dee"), (eli, "Eli")] {
        book.write(asha, admit(p, name));
    }
    book.write(bo, rename("Bo Baker"));
    // The marketplace runs beside the vote: its records are in the proposal's past.
    let listing = book.write(
        bo,
        Body::ListingPost(sangam_model::market::ListingPost(
            sangam_model::market::ListingText {
                kind: sangam_model::market::ListingKind::Offer,
                title: "Sourdough starter".into(),
                description: "Ask at the counter.".into(),
                category: None,
                price: None,
                quantity: Some(3),
                location: None,
                expires_at: None,
            },
        )),
    );
    book.write(
        cy,
        Body::ListingRespond(sangam_model::market::ListingRespond {
            listing: listing.id(),
            message: "One for me, please.".into(),
            quantity: Some(1),
        }),
    );
    // And the books: two accounts and a sale.
    use sangam_model::ledger::{AccountType, LedgerAccount, LedgerEntry, Posting};
    let mut account = |name: &str, account_type| {
        book.write(
            asha,
            Body::LedgerAccount(LedgerAccount {
                name: name.into(),
                account_type,
                member: None,
                role: None,
            }),
        )
    };
    let till = account("Till", AccountType::Asset);
    let sales = account("Bread sales", AccountType::Income);
    book.write(
        dee,
        Body::LedgerEntry(LedgerEntry {
            date: "2026-11-29".into(),
            description: "Saturday market".into(),
            postings: vec![
                Posting {
                    account: till.id(),
                    amount: 12_050,
                    commodity: "EUR".into(),
                    member: None,
                },
                Posting {
                    account: sales.id(),
                    amount: -12_050,
                    commodity: "EUR".into(),
                    member: None,
                },
            ],
            payee: None,
            approved_by: None,
            reverses: None,
            allocates: None,
            reference: None,
        }),
    );
    let all = [asha, bo, cy, dee, eli];
    let other = book.write(cy, open(Method::YesNo, &all, "Paint the door"));
    let proposal = book.write(asha, open(method, &all, "The counter's wood"));
    let a = book.write(asha, ballot(&proposal, 1, answer(method, 0)));
    book.write(bo, ballot(&proposal, 1, answer(method, 1)));
    let b = book.write(bo, ballot(&proposal, 2, answer(method, 2)));
    let c = book.write(cy, ballot(&proposal, 1, answer(method, 3)));
    let d = book.write(
        dee,
        Body::ProxyGrant(ProxyGrant {
            proposal: proposal.id(),
            holder: asha.key.public(),
            seq: 1,
        }),
    );
    let seen_before_close = book.heads(&book.records);
    book.at = 70_000;
    let close = book.write(eli, close(&proposal, &[&a, &b, &c], &[&d]));
    // Eli votes from a laptop that had not seen the close: a valid ballot, named by no
    // close, so late.
    book.write_after(
        eli,
        &seen_before_close,
        ballot(&proposal, 1, answer(method, 4)),
    );
    let after = book.heads(&book.records);
    let other_ballot = book.write_after(cy, &after, ballot(&other, 1, Choice::Vote(Vote::Yes)));
    // Cy's laptop closed the other proposal (with no ballots: refused where written, so
    // it never counts) before this one closed.
    let other_close = book.write_after(
        cy,
        &seen_before_close,
        Body::ProposalClose(ProposalClose {
            proposal: other.id(),
            ballots: vec![],
            proxies: vec![],
        }),
    );
    Scenario {
        book,
        people,
        proposal,
        close,
        other_ballot,
        other_close,
    }
}

fn report_of(fold: &Fold, proposal: &Record, exporter: &Person) -> Report {
    Report::build(
        fold,
        proposal.id(),
        vec![Hash32([7; 32])],
        99_000,
        &exporter.key,
    )
    .expect("the proposal is in the fold")
}

/// The independent verifier's first line for a report file.
fn python_verdict(file: &Path) -> String {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/report-verifier/verify_report.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(file)
        .output()
        .expect("python3 runs (scripts/test-deps.sh installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap_or_default().to_owned();
    let verified = first == "verified";
    assert_eq!(
        out.status.code(),
        Some(if verified { 0 } else { 1 }),
        "the Python verifier's exit status matches its verdict {first:?}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    first
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the report");
    path
}

#[test]
fn every_method_with_proxies_changed_votes_and_a_late_ballot_verifies_with_both_verifiers() {
    let dir = tempfile::tempdir().expect("tmp");
    for method in [
        Method::YesNo,
        Method::Consent,
        Method::Choice,
        Method::Approval,
        Method::Ranked,
        Method::Score,
        Method::Stv,
        Method::ScottishStv,
    ] {
        let s = scenario(method);
        let fold = s.book.fold();
        let report = report_of(&fold, &s.proposal, &s.people[0]);
        let bytes = report.to_json();
        let verified = verify(&SYSTEM, &bytes).unwrap_or_else(|e| panic!("{method:?}: {e}"));
        let tally = fold.tally(s.proposal.id()).expect("tally");
        assert_eq!(
            verified.tally, tally,
            "{method:?}: the report gives the fold's tally"
        );
        assert_eq!(tally.ballots_counted, 3, "{method:?}");
        assert_eq!(
            tally.represented, 1,
            "{method:?}: Dee's proxy counts for Asha"
        );
        assert_eq!(tally.late.len(), 1, "{method:?}: Eli's ballot is late");
        assert_eq!(tally.closes, vec![s.close.id()]);
        // The other proposal's later records are not evidence of this one.
        assert!(!report.records.iter().any(|r| r == s.other_ballot.json()));
        let file = write(dir.path(), &format!("{}.json", method.as_str()), &bytes);
        assert_eq!(python_verdict(&file), "verified", "{method:?}");
    }
}

#[test]
fn the_outcomes_are_the_counting_rules() {
    // Asha's weight is 2 with Dee's proxy.
    let outcome = |m| {
        let s = scenario(m);
        s.book
            .fold()
            .tally(s.proposal.id())
            .expect("tally")
            .outcome
            .label()
    };
    assert_eq!(outcome(Method::YesNo), "passed", "yes 2+1, no 1");
    assert_eq!(outcome(Method::Consent), "passed");
    assert_eq!(outcome(Method::Choice), "Oak", "Oak 2+1, Elm 1");
    assert_eq!(outcome(Method::Approval), "Oak", "Oak 2+1, Elm 2, Ash 1");
    assert_eq!(outcome(Method::Score), "Oak", "Oak 10+3, Elm 2+5, Ash 0");
    // Round 1: Oak 2, Elm 1, Ash 1; Ash (listed last) leaves; Bo's ballot goes to Oak.
    assert_eq!(outcome(Method::Ranked), "Oak");
    assert_eq!(outcome(Method::Stv), "elected");
}

#[test]
fn an_election_for_two_seats_counts_the_proxy_and_the_changed_ballot() {
    // Counted: Asha [Oak, Elm] with Dee's proxy (weight 2), Bo's changed [Ash, Oak], Cy
    // [Elm, Ash]; Eli's late ballot does not count.
    let elected = |m| {
        let s = scenario(m);
        let tally = s.book.fold().tally(s.proposal.id()).expect("tally");
        let count = tally.election.clone().expect("an election's count");
        assert_eq!(count.ballots, 4, "{m:?}: 3 ballots, one of weight 2");
        match tally.outcome {
            sangam_model::governance::Outcome::Elected(names) => (names, count),
            other => panic!("{m:?}: {other:?}"),
        }
    };
    // Meek: quota 4/3; Oak is elected with 2, keeps 1.333333334 of Asha's 2 and passes
    // the rest to Elm, who reaches the quota.
    let (names, count) = elected(Method::Stv);
    assert_eq!(names, ["Oak", "Elm"]);
    assert_eq!(count.rounds[0].quota.to_string(), "1.333333334");
    assert!(count.ties.is_empty());
    // Scottish STV: quota 2; Oak has exactly 2 (no surplus to transfer); Elm and Ash tie
    // at 1 in the only stage, so the lot drawn from the proposal's id excludes one.
    let (names, count) = elected(Method::ScottishStv);
    assert_eq!(names[0], "Oak");
    assert_eq!(names.len(), 2);
    assert_eq!(count.rounds[0].quota.to_string(), "2.00000");
    assert_eq!(count.ties.len(), 1);
    assert_eq!(count.ties[0].by, sangam_count::TieBrokenBy::Lot);
}

/// One tampering of a report's JSON.
type Tamper = Box<dyn Fn(&mut Value, &Scenario)>;

fn records_mut(v: &mut Value) -> &mut Vec<Value> {
    v["records"].as_array_mut().expect("records")
}

fn record_index(v: &Value, r: &Record) -> usize {
    v["records"]
        .as_array()
        .expect("records")
        .iter()
        .position(|x| x.as_str() == Some(r.json()))
        .expect("the record is in the report")
}

#[test]
fn each_tampering_is_refused_by_both_verifiers_with_its_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = scenario(Method::YesNo);
    let fold = s.book.fold();
    let report = report_of(&fold, &s.proposal, &s.people[0]);
    let good: Value = serde_json::from_slice(&report.to_json()).expect("json");
    // A counted ballot: Cy's "no".
    let cy_ballot = fold
        .tally(s.proposal.id())
        .expect("tally")
        .counted
        .into_iter()
        .map(|id| fold.get(&id).expect("placed").record.clone())
        .find(|r| r.author() == s.people[2].key.public())
        .expect("Cy's ballot counted");
    let other_coop = {
        let mut book = Book::new(&person(40));
        book.write(&person(40), admit(&person(41), "Zed"))
    };

    let cases: Vec<(&str, ReportClass, Tamper)> = vec![
        (
            "a ballot removed",
            ReportClass::Incomplete,
            Box::new(move |v, _| {
                let i = record_index(v, &cy_ballot);
                records_mut(v).remove(i);
            }),
        ),
        (
            "a ballot added from another proposal",
            ReportClass::UnrelatedRecord,
            Box::new(|v, s| records_mut(v).push(json!(s.other_ballot.json()))),
        ),
        (
            "a choice changed",
            ReportClass::BadSignature,
            Box::new(|v, _| {
                let r = records_mut(v);
                let i = r
                    .iter()
                    .position(|x| x.as_str().is_some_and(|t| t.contains("\"vote\":\"no\"")))
                    .expect("a no ballot");
                r[i] = json!(
                    r[i].as_str()
                        .expect("the report's shape")
                        .replace("\"vote\":\"no\"", "\"vote\":\"yes\"")
                );
            }),
        ),
        (
            "a signature bit flipped",
            ReportClass::BadSignature,
            Box::new(|v, s| {
                let i = record_index(v, &s.proposal);
                let text = s.proposal.json();
                let at = text.find("\"sig\":\"").expect("sig") + 7;
                let mut bytes = text.as_bytes().to_vec();
                bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                records_mut(v)[i] = json!(String::from_utf8(bytes).expect("the report's shape"));
            }),
        ),
        (
            "the tally edited",
            ReportClass::Tally,
            Box::new(|v, _| {
                let yes = v["tally"]["counts"]["yes"]
                    .as_u64()
                    .expect("the report's shape");
                v["tally"]["counts"]["yes"] = json!(yes + 1);
            }),
        ),
        (
            "the outcome edited",
            ReportClass::Tally,
            Box::new(|v, _| v["tally"]["outcome"] = json!("failed")),
        ),
        (
            "the electorate padded with a non-member",
            ReportClass::Electorate,
            Box::new(|v, s| {
                let admitted_by = v["electorate"][0]["admitted_by"].clone();
                let outsider = person(77).key.public().to_string();
                let _ = s;
                v["electorate"]
                    .as_array_mut()
                    .expect("the report's shape")
                    .push(json!({"admitted_by": admitted_by, "member": outsider}));
            }),
        ),
        (
            "a close record swapped",
            ReportClass::UnrelatedRecord,
            Box::new(|v, s| {
                let i = record_index(v, &s.close);
                records_mut(v)[i] = json!(s.other_close.json());
            }),
        ),
        (
            "the exporter's signature stripped",
            ReportClass::Unsigned,
            Box::new(|v, _| {
                v.as_object_mut().expect("the report's shape").remove("sig");
            }),
        ),
        (
            "the export time changed after signing",
            ReportClass::BadReportSignature,
            Box::new(|v, _| v["exported_at"] = json!(1)),
        ),
        (
            "a record from another co-op",
            ReportClass::WrongCoop,
            Box::new(move |v, _| records_mut(v).push(json!(other_coop.json()))),
        ),
        (
            "a record twice",
            ReportClass::DuplicateRecord,
            Box::new(|v, s| records_mut(v).push(json!(s.close.json()))),
        ),
        (
            "the record heads edited",
            ReportClass::Heads,
            Box::new(|v, s| v["heads"]["records"] = json!([s.proposal.id().to_string()])),
        ),
        (
            "another format",
            ReportClass::UnsupportedFormat,
            Box::new(|v, _| v["format"] = json!("sangam/report/9")),
        ),
        (
            "a later format that changes other members too",
            ReportClass::UnsupportedFormat,
            Box::new(|v, _| {
                v["format"] = json!("sangam/report/2");
                v["ballots"] = json!([]);
                v.as_object_mut().expect("an object").remove("tally");
            }),
        ),
    ];
    let mut files = vec![];
    for (name, class, tamper) in &cases {
        let mut v = good.clone();
        tamper(&mut v, &s);
        let bytes = serde_json::to_vec_pretty(&v).expect("the report's shape");
        let err = verify(&SYSTEM, &bytes).expect_err(name);
        assert_eq!(err.class, *class, "{name}: {err}");
        let file = write(
            dir.path(),
            &format!("{}.json", name.replace(' ', "-")),
            &bytes,
        );
        files.push((name.to_string(), class.as_str(), file));
    }
    // Truncated JSON.
    let bytes = report.to_json();
    let cut = &bytes[..bytes.len() / 2];
    let err = verify(&SYSTEM, cut).expect_err("truncated");
    assert_eq!(err.class, ReportClass::Malformed);
    assert!(err.reason.contains("cut short"), "{err}");
    files.push((
        "truncated JSON".into(),
        "malformed",
        write(dir.path(), "truncated.json", cut),
    ));
    // `-0`, which JSON readers disagree on.
    let text = String::from_utf8(report.to_json()).expect("UTF-8");
    let minus_zero = text.replace("\"exported_at\": 99000", "\"exported_at\": -0");
    assert_ne!(minus_zero, text);
    let err = verify(&SYSTEM, minus_zero.as_bytes()).expect_err("-0");
    assert_eq!(err.class, ReportClass::Malformed, "{err}");
    files.push((
        "-0".into(),
        "malformed",
        write(dir.path(), "minus-zero.json", minus_zero.as_bytes()),
    ));
    for (name, class, file) in files {
        let first = python_verdict(&file);
        assert!(
            first.starts_with(&format!("refused {class}:")),
            "{name}: the Python verifier says {first:?}"
        );
    }
}

#[test]
fn an_edited_election_report_is_refused_by_both_verifiers_with_its_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = scenario(Method::Stv);
    let fold = s.book.fold();
    let good: Value =
        serde_json::from_slice(&report_of(&fold, &s.proposal, &s.people[0]).to_json())
            .expect("json");
    assert_eq!(good["tally"]["outcome"], "elected");
    let yes_no = scenario(Method::YesNo);
    let yes_no_report: Value = serde_json::from_slice(
        &report_of(&yes_no.book.fold(), &yes_no.proposal, &yes_no.people[0]).to_json(),
    )
    .expect("json");
    let election = good["tally"]["election"].clone();
    // Asha's ranking, as her signed ballot holds it.
    let asha_rank = r#"\"rank\":[\"Oak\",\"Elm\"]"#;
    let cases: Vec<(&str, ReportClass, Value)> = vec![
        ("a round's count changed", ReportClass::Tally, {
            let mut v = good.clone();
            v["tally"]["election"]["rounds"][0]["votes"][0] = json!("9.000000000");
            v
        }),
        ("the winners changed", ReportClass::Tally, {
            let mut v = good.clone();
            v["tally"]["election"]["elected"] = json!([0, 2]);
            v
        }),
        (
            "an election's count added to a yes/no report",
            ReportClass::Tally,
            {
                let mut v = yes_no_report.clone();
                v["tally"]["election"] = election.clone();
                v
            },
        ),
        ("the count written as null", ReportClass::Malformed, {
            let mut v = yes_no_report.clone();
            v["tally"]["election"] = Value::Null;
            v
        }),
        ("a member added inside the count", ReportClass::Malformed, {
            let mut v = good.clone();
            v["tally"]["election"]["rounds"][0]["note"] = json!("recounted");
            v
        }),
        (
            "a figure written with a leading zero",
            ReportClass::Malformed,
            {
                let mut v = good.clone();
                let quota = v["tally"]["election"]["rounds"][0]["quota"]
                    .as_str()
                    .expect("quota")
                    .to_owned();
                v["tally"]["election"]["rounds"][0]["quota"] = json!(format!("0{quota}"));
                v
            },
        ),
        ("a ranking changed", ReportClass::BadSignature, {
            let text = serde_json::to_string(&good).expect("json");
            assert!(text.contains(asha_rank), "the report holds Asha's ranking");
            let edited = text.replacen(asha_rank, r#"\"rank\":[\"Elm\",\"Oak\"]"#, 1);
            serde_json::from_str(&edited).expect("json")
        }),
    ];
    for (name, class, v) in cases {
        let bytes = serde_json::to_vec_pretty(&v).expect("json");
        let err = verify(&SYSTEM, &bytes).expect_err(name);
        assert_eq!(err.class, class, "{name}: {err}");
        let file = write(
            dir.path(),
            &format!("{}.json", name.replace([' ', '/'], "-")),
            &bytes,
        );
        let first = python_verdict(&file);
        assert!(
            first.starts_with(&format!("refused {}:", class.as_str())),
            "{name}: the Python verifier says {first:?}"
        );
    }
}

#[test]
fn two_partitions_that_closed_differently_each_verify_as_what_they_are() {
    // Asha and Bo (one room) and Cy, Dee and Eli (another) vote apart and each side
    // closes after the deadline with the ballots it saw.
    let people: Vec<Person> = (1..=5).map(person).collect();
    let [asha, bo, cy, dee, eli] = [&people[0], &people[1], &people[2], &people[3], &people[4]];
    let mut book = Book::new(asha);
    for (p, name) in [(bo, "Bo"), (cy, "Cy"), (dee, "Dee"), (eli, "Eli")] {
        book.write(asha, admit(p, name));
    }
    let all = [asha, bo, cy, dee, eli];
    let proposal = book.write(asha, open(Method::YesNo, &all, "Open on Sundays"));
    let split = vec![proposal.clone()];
    let a = book.write_after(asha, &split, ballot(&proposal, 1, Choice::Vote(Vote::Yes)));
    let b = book.write_after(
        bo,
        std::slice::from_ref(&a),
        ballot(&proposal, 1, Choice::Vote(Vote::Yes)),
    );
    let c = book.write_after(cy, &split, ballot(&proposal, 1, Choice::Vote(Vote::No)));
    let d = book.write_after(
        dee,
        std::slice::from_ref(&c),
        ballot(&proposal, 1, Choice::Vote(Vote::No)),
    );
    let e = book.write_after(
        eli,
        std::slice::from_ref(&d),
        ballot(&proposal, 1, Choice::Vote(Vote::No)),
    );
    book.at = 70_000;
    let close_ab = book.write_after(
        bo,
        std::slice::from_ref(&b),
        close(&proposal, &[&a, &b], &[]),
    );
    let close_cde = book.write_after(
        eli,
        std::slice::from_ref(&e),
        close(&proposal, &[&c, &d, &e], &[]),
    );
    let everything = book.records.clone();
    let side = |keep: &[&Record]| {
        let mut fold = Fold::new(book.coop);
        for r in &everything {
            let other_side = [&a, &b, &close_ab, &c, &d, &e, &close_cde]
                .iter()
                .any(|x| x.id() == r.id());
            if !other_side || keep.iter().any(|k| k.id() == r.id()) {
                fold.add(r.clone());
            }
        }
        fold
    };
    let room_ab = side(&[&a, &b, &close_ab]);
    let room_cde = side(&[&c, &d, &e, &close_cde]);
    let dir = tempfile::tempdir().expect("tmp");
    let report_ab = report_of(&room_ab, &proposal, bo).to_json();
    let report_cde = report_of(&room_cde, &proposal, eli).to_json();
    let ab = verify(&SYSTEM, &report_ab).expect("room A's report verifies");
    let cde = verify(&SYSTEM, &report_cde).expect("room B's report verifies");
    assert_eq!(
        ab.tally.outcome.label(),
        "no_quorum",
        "2 of 5 is below half"
    );
    assert_eq!(cde.tally.outcome.label(), "failed", "three noes");
    assert_ne!(
        ab.tally.counted, cde.tally.counted,
        "they differ in ballot set"
    );
    assert_ne!(
        ab.report.heads.records, cde.report.heads.records,
        "and in heads"
    );
    assert!(ab.tally.contested.is_empty() && cde.tally.contested.is_empty());
    // Once both rooms meet, the two closes are concurrent: everything counts and the
    // report says the closes disagreed.
    let met = report_of(&book.fold(), &proposal, asha).to_json();
    let both = verify(&SYSTEM, &met).expect("the merged report verifies");
    assert_eq!(both.tally.closes.len(), 2);
    assert_eq!(both.tally.ballots_counted, 5);
    assert_eq!(
        both.tally.contested.len(),
        5,
        "each ballot is named by one close only"
    );
    assert_eq!(both.tally.outcome.label(), "failed", "two yes, three no");
    for (name, bytes) in [("ab", &report_ab), ("cde", &report_cde), ("met", &met)] {
        let file = write(dir.path(), &format!("{name}.json"), bytes);
        assert_eq!(python_verdict(&file), "verified", "{name}");
    }
}

#[test]
fn a_relay_proposal_and_a_refused_settings_record_verify_with_both_verifiers() {
    let (asha, bo) = (person(1), person(2));
    let mut book = Book::new(&asha);
    book.write(&asha, admit(&bo, "Bo"));
    // Bo points every laptop at his relay by himself: refused where written, but evidence.
    book.write(
        &bo,
        Body::CoopSettings(sangam_model::body::CoopSettings {
            relay: Some("https://relay.bo.example".into()),
        }),
    );
    let mut body = open(Method::YesNo, &[&asha, &bo], "Our own relay");
    if let Body::ProposalOpen(open) = &mut body {
        open.effect = Some(sangam_model::body::Effect::Settings(
            sangam_model::body::CoopSettings {
                relay: Some("https://relay.river.coop:8443".into()),
            },
        ));
    }
    let proposal = book.write(&asha, body);
    let a = book.write(&asha, ballot(&proposal, 1, Choice::Vote(Vote::Yes)));
    let b = book.write(&bo, ballot(&proposal, 1, Choice::Vote(Vote::Yes)));
    book.write(&bo, close(&proposal, &[&a, &b], &[]));
    let fold = book.fold();
    assert_eq!(
        fold.state().relay.as_deref(),
        Some("https://relay.river.coop:8443")
    );
    let bytes = report_of(&fold, &proposal, &bo).to_json();
    let verified = verify(&SYSTEM, &bytes).expect("verifies");
    assert_eq!(verified.tally.outcome.label(), "passed");
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), "relay.json", &bytes);
    assert_eq!(python_verdict(&file), "verified");
}

#[test]
fn a_co_op_whose_bylaws_keep_the_books_verifies_with_both_verifiers() {
    use sangam_model::ledger::{AccountType, LedgerAccount, LedgerBylaws, LedgerClose};
    let (asha, bo) = (person(1), person(2));
    let bylaws = sangam_model::Bylaws {
        ledger: LedgerBylaws {
            treasurers: vec![asha.key.public()],
            approval_over: BTreeMap::from([("EUR".to_owned(), 50_000)]),
            reserve_pct: 30,
            education_pct: 5,
        },
        ..sangam_model::Bylaws::default()
    };
    let mut book = Book::with(crate::support::genesis_with(&asha, bylaws));
    book.write(&asha, admit(&bo, "Bo"));
    let account = |name: &str| {
        Body::LedgerAccount(LedgerAccount {
            name: name.into(),
            account_type: AccountType::Asset,
            member: None,
            role: None,
        })
    };
    let till = book.write(&asha, account("Till"));
    // Bo is no treasurer: his account is refused where written, and stays evidence.
    book.write(&bo, account("Bo's tin"));
    book.write(&asha, Body::LedgerClose(LedgerClose { account: till.id() }));
    let proposal = book.write(&asha, open(Method::YesNo, &[&asha, &bo], "A new oven"));
    let a = book.write(&asha, ballot(&proposal, 1, Choice::Vote(Vote::Yes)));
    let b = book.write(&bo, ballot(&proposal, 1, Choice::Vote(Vote::Yes)));
    book.write(&bo, close(&proposal, &[&a, &b], &[]));
    let fold = book.fold();
    assert_eq!(fold.accounts().len(), 1, "Bo's account does not count");
    let bytes = report_of(&fold, &proposal, &asha).to_json();
    verify(&SYSTEM, &bytes).expect("verifies");
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), "books.json", &bytes);
    assert_eq!(python_verdict(&file), "verified");
}
