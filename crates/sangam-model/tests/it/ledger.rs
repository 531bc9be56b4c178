//! The books in the fold: entries balance per commodity or are refused, an entry posts
//! only to accounts in its past and not closed there, a correction is a reversal that
//! negates it exactly, the bylaws' treasurers and approval limit hold, a surplus splits
//! exactly, and the balances are the same whatever order the entries arrive in.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sangam_model::body::{Fraction, Vote};
use sangam_model::ledger::{
    AccountType, LabourLog, LedgerAccount, LedgerBylaws, LedgerClose, LedgerEntry, Posting,
    Standing, split_surplus,
};
use sangam_model::{Body, Bylaws, Draft, PublicKey, Record, RecordError, RecordId, Refusal};

use crate::support::*;

fn account(name: &str, account_type: AccountType) -> Body {
    Body::LedgerAccount(LedgerAccount {
        name: name.into(),
        account_type,
        member: None,
        role: None,
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
                member: None,
            })
            .collect(),
        payee: None,
        approved_by: None,
        reverses,
        allocates: None,
        reference: None,
    })
}

fn approved(body: Body, proposal: &Record) -> Body {
    match body {
        Body::LedgerEntry(mut e) => {
            e.approved_by = Some(proposal.id());
            Body::LedgerEntry(e)
        }
        other => other,
    }
}

