//! A home the store wrote before it was split by table: it opens as it is, reads into the
//! typed rows, and the same writes today store the same rows.

use sangam_model::{RecordId, SecretKey, Standing};
use sangam_replica::{ChangeHash, Fork, Replica, SignedChange};
use sangam_store::{
    ChangeSource, Commit, CoopRow, InviteJoin, InviteRow, MemberChanges, MemberRow, PeerPath,
    Rejection, Store,
};
use sangam_testkit::{Person, admit, found, remove};

use crate::{dump, load, schema_of, temp};

/// The home of `tests/fixtures/home-schema-4.sql` (see its header).
const SCHEMA_4: &str = include_str!("../fixtures/home-schema-4.sql");

/// The fixture without its header: what [`dump`] gives for the same home.
fn fixture_dump() -> String {
    SCHEMA_4
        .lines()
        .skip_while(|line| line.starts_with("--"))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The fixture as today's store leaves it on opening: every row as it was, plus the
/// schema objects later migrations add and their own rows (a new home's: the full-text
/// index's bookkeeping), and their schema version.
fn migrated_dump() -> String {
    let (_dir, path) = temp();
    drop(Store::open(&path).expect("a new home"));
    let fresh = dump(&path);
    let fixture = fixture_dump();
    // Where the rows begin: the first row, or the version when there is none.
    let rows_start = |d: &str| {
        d.find("INSERT INTO ")
            .or_else(|| d.find("PRAGMA user_version"))
            .expect("a dump ends with its version")
    };
    let version = fresh
        .lines()
        .find(|l| l.starts_with("PRAGMA user_version"))
        .expect("a version");
    // Tables the fixture's schema does not have, and a new home's rows in them.
    let old_schema = &fixture[..rows_start(&fixture)];
    let new_rows: String = fresh
        .lines()
        .filter(|l| {
            l.strip_prefix("INSERT INTO ")
                .and_then(|rest| rest.split_once(' '))
                .is_some_and(|(table, _)| !old_schema.contains(&format!("CREATE TABLE {table} ")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    // Rows of tables a later migration added columns to carry them as NULL: a
    // snapshot's heads (migration 8), a co-op's currency (migration 10); and a co-op's
    // count of changes in the log (migration 15).
    let old_rows: String = fixture
        [rows_start(&fixture)..fixture.find("PRAGMA user_version").expect("version")]
        .lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("INSERT INTO snapshots VALUES") {
                let row = rest.strip_suffix(");").expect("a row");
                return format!("INSERT INTO snapshots VALUES{row}, NULL);\n");
            }
            if let Some(rest) = l.strip_prefix("INSERT INTO coops VALUES") {
                let row = rest.strip_suffix(");").expect("a row");
                let id = row
                    .trim_start_matches(" (")
                    .split(',')
                    .next()
                    .expect("an id");
                let changes = fixture
                    .lines()
                    .filter(|c| {
                        c.strip_prefix("INSERT INTO changes VALUES (")
                            .and_then(|c| c.split_once(", "))
                            .is_some_and(|(_, c)| c.starts_with(id))
                    })
                    .count();
                return format!("INSERT INTO coops VALUES{row}, NULL, {changes});\n");
            }
            format!("{l}\n")
        })
        .collect();
    format!(
        "{}{old_rows}{new_rows}{version}\n",
        &fresh[..rows_start(&fresh)]
    )
}

fn people() -> (Person, Person, Person) {
    (
        Person::seeded(1, "Asha"),
        Person::seeded(2, "Bo"),
        Person::seeded(3, "Cy"),
    )
}

#[test]
fn a_home_written_before_the_split_opens_and_reads_the_same() {
    let (_dir, path) = temp();
    load(&path, SCHEMA_4);
    let store = Store::open(&path).expect("open");
    store.integrity_check().expect("intact");
    assert_eq!(
        dump(&path),
        migrated_dump(),
        "opening keeps every row and only adds the tables made since"
    );
    let (asha, bo, cy) = people();

    let coops = store.coops().expect("coops");
    let [CoopRow { id: coop, name }] = coops.as_slice() else {
        panic!("one co-op, got {coops:?}");
    };
    let coop = *coop;
    assert_eq!(name, "River Bakery");
    let log = store.changes_after(coop, 0).expect("log");
    let positions: Vec<i64> = log.iter().map(|row| row.position).collect();
    assert_eq!(positions, [1, 2, 3, 4]);
    assert_eq!(store.changes_after(coop, 3).expect("log"), log[3..]);
    assert_eq!(store.changes_with_hashes(coop).expect("log"), log);

    let members = store.members(coop).expect("members");
    let standings: Vec<(&str, Standing)> = members
        .iter()
        .map(|m| (m.name.as_str(), m.standing))
        .collect();
    assert_eq!(
        standings,
        [
            ("Asha", Standing::Active),
            ("Bo", Standing::Active),
            ("Cy", Standing::Removed)
        ]
    );

    let peers = store.peers(coop).expect("peers");
    let seen: Vec<_> = peers
        .iter()
        .map(|p| (p.device, p.path, p.last_synced))
        .collect();
    assert_eq!(
        seen,
        [
            (bo.device.public(), PeerPath::Direct, 5_200),
            (cy.device.public(), PeerPath::Relay, 5_100)
        ]
    );
    assert!(peers[0].addr_json.contains("192.168.1.5:4000"), "{peers:?}");

    assert_eq!(
        store.setting("relay").expect("setting").as_deref(),
        Some("off")
    );
    let invite = store.invite(&[1; 32]).expect("invite").expect("issued");
    assert_eq!((invite.uses, invite.used), (2, 2));
    assert_eq!(
        store.invite_joins(&[1; 32]).expect("joins"),
        [
            InviteJoin {
                member: bo.key(),
                proposal: None
            },
            InviteJoin {
                member: cy.key(),
                proposal: Some(RecordId::from_bytes([5; 32]))
            }
        ]
    );
    let forks: Vec<_> = store
        .forks(coop)
        .expect("forks")
        .iter()
        .map(|f| (f.device, f.seq))
        .collect();
    assert_eq!(forks, [(bo.device.public(), 3), (cy.device.public(), 1)]);
    let snapshot = store.snapshot(coop).expect("snapshot").expect("kept");
    assert_eq!(snapshot.bytes, b"a snapshot's bytes");
    assert_eq!(
        snapshot.heads, None,
        "a snapshot saved before heads were kept"
    );
    let member = store.member_key().expect("member").expect("made");
    assert_eq!(
        (member.key.public(), member.name.as_str()),
        (asha.key(), "Asha")
    );
    let device = store.device_key(|| [0; 32], 0).expect("device");
    let replaced = SecretKey::from_seed(*b"sangam store fixture new device!");
    assert_eq!(device.public(), replaced.public());
}

#[test]
fn a_fresh_home_has_the_schema_old_homes_have() {
    let (_dir, old) = temp();
    load(&old, SCHEMA_4);
    drop(Store::open(&old).expect("open old"));
    let (_dir2, fresh) = temp();
    drop(Store::open(&fresh).expect("open fresh"));
    assert_eq!(schema_of(&fresh), schema_of(&old));
}

/// The writes the fixture was made with, through today's API: the member projection is
/// given as the rows that changed, as core computes them.
#[test]
fn the_same_writes_store_what_the_old_store_stored() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path).expect("open");
    let (asha, bo, cy) = people();
    store
        .device_key(|| *b"sangam store fixture device key!", 10)
        .expect("device");
    store
        .set_member_key(&asha.member, "Asha", 11)
        .expect("member key");
    let (mut replica, genesis) = found(&asha, 1_000);
    let coop = replica.coop();
    let mut projected: Vec<MemberRow> = Vec::new();
    let mut commit = |store: &mut Store,
                      replica: &Replica,
                      source: ChangeSource,
                      changes: &[SignedChange],
                      rejections: &[Rejection],
                      now: i64| {
        let rows: Vec<MemberRow> = replica
            .state()
            .members
            .iter()
            .map(MemberRow::from)
            .collect();
        let changed: Vec<MemberRow> = rows
            .iter()
            .filter(|m| !projected.contains(m))
            .cloned()
            .collect();
        let commit = Commit {
            coop,
            coop_name: "River Bakery",
            // Not known to the old store: the column stays NULL, as a migrated home's.
            coop_currency: "",
            reads: None,
            source,
            changes,
            rejections,
            members: MemberChanges {
                changed: &changed,
                gone: &[],
            },
            listings: &[],
            books: Default::default(),
        };
        store.commit(commit, now).expect("commit");
        projected = rows;
    };
    let write = |replica: &mut Replica, body, now| {
        replica
            .write(body, &asha.member, &asha.device, now)
            .expect("write")
            .1
    };

    commit(
        &mut store,
        &replica,
        ChangeSource::Local,
        std::slice::from_ref(&genesis),
        &[],
        1_000,
    );
    let admit_bo = write(&mut replica, admit(&bo), 2_000);
    let refused = [
        Rejection {
            change: Some(ChangeHash([9; 32])),
            reason: "the device signature does not verify".to_owned(),
        },
        Rejection {
            change: None,
            reason: "unreadable change".to_owned(),
        },
    ];
    commit(
        &mut store,
        &replica,
        ChangeSource::Peer(bo.device.public()),
        &[admit_bo],
        &refused,
        2_000,
    );
    let admit_cy = write(&mut replica, admit(&cy), 3_000);
    let remove_cy = write(&mut replica, remove(&cy), 3_500);
    commit(
        &mut store,
        &replica,
        ChangeSource::Bundle,
        &[admit_cy, remove_cy],
        &[],
        3_500,
    );
    let late = [Rejection {
        change: None,
        reason: "dated in the future".to_owned(),
    }];
    commit(
        &mut store,
        &replica,
        ChangeSource::Invite(cy.device.public()),
        &[],
        &late,
        4_000,
    );

    let bo_addr = r#"{"id":"bo","addrs":["192.168.1.5:4000"]}"#;
    let peers = [
        (&bo, bo_addr, true, PeerPath::Lan, 5_000),
        (
            &cy,
            r#"{"id":"cy","addrs":[]}"#,
            false,
            PeerPath::Relay,
            5_100,
        ),
        (
            &bo,
            r#"{"id":"bo","addrs":[]}"#,
            false,
            PeerPath::Direct,
            5_200,
        ),
    ];
    for (who, addr, dialable, path, now) in peers {
        store
            .remember_peer(&who.device.public(), coop, addr, dialable, path, now)
            .expect("peer");
    }
    store.set_setting("relay", "off").expect("setting");
    store.set_setting("lan", "on").expect("setting");
    let invite = InviteRow {
        coop,
        created_at: 6_000,
        expires_at: 9_000,
        uses: 2,
        used: 0,
    };
    store.add_invite(&[1; 32], &invite).expect("invite");
    let proposal = Some(RecordId::from_bytes([5; 32]));
    for (who, proposal, now) in [(&bo, None, 6_100), (&cy, proposal, 6_200)] {
        let (key, device) = (who.key(), who.device.public());
        let used = store.use_invite(&[1; 32], &key, &device, &who.name, proposal, now);
        assert!(used.expect("use"));
    }
    let forks = [
        (bo.device.public(), 3, Some(ChangeHash([4; 32])), 7_000),
        (cy.device.public(), 1, None, 7_100),
    ];
    for (device, seq, kept, now) in forks {
        let others = kept.map(|_| ChangeHash([6; 32])).into_iter().collect();
        let fork = Fork {
            device,
            seq,
            kept,
            others,
        };
        assert!(store.record_fork(coop, &fork, now).expect("fork"));
    }
    store
        .save_snapshot(
            coop,
            &sangam_replica::SavedDocument {
                bytes: b"a snapshot's bytes".to_vec(),
                heads: None,
            },
            4,
            8_000,
        )
        .expect("snapshot");
    let new_device = SecretKey::from_seed(*b"sangam store fixture new device!");
    store
        .replace_device_key(&new_device, 9_000)
        .expect("replace");
    drop(store);
    // One deliberate change since the fixture: a refused change's source names its device
    // by the whole key, not its first 8 hex characters (old rows still read back).
    let mut expected = migrated_dump();
    for (words, device) in [
        ("peer", bo.device.public()),
        ("invite from", cy.device.public()),
    ] {
        expected = expected.replace(
            &format!("'{words} {}'", device.short()),
            &format!("'{words} {device}'"),
        );
    }
    assert_eq!(dump(&path), expected);
}
