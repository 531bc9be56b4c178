//! The books over a real home: accounts, entries in two commodities, a reversal, a closed
//! account, labour and a patronage allocation approved by a vote; bad drafts refused with
//! nothing posted; the exports read by the real `hledger` and `bean-check`, whose totals
//! are Sangam's; a bank statement imported once, however often it is read.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sangam_core::{
    AccountDraft, Basis, Choice, Clock, DecimalMark, EntryDraft, EntryStanding, ErrorCode,
    ExportFormat, Home, JournalFilter, Method, PostingDraft, ProposalDraft, Vote,
};
use sangam_model::ledger::{AccountRole, AccountType};
use tempfile::TempDir;

struct Ticking(Arc<AtomicI64>);

impl Clock for Ticking {
    fn now(&self) -> i64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

fn home(dir: &TempDir) -> Home {
    let clock = Ticking(Arc::new(AtomicI64::new(1_780_000_000_000)));
    let home = Home::open_with_clock(&dir.path().join("asha"), Box::new(clock)).expect("opens");
    home.create_identity("Asha").expect("identity");
    home
}

fn open(home: &Home, coop: sangam_model::CoopId, name: &str, t: AccountType) -> String {
    open_with(home, coop, name, t, None, None)
}

fn open_with(
    home: &Home,
    coop: sangam_model::CoopId,
    name: &str,
    account_type: AccountType,
    member: Option<String>,
    role: Option<AccountRole>,
) -> String {
    home.open_account(
        coop,
        &AccountDraft {
            name: name.into(),
            account_type,
            member,
            role,
        },
    )
    .expect("account opens")
    .id
}

fn draft(date: &str, what: &str, lines: &[(&str, &str, Option<&str>)]) -> EntryDraft {
    EntryDraft {
        date: date.into(),
        description: what.into(),
        payee: None,
        postings: lines
            .iter()
            .map(|(account, amount, commodity)| PostingDraft {
                account: (*account).into(),
                amount: (*amount).into(),
                commodity: commodity.map(str::to_owned),
                member: None,
            })
            .collect(),
        approved_by: None,
    }
}

/// A yes/no proposal with the bylaws' quorum and threshold, open until 2026-09-21.
fn yes_no(home: &Home, coop: sangam_model::CoopId, title: &str) -> sangam_core::ProposalDto {
    home.propose(
        coop,
        ProposalDraft {
            title: title.into(),
            text: String::new(),
            method: Method::YesNo,
            options: vec![],
            seats: None,
            template: None,
            quorum_pct: None,
            threshold: None,
            closes_at: 1_790_000_000_000,
            effect: None,
        },
    )
    .expect("proposal")
}

/// Sangam's balance of every account, as "account name" → "commodity" → minor units.
fn sangam_balances(
    home: &Home,
    coop: sangam_model::CoopId,
) -> BTreeMap<String, BTreeMap<String, i128>> {
    let mut out = BTreeMap::new();
    for a in home.accounts(coop).expect("accounts") {
        for b in a.balances {
            out.entry(a.name.clone())
                .or_insert_with(BTreeMap::new)
                .insert(b.commodity.clone(), b.minor.parse::<i128>().expect("minor"));
        }
    }
    out
}

/// `hledger balance` of the file: the leaf account's last name part → commodity → minor
/// units (EUR two places, HOURS none).
fn hledger_balances(file: &Path) -> BTreeMap<String, BTreeMap<String, i128>> {
    let out = Command::new("hledger")
        .args(["-f"])
        .arg(file)
        .args(["balance", "--flat", "--no-total", "-O", "csv"])
        .output()
        .expect("hledger runs (scripts/test-deps.sh installs it)");
    assert!(
        out.status.success(),
        "hledger read the journal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut balances = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.trim_matches('"').split("\",\"").collect();
        let [account, amounts] = fields[..] else {
            panic!("an hledger line {line:?}");
        };
        let leaf = account.rsplit(':').next().expect("a name").to_owned();
        for amount in amounts.split(", ") {
            let (number, commodity) = amount.trim().split_once(' ').expect("amount commodity");
            let commodity = commodity.trim_matches('"');
            let minor = sangam_core::parse_minor(&number.replace(',', ""), commodity)
                .expect("an amount Sangam reads");
            balances
                .entry(leaf.clone())
                .or_insert_with(BTreeMap::new)
                .insert(commodity.to_owned(), i128::from(minor));
        }
    }
    balances
}

#[test]
fn the_books_balance_refuse_bad_entries_and_export_files_hledger_and_beancount_accept() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    let me = home.identity().expect("identity").member;
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Sales", AccountType::Income);
    open(&home, coop, "Flour", AccountType::Expense);
    let till = open(&home, coop, "Till", AccountType::Asset);
    open(&home, coop, "Time bank", AccountType::Liability);
    open(&home, coop, "Volunteering", AccountType::Expense);
    open_with(
        &home,
        coop,
        "Capital: Asha",
        AccountType::Equity,
        Some(me.clone()),
        None,
    );
    for (name, role) in [
        ("Surplus", AccountRole::Surplus),
        ("Reserve", AccountRole::Reserve),
        ("Education fund", AccountRole::Education),
    ] {
        open_with(&home, coop, name, AccountType::Equity, None, Some(role));
    }

