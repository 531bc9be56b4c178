//! Tallying 10,000 signed ballots from a cold load, signature checks included.
//!
//! The co-op has 10,000 members, one proposal open to all of them, and one ballot from
//! each. Setup signs everything once; each measured run starts from the records' JSON
//! bytes, as read from disk or a bundle, and ends with the tally:
//! - `ballots_only`: the membership and proposal are already folded (a laptop that has
//!   the co-op); the 10,000 ballots arrive, are parsed, verified (in batches, on every
//!   core), folded and tallied;
//! - `whole_coop`: everything (genesis, 10,000 admissions, the proposal, 10,000 ballots)
//!   is parsed, verified, folded and tallied from nothing;
//! - `verify_report`: the proposal's vote report checked from its file, as `sangam verify`
//!   does.
//!
//! The other benches split `ballots_only` into its parts, give the floors (bare signature
//! checks: ed25519-dalek's `verify_strict`, Sangam's single check, a batch on one core and
//! on every core) and the path a laptop takes when reopening its own store.
//!
//! Run: `cargo bench -p sangam-model --bench tally`.

use divan::Bencher;
use sangam_machine::SYSTEM;
use sangam_model::body::{
    Ballot, Choice, Fraction, Genesis, MemberAdmit, Method, ProposalOpen, Vote,
};
use sangam_model::record::{parse_many, parse_many_trusted};
use sangam_model::verify::{SigCheck, verify_many, verify_on_one_core, verify_one};
use sangam_model::{Body, Bylaws, CoopId, Draft, Fold, PublicKey, Record, RecordId, SecretKey};

const MEMBERS: u32 = 10_000;