fn verdict(fold: &sangam_model::Fold, r: &Record) -> Result<(), Refusal> {
    fold.get(&r.id()).expect("placed").verdict.clone()
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
        allocates: None,
        reference: None,
    };
    bad_date.postings = vec![
        Posting {
            account: flour.id(),
            amount: 1,
            commodity: "EUR".into(),
            member: None,
        },
        Posting {
            account: bank.id(),
            amount: -1,
            commodity: "EUR".into(),
            member: None,
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
            role: None,
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

#[test]
fn when_the_bylaws_name_treasurers_only_they_keep_the_books() {
    let (asha, bo) = (person(1), person(2));
    let bylaws = Bylaws {
        ledger: LedgerBylaws {
            treasurers: vec![asha.key.public()],
            ..LedgerBylaws::default()
        },
        ..Bylaws::default()
    };
    let g = genesis_with(&asha, bylaws);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 1_500, admit(&bo, "Bo"));
    let by_bo = record(
        coop,
        &bo,
        &[&admit_bo],
        2_000,
        account("Till", AccountType::Asset),
    );
    let bank = record(
        coop,
        &asha,
        &[&admit_bo],
        2_000,
        account("Bank", AccountType::Asset),
    );
    let sales = record(
        coop,
        &asha,
        &[&bank],
        2_100,
        account("Sales", AccountType::Income),
    );
    let sale_by_bo = record(
        coop,
        &bo,
        &[&sales],
        3_000,
        entry(&[(&bank, 100, "EUR"), (&sales, -100, "EUR")], None),
    );
    let labour_by_bo = record(
        coop,
        &bo,
        &[&admit_bo],
        3_000,
        Body::LabourLog(LabourLog {
            date: "2026-11-30".into(),
            minutes: 60,
            note: None,
        }),
    );
    let folded = fold(
        coop,
        [
            g,
            admit_bo,
            by_bo.clone(),
            bank.clone(),
            sales.clone(),
            sale_by_bo.clone(),
            labour_by_bo.clone(),
        ],
    );
    for refused in [&by_bo, &sale_by_bo] {
        assert!(
            matches!(verdict(&folded, refused), Err(Refusal::NotATreasurer(_))),
            "{:?}",
            verdict(&folded, refused)
        );
    }
    assert_eq!(verdict(&folded, &bank), Ok(()));
    assert_eq!(
        verdict(&folded, &labour_by_bo),
        Ok(()),
        "every member logs their own labour"
    );
}

#[test]
fn an_entry_over_the_limit_cites_a_proposal_and_counts_once_it_has_passed() {
    let (asha, bo) = (person(1), person(2));
    let bylaws = Bylaws {
        ledger: LedgerBylaws {
            approval_over: BTreeMap::from([("EUR".to_owned(), 1_000)]),
            ..LedgerBylaws::default()
        },
        ..Bylaws::default()
    };
    let g = genesis_with(&asha, bylaws);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 1_500, admit(&bo, "Bo"));
    let bank = record(
        coop,
        &asha,
        &[&admit_bo],
        2_000,
        account("Bank", AccountType::Asset),
    );
    let oven = record(
        coop,
        &asha,
        &[&bank],
        2_100,
        account("Oven", AccountType::Asset),
    );
    let buy = entry(&[(&oven, 4_000, "EUR"), (&bank, -4_000, "EUR")], None);
    let unapproved = record(coop, &asha, &[&oven], 3_000, buy.clone());
    let small = record(
        coop,
        &asha,
        &[&oven],
        3_000,
        entry(&[(&oven, 1_000, "EUR"), (&bank, -1_000, "EUR")], None),
    );
    let half = Fraction { num: 1, den: 2 };
    let yes = record(
        coop,
        &asha,
        &[&oven],
        3_100,
        yes_no(&[&asha, &bo], 90_000, half, 50),
    );
    let no = record(
        coop,
        &bo,
        &[&oven],
        3_100,
        yes_no(&[&asha, &bo], 90_000, half, 50),
    );
    let while_voting = record(coop, &asha, &[&yes], 3_200, approved(buy.clone(), &yes));
    let rejected = record(coop, &asha, &[&no], 3_200, approved(buy.clone(), &no));
    // Over the limit too, but a reversal needs no approval of its own.
    let undo_rejected = record(
        coop,
        &asha,
        &[&rejected],
        3_300,
        entry(
            &[(&bank, 4_000, "EUR"), (&oven, -4_000, "EUR")],
            Some(rejected.id()),
        ),
    );
    let (a_yes, b_yes) = (
        record(coop, &asha, &[&yes], 4_000, vote(&yes, 1, Vote::Yes)),
        record(coop, &bo, &[&yes], 4_000, vote(&yes, 1, Vote::Yes)),
    );
    let (a_no, b_no) = (
        record(coop, &asha, &[&no], 4_000, vote(&no, 1, Vote::No)),
        record(coop, &bo, &[&no], 4_000, vote(&no, 1, Vote::No)),
    );
    let close_yes = record(
        coop,
        &asha,
        &[&a_yes, &b_yes],
        5_000,
        close(&yes, &[&a_yes, &b_yes], &[]),
    );
    let close_no = record(
        coop,
        &asha,
        &[&a_no, &b_no],
        5_000,
        close(&no, &[&a_no, &b_no], &[]),
    );
    let before_close = [
        g,
        admit_bo,
        bank.clone(),
        oven.clone(),
        unapproved.clone(),
        small.clone(),
        yes.clone(),
        no.clone(),
        while_voting.clone(),
        rejected.clone(),
        undo_rejected.clone(),
        a_yes,
        b_yes,
        a_no,
        b_no,
    ];
    let open = fold(coop, before_close.clone());
    assert!(
        matches!(verdict(&open, &unapproved), Err(Refusal::NeedsApproval(ref why)) if why.contains("1000 minor units of EUR")),
        "{:?}",
        verdict(&open, &unapproved)
    );
    assert_eq!(verdict(&open, &small), Ok(()), "at the limit needs no vote");
    assert_eq!(verdict(&open, &while_voting), Ok(()));
    let standing = |f: &sangam_model::Fold, r: &Record| {
        f.entries_of(&[r.id()]).first().expect("an entry").standing
    };
    assert_eq!(
        standing(&open, &while_voting),
        Standing::AwaitingVote(yes.id())
    );
    assert_eq!(
        open.balances()[&(oven.id(), "EUR".to_owned())],
        1_000,
        "only the small entry counts while the vote runs"
    );
    let closed = fold(coop, before_close.into_iter().chain([close_yes, close_no]));
    assert_eq!(standing(&closed, &while_voting), Standing::Counts);
    assert_eq!(standing(&closed, &rejected), Standing::NotApproved(no.id()));
    assert_eq!(
        standing(&closed, &undo_rejected),
        Standing::ReversesUncounted(rejected.id()),
        "reversing an entry that never counted moves nothing"
    );
    assert_eq!(closed.balances()[&(oven.id(), "EUR".to_owned())], 5_000);
    let touched = closed.entries_touched_by(&[no.id()]);
    assert_eq!(
        touched.len(),
        2,
        "the rejected entry and its reversal: {touched:?}"
    );
}