    let post = |d: EntryDraft| home.post_entry(coop, &d);
    let shares = post(draft(
        "2026-01-05",
        "Asha's member share",
        &[("Bank", "500", None), ("Capital: Asha", "-500", None)],
    ))
    .expect("shares");
    assert_eq!(shares.standing, EntryStanding::Counts);
    post(draft(
        "2026-02-07",
        "Saturday market",
        &[("Bank", "1,250.50", None), ("Sales", "-1250.50", None)],
    ))
    .expect("market");
    let flour = post(draft(
        "2026-02-09",
        "Flour from the mill",
        &[("Flour", "80", None), ("Bank", "-80", None)],
    ))
    .expect("flour");
    post(draft(
        "2026-02-10",
        "Hours given to the market",
        &[
            ("Volunteering", "6", Some("hours")),
            ("Time bank", "-6", Some("HOURS")),
        ],
    ))
    .expect("hours");
    post(draft(
        "2026-02-11",
        "Till float",
        &[("Till", "20", None), ("Bank", "-20", None)],
    ))
    .expect("till");
    home.reverse_entry(coop, &flour.id[..8], "2026-02-12")
        .expect("reversal");
    post(draft(
        "2026-02-13",
        "Flour, the right bill",
        &[("Flour", "85.20", None), ("Bank", "-85.20", None)],
    ))
    .expect("flour again");

    // Bad drafts: a clear error, and nothing posted.
    let before = home
        .journal(coop, &JournalFilter::default())
        .expect("journal")
        .len();
    let refused = [
        (
            draft(
                "2026-02-14",
                "Unbalanced",
                &[("Flour", "10", None), ("Bank", "-9.50", None)],
            ),
            "EUR is off by 0.50 EUR",
        ),
        (
            draft(
                "2026-02-14",
                "Too precise",
                &[("Flour", "10.001", None), ("Bank", "-10.001", None)],
            ),
            "2 decimal place",
        ),
        (
            draft(
                "2026-02-14",
                "Nowhere",
                &[("Cellar", "10", None), ("Bank", "-10", None)],
            ),
            "no account is called",
        ),
        (
            draft(
                "2026-02-14",
                "Too big",
                &[
                    ("Flour", "90071992547409.92", None),
                    ("Bank", "-90071992547409.92", None),
                ],
            ),
            "too large",
        ),
        (
            draft(
                "2026-02-30",
                "No such day",
                &[("Flour", "1", None), ("Bank", "-1", None)],
            ),
            "YYYY-MM-DD",
        ),
    ];
    for (d, why) in refused {
        let err = post(d).expect_err("refused");
        assert!(err.message.contains(why), "{why:?} in {:?}", err.message);
    }
    home.close_account(coop, &till[..8]).expect("close");
    let err = post(draft(
        "2026-02-15",
        "Into the closed till",
        &[("Till", "5", None), ("Bank", "-5", None)],
    ))
    .expect_err("closed");
    assert_eq!(err.code, ErrorCode::Refused);
    assert!(err.message.contains("closed"), "{}", err.message);
    assert_eq!(
        home.journal(coop, &JournalFilter::default())
            .expect("journal")
            .len(),
        before
    );

