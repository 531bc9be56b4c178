//! The books from the terminal: accounts and entries posted on one laptop read the same
//! on another after a bundle; a posting line names an account with spaces in it; bad
//! entries are refused with why and post nothing; labour in hours; a split previewed.

use serde_json::Value;
use tempfile::TempDir;

use crate::support::asha_and_bo;

fn balance_of(sheet: &Value, name: &str) -> Vec<String> {
    sheet["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["accounts"].as_array().expect("accounts").iter())
        .filter(|a| a["name"] == name)
        .flat_map(|a| a["balances"].as_array().expect("balances").iter())
        .map(|b| {
            format!(
                "{} {}",
                b["text"].as_str().expect("text"),
                b["commodity"].as_str().expect("c")
            )
        })
        .collect()
}

#[test]
fn the_books_kept_on_one_laptop_read_the_same_on_another() {
    let tmp = TempDir::new().expect("tmp");
    let (a, b) = asha_and_bo(tmp.path());
    let file = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    let asha = a.json(&["id", "show"])["member"]
        .as_str()
        .expect("key")
        .to_owned();
    a.ok(&["ledger", "account", "add", "Bank", "--type", "asset"]);
    a.ok(&[
        "ledger",
        "account",
        "add",
        "Bread sales",
        "--type",
        "income",
    ]);
    a.ok(&[
        "ledger",
        "account",
        "add",
        "Capital: Asha",
        "--type",
        "equity",
        "--member",
        &asha[..10],
    ]);
    a.ok(&[
        "ledger", "account", "add", "Surplus", "--type", "equity", "--role", "surplus",
    ]);
    a.ok(&[
        "ledger",
        "post",
        "--date",
        "2026-01-05",
        "--description",
        "Asha's member share",
        "--posting",
        "Bank 500",
        "--posting",
        "Capital: Asha -500 EUR",
    ]);
    a.ok(&[
        "ledger",
        "post",
        "--date",
        "2026-02-07",
        "--description",
        "Saturday market",
        "--posting",
        "Bank 1,250.50 EUR",
        "--posting",
        "Bread sales -1250.50",
    ]);
    let unbalanced = a.fails(&[
        "ledger",
        "post",
        "--date",
        "2026-02-08",
        "--description",
        "Oops",
        "--posting",
        "Bank 10",
        "--posting",
        "Bread sales -9",
    ]);
    assert!(
        unbalanced.contains("EUR is off by 1.00 EUR"),
        "{unbalanced}"
    );
    let shapeless = a.fails(&[
        "ledger",
        "post",
        "--date",
        "2026-02-08",
        "--description",
        "x",
        "--posting",
        "Bank",
        "--posting",
        "Bread sales -1",
    ]);
    assert!(
        shapeless.contains("ACCOUNT AMOUNT [COMMODITY]"),
        "{shapeless}"
    );
    let journal = a.json(&["ledger", "journal"]);
    assert_eq!(
        journal.as_array().expect("entries").len(),
        2,
        "the refused entries posted nothing"
    );

    let logged = a.json(&["labour", "log", "--hours", "2.5", "--date", "2026-02-07"]);
    assert_eq!(logged["minutes"], 150);
    let overdraw = a.fails(&[
        "patronage",
        "preview",
        "--period",
        "2026-01-01..2026-03-31",
        "--surplus",
        "300",
    ]);
    assert!(
        overdraw.contains("holds 0.00 EUR, less than the 300.00 EUR"),
        "{overdraw}"
    );
    // The quarter's surplus is moved into the surplus account, then allocated.
    a.ok(&[
        "ledger",
        "post",
        "--date",
        "2026-03-31",
        "--description",
        "The quarter's surplus",
        "--posting",
        "Bread sales 300",
        "--posting",
        "Surplus -300",
    ]);
    let preview = a.ok(&[
        "patronage",
        "preview",
        "--period",
        "2026-01-01..2026-03-31",
        "--surplus",
        "300",
    ]);
    assert!(
        preview.contains("300.00") && preview.contains("Nothing posted"),
        "{preview}"
    );

    a.ok(&["bundle", "export", &file("books.bundle")]);
    b.ok(&["bundle", "import", &file("books.bundle")]);
    let (sheet_a, sheet_b) = (
        a.json(&["ledger", "balance"]),
        b.json(&["ledger", "balance"]),
    );
    assert_eq!(balance_of(&sheet_a, "Bank"), ["1750.50 EUR"]);
    assert_eq!(sheet_a, sheet_b, "Bo's laptop folds the same books");
    let then = b.json(&["ledger", "balance", "--at", "2026-01-31"]);
    assert_eq!(balance_of(&then, "Bank"), ["500.00 EUR"]);
    let capital = b.ok(&["ledger", "capital"]);
    assert!(
        capital.contains("Asha") && capital.contains("500.00 EUR"),
        "{capital}"
    );
    b.ok(&[
        "ledger",
        "export",
        "--format",
        "beancount",
        &file("books.beancount"),
    ]);
    let text = std::fs::read_to_string(file("books.beancount")).expect("written");
    assert!(text.contains("open Equity:Capital:Asha"), "{text}");
}

/// The books' bylaws are set by passed proposals from the terminal: who keeps the books,
/// the most an entry may move without a vote, and the funds' shares of a surplus; `coop
/// show` says what is in force, and the rules hold from then on.
#[test]
fn the_books_bylaws_are_set_by_a_vote() {
    let tmp = TempDir::new().expect("tmp");
    let a = crate::support::Home::new(tmp.path(), "asha");
    let asha = a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery", "--currency", "EUR"]);
    a.ok(&["ledger", "account", "add", "Bank", "--type", "asset"]);
    a.ok(&["ledger", "account", "add", "Sales", "--type", "income"]);
    let pass = |effect: &str| {
        let id = a.ok(&[
            "propose",
            "--title",
            "Books",
            "--text",
            "Set the books' bylaws",
            "--method",
            "yes-no",
            "--closes-in",
            "1d",
            "--effect",
            effect,
        ]);
        a.ok(&["vote", id.trim(), "yes"]);
        a.ok(&["close", id.trim()]);
    };
    let refused = a.fails(&[
        "propose",
        "--title",
        "Books",
        "--text",
        "t",
        "--method",
        "yes-no",
        "--closes-in",
        "1d",
        "--effect",
        "funds=80%,30%",
    ]);
    assert!(refused.contains("more than 100%"), "{refused}");
    pass(&format!("treasurers={}", &asha[..10]));
    pass("approval-over=100 EUR");
    pass("funds=10%,5%");
    let shown = a.json(&["coop", "show"]);
    assert_eq!(shown["treasurers"][0], asha.as_str());
    assert_eq!(shown["approval_over"][0], "100.00 EUR");
    assert_eq!(
        (shown["reserve_pct"].clone(), shown["education_pct"].clone()),
        (10.into(), 5.into())
    );
    let text = a.ok(&["coop", "show"]);
    assert!(
        text.contains("a vote for entries over 100.00 EUR")
            && text.contains("the reserve 10%, the education fund 5%"),
        "{text}"
    );
    let post = |amount: &str| {
        a.run(&[
            "ledger",
            "post",
            "--date",
            "2026-02-07",
            "--description",
            "Market",
            "--posting",
            &format!("Bank {amount}"),
            "--posting",
            &format!("Sales -{amount}"),
        ])
    };
    assert!(post("100").status.success(), "at the limit needs no vote");
    let over = post("150.50");
    assert!(!over.status.success());
    let why = String::from_utf8_lossy(&over.stderr);
    assert!(why.contains("10000 minor units of EUR"), "{why}");
}
