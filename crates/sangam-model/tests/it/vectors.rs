//! tests/vectors/: valid and invalid records, committed so other implementations can
//! check themselves against them. One test loops over every file in the folder; another
//! regenerates the vectors and fails if the committed ones are stale
//! (`SANGAM_WRITE_VECTORS=1 cargo test -p sangam-model vectors` rewrites them).

use std::path::PathBuf;

use sangam_model::{Body, Record, RecordError};
use serde_json::{Value, json};

use crate::support::*;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn class(e: &RecordError) -> &'static str {
    match e {
        RecordError::TooLarge(_) => "too_large",
        RecordError::Malformed(_) => "malformed",
        RecordError::NotCanonical => "not_canonical",
        RecordError::Canonical(_) => "no_canonical_form",
        RecordError::UnsupportedVersion(_) => "unsupported_version",
        RecordError::Signature(_) => "bad_signature",
        RecordError::Body(_) => "bad_body",
        RecordError::BadDeps => "bad_deps",
        RecordError::WrongCoop => "wrong_coop",
        _ => "other",
    }
}

/// Re-signs an edited envelope with `key`, so a vector fails for the edit alone and not
/// for a broken signature.
fn resign(mut envelope: Value, key: &sangam_model::SecretKey) -> String {
    envelope.as_object_mut().expect("object").remove("sig");
    let unsigned = sangam_model::canonical::to_canonical(&envelope).expect("canonical");
    let sig = key.sign(sangam_model::record::RECORD_DOMAIN, &unsigned);
    envelope["sig"] = json!(sig.to_string());
    String::from_utf8(sangam_model::canonical::to_canonical(&envelope).expect("canonical"))
        .expect("utf-8")
}

/// `record` signed again by its author (seeded `[seed; 32]`) with `R = r·B + T` for a
/// point `T` of order 8: `[S]B − R − [k]A` is then `−T`, so the cofactored equation holds
/// and the cofactorless one does not. Same id (the id does not cover `sig`), other bytes.
fn torsioned(record: &Record, seed: u8) -> String {
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::scalar::Scalar;
    use sha2::{Digest, Sha512};

    let mut envelope: Value = serde_json::from_str(record.json()).expect("json");
    envelope.as_object_mut().expect("object").remove("sig");
    let unsigned = sangam_model::canonical::to_canonical(&envelope).expect("canonical");
    let message =
        sangam_model::keys::domain_separated(sangam_model::record::RECORD_DOMAIN, &unsigned);
    // The secret scalar of RFC 8032 §5.1.5: SHA-512 of the seed, lower half, clamped.
    let mut expanded: [u8; 32] = Sha512::digest([seed; 32])[..32].try_into().expect("32");
    expanded[0] &= 248;
    expanded[31] &= 127;
    expanded[31] |= 64;
    let a = Scalar::from_bytes_mod_order(expanded);
    let key = record.author();
    assert_eq!(
        (a * ED25519_BASEPOINT_POINT).compress().to_bytes(),
        *key.as_bytes()
    );
    let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(b"sangam torsioned vector").into());
    let r_point = (r * ED25519_BASEPOINT_POINT + EIGHT_TORSION[1])
        .compress()
        .to_bytes();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new()
            .chain_update(r_point)
            .chain_update(key.as_bytes())
            .chain_update(&message)
            .finalize()
            .into(),
    );
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r_point);
    sig[32..].copy_from_slice((r + k * a).as_bytes());
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(key.as_bytes()).expect("key");
    assert!(
        dalek
            .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_err(),
        "the cofactorless check refuses it"
    );
    envelope["sig"] = json!(hex::encode(sig));
    String::from_utf8(sangam_model::canonical::to_canonical(&envelope).expect("canonical"))
        .expect("utf-8")
}