    // Labour, then a surplus split approved by a vote.
    home.log_labour(coop, "2026-02-08", 240, Some("the morning bake"))
        .expect("labour");
    assert!(
        home.log_labour(coop, "2026-02-08", 1_441, None).is_err(),
        "a day has 1,440 minutes"
    );
    let overdraw = home
        .patronage_preview(coop, "2026-01-01", "2026-03-31", "1000", Basis::Labour)
        .expect_err("the surplus account holds nothing yet");
    assert!(
        overdraw.message.contains("holds 0.00 EUR"),
        "{}",
        overdraw.message
    );
    post(draft(
        "2026-03-31",
        "Close the year's income",
        &[("Sales", "1000", None), ("Surplus", "-1000", None)],
    ))
    .expect("surplus");
    let preview = home
        .patronage_preview(coop, "2026-01-01", "2026-03-31", "1000", Basis::Labour)
        .expect("preview");
    assert_eq!(preview.members.len(), 1);
    assert_eq!(
        preview.members[0].amount.text, "1000.00",
        "no shares set: all to the one member"
    );
    let vote = yes_no(&home, coop, "Allocate the first quarter's surplus");
    let allocated = home
        .allocate_patronage(
            coop,
            "2026-01-01",
            "2026-03-31",
            "1000 EUR",
            Basis::Labour,
            &vote.id,
        )
        .expect("allocated");
    let entry = allocated.entry.expect("posted");
    let standing = |home: &Home| {
        home.journal(coop, &JournalFilter::default())
            .expect("journal")
            .into_iter()
            .find(|e| e.id == entry)
            .expect("the allocation")
            .standing
    };
    assert_eq!(standing(&home), EntryStanding::AwaitingVote);
    let vote_id = crate::rid(&vote.id);
    home.vote(coop, vote_id, Choice::Vote(Vote::Yes))
        .expect("vote");
    home.close(coop, vote_id).expect("close");
    assert_eq!(
        standing(&home),
        EntryStanding::Counts,
        "the allocation counts once the vote passed"
    );
    let again = home
        .allocate_patronage(
            coop,
            "2026-02-01",
            "2026-02-28",
            "1 EUR",
            Basis::Labour,
            &vote.id,
        )
        .expect_err("the quarter is allocated");
    assert!(
        again.message.contains("already allocated"),
        "{}",
        again.message
    );

    let balances = sangam_balances(&home, coop);
    let eur = |name: &str| balances[name]["EUR"];
    assert_eq!(eur("Bank"), 50_000 + 125_050 - 2_000 - 8_520);
    assert_eq!(
        eur("Capital: Asha"),
        -150_000,
        "paid in 500, allocated 1,000"
    );
    assert!(
        !balances.contains_key("Surplus"),
        "the surplus is all allocated"
    );
    assert_eq!(balances["Time bank"]["HOURS"], -6);
    let capital = home.capital(coop, Some(&me)).expect("capital");
    assert_eq!(capital[0].lines[0].paid_in.text, "500.00");
    assert_eq!(capital[0].lines[0].allocated.text, "1000.00");
    let sheet = home.balance_sheet(coop, Some("2026-02-08")).expect("sheet");
    let bank_then = sheet.groups[0]
        .accounts
        .iter()
        .find(|a| a.name == "Bank")
        .expect("bank");
    assert_eq!(bank_then.balances[0].text, "1750.50");
    let statement = home
        .income_statement(coop, "2026-02-01", "2026-02-28")
        .expect("statement");
    assert_eq!(
        statement.net[0].text, "1165.30",
        "1,250.50 sold less 85.20 of flour"
    );
    assert_eq!(
        home.monthly(coop, "2026-01-01", "2026-12-31")
            .expect("months")
            .len(),
        3
    );
    let found = home
        .journal(
            coop,
            &JournalFilter {
                search: Some("flour".into()),
                ..JournalFilter::default()
            },
        )
        .expect("search");
    assert_eq!(found.len(), 3, "the bill, its reversal and the right bill");

    // The real tools read the exports, and their totals are Sangam's.
    let journal = dir.path().join("books.journal");
    std::fs::write(
        &journal,
        home.export_books(coop, ExportFormat::Hledger)
            .expect("hledger"),
    )
    .expect("write");
    let from_hledger = hledger_balances(&journal);
    let leaf_names: BTreeMap<String, BTreeMap<String, i128>> = balances
        .iter()
        .map(|(name, b)| {
            (
                name.rsplit(':').next().expect("name").trim().to_owned(),
                b.clone(),
            )
        })
        .collect();
    assert_eq!(
        from_hledger, leaf_names,
        "hledger's balance of every account is Sangam's"
    );

