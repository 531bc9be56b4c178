//! A co-op stays writable as it grows: bank statements imported one after another, then
//! a write, each command in a process whose address space is capped.
//!
//! Before the fix a write after four 2,000-row statements needed 3.5 GB: each write
//! applied what the snapshot lacked to a document loaded from it, and Automerge 0.12
//! copies the value column once per op spliced into a loaded document
//! (docs/automerge-raw-column.md).

use std::process::Command;

use tempfile::TempDir;

use crate::support::Home;

/// The cap on each command's address space (`ulimit -v` is `setrlimit(RLIMIT_AS)`).
const ADDRESS_SPACE_KB: u64 = 1024 * 1024;
const STATEMENTS: usize = 8;
const ROWS: usize = 2_000;

/// Runs `sangam` at `home` under the cap; asserts it succeeds.
fn capped(home: &Home, args: &[&str]) {
    let cmd = home.command(args);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut line = format!("ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\"");
    for n in 1..=cmd.get_args().count() {
        line.push_str(&format!(" \"${{{n}}}\""));
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(line)
        .arg(program)
        .args(cmd.get_args())
        .env_remove("SANGAM_HOME")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "sangam {args:?} under a {ADDRESS_SPACE_KB} KB address space failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A statement of `ROWS` rows, each unlike every other statement's.
fn statement(n: usize) -> String {
    let mut csv = String::from("Date,Narration,Amount\n");
    for row in 0..ROWS {
        let day = 1 + row % 28;
        let month = 1 + n % 12;
        let paise = (n * ROWS + row) * 37 % 900_000 + 100;
        let sign = if row % 3 == 0 { "-" } else { "" };
        csv.push_str(&format!(
            "2026-{month:02}-{day:02},Statement {n} row {row} UPI/{:010}/shop,{sign}{}.{:02}\n",
            n * ROWS + row,
            paise / 100,
            paise % 100
        ));
    }
    csv
}

#[test]
fn a_write_after_eight_large_statements_fits_in_a_gigabyte() {
    let tmp = TempDir::new().expect("tmp");
    let home = Home::new(tmp.path(), "treasurer");
    home.ok(&["id", "new", "--name", "Yamuna"]);
    home.ok(&["coop", "create", "Yamuna Bakers", "--currency", "INR"]);
    home.ok(&["ledger", "account", "add", "Bank", "--type", "asset"]);
    home.ok(&["ledger", "account", "add", "Suspense", "--type", "asset"]);
    let rules = tmp.path().join("bank.rules");
    std::fs::write(
        &rules,
        "account = Bank\ndefault-account = Suspense\nskip = 1\ndate = Date\n\
         description = Narration\namount = Amount\n",
    )
    .expect("rules");
    let rules = rules.to_string_lossy().into_owned();
    for n in 0..STATEMENTS {
        let file = tmp.path().join(format!("statement-{n}.csv"));
        std::fs::write(&file, statement(n)).expect("statement");
        capped(
            &home,
            &[
                "ledger",
                "import-csv",
                &file.to_string_lossy(),
                "--rules",
                &rules,
            ],
        );
    }
    capped(&home, &["labour", "log", "--hours", "1"]);
    capped(
        &home,
        &["ledger", "account", "add", "Petty cash", "--type", "asset"],
    );
    let journal = home.json(&["ledger", "journal", "--limit", "100000"]);
    let entries = journal.as_array().map_or(0, Vec::len);
    assert_eq!(entries, STATEMENTS * ROWS, "every row is an entry");
}
