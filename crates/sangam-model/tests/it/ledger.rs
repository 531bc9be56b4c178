//! The books in the fold: entries balance per commodity or are refused, an entry posts
//! only to accounts in its past, a correction is a reversal that negates it exactly, and
//! the balances are the same whatever order the entries arrive in.

use proptest::prelude::*;
use sangam_model::ledger::{AccountType, LabourLog, LedgerAccount, LedgerEntry, Posting};
use sangam_model::{Body, Draft, Record, RecordError, RecordId, Refusal};

use crate::support::*;

fn account(name: &str, account_type: AccountType) -> Body {
    Body::LedgerAccount(LedgerAccount {
        name: name.into(),
        account_type,
        member: None,
    })
}

fn entry(postings: &[(&Record, i64, &str)], reverses: Option<RecordId>) -> Body {
    Body::LedgerEntry(LedgerEntry {
        date: "2026-11-30".into(),
        description: "Flour from the mill".into(),
        postings: postings
            .iter()
            .map(|(a, amount, c)| Posting {
                account: a.id(),
                amount: *amount,
                commodity: (*c).into(),
            })
            .collect(),
        payee: None,
        approved_by: None,
        reverses,
    })
}

#[test]
fn an_unbalanced_entry_or_a_bad_date_cannot_be_signed() {
    let asha = person(1);
    let g = genesis(&asha);
    let bank = record(
        g.id(),
        &asha,
        &[&g],
        2_000,
        account("Bank", AccountType::Asset),
    );
    let flour = record(
        g.id(),
        &asha,
        &[&bank],
        2_100,
        account("Flour", AccountType::Expense),
    );
    let sign = |body| {
        Draft {
            coop: Some(g.id()),
            at: 3_000,
            deps: vec![flour.id()],
            body,
        }
        .sign(&asha.key)
    };
    let unbalanced = sign(entry(&[(&flour, 500, "EUR"), (&bank, -450, "EUR")], None));
    let err = unbalanced.expect_err("unbalanced");
    assert!(matches!(err, RecordError::Body(_)), "{err:?}");
    assert!(
        err.to_string().contains("EUR is off by 50 minor units"),
        "the reason names the difference: {err}"
    );
    // Two commodities, each balanced: fine.
    assert!(
        sign(entry(
            &[
                (&flour, 500, "EUR"),
                (&bank, -500, "EUR"),
                (&flour, 2, "HOURS"),
                (&bank, -2, "HOURS")
            ],
            None
        ))
        .is_ok()
    );
    let mut bad_date = LedgerEntry {
        date: "2026-02-30".into(),
        description: String::new(),
        postings: vec![],
        payee: None,
        approved_by: None,
        reverses: None,
    };
    bad_date.postings = vec![
        Posting {
            account: flour.id(),
            amount: 1,
            commodity: "EUR".into(),
        },
        Posting {
            account: bank.id(),
            amount: -1,
            commodity: "EUR".into(),
        },
    ];
    assert!(
        sign(Body::LedgerEntry(bad_date)).is_err(),
        "February has no 30th"
    );
    let zero = sign(entry(&[(&flour, 0, "EUR"), (&bank, 0, "EUR")], None));
    assert!(zero.is_err(), "a posting of nothing");
    let labour = sign(Body::LabourLog(LabourLog {
        date: "2026-11-30".into(),
        minutes: 1_441,
        note: None,
    }));
    assert!(labour.is_err(), "a day has 1,440 minutes");
}

#[test]
fn entries_post_to_accounts_in_their_past_and_reversals_negate_exactly() {
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 1_500, admit(&bo, "Bo"));
    let bank = record(
        coop,
        &asha,
        &[&admit_bo],
        2_000,
        account("Bank", AccountType::Asset),
    );
    let flour = record(
        coop,
        &asha,
        &[&bank],
        2_100,
        account("Flour", AccountType::Expense),
    );
    let buy = record(
        coop,
        &asha,
        &[&flour],
        3_000,
        entry(&[(&flour, 500, "EUR"), (&bank, -500, "EUR")], None),
    );
    // Bo, who never saw the accounts, posts to them: refused where written.
    let blind = record(
        coop,
        &bo,
        &[&admit_bo],
        3_100,
        entry(&[(&flour, 9, "EUR"), (&bank, -9, "EUR")], None),
    );
    let wrong_reversal = record(
        coop,
        &bo,
        &[&buy],
        4_000,
        entry(
            &[(&flour, -400, "EUR"), (&bank, 400, "EUR")],
            Some(buy.id()),
        ),
    );
    let reversal = record(
        coop,
        &bo,
        &[&buy],
        4_100,
        entry(
            &[(&bank, 500, "EUR"), (&flour, -500, "EUR")],
            Some(buy.id()),
        ),
    );
    let capital = record(
        coop,
        &asha,
        &[&bank],
        2_200,
        Body::LedgerAccount(LedgerAccount {
            name: "Capital: Bo".into(),
            account_type: AccountType::Equity,
            member: Some(bo.key.public()),
        }),
    );
    let folded = fold(
        coop,
        [
            g,
            admit_bo,
            bank.clone(),
            flour.clone(),
            buy.clone(),
            blind.clone(),
            wrong_reversal.clone(),
            reversal.clone(),
            capital,
        ],
    );
    assert!(matches!(
        folded.get(&blind.id()).expect("placed").verdict,
        Err(Refusal::UnknownAccount(_))
    ));
    assert_eq!(
        folded.get(&wrong_reversal.id()).expect("placed").verdict,
        Err(Refusal::NotAReversal)
    );
    assert_eq!(folded.get(&reversal.id()).expect("placed").verdict, Ok(()));
    assert_eq!(folded.journal().len(), 2, "the purchase and its reversal");
    assert!(
        folded.balances().is_empty(),
        "a reversed entry leaves nothing"
    );
    assert_eq!(folded.accounts().len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn balances_are_the_same_in_any_arrival_order(order in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle()) {
        let asha = person(1);
        let g = genesis(&asha);
        let coop = g.id();
        let bank = record(coop, &asha, &[&g], 2_000, account("Bank", AccountType::Asset));
        let sales = record(coop, &asha, &[&bank], 2_100, account("Sales", AccountType::Income));
        let mut last = sales.clone();
        let mut entries = vec![];
        for i in 0..6i64 {
            let e = record(coop, &asha, &[&last], 3_000 + i, entry(&[(&bank, 100 + i, "EUR"), (&sales, -(100 + i), "EUR")], None));
            last = e.clone();
            entries.push(e);
        }
        let reference = fold(coop, [g.clone(), bank.clone(), sales.clone()].into_iter().chain(entries.clone())).balances();
        let shuffled: Vec<Record> = order.iter().map(|i| entries[*i].clone()).collect();
        let got = fold(coop, [g, bank.clone(), sales.clone()].into_iter().chain(shuffled)).balances();
        prop_assert_eq!(&got, &reference);
        prop_assert_eq!(reference[&(bank.id(), "EUR".to_owned())], 615);
    }
}
