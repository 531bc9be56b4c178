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