#[test]
fn no_entry_posts_to_an_account_closed_in_its_past() {
    let asha = person(1);
    let g = genesis(&asha);
    let coop = g.id();
    let bank = record(
        coop,
        &asha,
        &[&g],
        2_000,
        account("Bank", AccountType::Asset),
    );
    let till = record(
        coop,
        &asha,
        &[&bank],
        2_100,
        account("Till", AccountType::Asset),
    );
    let shut = Body::LedgerClose(LedgerClose { account: till.id() });
    let close_till = record(coop, &asha, &[&till], 3_000, shut.clone());
    let after = record(
        coop,
        &asha,
        &[&close_till],
        3_100,
        entry(&[(&till, 5, "EUR"), (&bank, -5, "EUR")], None),
    );
    // Written without having seen the close: it stands.
    let concurrent = record(
        coop,
        &asha,
        &[&till],
        3_100,
        entry(&[(&till, 7, "EUR"), (&bank, -7, "EUR")], None),
    );
    let again = record(coop, &asha, &[&close_till], 3_200, shut);
    let folded = fold(
        coop,
        [
            g,
            bank,
            till.clone(),
            close_till,
            after.clone(),
            concurrent.clone(),
            again.clone(),
        ],
    );
    assert!(matches!(
        verdict(&folded, &after),
        Err(Refusal::ClosedAccount(_))
    ));
    assert!(matches!(
        verdict(&folded, &again),
        Err(Refusal::ClosedAccount(_))
    ));
    assert_eq!(verdict(&folded, &concurrent), Ok(()));
    assert!(
        folded
            .accounts()
            .iter()
            .any(|a| a.id == till.id() && a.closed)
    );
}

fn key(n: u8) -> PublicKey {
    person(n).key.public()
}

