//! THREATS.md 20: a process killed in the middle of an import leaves a home that opens,
//! passes `PRAGMA integrity_check`, and holds every acknowledged change.

use std::time::{Duration, Instant};

use sangam_replica::Bundle;
use sangam_testkit::{Person, found, raw};
use tempfile::TempDir;

use crate::support::Home;

/// A co-op of `n` admissions that admits `newcomer`, built in memory.
fn big_bundle(newcomer: &str, n: u32) -> Vec<u8> {
    let asha = Person::seeded(1, "Asha");
    let (mut replica, _) = found(&asha, 1_000);
    let key: sangam_model::PublicKey = newcomer.parse().expect("key");
    let admit = sangam_model::Body::MemberAdmit(sangam_model::body::MemberAdmit {
        member: key,
        name: "Bo".into(),
    });
    replica
        .write(admit, &asha.member, &asha.device, 1_001)
        .expect("admit newcomer");
    for i in 0..n {
        let who = Person::seeded_wide(i, "Member");
        replica
            .write(
                sangam_testkit::admit(&who),
                &asha.member,
                &asha.device,
                2_000 + i as i64,
            )
            .expect("admit");
    }
    Bundle {
        coop: replica.coop(),
        heads: replica.heads(),
        changes: raw(&replica.changes_since(&[])),
    }
    .encode()
}

#[test]
fn killed_mid_import_the_home_reopens_intact_with_every_acknowledged_change() {
    let tmp = TempDir::new().expect("tmp");
    let b = Home::new(tmp.path(), "b");
    let bo = b.identity("Bo");
    let bundle = big_bundle(&bo, 3_000);
    let file = tmp.path().join("big.bundle");
    std::fs::write(&file, &bundle).expect("write");
    let file = file.to_string_lossy().into_owned();

    let wal = b.dir.join("sangam.sqlite3-wal");
    let mut killed_mid_way = 0;
    for attempt in 0..6 {
        let mut child = b
            .command(&["bundle", "import", &file])
            .spawn()
            .expect("spawn");
        // Wait until the import is writing (the WAL grows), then pull the plug.
        let start = Instant::now();
        let base = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        loop {
            let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > base + 4096;
            if grown
                || child.try_wait().expect("poll").is_some()
                || start.elapsed() > Duration::from_secs(60)
            {
                break;
            }
            std::thread::sleep(Duration::from_micros(200 + attempt * 300));
        }
        if child.try_wait().expect("poll").is_none() {
            child.kill().expect("kill");
            killed_mid_way += 1;
        }
        child.wait().expect("reaped");

        // Whatever happened, the home opens and is consistent: all of the import or none.
        let conn = rusqlite::Connection::open(b.dir.join("sangam.sqlite3")).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
        let changes: i64 = conn
            .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
            .expect("count");
        assert!(
            changes == 0 || changes == 3_002 + 1,
            "partial import visible: {changes} changes"
        );
        drop(conn);
        if changes > 0 {
            break;
        }
    }
    assert!(
        killed_mid_way > 0,
        "the import was never interrupted; the test proved nothing"
    );

    // A finished import is acknowledged: it survives, and the home still works.
    b.ok(&["bundle", "import", &file]);
    let members = b.json(&["member", "list"]);
    assert_eq!(members.as_array().expect("array").len(), 3_002);
    b.ok(&["member", "update", "--name", "Bo B"]);
    let conn = rusqlite::Connection::open(b.dir.join("sangam.sqlite3")).expect("open");
    let changes: i64 = conn
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .expect("count");
    assert_eq!(
        changes,
        3_002 + 2,
        "import, device binding and the update are all stored"
    );
}