fn key(n: u32, salt: u8) -> SecretKey {
    let mut seed = [salt; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    SecretKey::from_seed(seed)
}

struct Coop {
    coop: CoopId,
    proposal: RecordId,
    setup: Vec<String>,
    ballots: Vec<String>,
}

fn sign(coop: Option<CoopId>, at: i64, deps: Vec<RecordId>, body: Body, by: &SecretKey) -> Record {
    Draft {
        coop,
        at,
        deps,
        body,
    }
    .sign(by)
    .expect("signs")
}

fn build() -> Coop {
    let founder = key(0, 1);
    let genesis = sign(
        None,
        1,
        vec![],
        Body::CoopGenesis(Genesis {
            name: "Bench Co-op".into(),
            currency: "EUR".into(),
            bylaws: Bylaws::default(),
            founder_name: "Founder".into(),
            device: key(0, 2).public(),
            nonce: "00000000000000000000000000000000".into(),
        }),
        &founder,
    );
    let coop = genesis.id();
    let mut setup = vec![genesis.json().to_owned()];
    let mut last = genesis.id();
    let mut electorate: Vec<PublicKey> = vec![founder.public()];
    for n in 1..MEMBERS {
        let member = key(n, 1).public();
        let body = Body::MemberAdmit(MemberAdmit {
            member,
            name: format!("Member {n}"),
        });
        let record = sign(Some(coop), 10 + i64::from(n), vec![last], body, &founder);
        last = record.id();
        electorate.push(member);
        setup.push(record.json().to_owned());
    }
    electorate.sort();
    let open = sign(
        Some(coop),
        100_000,
        vec![last],
        Body::ProposalOpen(ProposalOpen {
            title: "Adopt the budget".into(),
            text: "The 2027 budget as circulated.".into(),
            method: Method::YesNo,
            options: vec![],
            seats: None,
            template: None,
            nominated: None,
            quorum_pct: 50,
            threshold: Fraction { num: 2, den: 3 },
            closes_at: 10_000_000,
            electorate,
            effect: None,
            revises: None,
        }),
        &founder,
    );
    setup.push(open.json().to_owned());
    let ballots = (0..MEMBERS)
        .map(|n| {
            let voter = key(n, 1);
            let vote = if n % 3 == 0 { Vote::No } else { Vote::Yes };
            let body = Body::Ballot(Ballot {
                proposal: open.id(),
                seq: 1,
                choice: Choice::Vote(vote),
            });
            sign(
                Some(coop),
                200_000 + i64::from(n),
                vec![open.id()],
                body,
                &voter,
            )
            .json()
            .to_owned()
        })
        .collect();
    Coop {
        coop,
        proposal: open.id(),
        setup,
        ballots,
    }
}

fn fold_all(fold: &mut Fold, texts: &[String]) {
    let bytes: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
    for record in parse_many(&SYSTEM, &bytes) {
        fold.add(record.expect("every benchmark record is valid"));
    }
}

#[divan::bench(sample_count = 10)]
fn ballots_only(bencher: Bencher) {
    let coop = build();
    bencher
        .with_inputs(|| {
            let mut fold = Fold::new(coop.coop);
            fold_all(&mut fold, &coop.setup);
            fold
        })
        .bench_local_values(|mut fold| {
            fold_all(&mut fold, &coop.ballots);
            let tally = fold.tally(coop.proposal).expect("tally");
            assert_eq!(tally.ballots_counted, MEMBERS as usize);
            tally
        });
}

/// The signature-checking part of `ballots_only` alone: parse and verify 10,000 ballots.
#[divan::bench(sample_count = 10)]
fn parse_and_verify_ballots(bencher: Bencher) {
    let coop = build();
    let bytes: Vec<&[u8]> = coop.ballots.iter().map(|t| t.as_bytes()).collect();
    bencher.bench_local(|| parse_many(&SYSTEM, &bytes));
}

/// The same 10,000 ballots reloaded from this laptop's own store, where every signature
/// was verified when the ballot was admitted (`parse_many_trusted` skips only that).
#[divan::bench(sample_count = 10)]
fn ballots_from_own_store(bencher: Bencher) {
    let coop = build();
    bencher
        .with_inputs(|| {
            let mut fold = Fold::new(coop.coop);
            fold_all(&mut fold, &coop.setup);
            fold
        })
        .bench_local_values(|mut fold| {
            let bytes: Vec<&[u8]> = coop.ballots.iter().map(|t| t.as_bytes()).collect();
            for record in parse_many_trusted(&SYSTEM, &bytes) {
                fold.add(record.expect("valid"));
            }
            fold.tally(coop.proposal).expect("tally")
        });
}

/// The 10,000 ballots' signature checks as (domain, message, signature, key), for the bare
/// checks below.
fn bare_checks(coop: &Coop) -> Vec<(Vec<u8>, sangam_model::Signature, PublicKey)> {
    coop.ballots
        .iter()
        .map(|t| Record::from_json(t.as_bytes()).expect("valid"))
        .map(|r| {
            let mut v: serde_json::Value = serde_json::from_str(r.json()).expect("json");
            v.as_object_mut().expect("object").remove("sig");
            let unsigned = sangam_model::canonical::to_canonical(&v).expect("canonical");
            (unsigned, r.sig(), r.author())
        })
        .collect()
}

fn as_checks(inputs: &[(Vec<u8>, sangam_model::Signature, PublicKey)]) -> Vec<SigCheck<'_>> {
    inputs
        .iter()
        .map(|(message, sig, key)| SigCheck {
            key,
            domain: Some(sangam_model::record::RECORD_DOMAIN),
            message,
            sig,
        })
        .collect()
}

/// The old floor: ed25519-dalek's `verify_strict` (cofactorless) on 10,000 signatures,
/// one core.
#[divan::bench(sample_count = 5)]
fn verify_strict_only(bencher: Bencher) {
    let inputs = bare_checks(&build());
    let keys: Vec<ed25519_dalek::VerifyingKey> = inputs
        .iter()
        .map(|(_, _, key)| ed25519_dalek::VerifyingKey::from_bytes(key.as_bytes()).expect("key"))
        .collect();
    let messages: Vec<Vec<u8>> = inputs
        .iter()
        .map(|(m, _, _)| {
            sangam_model::keys::domain_separated(sangam_model::record::RECORD_DOMAIN, m)
        })
        .collect();
    bencher.bench_local(|| {
        for (((_, sig, _), key), message) in inputs.iter().zip(&keys).zip(&messages) {
            key.verify_strict(
                message,
                &ed25519_dalek::Signature::from_bytes(sig.as_bytes()),
            )
            .expect("valid");
        }
    });
}