fn generate() -> Value {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let renamed = record(coop, &bo, &[&admit_bo], 3_000, rename("Bo Bakery"));
    let device = record(coop, &bo, &[&renamed], 4_000, add_device(&bo.device));
    let removal = record(coop, &asha, &[&device], 5_000, remove(&bo));
    let bo_leaves = record(coop, &bo, &[&device], 5_000, leave());
    let parsed: Value = serde_json::from_str(renamed.json()).expect("json");
    let everyone = [&asha, &bo];
    let open = record(
        coop,
        &asha,
        &[&device],
        6_000,
        yes_no(
            &everyone,
            90_000,
            sangam_model::body::Fraction { num: 2, den: 3 },
            50,
        ),
    );
    let ballot = record(
        coop,
        &bo,
        &[&open],
        7_000,
        vote(&open, 1, sangam_model::body::Vote::Yes),
    );
    let other_open = record(
        coop,
        &asha,
        &[&open],
        6_500,
        yes_no(
            &everyone,
            95_000,
            sangam_model::body::Fraction { num: 1, den: 2 },
            50,
        ),
    );
    let close_rec = record(
        coop,
        &asha,
        &[&ballot],
        91_000,
        close(&open, &[&ballot], &[]),
    );

    let listing_text = |kind, price: Option<(u64, &str)>| sangam_model::market::ListingText {
        kind,
        title: "Soldering workshop".into(),
        description: "Two hours, bring your own board.".into(),
        category: Some("skills".into()),
        price: price.map(|(amount, commodity)| sangam_model::market::Price {
            amount,
            commodity: commodity.into(),
        }),
        quantity: Some(6),
        location: Some("the shed".into()),
        expires_at: Some(200_000),
    };
    use sangam_model::market::{ListingKind, ListingStatus};
    let listing = record(
        coop,
        &asha,
        &[&device],
        8_000,
        Body::ListingPost(sangam_model::market::ListingPost(listing_text(
            ListingKind::Offer,
            Some((1_500, "EUR")),
        ))),
    );
    let revision = record(
        coop,
        &asha,
        &[&listing],
        9_000,
        Body::ListingRevise(sangam_model::market::ListingRevise {
            listing: listing.id(),
            seq: 1,
            text: listing_text(ListingKind::Offer, None),
        }),
    );
    let status = record(
        coop,
        &asha,
        &[&revision],
        10_000,
        Body::ListingStatusChange(sangam_model::market::ListingStatusChange {
            listing: listing.id(),
            seq: 2,
            status: ListingStatus::Reserved,
        }),
    );
    let response = record(
        coop,
        &bo,
        &[&listing],
        9_500,
        Body::ListingRespond(sangam_model::market::ListingRespond {
            listing: listing.id(),
            message: "Count me in, two seats.".into(),
            quantity: Some(2),
        }),
    );

    use sangam_model::ledger::{AccountType, LabourLog, LedgerAccount, LedgerEntry, Posting};
    let bank = record(
        coop,
        &asha,
        &[&device],
        11_000,
        Body::LedgerAccount(LedgerAccount {
            name: "Bank".into(),
            account_type: AccountType::Asset,
            member: None,
            role: None,
        }),
    );
    let capital = record(
        coop,
        &asha,
        &[&bank],
        11_100,
        Body::LedgerAccount(LedgerAccount {
            name: "Capital: Bo".into(),
            account_type: AccountType::Equity,
            member: Some(bo.key.public()),
            role: None,
        }),
    );
    let shares = record(
        coop,
        &asha,
        &[&capital],
        12_000,
        Body::LedgerEntry(LedgerEntry {
            date: "2026-11-30".into(),
            description: "Bo's member share".into(),
            postings: vec![
                Posting {
                    account: bank.id(),
                    amount: 10_000,
                    commodity: "EUR".into(),
                    member: None,
                },
                Posting {
                    account: capital.id(),
                    amount: -10_000,
                    commodity: "EUR".into(),
                    member: None,
                },
            ],
            payee: Some("Bo".into()),
            approved_by: None,
            reverses: None,
            allocates: None,
            reference: None,
        }),
    );
    let labour = record(
        coop,
        &bo,
        &[&device],
        12_500,
        Body::LabourLog(LabourLog {
            date: "2026-11-30".into(),
            minutes: 240,
            note: Some("the morning bake".into()),
        }),
    );
    let till = record(
        coop,
        &asha,
        &[&shares],
        12_700,
        Body::LedgerAccount(LedgerAccount {
            name: "Till".into(),
            account_type: AccountType::Asset,
            member: None,
            role: None,
        }),
    );
    let close_till = record(
        coop,
        &asha,
        &[&till],
        12_800,
        Body::LedgerClose(sangam_model::ledger::LedgerClose { account: till.id() }),
    );

    use sangam_model::body::{
        Method, Nominated, Nomination, NominationAnswer, NominationCall, NominationReply,
        ProposalOpen, TemplateAdd,
    };
    let call = record(
        coop,
        &asha,
        &[&close_till],
        13_000,
        Body::NominationCall(NominationCall {
            title: "Board 2027".into(),
            text: "Two seats on the board.".into(),
            method: Method::Stv,
            seats: 2,
            closes_at: 20_000,
        }),
    );
    let nominated = record(
        coop,
        &bo,
        &[&call],
        13_100,
        Body::Nomination(Nomination {
            call: call.id(),
            nominee: asha.key.public(),
        }),
    );
    let answered = record(
        coop,
        &asha,
        &[&nominated],
        13_200,
        Body::NominationAnswer(NominationAnswer {
            call: call.id(),
            seq: 0,
            answer: NominationReply::Accept,
        }),
    );
    let mut electorate = vec![asha.key.public(), bo.key.public()];
    electorate.sort();
    let election = record(
        coop,
        &asha,
        &[&answered],
        20_000,
        Body::ProposalOpen(ProposalOpen {
            title: "Board 2027".into(),
            text: "Two seats on the board.".into(),
            method: Method::Stv,
            options: vec!["Asha".into(), "Bo".into()],
            seats: Some(2),
            quorum_pct: 50,
            threshold: sangam_model::body::Fraction { num: 1, den: 2 },
            closes_at: 90_000,
            electorate,
            effect: None,
            revises: None,
            template: None,
            nominated: Some(Nominated {
                call: call.id(),
                candidates: vec![asha.key.public(), bo.key.public()],
            }),
        }),
    );
    let template = record(
        coop,
        &bo,
        &[&close_till],
        13_300,
        Body::TemplateAdd(TemplateAdd {
            id: "equipment".into(),
            name: "Buying equipment".into(),
            purpose: "Before we spend on a machine".into(),
            title: "Buy:".into(),
            questions: vec!["What it costs".into(), "Who will use it".into()],
            method: Method::YesNo,
            seats: None,
            days: 7,
        }),
    );

    let mut vectors = vec![];
    let mut valid = |name: &str, r: &Record| {
        vectors.push(json!({"name": name, "record": r.json(), "valid": true}))
    };
    valid("genesis", &g);
    valid("member.admit", &admit_bo);
    valid("member.update", &renamed);
    valid("device.add", &device);
    valid("member.remove", &removal);
    valid("member.leave", &bo_leaves);
    valid("proposal.open", &open);
    valid("ballot", &ballot);
    valid("proposal.close", &close_rec);
    valid("listing.post", &listing);
    valid("listing.revise", &revision);
    valid("listing.status", &status);
    valid("listing.respond", &response);
    valid("ledger.account", &bank);
    valid("ledger.account of a member's capital", &capital);
    valid("ledger.entry", &shares);
    valid("labour.log", &labour);
    valid("ledger.account closed later", &till);
    valid("ledger.close", &close_till);
    valid("nomination.call", &call);
    valid("nomination", &nominated);
    valid("nomination.answer", &answered);
    valid("proposal.open electing from a call", &election);
    valid("template.add", &template);

    vectors.push(json!({
        "name": "ballot whose signature has a torsion component (only the cofactored equation holds)",
        "record": torsioned(&ballot, 2),
        "valid": true
    }));

    // A ballot is bound to the co-op, the proposal (its text, options and electorate),
    // the voter, the choice and the protocol version: change any one and it fails.
    let ballot_json: Value = serde_json::from_str(ballot.json()).expect("json");
    type Edit<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "ballot replayed into another proposal",
            Box::new(|v| v["body"]["proposal"] = json!(other_open.id().to_string())),
        ),
        (
            "ballot replayed into another co-op",
            Box::new(|v| v["coop"] = json!("cd".repeat(32))),
        ),
        (
            "ballot claimed by another voter",
            Box::new(|v| v["author"] = json!(asha.key.public().to_string())),
        ),
        (
            "ballot choice changed",
            Box::new(|v| v["body"]["choice"] = json!({"vote": "no"})),
        ),
        (
            "ballot sequence number changed",
            Box::new(|v| v["body"]["seq"] = json!(2)),
        ),
    ];
    for (name, edit) in edits {
        let mut v = ballot_json.clone();
        edit(&mut v);
        vectors.push(json!({"name": name, "record": canonical(&v), "valid": false, "error": "bad_signature"}));
    }
    let mut other_version = ballot_json.clone();
    // Version 1 had the cofactorless signature rule; a version-2 reader refuses it.
    other_version["v"] = json!(sangam_model::record::RECORD_VERSION - 1);
    vectors.push(json!({
        "name": "ballot under the earlier protocol version",
        "record": canonical(&other_version),
        "valid": false,
        "error": "unsupported_version"
    }));

    let mut invalid = |name: &str, text: String, error: &str| {
        vectors.push(json!({"name": name, "record": text, "valid": false, "error": error}));
    };
    invalid(
        "body edited after signing",
        renamed.json().replace("Bo Bakery", "Bo Bakerz"),
        "bad_signature",
    );
    let mut flipped = parsed.clone();
    let sig = flipped["sig"].as_str().expect("sig").to_owned();
    let first = if sig.starts_with('0') { "1" } else { "0" };
    flipped["sig"] = json!(format!("{first}{}", &sig[1..]));
    invalid(
        "signature bit flipped",
        canonical(&flipped),
        "bad_signature",
    );
    let mut spoofed = parsed.clone();
    spoofed["author"] = json!(asha.key.public().to_string());
    invalid(
        "author swapped for another member",
        canonical(&spoofed),
        "bad_signature",
    );
    let mut other_coop = parsed.clone();
    other_coop["coop"] = json!("ab".repeat(32));
    invalid(
        "co-op id changed (replay into another co-op)",
        canonical(&other_coop),
        "bad_signature",
    );
    let mut other_time = parsed.clone();
    other_time["at"] = json!(1);
    invalid("timestamp changed", canonical(&other_time), "bad_signature");
    invalid(
        "whitespace (not canonical)",
        renamed.json().replacen(':', ": ", 1),
        "not_canonical",
    );
    let mut float = parsed.clone();
    float["at"] = json!(3000.5);
    invalid(
        "float number",
        serde_json::to_string(&float).expect("json"),
        "no_canonical_form",
    );
    let mut version = parsed.clone();
    version["v"] = json!(sangam_model::record::RECORD_VERSION + 1);
    invalid(
        "unknown envelope version",
        resign(version, &bo.key),
        "unsupported_version",
    );
    let mut kind = parsed.clone();
    kind["kind"] = json!("member.promote");
    invalid("unknown kind", resign(kind, &bo.key), "bad_body");
    let mut extra = parsed.clone();
    extra["body"]["role"] = json!("admin");
    invalid("unknown body field", resign(extra, &bo.key), "bad_body");
    let mut extra_envelope = parsed.clone();
    extra_envelope["seq"] = json!(1);
    invalid(
        "unknown envelope field",
        resign(extra_envelope, &bo.key),
        "malformed",
    );
    let mut unsorted = parsed.clone();
    let (low, high) = (admit_bo.id().min(g.id()), admit_bo.id().max(g.id()));
    unsorted["deps"] = json!([high.to_string(), low.to_string()]);
    invalid(
        "deps not in ascending order",
        resign(unsorted, &bo.key),
        "bad_deps",
    );
    let mut genesis_with_coop: Value = serde_json::from_str(g.json()).expect("json");
    genesis_with_coop["coop"] = json!(coop.to_string());
    invalid(
        "genesis naming a co-op",
        resign(genesis_with_coop, &asha.key),
        "wrong_coop",
    );
    let mut no_coop = parsed.clone();
    no_coop["coop"] = json!("");
    invalid(
        "non-genesis without a co-op",
        resign(no_coop, &bo.key),
        "wrong_coop",
    );
    let mut small_order = parsed.clone();
    let mut identity = [0u8; 32];
    identity[0] = 1;
    small_order["author"] = json!(hex::encode(identity));
    let mut forged = [0u8; 64];
    forged[0] = 1;
    small_order["sig"] = json!(hex::encode(forged));
    invalid(
        "small-order author key with the identity signature",
        canonical(&small_order),
        "bad_signature",
    );
    // One byte form per record: a relay must not be able to re-encode someone's record.
    let envelope = parsed.as_object().expect("object");
    let as_array: Vec<Value> = ["v", "coop", "kind", "author", "at", "deps", "body", "sig"]
        .iter()
        .map(|k| envelope[*k].clone())
        .collect();
    invalid(
        "envelope re-encoded as a JSON array",
        canonical(&json!(as_array)),
        "malformed",
    );
    let mut null_field = parsed.clone();
    null_field["body"]["contact"] = Value::Null;
    invalid(
        "explicit null for an absent field",
        resign(null_field, &bo.key),
        "not_canonical",
    );
    let listing_json: Value = serde_json::from_str(listing.json()).expect("json");
    let mut gift_price = listing_json.clone();
    gift_price["body"]["kind"] = json!("gift");
    invalid(
        "a gift with a price",
        resign(gift_price, &asha.key),
        "bad_body",
    );
    let mut no_quantity = listing_json.clone();
    no_quantity["body"]["quantity"] = json!(0);
    invalid(
        "a listing quantity of 0",
        resign(no_quantity, &asha.key),
        "bad_body",
    );
    let shares_json: Value = serde_json::from_str(shares.json()).expect("json");
    let mut unbalanced = shares_json.clone();
    unbalanced["body"]["postings"][0]["amount"] = json!(9_999);
    invalid(
        "an entry that does not balance",
        resign(unbalanced, &asha.key),
        "bad_body",
    );
    let mut bad_date = shares_json.clone();
    bad_date["body"]["date"] = json!("2026-02-30");
    invalid(
        "an entry dated February 30",
        resign(bad_date, &asha.key),
        "bad_body",
    );
    let mut array_body = parsed.clone();
    array_body["body"] = json!(["Bo Bakery", null]);
    invalid(
        "body re-encoded as a JSON array",
        resign(array_body, &bo.key),
        "not_canonical",
    );
    json!(vectors)
}