    let ledger = dir.path().join("books.beancount");
    std::fs::write(
        &ledger,
        home.export_books(coop, ExportFormat::Beancount)
            .expect("beancount"),
    )
    .expect("write");
    let bean_check = std::env::var("SANGAM_BEAN_CHECK").unwrap_or_else(|_| "bean-check".into());
    let out = Command::new(&bean_check)
        .arg(&ledger)
        .output()
        .expect("bean-check runs (scripts/test-deps.sh installs it; scripts/test.sh names it)");
    assert!(
        out.status.success(),
        "bean-check accepts the ledger: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&ledger).expect("read");
    assert!(
        !text.contains("1970-01-01"),
        "every account opens on a day of the books: {text}"
    );
    assert!(
        text.lines().any(|l| l.ends_with(" close Assets:Till")),
        "the closed till is closed: {text}"
    );
    let csv = home.export_books(coop, ExportFormat::Csv).expect("csv");
    assert!(csv.starts_with("date,entry,description"), "{csv}");
}

#[test]
fn a_bank_statement_is_imported_once_and_a_bad_row_posts_nothing() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "INR").expect("coop");
    let coop = crate::only_coop(&home);
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Flour", AccountType::Expense);
    open(&home, coop, "Sales", AccountType::Income);
    open(&home, coop, "Suspense", AccountType::Liability);
    let rules = "# the co-op's current account\n\
                 account = Bank\n\
                 default-account = Suspense\n\
                 skip = 1\n\
                 date = Date\n\
                 date-format = %d/%m/%Y\n\
                 description = Narration\n\
                 debit = Withdrawal\n\
                 credit = Deposit\n\
                 match mill => Flour\n\
                 match market => Sales\n";
    let statement = "Date,Narration,Withdrawal,Deposit\n\
                     03/02/2026,Sri Mill flour,\"1,200.00\",\n\
                     07/02/2026,Market takings,,\"5,430.50\"\n\
                     07/02/2026,Market takings,,\"5,430.50\"\n\
                     09/02/2026,Unknown transfer,,99.99\n";
    let preview = home
        .import_bank_csv(coop, statement, rules, true)
        .expect("preview");
    assert_eq!((preview.posted, preview.bad), (0, 0));
    assert_eq!(preview.rows.len(), 4);
    assert_eq!(preview.rows[0].counter_account.as_deref(), Some("Flour"));
    assert_eq!(
        preview.rows[0].amount.as_ref().expect("amount").text,
        "-1200.00"
    );
    assert_eq!(preview.rows[3].counter_account.as_deref(), Some("Suspense"));
    assert!(
        home.journal(coop, &JournalFilter::default())
            .expect("journal")
            .is_empty(),
        "a preview posts nothing"
    );

    let done = home
        .import_bank_csv(coop, statement, rules, false)
        .expect("import");
    assert_eq!(
        done.posted, 4,
        "the same takings twice in one statement are two rows"
    );
    let again = home
        .import_bank_csv(coop, statement, rules, false)
        .expect("again");
    assert_eq!((again.posted, again.skipped), (0, 4));
    let longer = format!("{statement}10/02/2026,Sri Mill flour,300,\n");
    let more = home
        .import_bank_csv(coop, &longer, rules, false)
        .expect("longer");
    assert_eq!((more.posted, more.skipped), (1, 4));

    let bad = format!("{longer}31/02/2026,Nobody,1,\n11/02/2026,Odd amount,1.234,\n");
    let refused = home
        .import_bank_csv(coop, &bad, rules, false)
        .expect("read");
    assert_eq!((refused.posted, refused.bad), (0, 2));
    let errors: Vec<String> = refused
        .rows
        .iter()
        .filter_map(|r| r.error.clone())
        .collect();
    assert!(errors[0].starts_with("line 7:"), "{errors:?}");
    assert!(
        errors[1].starts_with("line 8:") && errors[1].contains("decimal place"),
        "{errors:?}"
    );
    assert_eq!(
        home.journal(coop, &JournalFilter::default())
            .expect("journal")
            .len(),
        5
    );
}