#[test]
fn a_surplus_splits_by_the_largest_remainder_with_ties_to_the_lower_key() {
    // 1,000 after a 25% reserve and 10% education share of 1,537 (384 and 153, rounded
    // down), split 1:1:1: 333 each and one left over, to the lowest key of the three tied.
    let basis = BTreeMap::from([(key(1), 60), (key(2), 60), (key(3), 60)]);
    let split = split_surplus(1_537, 25, 10, &basis).expect("splits");
    assert_eq!((split.reserve, split.education), (384, 153));
    let mut lowest = [key(1), key(2), key(3)];
    lowest.sort();
    let got: BTreeMap<PublicKey, i64> = split.members.iter().copied().collect();
    assert_eq!(got[&lowest[0]], 334);
    assert_eq!(got[&lowest[1]] + got[&lowest[2]], 666);
    assert_eq!(split.total(), 1_537);
    assert!(split_surplus(0, 25, 10, &basis).is_err());
    assert!(split_surplus(100, 25, 10, &BTreeMap::new()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_split_of_a_surplus_sums_exactly_to_it(
        surplus in 1i64..=(1i64 << 53) - 1,
        reserve in 0u8..=60,
        education in 0u8..=40,
        minutes in proptest::collection::vec(0u64..=1_000_000, 1..40),
    ) {
        prop_assume!(minutes.iter().any(|m| *m > 0));
        let basis: BTreeMap<PublicKey, u64> =
            minutes.iter().enumerate().map(|(i, m)| (key(i as u8 + 1), *m)).collect();
        let split = split_surplus(surplus, reserve, education, &basis).expect("splits");
        prop_assert_eq!(split.total(), i128::from(surplus));
        let whole: u128 = basis.values().map(|m| u128::from(*m)).sum();
        let rest = (surplus - split.reserve - split.education) as u128;
        for (member, amount) in &split.members {
            // Each share is its exact share rounded down or up, never further.
            let exact = rest * u128::from(basis[member]);
            let floor = (exact / whole) as i64;
            prop_assert!(*amount == floor || *amount == floor + 1);
        }
    }
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

/// An entry and three reversals of it: `seen` written after the first (refused),
/// `twin_a` and `twin_b` concurrent with each other; and a reversal of the first
/// reversal (refused).
struct Reversals {
    coop: RecordId,
    base: Vec<Record>,
    first: Record,
    seen: Record,
    twin_b: Record,
    of_reversal: Record,
    buy: Record,
}

fn reversals() -> Reversals {
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
    let sales = record(
        coop,
        &asha,
        &[&bank],
        2_100,
        account("Sales", AccountType::Income),
    );
    let buy = record(
        coop,
        &asha,
        &[&sales],
        3_000,
        entry(&[(&bank, 1_000, "EUR"), (&sales, -1_000, "EUR")], None),
    );
    let undo = || {
        entry(
            &[(&bank, -1_000, "EUR"), (&sales, 1_000, "EUR")],
            Some(buy.id()),
        )
    };
    // Asha and Bo each reverse the sale, neither having seen the other's reversal.
    let first = record(coop, &asha, &[&buy], 4_000, undo());
    let twin_b = record(coop, &bo, &[&buy], 4_001, undo());
    // Asha reverses it again, having seen her own reversal: refused where written.
    let seen = record(coop, &asha, &[&first], 4_100, undo());
    let of_reversal = record(
        coop,
        &bo,
        &[&first],
        4_200,
        entry(
            &[(&bank, 1_000, "EUR"), (&sales, -1_000, "EUR")],
            Some(first.id()),
        ),
    );
    Reversals {
        coop,
        base: vec![g, admit_bo, bank, sales, buy.clone()],
        first,
        seen,
        twin_b,
        of_reversal,
        buy,
    }
}

#[test]
fn an_entry_is_reversed_once_and_a_reversal_is_not_reversed() {
    let r = reversals();
    let all: Vec<Record> = r
        .base
        .iter()
        .cloned()
        .chain([r.first.clone(), r.seen.clone(), r.of_reversal.clone()])
        .collect();
    let folded = fold(r.coop, all);
    assert_eq!(verdict(&folded, &r.first), Ok(()));
    assert_eq!(
        verdict(&folded, &r.seen),
        Err(Refusal::AlreadyReversed(r.buy.id().short()))
    );
    assert_eq!(
        verdict(&folded, &r.of_reversal),
        Err(Refusal::ReversesAReversal)
    );
    assert!(folded.balances().values().all(|v| *v == 0), "undone once");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Two reversals of one entry written apart are both valid; exactly one counts (the
    /// first in fold order) and the other is void, in every arrival order, so the sale
    /// is undone once and never twice.
    #[test]
    fn of_concurrent_reversals_one_counts_in_every_arrival_order(
        order in Just((0..7usize).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let r = reversals();
        let records: Vec<Record> = r
            .base
            .iter()
            .cloned()
            .chain([r.first.clone(), r.twin_b.clone()])
            .collect();
        let shuffled: Vec<Record> = order.iter().map(|i| records[*i].clone()).collect();
        let folded = fold(r.coop, shuffled);
        prop_assert_eq!(verdict(&folded, &r.first), Ok(()));
        prop_assert_eq!(verdict(&folded, &r.twin_b), Ok(()));
        let journal = folded.journal();
        let standing = |id: RecordId| journal.iter().find(|e| e.id == id).expect("entry").standing;
        let (a, b) = (standing(r.first.id()), standing(r.twin_b.id()));
        prop_assert!(a.counts() != b.counts(), "exactly one counts: {:?} {:?}", a, b);
        let winner = if a.counts() { r.first.id() } else { r.twin_b.id() };
        let loser = if a.counts() { b } else { a };
        prop_assert_eq!(loser, Standing::AnotherReversalCounts(winner));
        let depth = |id: RecordId| folded.get(&id).expect("placed").depth;
        let first_in_order = [r.first.id(), r.twin_b.id()]
            .into_iter()
            .min_by_key(|id| (depth(*id), *id))
            .expect("two");
        prop_assert_eq!(winner, first_in_order);
        prop_assert!(folded.balances().values().all(|v| *v == 0), "undone once, not twice");
    }
}

fn allocation(
    postings: &[(&Record, i64, &str)],
    proposal: &Record,
    from: &str,
    to: &str,
    basis: sangam_model::ledger::Basis,
) -> Body {
    match approved(entry(postings, None), proposal) {
        Body::LedgerEntry(mut e) => {
            e.date = to.into();
            e.allocates = Some(sangam_model::ledger::Allocation {
                from: from.into(),
                to: to.into(),
                basis,
            });
            Body::LedgerEntry(e)
        }
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// A period's surplus is allocated once: of allocations of one basis whose periods
    /// overlap, the first in fold order whose vote passed counts and the others are void;
    /// one whose vote failed blocks nothing; another basis or a later period is separate.
    /// The same in every arrival order.
    #[test]
    fn a_periods_surplus_is_allocated_once_in_every_arrival_order(seed in 0u64..1_000_000) {
        use sangam_model::ledger::Basis;
        let (asha, bo) = (person(1), person(2));
        let g = genesis(&asha);
        let coop = g.id();
        let admit_bo = record(coop, &asha, &[&g], 1_500, admit(&bo, "Bo"));
        let surplus = record(coop, &asha, &[&admit_bo], 2_000, account("Surplus", AccountType::Equity));
        let capital = record(coop, &asha, &[&surplus], 2_100, account("Capital", AccountType::Equity));
        let half = Fraction { num: 1, den: 2 };
        let yes = record(coop, &asha, &[&capital], 3_000, yes_no(&[&asha, &bo], 90_000, half, 50));
        let no = record(coop, &bo, &[&capital], 3_000, yes_no(&[&asha, &bo], 90_000, half, 50));
        let ballots = |p: &Record, v: Vote| {
            (record(coop, &asha, &[p], 4_000, vote(p, 1, v)), record(coop, &bo, &[p], 4_000, vote(p, 1, v)))
        };
        let (ay, by) = ballots(&yes, Vote::Yes);
        let (an, bn) = ballots(&no, Vote::No);
        let close_yes = record(coop, &asha, &[&ay, &by], 5_000, close(&yes, &[&ay, &by], &[]));
        let close_no = record(coop, &asha, &[&an, &bn], 5_000, close(&no, &[&an, &bn], &[]));
        let lines = [(&surplus, 100, "EUR"), (&capital, -100, "EUR")];
        let alloc = |by: &Person, deps: &[&Record], at: i64, p: &Record, from: &str, to: &str, basis| {
            record(coop, by, deps, at, allocation(&lines, p, from, to, basis))
        };
        let failed = alloc(&bo, &[&close_no], 6_000, &no, "2026-01-01", "2026-03-31", Basis::Labour);
        let first = alloc(&asha, &[&close_yes], 6_000, &yes, "2026-01-01", "2026-03-31", Basis::Labour);
        let twin = alloc(&bo, &[&close_yes], 6_001, &yes, "2026-02-01", "2026-04-30", Basis::Labour);
        let by_use = alloc(&bo, &[&close_yes], 6_002, &yes, "2026-01-01", "2026-03-31", Basis::Use);
        let later = alloc(&asha, &[&close_yes], 6_003, &yes, "2026-05-01", "2026-06-30", Basis::Labour);
        let mut records = vec![g, admit_bo, surplus.clone(), capital, yes, no, ay, by, an, bn, close_yes, close_no,
            failed.clone(), first.clone(), twin.clone(), by_use.clone(), later.clone()];
        // A shuffle drawn from the seed.
        let mut state = seed;
        for i in (1..records.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            records.swap(i, (state >> 33) as usize % (i + 1));
        }
        let folded = fold(coop, records);
        let standing = |r: &Record| folded.entries_of(&[r.id()]).first().expect("an entry").standing;
        prop_assert!(matches!(standing(&failed), Standing::NotApproved(_)));
        let (a, b) = (standing(&first), standing(&twin));
        prop_assert!(a.counts() != b.counts(), "one of the overlapping two counts: {:?} {:?}", a, b);
        let depth = |r: &Record| folded.get(&r.id()).expect("placed").depth;
        let winner = if (depth(&first), first.id()) < (depth(&twin), twin.id()) { &first } else { &twin };
        prop_assert!(standing(winner).counts());
        prop_assert_eq!(standing(&by_use), Standing::Counts, "another basis is another allocation");
        prop_assert_eq!(standing(&later), Standing::Counts, "a later period is another allocation");
        prop_assert_eq!(folded.balances()[&(surplus.id(), "EUR".to_owned())], 300, "three allocations count");
    }
}

#[test]
fn a_members_day_counts_for_at_most_24_hours() {
    let asha = person(1);
    let g = genesis(&asha);
    let coop = g.id();
    let day = |minutes: u32, at: i64, deps: &[&Record], date: &str| {
        record(
            coop,
            &asha,
            deps,
            at,
            Body::LabourLog(LabourLog {
                date: date.into(),
                minutes,
                note: None,
            }),
        )
    };
    // Written apart (on two laptops, say): each alone is a valid day's work.
    let one = day(1_000, 2_000, &[&g], "2026-03-02");
    let two = day(1_000, 2_001, &[&g], "2026-03-02");
    let next = day(60, 2_002, &[&g], "2026-03-03");
    let folded = fold(coop, [g, one, two, next]);
    assert_eq!(folded.labour()[&asha.key.public()], 1_440 + 60);
    assert_eq!(
        folded.labour_between("2026-03-02", "2026-03-02")[&asha.key.public()],
        1_440
    );
}