fn canonical(v: &Value) -> String {
    String::from_utf8(sangam_model::canonical::to_canonical(v).expect("canonical")).expect("utf-8")
}

#[test]
fn committed_vectors_are_fresh() {
    let generated = serde_json::to_string_pretty(&generate()).expect("json") + "\n";
    let path = folder().join("records.json");
    if std::env::var_os("SANGAM_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(folder()).expect("mkdir");
        std::fs::write(&path, &generated).expect("write vectors");
    }
    let committed =
        std::fs::read_to_string(&path).expect("tests/vectors/records.json is committed");
    assert!(
        committed == generated,
        "tests/vectors/records.json is stale: rerun with SANGAM_WRITE_VECTORS=1"
    );
}

#[test]
fn every_vector_in_the_folder_behaves_as_it_says() {
    let mut checked = 0;
    for entry in std::fs::read_dir(folder()).expect("tests/vectors exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let vectors: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        for v in vectors {
            let name = v["name"].as_str().expect("name");
            let text = v["record"].as_str().expect("record");
            let result = Record::from_json(text.as_bytes());
            if v["valid"].as_bool().expect("valid") {
                let record = result.unwrap_or_else(|e| panic!("{name}: expected valid, got {e}"));
                assert_eq!(record.json(), text, "{name}");
            } else {
                let err = result
                    .err()
                    .unwrap_or_else(|| panic!("{name}: expected an error"));
                assert_eq!(
                    class(&err),
                    v["error"].as_str().expect("error"),
                    "{name}: {err}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} vectors found");
}