/// Names, descriptions, payees and commodity codes that are syntax to the tools reading
/// the exports: hledger and bean-check accept the files and agree with Sangam's balances,
/// no description forges a tag, a code or a payee, and no CSV cell is a formula.
#[test]
fn hostile_text_in_the_books_is_exported_as_text_every_tool_reads_right() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River; Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    let hostile_names = [
        "Bank; evil:1",
        "(Cash)",
        "Sales | x",
        "=HYPERLINK(\"http://x\")",
        "Two  spaces",
    ];
    for (i, name) in hostile_names.iter().enumerate() {
        let t = if i % 2 == 0 {
            AccountType::Asset
        } else {
            AccountType::Income
        };
        open(&home, coop, name, t);
    }
    let first = home
        .post_entry(
            coop,
            &draft(
                "2026-01-02",
                "first",
                &[("Bank; evil:1", "5", None), ("(Cash)", "-5", None)],
            ),
        )
        .expect("first");
    let descriptions = [
        format!("forged ; sangam:{}, hide:", first.id),
        "(INV-1) rent".to_owned(),
        "a | b".to_owned(),
        "=1+1".to_owned(),
        "+cmd|' /C calc'!A0".to_owned(),
        "@SUM(1)".to_owned(),
        "line\nbreak".to_owned(),
        "\u{202e}gnp.exe".to_owned(),
    ];
    for (i, description) in descriptions.iter().enumerate() {
        let mut entry = draft(
            "2026-01-03",
            description,
            &[
                ("=HYPERLINK(\"http://x\")", "7", Some("X2Y")),
                ("Sales | x", "-7", Some("X2Y")),
            ],
        );
        entry.payee = Some(if i % 2 == 0 {
            "Bo, evil:1".into()
        } else {
            "-Cy; tag:x".into()
        });
        let posted = home.post_entry(coop, &entry);
        // Text-direction controls may be refused where they are written; everything
        // else is a description a member may write.
        if !description.contains('\u{202e}') {
            posted.expect("hostile entry");
        }
    }
    let entries = home
        .journal(coop, &JournalFilter::default())
        .expect("journal");

    let journal = dir.path().join("books.journal");
    std::fs::write(
        &journal,
        home.export_books(coop, ExportFormat::Hledger)
            .expect("hledger"),
    )
    .expect("write");
    // The names are the export's business (tested above); the amounts must be Sangam's.
    let mut expected: Vec<BTreeMap<String, i128>> = sangam_balances(&home, coop)
        .into_values()
        .filter(|b| b.values().any(|v| *v != 0))
        .collect();
    let mut read: Vec<BTreeMap<String, i128>> = hledger_balances(&journal).into_values().collect();
    expected.sort();
    read.sort();
    assert_eq!(read, expected);
    let printed = Command::new("hledger")
        .arg("-f")
        .arg(&journal)
        .args(["print", "-O", "json"])
        .output()
        .expect("hledger print");
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let transactions: serde_json::Value =
        serde_json::from_slice(&printed.stdout).expect("hledger's json");
    let transactions = transactions.as_array().expect("a list");
    assert_eq!(transactions.len(), entries.len());
    for t in transactions {
        let tags = t["ttags"].as_array().expect("tags");
        assert_eq!(tags.len(), 1, "only the id tag: {t}");
        let id = tags[0][1].as_str().expect("id");
        assert_eq!(tags[0][0], "sangam");
        assert!(entries.iter().any(|e| e.id == id), "a real entry's id: {t}");
        assert_eq!(t["tcode"], "", "no transaction code: {t}");
    }

    let ledger = dir.path().join("books.beancount");
    std::fs::write(
        &ledger,
        home.export_books(coop, ExportFormat::Beancount)
            .expect("beancount"),
    )
    .expect("write");
    let bean_check = std::env::var("SANGAM_BEAN_CHECK").unwrap_or_else(|_| "bean-check".into());
    let out = Command::new(&bean_check)
        .arg(&ledger)
        .output()
        .expect("bean-check runs");
    assert!(
        out.status.success(),
        "bean-check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let csv = home.export_books(coop, ExportFormat::Csv).expect("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let text_columns = ["description", "payee", "account_name"];
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("a row");
        rows += 1;
        for (name, cell) in header.iter().zip(record.iter()) {
            if text_columns.contains(&name) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name} is a formula: {cell:?}"
                );
                assert!(
                    !cell.contains('\u{202e}'),
                    "{name} hides a bidi control: {cell:?}"
                );
            }
        }
    }
    assert_eq!(rows, 2 * entries.len());
}

/// A decimal comma in a statement read with a decimal point is never a hundredfold
/// amount: the row is refused with what it would mean, and a comma statement reads right.
#[test]
fn a_decimal_comma_is_never_read_as_a_hundred_times_the_amount() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Suspense", AccountType::Liability);
    let rules = |mark: &str| {
        format!(
            "account = Bank\ndefault-account = Suspense\nskip = 1\ndate = 1\n\
             date-format = %Y-%m-%d\ndescription = 2\namount = 3\ndecimal-mark = {mark}\n"
        )
    };
    let statement =
        "Date,What,Amount\n2026-02-03,Bakery,\"-12,50\"\n2026-02-04,Mill,\"1.234,56\"\n";
    let read = home
        .import_bank_csv(coop, statement, &rules("."), true)
        .expect("read");
    assert_eq!(read.bad, 2, "{:?}", read.rows);
    let errors: Vec<String> = read.rows.iter().filter_map(|r| r.error.clone()).collect();
    assert!(
        errors[0].contains("ambiguous") && errors[0].contains("-12.50"),
        "{errors:?}"
    );
    let comma = home
        .import_bank_csv(coop, statement, &rules(","), false)
        .expect("comma");
    assert_eq!((comma.posted, comma.bad), (2, 0), "{:?}", comma.rows);
    let amounts: Vec<String> = comma
        .rows
        .iter()
        .map(|r| r.amount.as_ref().expect("amount").text.clone())
        .collect();
    assert_eq!(amounts, ["-12.50", "1234.56"]);
}