/// Sangam's rule one signature at a time: 10,000 single checks, one core.
#[divan::bench(sample_count = 5)]
fn single_checks_one_core(bencher: Bencher) {
    let inputs = bare_checks(&build());
    let checks = as_checks(&inputs);
    bencher.bench_local(|| {
        for check in &checks {
            verify_one(check).expect("valid");
        }
    });
}

/// The same 10,000 as one batch on one core.
#[divan::bench(sample_count = 5)]
fn batch_checks_one_core(bencher: Bencher) {
    let inputs = bare_checks(&build());
    let checks = as_checks(&inputs);
    bencher.bench_local(|| {
        assert!(
            verify_on_one_core(&SYSTEM, &checks)
                .iter()
                .all(Result::is_ok)
        );
    });
}

/// The same 10,000 as batches on every core, as records are checked.
#[divan::bench(sample_count = 5)]
fn batch_checks_all_cores(bencher: Bencher) {
    let inputs = bare_checks(&build());
    let checks = as_checks(&inputs);
    bencher.bench_local(|| {
        assert!(verify_many(&SYSTEM, &checks).iter().all(Result::is_ok));
    });
}

/// The rest of `ballots_only`: fold 10,000 already verified ballots and tally.
#[divan::bench(sample_count = 10)]
fn fold_and_tally_verified_ballots(bencher: Bencher) {
    let coop = build();
    let bytes: Vec<&[u8]> = coop.ballots.iter().map(|t| t.as_bytes()).collect();
    let ballots: Vec<Record> = parse_many(&SYSTEM, &bytes)
        .into_iter()
        .map(|r| r.expect("valid"))
        .collect();
    bencher
        .with_inputs(|| {
            let mut fold = Fold::new(coop.coop);
            fold_all(&mut fold, &coop.setup);
            (fold, ballots.clone())
        })
        .bench_local_values(|(mut fold, ballots)| {
            for ballot in ballots {
                fold.add(ballot);
            }
            fold.tally(coop.proposal).expect("tally")
        });
}

#[divan::bench(sample_count = 5)]
fn whole_coop(bencher: Bencher) {
    let coop = build();
    bencher.bench_local(|| {
        let mut fold = Fold::new(coop.coop);
        fold_all(&mut fold, &coop.setup);
        fold_all(&mut fold, &coop.ballots);
        let tally = fold.tally(coop.proposal).expect("tally");
        assert_eq!(tally.ballots_counted, MEMBERS as usize);
        tally
    });
}

/// Verifying the vote report of that proposal (20,003 records: the co-op's history with
/// every ballot) from its file's bytes, as `sangam verify` does: every signature, the fold
/// and the tally.
#[divan::bench(sample_count = 5)]
fn verify_report(bencher: Bencher) {
    let coop = build();
    let mut fold = Fold::new(coop.coop);
    fold_all(&mut fold, &coop.setup);
    fold_all(&mut fold, &coop.ballots);
    let report = sangam_model::report::Report::build(&fold, coop.proposal, vec![], 0, &key(0, 1))
        .expect("a report");
    let bytes = report.to_json();
    eprintln!(
        "report of {} records: {} bytes",
        report.records.len(),
        bytes.len()
    );
    bencher.bench_local(|| sangam_model::report::verify(&SYSTEM, &bytes).expect("verifies"));
}

fn main() {
    divan::main();
}

/// Part of a check's cost: decoding the 10,000 ballots' R and A points (two square roots
/// each), one core.
#[divan::bench(sample_count = 5)]
fn decompress_points_one_core(bencher: Bencher) {
    let inputs = bare_checks(&build());
    bencher.bench_local(|| {
        for (_, sig, key) in &inputs {
            let r: [u8; 32] = sig.as_bytes()[..32].try_into().expect("32");
            let r = curve25519_dalek::edwards::CompressedEdwardsY(r).decompress();
            let a = curve25519_dalek::edwards::CompressedEdwardsY(*key.as_bytes()).decompress();
            assert!(r.is_some() && a.is_some());
        }
    });
}
