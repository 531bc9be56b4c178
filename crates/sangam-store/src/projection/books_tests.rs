//! The books' projection: balances kept entry by entry and by standing, a rebuild equal
//! to them, and balances past 64-bit integers.

use super::*;
use crate::testing::{commit_of, temp};
use crate::{ChangeSource, Store};

fn id(n: u8) -> RecordId {
    RecordId::from_bytes([n; 32])
}

fn account(n: u8, name: &str, account_type: &str) -> AccountRow {
    AccountRow {
        id: id(n),
        depth: u64::from(n),
        name: name.into(),
        account_type: account_type.into(),
        member: None,
        role: None,
        closed: false,
    }
}

fn entry(n: u8, date: &str, what: &str, amount: i64, standing: &str) -> EntryRow {
    EntryRow {
        id: id(n),
        depth: u64::from(n),
        date: date.into(),
        description: what.into(),
        payee: None,
        author: PublicKey::from_bytes([9; 32]),
        at: i64::from(n),
        approved_by: None,
        reverses: None,
        allocation: false,
        reference: None,
        standing: standing.into(),
        cause: None,
        postings: vec![
            PostingRow {
                account: id(1),
                amount,
                commodity: "EUR".into(),
            },
            PostingRow {
                account: id(2),
                amount: -amount,
                commodity: "EUR".into(),
            },
        ],
    }
}

fn write(store: &mut Store, coop: CoopId, accounts: &[AccountRow], entries: &[EntryRow]) {
    let mut commit = commit_of(coop, ChangeSource::Local);
    commit.books = BooksChanges { accounts, entries };
    store.commit(commit, 1).expect("commit");
}

fn balance_of(store: &Store, coop: CoopId, at: Option<&str>, account: u8) -> i128 {
    store
        .balances(coop, at)
        .expect("balances")
        .iter()
        .find(|b| b.account == id(account))
        .map_or(0, |b| b.amount)
}

#[test]
fn balances_follow_each_entry_and_each_change_of_standing_and_match_a_rebuild() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path).expect("open");
    let coop = CoopId::from_bytes([7; 32]);
    let accounts = [account(1, "Bank", "asset"), account(2, "Sales", "income")];
    let market = entry(10, "2026-11-28", "Saturday market", 12_050, "counts");
    let mut oven = entry(11, "2026-11-30", "The oven", 400_000, "awaiting_vote");
    write(&mut store, coop, &accounts, &[market.clone(), oven.clone()]);
    assert_eq!(
        balance_of(&store, coop, None, 1),
        12_050,
        "the awaiting entry waits"
    );
    oven.standing = "counts".into();
    write(&mut store, coop, &[], std::slice::from_ref(&oven));
    assert_eq!(balance_of(&store, coop, None, 1), 412_050);
    assert_eq!(balance_of(&store, coop, Some("2026-11-29"), 1), 12_050);
    oven.standing = "not_approved".into();
    write(&mut store, coop, &[], std::slice::from_ref(&oven));
    assert_eq!(balance_of(&store, coop, None, 1), 12_050);
    assert_eq!(balance_of(&store, coop, None, 2), -12_050);

    let journal = |q: JournalQuery| store.journal(coop, &q).expect("journal");
    assert_eq!(journal(JournalQuery::default()).len(), 2);
    let found = journal(JournalQuery {
        text: Some("saturday".into()),
        ..JournalQuery::default()
    });
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].postings.len(), 2);
    assert!(
        journal(JournalQuery {
            from: Some("2026-11-29".into()),
            text: Some("market".into()),
            ..JournalQuery::default()
        })
        .is_empty()
    );
    let before = store.balances(coop, None).expect("balances");
    store
        .rebuild_books(coop, &accounts, &[market, oven])
        .expect("rebuild");
    assert_eq!(store.balances(coop, None).expect("balances"), before);
    assert_eq!(store.book_counts(coop).expect("count"), (2, 2));
}

#[test]
fn the_journal_is_searched_through_its_index_in_any_case_and_with_or_without_accents() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path).expect("open");
    let coop = CoopId::from_bytes([7; 32]);
    let other = CoopId::from_bytes([8; 32]);
    let accounts = [account(1, "Bank", "asset"), account(2, "Sales", "income")];
    let mut cafe = entry(10, "2026-11-28", "Café au lait, table 4", 450, "counts");
    cafe.payee = Some("Marché Bio".into());
    let mill = entry(11, "2026-11-29", "Flour from the MILL", -8_000, "counts");
    let quote = entry(
        12,
        "2026-11-30",
        "a \"quoted\" * word OR not",
        100,
        "counts",
    );
    let entries = [cafe.clone(), mill.clone(), quote.clone()];
    write(&mut store, coop, &accounts, &entries);
    write(
        &mut store,
        other,
        &[],
        &[entry(13, "2026-11-28", "mill", 1, "counts")],
    );
    let ids = |store: &Store, text: &str| -> Vec<u8> {
        store
            .journal(
                coop,
                &JournalQuery {
                    text: Some(text.into()),
                    ..JournalQuery::default()
                },
            )
            .expect("journal")
            .iter()
            .map(|e| e.id.as_bytes()[0])
            .collect()
    };
    assert_eq!(ids(&store, "mill"), [11], "any case, this co-op only");
    assert_eq!(ids(&store, "cafe"), [10], "without the accent");
    assert_eq!(ids(&store, "marche bio"), [10], "the payee, every word");
    assert_eq!(
        ids(&store, "au lait"),
        [10],
        "a word too short for the index, by LIKE"
    );
    assert_eq!(ids(&store, "\"quoted\" OR"), [12], "query syntax is text");
    assert!(
        ids(&store, "flour café").is_empty(),
        "every word must appear"
    );
    // A rebuild keeps the index in step with the entries.
    store
        .rebuild_books(coop, &accounts, &entries)
        .expect("rebuild");
    assert_eq!(ids(&store, "mill"), [11]);
    assert_eq!(ids(&store, "cafe"), [10]);
}

#[test]
fn a_balance_past_64_bit_integers_is_kept_exactly() {
    let (_dir, path) = temp();
    let mut store = Store::open(&path).expect("open");
    let coop = CoopId::from_bytes([7; 32]);
    let accounts = [account(1, "Bank", "asset"), account(2, "Sales", "income")];
    let most = (1i64 << 53) - 1;
    let entries: Vec<EntryRow> = (0..=255u8)
        .flat_map(|n| {
            (0..5).map(move |k| {
                let mut e = entry(n, "2026-11-30", "big", most, "counts");
                e.id = RecordId::from_bytes([
                    n, k, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                    1, 1, 1, 1, 1, 1,
                ]);
                e
            })
        })
        .collect();
    write(&mut store, coop, &accounts, &entries);
    let expected = i128::from(most) * entries.len() as i128;
    assert!(expected > i128::from(i64::MAX));
    assert_eq!(balance_of(&store, coop, None, 1), expected);
    assert_eq!(balance_of(&store, coop, Some("2026-12-31"), 1), expected);
}