#[test]
fn a_co_op_whose_members_write_a_decimal_comma_is_read_with_one() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("Mühle", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Sales", AccountType::Income);
    open(&home, coop, "Suspense", AccountType::Liability);
    assert_eq!(
        home.coop(coop).expect("coop").decimal_mark,
        DecimalMark::Point
    );
    // With the decimal point, "12,50" is ambiguous: refused, with what was understood.
    let typed = draft(
        "2026-02-01",
        "Bread",
        &[("Bank", "12,50", None), ("Sales", "-12,50", None)],
    );
    let err = home.post_entry(coop, &typed).expect_err("ambiguous");
    assert!(err.message.contains("12.50"), "{}", err.message);

    home.set_decimal_mark(coop, DecimalMark::Comma)
        .expect("the setting");
    assert_eq!(
        home.coop(coop).expect("coop").decimal_mark,
        DecimalMark::Comma
    );
    let posted = home.post_entry(coop, &typed).expect("read with a comma");
    let amounts: Vec<i64> = sangam_balances(&home, coop)
        .values()
        .flat_map(|by| by.values().map(|m| *m as i64))
        .collect();
    assert_eq!(posted.postings.len(), 2);
    assert!(
        amounts.contains(&1_250) && amounts.contains(&-1_250),
        "{amounts:?}"
    );
    let grouped = draft(
        "2026-02-02",
        "Oven",
        &[("Bank", "-1.250,50", None), ("Sales", "1.250,50", None)],
    );
    home.post_entry(coop, &grouped).expect("grouped thousands");
    // Now "12.50" is the ambiguous one.
    let pointed = draft(
        "2026-02-03",
        "Flour",
        &[("Bank", "12.50", None), ("Sales", "-12.50", None)],
    );
    let err = home.post_entry(coop, &pointed).expect_err("ambiguous");
    assert!(err.message.contains("12,50"), "{}", err.message);
    // A statement whose rules file names no mark is read with the co-op's.
    let rules = "account = Bank\ndefault-account = Suspense\nskip = 1\ndate = 1\n\
                 date-format = %Y-%m-%d\ndescription = 2\namount = 3\n";
    let statement = "Date,What,Amount\n2026-02-03,Bakery,\"-12,50\"\n";
    let read = home
        .import_bank_csv(coop, statement, rules, true)
        .expect("read");
    assert_eq!(read.bad, 0, "{:?}", read.rows);
    assert_eq!(read.rows[0].amount.as_ref().expect("amount").text, "-12.50");
    // An approval limit proposed from the window's form is read with it too.
    let limit = home
        .propose_form(
            coop,
            sangam_core::ProposalForm {
                title: "A limit".into(),
                text: String::new(),
                method: Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: 1_790_000_000_000,
                effect: Some(sangam_core::EffectForm::ApprovalOver {
                    amount: "1.250,50".into(),
                    commodity: "EUR".into(),
                }),
            },
        )
        .expect("a limit");
    let effect = limit.effect.expect("an effect");
    let sangam_core::EffectDto::Bylaws { approval_over, .. } = &effect else {
        panic!("a bylaws effect: {effect:?}");
    };
    assert_eq!(approval_over, &["1250.50 EUR"], "{effect}");
    // The setting is this home's: a word it does not know is refused.
    assert!(DecimalMark::from_word("semicolon").is_err());
}

