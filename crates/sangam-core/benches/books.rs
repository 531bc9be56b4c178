//! The books of a large co-op: 1,000 members, each with a capital account, and 100,000
//! entries on a real home (a SQLite file; the projection built as they were imported).
//! Then, from the projection: the balance sheet now and at a past date, the income
//! statement of a year, a journal search; posting one entry (sign, durably commit, the
//! projection updated, not rebuilt); rebuilding the projection from the fold of the log;
//! and exporting to hledger.
//! Run: `cargo bench -p sangam-core --bench books`.

mod support;

use std::time::{Duration, Instant};

use sangam_core::{EntryDraft, ExportFormat, JournalFilter, PostingDraft};
use sangam_model::Body;
use sangam_model::body::MemberAdmit;
use sangam_model::ledger::{AccountType, LedgerAccount, LedgerEntry, Posting};
use sangam_testkit::{Person, bundle_of};

const MEMBERS: u32 = 1_000;
const ENTRIES: u32 = 100_000;
const RUNS: usize = 30;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn timed(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    let max = *times.iter().max().expect("runs");
    (median(times), max)
}

fn date(i: u32) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        2024 + i / 33_600,
        (i / 2_800) % 12 + 1,
        (i / 100) % 28 + 1
    )
}

fn main() {
    let support::Setup {
        _dir,
        home,
        founder,
        mut replica,
        now,
    } = support::setup();
    let started = Instant::now();
    let mut at = now + 10;
    let mut write = |body: Body| {
        at += 1;
        replica
            .write(body, &founder.member, &founder.device, at)
            .expect("write")
            .0
            .id()
    };
    let mut members = Vec::new();
    for i in 0..MEMBERS - 2 {
        let p = Person::seeded_wide(i + 10, &format!("Member {i}"));
        write(Body::MemberAdmit(MemberAdmit {
            member: p.key(),
            name: format!("Member {i}"),
        }));
        members.push(p.key());
    }
    let account = |name: &str, account_type, member| {
        Body::LedgerAccount(LedgerAccount {
            name: name.into(),
            account_type,
            member,
            role: None,
        })
    };
    let bank = write(account("Bank", AccountType::Asset, None));
    let sales = write(account("Bread sales", AccountType::Income, None));
    let flour = write(account("Flour", AccountType::Expense, None));
    let capital: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            write(account(
                &format!("Capital: Member {i}"),
                AccountType::Equity,
                Some(*m),
            ))
        })
        .collect();
    for i in 0..ENTRIES {
        let amount = 100 + i64::from(i % 9_000);
        let (debit, credit, what) = match i % 4 {
            0 => (flour, bank, "Flour from the mill"),
            1 => (bank, capital[i as usize % capital.len()], "Member share"),
            _ => (bank, sales, "Saturday market"),
        };
        write(Body::LedgerEntry(LedgerEntry {
            date: date(i),
            description: format!("{what} no. {i}"),
            postings: vec![
                Posting {
                    account: debit,
                    amount,
                    commodity: "EUR".into(),
                    member: None,
                },
                Posting {
                    account: credit,
                    amount: -amount,
                    commodity: "EUR".into(),
                    member: None,
                },
            ],
            payee: None,
            approved_by: None,
            reverses: None,
            allocates: None,
            reference: None,
        }));
    }
    let bundle = bundle_of(&mut replica);
    drop(replica);
    println!(
        "built {MEMBERS} members and {ENTRIES} entries in {:.1?}",
        started.elapsed()
    );
    let started = Instant::now();
    let imported = home.import_bundle(&bundle).expect("import");
    println!("imported and projected them in {:.1?}", started.elapsed());
    let coop = imported.coop.parse().expect("coop id");
    let accounts = home.accounts(coop).expect("accounts").len();
    println!("{accounts} accounts");

    let (m, x) = timed(RUNS, || {
        home.balance_sheet(coop, None).expect("sheet");
    });
    println!("balance sheet now: median {m:.2?}, max {x:.2?}");
    let (m, x) = timed(RUNS, || {
        home.balance_sheet(coop, Some("2025-06-30")).expect("sheet");
    });
    println!("balance sheet at 2025-06-30: median {m:.2?}, max {x:.2?}");
    let (m, x) = timed(RUNS, || {
        home.income_statement(coop, "2025-01-01", "2025-12-31")
            .expect("statement");
    });
    println!("income statement of 2025: median {m:.2?}, max {x:.2?}");
    let (m, x) = timed(RUNS, || {
        let filter = JournalFilter {
            search: Some("no. 4242".into()),
            ..JournalFilter::default()
        };
        home.journal(coop, &filter).expect("journal");
    });
    println!("journal search \"no. 4242\": median {m:.2?}, max {x:.2?}");
    let mut i = 0;
    let (m, x) = timed(RUNS, || {
        i += 1;
        let line = |account: &str, amount: &str| PostingDraft {
            account: account.into(),
            amount: amount.into(),
            commodity: None,
            member: None,
        };
        home.post_entry(
            coop,
            &EntryDraft {
                date: "2026-11-30".into(),
                description: format!("Eggs {i}"),
                payee: None,
                postings: vec![line("Flour", "12.40"), line("Bank", "-12.40")],
                approved_by: None,
            },
        )
        .expect("post");
    });
    println!("post one entry: median {m:.2?}, max {x:.2?}");
    let (m, x) = timed(3, || {
        home.rebuild_books(coop).expect("rebuild");
    });
    println!("rebuild the projection from the fold: median {m:.2?}, max {x:.2?}");
    let mut size = 0;
    let (m, x) = timed(5, || {
        size = home
            .export_books(coop, ExportFormat::Hledger)
            .expect("export")
            .len();
    });
    println!("export to hledger ({size} bytes): median {m:.2?}, max {x:.2?}");
}
