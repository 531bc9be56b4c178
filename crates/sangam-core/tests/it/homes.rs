//! Homes exchanging bundles; errors that leave everything as it was; snapshots.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sangam_core::{Clock, ErrorCode, Home};
use tempfile::TempDir;

/// A clock that ticks one millisecond per reading, so every write gets its own time.
struct Ticking(Arc<AtomicI64>);

impl Clock for Ticking {
    fn now(&self) -> i64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

fn node(dir: &TempDir, name: &str) -> Home {
    let clock = Ticking(Arc::new(AtomicI64::new(1_700_000_000_000)));
    let node = Home::open_with_clock(&dir.path().join(name), Box::new(clock)).expect("opens");
    node.create_identity(name).expect("identity");
    node
}

fn member_key(node: &Home) -> String {
    node.identity().expect("identity").member
}

#[test]
fn a_co_op_travels_by_bundle_and_both_homes_agree() {
    let dir = TempDir::new().expect("tmp");
    let (a, b) = (node(&dir, "asha"), node(&dir, "bo"));
    let coop = a.create_coop("River Bakery", "eur").expect("create");
    assert_eq!(coop.currency, "EUR");
    let id = crate::only_coop(&a);
    a.admit(id, crate::pk(&member_key(&b)), "Bo")
        .expect("admit");
    let (bundle, export) = a.export_bundle(id, None).expect("export");
    assert_eq!(export.changes, 2);
    let imported = b.import_bundle(&bundle).expect("import");
    assert!(imported.joined);
    assert_eq!(imported.applied, 2);
    // Bo's home bound its device with a change of its own; carry it back.
    let (back, _) = b.export_bundle(id, Some(&bundle)).expect("export since");
    assert_eq!(a.import_bundle(&back).expect("import").applied, 1);
    assert_eq!(
        a.members(id).expect("members"),
        b.members(id).expect("members")
    );
    assert_eq!(a.state(id).expect("state"), b.state(id).expect("state"));
    assert_eq!(a.devices(id).expect("devices").len(), 2);
    // Importing the same bundle again changes nothing.
    let again = a.import_bundle(&back).expect("import");
    assert_eq!((again.applied, again.duplicates), (0, 1));
}

#[test]
fn a_bundle_that_does_not_admit_you_is_refused_and_nothing_is_stored() {
    let dir = TempDir::new().expect("tmp");
    let (a, b) = (node(&dir, "asha"), node(&dir, "bo"));
    a.create_coop("River Bakery", "EUR").expect("create");
    let id = crate::only_coop(&a);
    let (bundle, _) = a.export_bundle(id, None).expect("export");
    let err = b.import_bundle(&bundle).expect_err("not admitted");
    assert_eq!(err.code, ErrorCode::Refused);
    assert!(err.message.contains(&member_key(&b)), "{}", err.message);
    assert!(b.coops().expect("coops").is_empty());
}

#[test]
fn corrupt_and_truncated_bundles_change_nothing() {
    let dir = TempDir::new().expect("tmp");
    let (a, b) = (node(&dir, "asha"), node(&dir, "bo"));
    a.create_coop("River Bakery", "EUR").expect("create");
    let id = crate::only_coop(&a);
    a.admit(id, crate::pk(&member_key(&b)), "Bo")
        .expect("admit");
    let (bundle, _) = a.export_bundle(id, None).expect("export");
    let mut corrupt = bundle.clone();
    let at = corrupt.len() / 2;
    corrupt[at] ^= 1;
    for bad in [&corrupt[..], &bundle[..bundle.len() - 7], b"hello"] {
        let err = b.import_bundle(bad).expect_err("refused");
        assert_eq!(err.code, ErrorCode::BadBundle, "{}", err.message);
        assert!(err.message.contains("nothing was changed"));
    }
    assert!(b.coops().expect("coops").is_empty());
    b.check_integrity().expect("intact");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = TempDir::new().expect("tmp");
    let a = node(&dir, "asha");
    assert!(a.coops().expect("coops").is_empty());
    a.create_coop("River Bakery", "EUR").expect("create");
    let id = crate::only_coop(&a);
    let unknown = "00".repeat(32).parse().expect("key");
    let err = a.coop(unknown).expect_err("no such co-op");
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = a
        .admit(id, crate::pk(&member_key(&a)), "Me again")
        .expect_err("already");
    assert_eq!(err.code, ErrorCode::Refused);
    assert!(
        matches!(err.refusal, Some(sangam_model::Refusal::AlreadyMember(_))),
        "{err:?}"
    );
    assert!(a.create_coop("  ", "EUR").is_err());
    assert!(a.create_coop("Bakery", "euro dollars").is_err());
    assert_eq!(
        a.create_identity("Other").expect_err("exists").code,
        ErrorCode::IdentityExists
    );
    let err = a.leave(id).expect_err("last member");
    assert_eq!(err.code, ErrorCode::Refused, "{}", err.message);
    // The rule that refused it crosses as its code, for the window to word.
    assert_eq!(err.refusal, Some(sangam_model::Refusal::LastMember));
    let json = serde_json::to_value(&err).expect("json");
    assert_eq!(json["refusal"], serde_json::json!("LastMember"));
    let err = a.coop(unknown).expect_err("no such co-op");
    assert_eq!(err.refusal, None, "not a rule's refusal");
    assert!(
        serde_json::to_value(&err)
            .expect("json")
            .get("refusal")
            .is_none()
    );
    a.create_coop("Second", "EUR").expect("second");
    assert_eq!(a.coops().expect("coops").len(), 2);
}

#[test]
fn a_corrupt_snapshot_is_rebuilt_from_the_change_log() {
    let dir = TempDir::new().expect("tmp");
    let a = node(&dir, "asha");
    a.create_coop("River Bakery", "EUR").expect("create");
    let id = crate::only_coop(&a);
    for n in 0..300u32 {
        let key = sangam_model_key(n);
        a.admit(id, crate::pk(&key), &format!("Member {n}"))
            .expect("admit");
    }
    let state = a.state(id).expect("state");
    let heads = a.coop(id).expect("show").heads;
    drop(a);
    let db = dir.path().join("asha").join(sangam_core::DB_FILE);
    let conn = rusqlite::Connection::open(&db).expect("db");
    let snapshots: i64 = conn
        .query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))
        .expect("count");
    assert_eq!(snapshots, 1, "300 writes leave a snapshot");
    conn.execute("UPDATE snapshots SET doc = x'00ff00ff'", [])
        .expect("corrupt it");
    drop(conn);
    let a = Home::open_with_clock(
        &dir.path().join("asha"),
        Box::new(Ticking(Arc::new(AtomicI64::new(0)))),
    )
    .expect("open");
    assert_eq!(a.state(id).expect("state"), state);
    assert_eq!(a.coop(id).expect("show").heads, heads);
    // Reads and writes do not need the document, so nothing has loaded it yet; the next
    // snapshot does, finds it damaged, and rebuilds it from the change log.
    for n in 300..560u32 {
        let key = sangam_model_key(n);
        a.admit(id, crate::pk(&key), &format!("Member {n}"))
            .expect("admit");
    }
    let state = a.state(id).expect("state");
    let conn = rusqlite::Connection::open(&db).expect("db");
    let len: i64 = conn
        .query_row("SELECT length(doc) FROM snapshots", [], |r| r.get(0))
        .expect("len");
    assert!(len > 100, "the snapshot was rewritten");
    let saved: Vec<u8> = conn
        .query_row("SELECT doc FROM snapshots", [], |r| r.get(0))
        .expect("doc");
    let doc = automerge::Automerge::load(&saved).expect("the new snapshot loads");
    assert!(
        doc.get_changes(&[]).len() > 300,
        "it holds the changes the damaged one held"
    );
    drop(a);
    let a = Home::open(&dir.path().join("asha")).expect("open");
    assert_eq!(a.state(id).expect("state"), state);
}