#[test]
fn a_surplus_split_by_use_follows_the_sales_posted_for_each_member() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    let asha = home.identity().expect("identity").member;
    let bo = sangam_testkit::Person::seeded(2, "Bo").key().to_string();
    home.admit(coop, crate::pk(&bo), "Bo").expect("admit");
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Sales", AccountType::Income);
    open_with(
        &home,
        coop,
        "Capital: Asha",
        AccountType::Equity,
        Some(asha.clone()),
        None,
    );
    open_with(
        &home,
        coop,
        "Capital: Bo",
        AccountType::Equity,
        Some(bo.clone()),
        None,
    );
    open_with(
        &home,
        coop,
        "Surplus",
        AccountType::Equity,
        None,
        Some(AccountRole::Surplus),
    );
    let sale = |who: &str, amount: &str| {
        let mut d = draft(
            "2026-03-01",
            "Bread",
            &[
                ("Bank", amount, None),
                ("Sales", &format!("-{amount}"), None),
            ],
        );
        d.postings[1].member = Some(who.to_owned());
        home.post_entry(coop, &d)
    };
    sale(&asha, "30").expect("Asha's bread");
    sale(&bo, "10").expect("Bo's bread");
    let stranger = sangam_testkit::Person::seeded(9, "Stranger")
        .key()
        .to_string();
    let err = sale(&stranger, "5").expect_err("not a member");
    assert!(
        err.message.contains("not a current member") || err.message.contains("member"),
        "{}",
        err.message
    );
    home.post_entry(
        coop,
        &draft(
            "2026-12-31",
            "The year's surplus",
            &[("Sales", "100", None), ("Surplus", "-100", None)],
        ),
    )
    .expect("surplus");
    let split = home
        .patronage_preview(coop, "2026-01-01", "2026-12-31", "100", Basis::Use)
        .expect("preview");
    let part = |key: &str| {
        split
            .members
            .iter()
            .find(|m| m.member.as_deref() == Some(key))
            .expect("a part")
            .amount
            .text
            .clone()
    };
    assert_eq!(
        (part(&asha), part(&bo)),
        ("75.00".to_owned(), "25.00".to_owned())
    );
    assert_eq!(
        split.members[0].used.as_ref().map(|u| u.commodity.as_str()),
        Some("EUR")
    );
}

/// A day holds at most 24 hours of one member's work: a log past that is refused with
/// what was logged already, and nothing is written.
#[test]
fn a_day_of_labour_holds_at_most_24_hours() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    home.log_labour(coop, "2026-03-02", 20 * 60, None)
        .expect("20 hours");
    let err = home
        .log_labour(coop, "2026-03-02", 5 * 60, None)
        .expect_err("25 hours in a day");
    assert!(
        err.message.contains("20 h on 2026-03-02 already"),
        "{}",
        err.message
    );
    home.log_labour(coop, "2026-03-02", 4 * 60, None)
        .expect("24 hours in all");
    home.log_labour(coop, "2026-03-03", 60, None)
        .expect("the next day");
    let minutes: u64 = home
        .labour(coop, "2026-03-01", "2026-03-31")
        .expect("labour")
        .iter()
        .map(|l| l.minutes)
        .sum();
    assert_eq!(minutes, 25 * 60);
}

/// What a write is judged by is read inside its write unit: a second process's log on
/// the same day, made after this one last read the co-op, counts against the day's 24
/// hours, and an account closed by another process is closed here too.
#[test]
fn a_write_judges_what_another_process_wrote_before_it() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    home.log_labour(coop, "2026-03-02", 60, None)
        .expect("this process has read the co-op");
    // Another process on the same home (the CLI beside the window).
    let clock = Ticking(Arc::new(AtomicI64::new(1_780_000_500_000)));
    let other =
        Home::open_with_clock(&dir.path().join("asha"), Box::new(clock)).expect("a second handle");
    other
        .log_labour(coop, "2026-03-02", 20 * 60, None)
        .expect("21 hours");
    let err = home
        .log_labour(coop, "2026-03-02", 4 * 60, None)
        .expect_err("25 hours in a day, counting the other process's");
    assert!(
        err.message.contains("21 h on 2026-03-02 already"),
        "{}",
        err.message
    );
    open(&other, coop, "Petty cash", AccountType::Asset);
    home.accounts(coop).expect("this process reads it");
    other
        .close_account(coop, "Petty cash")
        .expect("closed there");
    let err = home
        .close_account(coop, "Petty cash")
        .expect_err("closed already, by the other process");
    assert!(err.message.contains("closed already"), "{}", err.message);
}

