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
    capped_to(home, ADDRESS_SPACE_KB, args);
}

/// Runs `sangam` at `home` with its address space capped to `kb`; asserts it succeeds and
/// returns what it printed.
fn capped_to(home: &Home, kb: u64, args: &[&str]) -> String {
    let cmd = home.command(args);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut line = format!("ulimit -v {kb} && exec \"$0\"");
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
        "sangam {args:?} under a {kb} KB address space failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
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

/// A statement at the size cap (32 MiB, about 600,000 rows) is read as it is needed: its
/// preview fits in 300 MB of address space. Before, the whole text, a row and an entry
/// for every line were held at once (876 MB at its peak), and it aborted under 500 MB.
#[test]
fn a_statement_at_the_size_cap_is_previewed_in_300_mb() {
    let tmp = TempDir::new().expect("tmp");
    let home = Home::new(tmp.path(), "treasurer");
    home.ok(&["id", "new", "--name", "Yamuna"]);
    home.ok(&["coop", "create", "Yamuna Bakers", "--currency", "INR"]);
    home.ok(&["ledger", "account", "add", "Bank", "--type", "asset"]);
    home.ok(&["ledger", "account", "add", "Suspense", "--type", "asset"]);
    let rules = tmp.path().join("bank.rules");
    std::fs::write(
        &rules,
        "account = Bank\ndefault-account = Suspense\nskip = 1\ndate = 1\ndescription = 2\namount = 3\n",
    )
    .expect("rules");
    let cap = sangam_core::files::MAX_STATEMENT_FILE as usize;
    let mut csv = String::with_capacity(cap);
    csv.push_str("Date,Narration,Amount\n");
    let mut rows = 0usize;
    loop {
        let line = format!(
            "2026-{:02}-{:02},Card payment {rows} at shop {},{}.{:02}\n",
            1 + rows % 12,
            1 + rows % 28,
            rows % 977,
            1 + rows % 9_000,
            rows % 100
        );
        if csv.len() + line.len() > cap {
            break;
        }
        csv.push_str(&line);
        rows += 1;
    }
    let file = tmp.path().join("year.csv");
    std::fs::write(&file, &csv).expect("statement");
    drop(csv);
    let out = capped_to(
        &home,
        300 * 1024,
        &[
            "ledger",
            "import-csv",
            &file.to_string_lossy(),
            "--rules",
            &rules.to_string_lossy(),
            "--dry-run",
        ],
    );
    assert!(out.contains("A preview: nothing was posted."), "{out:.300}");
    let unlisted = rows - 10_000;
    assert!(
        out.contains(&format!("… and {unlisted} more row(s), not listed")),
        "{rows} rows: {}",
        &out[out.len().saturating_sub(300)..]
    );
}