#[test]
fn a_shared_node_saves_due_snapshots_once_the_home_is_quiet() {
    let dir = TempDir::new().expect("tmp");
    let a = node(&dir, "asha");
    a.create_coop("River Bakery", "EUR").expect("create");
    let id = crate::only_coop(&a);
    let shared = a;
    shared.defer_snapshots();
    for n in 0..300u32 {
        let key = sangam_model_key(n);
        shared
            .admit(id, crate::pk(&key), &format!("Member {n}"))
            .expect("admit");
    }
    let db = dir.path().join("asha").join(sangam_core::DB_FILE);
    let snapshots = || -> i64 {
        let conn = rusqlite::Connection::open(&db).expect("db");
        conn.query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(snapshots(), 0, "none saved in the middle of the writes");
    let busy = shared
        .save_snapshots(std::time::Duration::from_secs(3600))
        .expect("save");
    assert_eq!(busy, 0, "the home was not quiet for an hour");
    assert_eq!(
        shared
            .save_snapshots(std::time::Duration::ZERO)
            .expect("save"),
        1
    );
    assert_eq!(snapshots(), 1);
    assert_eq!(
        shared
            .save_snapshots(std::time::Duration::ZERO)
            .expect("save"),
        0,
        "nothing due any more"
    );
}

/// A valid member key for the `n`th seeded person.
fn sangam_model_key(n: u32) -> String {
    sangam_testkit::Person::seeded_wide(n, "M")
        .key()
        .to_string()
}

#[test]
fn a_refused_change_is_kept_out_and_listed_with_where_it_came_from() {
    use sangam_replica::{Bundle, SignedChange};
    use sangam_testkit::{Person, entry, forge_change, found, sign_record};
    let dir = TempDir::new().expect("tmp");
    let asha = node(&dir, "asha");
    let now = asha.now() - 60_000;
    let founder = Person::seeded(1, "Founder");
    let (mut replica, _) = found(&founder, now);
    let admit = sangam_model::Body::MemberAdmit(sangam_model::body::MemberAdmit {
        member: crate::pk(&member_key(&asha)),
        name: "Asha".into(),
    });
    replica
        .write(admit, &founder.member, &founder.device, now + 1)
        .expect("admit");
    // A stranger, no member and no device of the co-op, slips a record into the bundle.
    let stranger = Person::seeded(7, "Mallory");
    let record = sign_record(
        replica.coop(),
        &stranger.member,
        replica.fold().heads(),
        now + 2,
        sangam_testkit::rename("Mallory the treasurer"),
    );
    let forged = forge_change(
        &mut replica,
        &stranger.device.public(),
        &[entry(&record)],
        &stranger.device,
        now + 2,
    );
    let mut changes: Vec<_> = replica
        .changes_since(&[])
        .iter()
        .map(SignedChange::to_raw)
        .collect();
    changes.push(forged);
    let bundle = Bundle {
        coop: replica.coop(),
        heads: replica.heads(),
        changes,
    }
    .encode();
    let imported = asha.import_bundle(&bundle).expect("import");
    assert_eq!(imported.rejected.len(), 1, "{imported:?}");
    let coop = crate::only_coop(&asha);
    let refused = asha.refused(coop).expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].source, sangam_core::RefusedSource::Bundle);
    assert_eq!(refused[0].change, imported.rejected[0].change);
    assert_eq!(refused[0].reason, imported.rejected[0].reason);
    let names: Vec<String> = asha
        .members(coop)
        .expect("members")
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(!names.iter().any(|n| n.contains("Mallory")), "{names:?}");
}
