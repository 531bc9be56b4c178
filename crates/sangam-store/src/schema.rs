//! The schema: one migration per entry, applied in order; `PRAGMA user_version` counts
//! those applied. Migrations only move forward, and an applied one is never edited: a home
//! on disk holds the text it was created with, and a fresh home must come out the same.

use rusqlite::Connection;

use crate::error::{StoreError, busy_or};

/// The schema, one migration per entry; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    // 1: keys, co-ops, the change log, snapshots, the member projection, rejections.
    r#"
    CREATE TABLE identity (
        slot TEXT PRIMARY KEY CHECK (slot IN ('member', 'device')),
        secret BLOB NOT NULL CHECK (length(secret) = 32),
        name TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE coops (
        id BLOB PRIMARY KEY CHECK (length(id) = 32),
        name TEXT NOT NULL,
        added_at INTEGER NOT NULL
    );
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY,
        coop BLOB NOT NULL REFERENCES coops(id),
        hash BLOB NOT NULL CHECK (length(hash) = 32),
        bytes BLOB NOT NULL,
        sig BLOB NOT NULL CHECK (length(sig) = 64),
        stored_at INTEGER NOT NULL,
        UNIQUE (coop, hash)
    );
    CREATE TRIGGER changes_append_only_update BEFORE UPDATE ON changes
        BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
    CREATE TRIGGER changes_append_only_delete BEFORE DELETE ON changes
        BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
    CREATE TABLE snapshots (
        coop BLOB PRIMARY KEY REFERENCES coops(id),
        doc BLOB NOT NULL,
        change_count INTEGER NOT NULL,
        saved_at INTEGER NOT NULL
    );
    CREATE TABLE members (
        coop BLOB NOT NULL REFERENCES coops(id),
        key BLOB NOT NULL,
        name TEXT NOT NULL,
        contact TEXT,
        standing TEXT NOT NULL,
        admitted_by BLOB NOT NULL,
        admitted_at INTEGER NOT NULL,
        PRIMARY KEY (coop, key)
    );
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        coop BLOB NOT NULL,
        hash BLOB,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    "#,
    // 2: peers seen, for `sangam peers` and for dialling them again.
    r#"
    CREATE TABLE peers (
        device BLOB NOT NULL CHECK (length(device) = 32),
        coop BLOB NOT NULL,
        addr TEXT NOT NULL,
        path TEXT NOT NULL,
        last_synced INTEGER NOT NULL,
        PRIMARY KEY (device, coop)
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 3: invites this home issued (by the hash of their secret) and who joined with them.
    r#"
    CREATE TABLE invites (
        secret_hash BLOB PRIMARY KEY CHECK (length(secret_hash) = 32),
        coop BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        uses INTEGER NOT NULL CHECK (uses > 0),
        used INTEGER NOT NULL DEFAULT 0 CHECK (used <= uses)
    );
    CREATE TABLE invite_joins (
        secret_hash BLOB NOT NULL REFERENCES invites (secret_hash),
        member BLOB NOT NULL CHECK (length(member) = 32),
        device BLOB NOT NULL CHECK (length(device) = 32),
        name TEXT NOT NULL,
        at INTEGER NOT NULL,
        proposal BLOB,
        PRIMARY KEY (secret_hash, member)
    );
    "#,
    // 4: forks found (a device with two changes under one sequence number), and the
    // device keys this home stopped using because a copy of it wrote under them.
    r#"
    CREATE TABLE forks (
        coop BLOB NOT NULL,
        device BLOB NOT NULL CHECK (length(device) = 32),
        seq INTEGER NOT NULL,
        kept BLOB,
        found_at INTEGER NOT NULL,
        PRIMARY KEY (coop, device, seq)
    );
    CREATE TABLE retired_devices (
        device BLOB PRIMARY KEY CHECK (length(device) = 32),
        retired_at INTEGER NOT NULL
    );
    "#,
    // 5: tickets this home issued to link the member's own new laptops (by the hash of
    // their secret), each good once.
    r#"
    CREATE TABLE links (
        secret_hash BLOB PRIMARY KEY CHECK (length(secret_hash) = 32),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_by BLOB CHECK (used_by IS NULL OR length(used_by) = 32),
        used_at INTEGER
    );
    "#,
    // 6: the marketplace's projection: listings as last revised, and their full-text index
    // (see projection/market.rs for the tokenizer).
    r#"
    CREATE TABLE listings (
        rowid INTEGER PRIMARY KEY,
        coop BLOB NOT NULL REFERENCES coops(id),
        id BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
        author BLOB NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        category TEXT,
        status TEXT NOT NULL,
        price_amount INTEGER,
        price_commodity TEXT,
        quantity INTEGER,
        location TEXT,
        expires_at INTEGER,
        posted_at INTEGER NOT NULL,
        revised_at INTEGER,
        responses INTEGER NOT NULL
    );
    CREATE INDEX listings_by_coop ON listings (coop, posted_at);
    CREATE VIRTUAL TABLE listing_text USING fts5 (
        title, description, category,
        tokenize = 'trigram remove_diacritics 1'
    );
    "#,
    // 7: the books' projection: accounts, entries with their standing, their postings
    // (each carrying its entry's date and whether it counts, so balances read one table),
    // and each account's current balance per commodity (decimal text: a sum may pass
    // SQLite's 64-bit integers). See projection/books.rs.
    r#"
    CREATE TABLE ledger_accounts (
        coop BLOB NOT NULL REFERENCES coops(id),
        id BLOB PRIMARY KEY CHECK (length(id) = 32),
        depth INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        member BLOB,
        role TEXT,
        closed INTEGER NOT NULL
    );
    CREATE TABLE ledger_entries (
        rowid INTEGER PRIMARY KEY,
        coop BLOB NOT NULL REFERENCES coops(id),
        id BLOB NOT NULL UNIQUE CHECK (length(id) = 32),
        depth INTEGER NOT NULL,
        date TEXT NOT NULL,
        description TEXT NOT NULL,
        payee TEXT,
        author BLOB NOT NULL,
        at INTEGER NOT NULL,
        approved_by BLOB,
        reverses BLOB,
        allocation INTEGER NOT NULL,
        reference TEXT,
        standing TEXT NOT NULL,
        cause BLOB
    );
    CREATE INDEX ledger_entries_by_date ON ledger_entries (coop, date, depth);
    CREATE INDEX ledger_entries_by_reference ON ledger_entries (coop, reference)
        WHERE reference IS NOT NULL;
    CREATE TABLE ledger_postings (
        entry INTEGER NOT NULL REFERENCES ledger_entries(rowid) ON DELETE CASCADE,
        coop BLOB NOT NULL,
        account BLOB NOT NULL,
        commodity TEXT NOT NULL,
        amount INTEGER NOT NULL,
        date TEXT NOT NULL,
        counts INTEGER NOT NULL
    );
    CREATE INDEX ledger_postings_by_account ON ledger_postings (coop, account, date);
    -- Balances at a date and a period's flows read this index alone, in group order.
    CREATE INDEX ledger_postings_for_sums
        ON ledger_postings (coop, counts, account, commodity, date, amount);
    CREATE INDEX ledger_postings_by_entry ON ledger_postings (entry);
    CREATE TABLE ledger_balances (
        coop BLOB NOT NULL,
        account BLOB NOT NULL,
        commodity TEXT NOT NULL,
        amount TEXT NOT NULL,
        PRIMARY KEY (coop, account, commodity)
    ) WITHOUT ROWID;
    "#,
    // 8: a snapshot's heads (32-byte hashes, concatenated), so a home opened to write
    // knows what the snapshot holds without loading it. NULL for older snapshots.
    r#"
    ALTER TABLE snapshots ADD COLUMN heads BLOB;
    "#,
    // 9: the co-ops whose books' projection holds every stored change (each commit keeps
    // it so): reading their books needs no replay of the log. A co-op of an older home is
    // checked against the fold once, then marked; a fork found unmarks it.
    r#"
    CREATE TABLE books_current (coop BLOB PRIMARY KEY) WITHOUT ROWID;
    "#,
    // 10: a co-op's currency, from its genesis (which never changes), so reading the books
    // needs no replay to learn it. NULL until the next commit of an older home's co-op.
    r#"
    ALTER TABLE coops ADD COLUMN currency TEXT;
    "#,
    // 11: a co-op's details and devices as its last commit left them (JSON written by
    // core), so opening a home shows them without a replay. Rewritten by every commit;
    // missing for an older home's co-op until it is read once, and dropped when a fork
    // is found.
    r#"
    CREATE TABLE coop_reads (
        coop BLOB PRIMARY KEY,
        details TEXT NOT NULL,
        devices TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 12: a full-text index of the journal's descriptions and payees (by the entry's rowid;
    // an entry's text never changes), as the listings have: a search reads the index,
    // not every entry.
    r#"
    CREATE VIRTUAL TABLE ledger_text USING fts5 (
        description, payee,
        tokenize = 'trigram remove_diacritics 1'
    );
    INSERT INTO ledger_text (rowid, description, payee)
        SELECT rowid, description, ifnull(payee, '') FROM ledger_entries;
    "#,
    // 13: each co-op's replica as a process left it (its fold, its changes' bookkeeping:
    // bytes core writes and reads, see sangam-replica's `saved`), covering exactly the
    // co-op's `change_count` changes at positions up to `position`: a later process opens
    // it and reads only the changes after, instead of replaying the whole log.
    r#"
    CREATE TABLE saved_replicas (
        coop BLOB PRIMARY KEY REFERENCES coops(id),
        position INTEGER NOT NULL,
        change_count INTEGER NOT NULL,
        record_count INTEGER NOT NULL,
        state BLOB NOT NULL,
        saved_at INTEGER NOT NULL
    );
    "#,
    // 14: beside each saved replica, its core: what one write needs, opened without the
    // rest (sangam-replica's `open_core`). A replica saved before has none and is saved
    // anew by the next write.
    r#"
    ALTER TABLE saved_replicas ADD COLUMN core BLOB;
    "#,
    // 15: each co-op's count of changes in the log, kept by a trigger, so opening a saved
    // replica checks what it covers by counting only the log's tail after it.
    r#"
    ALTER TABLE coops ADD COLUMN change_count INTEGER NOT NULL DEFAULT 0;
    UPDATE coops SET change_count = (SELECT count(*) FROM changes WHERE changes.coop = coops.id);
    CREATE TRIGGER changes_counted AFTER INSERT ON changes
        BEGIN UPDATE coops SET change_count = change_count + 1 WHERE id = NEW.coop; END;
    "#,
    // 16: a saved replica's whole state may be older than its core: the position the
    // whole state covers (its rest is that state and the log after it, up to the core's).
    r#"
    ALTER TABLE saved_replicas ADD COLUMN state_position INTEGER;
    UPDATE saved_replicas SET state_position = position;
    "#,
];

/// Brings the home at `conn` up to the newest schema this build knows.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as u32;
    // Immediate, and the version read inside: two processes opening a new home at once
    // must not both apply the same migration.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(busy_or)?;
    let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::temp;
    use crate::{PeerPath, Store};
    use sangam_model::Standing;

    #[test]
    fn a_home_from_a_newer_sangam_is_refused() {
        let (_dir, path) = temp();
        drop(Store::open(&path).expect("open"));
        let conn = Connection::open(&path).expect("raw");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        match Store::open(&path) {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            other => panic!("expected TooNew, got {other:?}"),
        }
    }

    #[test]
    fn a_home_at_schema_1_migrates_forward() {
        let (_dir, path) = temp();
        let conn = Connection::open(&path).expect("raw");
        conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO coops VALUES (zeroblob(32), 'River Bakery', 1);
             INSERT INTO members VALUES (zeroblob(32), zeroblob(32), 'Asha', NULL, 'left', zeroblob(32), 1);",
        )
        .expect("rows");
        drop(conn);
        let store = Store::open(&path).expect("open");
        let version: u32 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(version as usize, MIGRATIONS.len());
        let coop = sangam_model::CoopId::from_bytes([0; 32]);
        let members = store.members(coop).expect("members");
        assert_eq!(
            members.iter().map(|m| m.standing).collect::<Vec<_>>(),
            [Standing::Left]
        );
        store
            .remember_peer(&members[0].key, coop, "{}", false, PeerPath::Lan, 2)
            .expect("peers");
        assert_eq!(store.forks(coop).expect("forks"), []);
    }
}