/// The rules file as docs/cli.md shows it (comments after the values) reads as written;
/// a statement with CRLF line ends reports the lines a text editor shows; a row with
/// money both out and in is refused, not netted.
#[test]
fn the_documented_rules_read_and_statement_lines_are_counted_right() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "INR").expect("coop");
    let coop = crate::only_coop(&home);
    for (name, t) in [
        ("Bank", AccountType::Asset),
        ("Suspense", AccountType::Liability),
        ("Flour", AccountType::Expense),
    ] {
        open(&home, coop, name, t);
    }
    let docs = include_str!("../../../../docs/cli.md");
    let start = docs.find("**Bank statements.**").expect("the section");
    let block = &docs[start..];
    let open_fence = block.find("```\n").expect("the example") + 4;
    let close_fence = block[open_fence..].find("```").expect("its end");
    let documented = &block[open_fence..open_fence + close_fence];
    assert!(documented.contains("# the account the statement is of"));
    // The documented file reads an `Amount` column; this statement has Withdrawal and
    // Deposit, as the comment on that line offers.
    let rules = documented.replace(
        "amount = Amount               # or: debit = Withdrawal and credit = Deposit",
        "debit = Withdrawal\ncredit = Deposit",
    );
    let statement = "Date,Narration,Withdrawal,Deposit\r\n\
                     03/02/2026,Sri Mill flour,120.00,\r\n\
                     04/02/2026,Odd row,5.00,7.00\r\n\
                     05/02/2026,Market,,99.99\r\n";
    let read = home
        .import_bank_csv(coop, statement, &rules, true)
        .expect("the documented rules read");
    let lines: Vec<u64> = read.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4], "the lines an editor shows");
    assert_eq!(read.bad, 1);
    let error = read.rows[1].error.as_deref().expect("the odd row");
    assert!(
        error.starts_with("line 3:") && error.contains("both out and in"),
        "{error}"
    );
    assert_eq!(read.rows[0].counter_account.as_deref(), Some("Flour"));
}

/// What a careless member types gets a clear answer: a reversed period, a journal of
/// none, an entry citing a vote that failed, a listing already expired, a recovery phrase
/// pasted back with its numbers.
#[test]
fn careless_input_gets_a_clear_answer() {
    let dir = TempDir::new().expect("tmp");
    let home = home(&dir);
    home.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(&home);
    open(&home, coop, "Bank", AccountType::Asset);
    open(&home, coop, "Sales", AccountType::Income);
    let err = home
        .income_statement(coop, "2026-03-31", "2026-01-01")
        .expect_err("reversed");
    assert!(err.message.contains("before it starts"), "{}", err.message);
    home.post_entry(
        coop,
        &draft(
            "2026-02-01",
            "Market",
            &[("Bank", "5", None), ("Sales", "-5", None)],
        ),
    )
    .expect("entry");
    let none = home
        .journal(
            coop,
            &JournalFilter {
                limit: Some(0),
                ..JournalFilter::default()
            },
        )
        .expect("journal");
    assert!(none.is_empty(), "--limit 0 shows none, as `log` does");

    let vote = yes_no(&home, coop, "Buy an oven");
    let id = crate::rid(&vote.id);
    home.vote(coop, id, Choice::Vote(Vote::No)).expect("vote");
    home.close(coop, id).expect("close");
    let mut cites = draft(
        "2026-02-02",
        "Oven",
        &[("Bank", "-5", None), ("Sales", "5", None)],
    );
    cites.approved_by = Some(vote.id.clone());
    let err = home.post_entry(coop, &cites).expect_err("a failed vote");
    assert!(
        err.message.contains("closed without passing"),
        "{}",
        err.message
    );
    // A choice among options has a winner, never "passed": citing it is refused too.
    let choice = home
        .propose(
            coop,
            ProposalDraft {
                title: "Which oven".into(),
                text: String::new(),
                method: Method::Choice,
                options: vec!["Gas".into(), "Wood".into()],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at: 1_790_000_000_000,
                effect: None,
            },
        )
        .expect("a choice");
    cites.approved_by = Some(choice.id.clone());
    let err = home
        .post_entry(coop, &cites)
        .expect_err("a choice never passes");
    assert!(
        err.message.contains("chooses among options"),
        "{}",
        err.message
    );

    let listing = sangam_core::ListingDraft {
        title: "Bread".into(),
        description: "Fresh".into(),
        expires_at: Some(1_000),
        ..sangam_core::ListingDraft::default()
    };
    let err = home.post_listing(coop, &listing).expect_err("expired");
    assert!(err.message.contains("already past"), "{}", err.message);

    let words = home.recovery_phrase().expect("phrase");
    let numbered: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{:>2}. {w}", i + 1))
        .collect();
    let other = TempDir::new().expect("tmp");
    let restored = Home::open_with_clock(
        &other.path().join("new"),
        Box::new(Ticking(Arc::new(AtomicI64::new(1_780_000_000_000)))),
    )
    .expect("opens");
    let id = restored
        .restore_identity(&numbered.join("\n"), "Asha")
        .expect("the numbered phrase restores");
    assert_eq!(id.member, home.identity().expect("id").member);
}
