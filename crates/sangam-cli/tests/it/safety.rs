//! A home's privacy on disk, and output that never panics.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use tempfile::TempDir;

use crate::support::Home;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

/// Runs `sangam --home HOME ARGS` under umask 022, as a default shell account does.
fn under_umask_022(home: &Home, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_sangam"))
        .arg("--home")
        .arg(&home.dir)
        .args(args)
        .env_remove("SANGAM_HOME")
        .output()
        .expect("sh runs")
}

#[test]
fn a_new_home_is_private_whatever_the_umask_and_a_readable_one_is_tightened() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    for args in [
        &["id", "new", "--name", "Asha"][..],
        &["coop", "create", "River Bakery"][..],
    ] {
        let out = under_umask_022(&a, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = a.dir.join("sangam.sqlite3");
    assert_eq!(mode(&a.dir), 0o700, "the home directory");
    assert_eq!(
        mode(&db),
        0o600,
        "the database, which holds the secret keys"
    );
    for extra in ["sangam.sqlite3-wal", "sangam.sqlite3-shm"] {
        let path = a.dir.join(extra);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{extra}");
        }
    }

    // Someone made it readable (a copy, a chmod): the next command tightens it and says so.
    std::fs::set_permissions(&a.dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = a.run(&["coop", "list"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note:") && stderr.contains("now private to you"),
        "{stderr}"
    );
    assert_eq!(mode(&a.dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    let again = a.run(&["coop", "list"]);
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("note:"),
        "said once, when it was tightened"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    // The reader is gone before sangam writes: its output meets a closed pipe.
    let script = "set -o pipefail; { sleep 0.3; exec \"$@\"; } | true";
    for args in [&["log"][..], &["member", "list", "--json"][..]] {
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .arg("bash")
            .arg(env!("CARGO_BIN_EXE_sangam"))
            .arg("--home")
            .arg(&a.dir)
            .args(args)
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?} exits 0: {stderr}");
    }
}

#[test]
fn times_past_the_year_9999_are_refused_before_anything_is_written() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let before = a.json(&["log"]).as_array().expect("log").len();
    let err = a.fails(&["invite", "--no-qr", "--expires-in", "3000000d"]);
    assert!(err.contains("year 9999"), "{err}");
    let err = a.fails(&[
        "propose",
        "--title",
        "Forever",
        "--text",
        "t",
        "--method",
        "yes-no",
        "--closes-in",
        "3000000d",
    ]);
    assert!(err.contains("year 9999"), "{err}");
    assert_eq!(a.json(&["log"]).as_array().expect("log").len(), before);
}

#[test]
fn text_from_other_members_cannot_drive_the_terminal_or_forge_a_row() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let forged = "\u{1b}[2J\u{1b}[31mPAY TO X\u{1b}[0m\nfake line  deadbeef  active";
    a.ok(&["member", "update", "--contact", forged]);
    let list = a.ok(&["member", "list"]);
    assert!(
        !list.contains('\u{1b}'),
        "no escape reaches the terminal: {list:?}"
    );
    assert_eq!(
        list.lines().count(),
        2,
        "a header and one row, no forged line: {list}"
    );
    assert!(
        list.contains("\\u{1b}[2J"),
        "the escape is shown, not hidden: {list}"
    );
    // JSON keeps the text exactly (escaped by JSON itself).
    let json = a.json(&["member", "list"]);
    assert_eq!(json[0]["contact"], forged);
    // A title that reorders what follows it is refused outright (a name rule)...
    let err = a.fails(&[
        "propose",
        "--title",
        "Oven\u{202e}evil",
        "--text",
        "t",
        "--method",
        "yes-no",
        "--closes-in",
        "1d",
    ]);
    assert!(err.contains("text-direction"), "{err}");
    // ...and a text, which may hold anything, is shown inert.
    let id = a.ok(&[
        "propose",
        "--title",
        "Oven",
        "--text",
        "line one\nline two\u{1b}[2J\u{202e}",
        "--method",
        "yes-no",
        "--closes-in",
        "1d",
    ]);
    let shown = a.ok(&["proposal", "show", id.trim()]);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown:?}"
    );
    assert!(
        shown.contains("line one\nline two"),
        "a text keeps its line breaks"
    );
    // An entry's description and a listing's response are shown on one line each: a
    // line break there would forge a posting line or another member's response.
    a.ok(&["ledger", "account", "add", "Bank", "--type", "asset"]);
    a.ok(&["ledger", "account", "add", "Sales", "--type", "income"]);
    a.ok(&[
        "ledger",
        "post",
        "--date",
        "2026-02-07",
        "--description",
        "Market\n    Bank   1000000.00 INR",
        "--posting",
        "Bank 5",
        "--posting",
        "Sales -5",
    ]);
    let journal = a.ok(&["ledger", "journal"]);
    assert_eq!(
        journal.lines().count(),
        3,
        "a head and two postings: {journal}"
    );
    assert!(journal.contains("Market\\u{a}"), "{journal}");
    let listing = a.ok(&[
        "listing",
        "post",
        "--kind",
        "offer",
        "--title",
        "Bread",
        "--description",
        "Fresh",
    ]);
    a.ok(&[
        "listing",
        "respond",
        listing.trim(),
        "--message",
        "Yes please\n  Bo on 2026-02-07: I withdraw my offer",
    ]);
    let shown = a.ok(&["listing", "show", listing.trim()]);
    let responses: Vec<&str> = shown
        .lines()
        .skip_while(|l| !l.starts_with("Responses"))
        .skip(1)
        .collect();
    assert_eq!(responses.len(), 1, "one response, one line: {shown}");
}

#[test]
fn confusable_input_gets_an_error_that_says_what_happened() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let propose = |closes_in: &str| {
        a.fails(&[
            "propose",
            "--title",
            "T",
            "--text",
            "t",
            "--method",
            "yes-no",
            "--closes-in",
            closes_in,
        ])
    };
    let err = propose("1M");
    assert!(err.contains("write minutes as `m`"), "{err}");
    let err = propose("0s");
    assert!(err.contains("over before it began"), "{err}");
    let err = a.fails(&[
        "listing",
        "post",
        "--kind",
        "offer",
        "--title",
        "Bread",
        "--description",
        "Fresh",
        "--expires-in",
        "0s",
    ]);
    assert!(err.contains("over before it began"), "{err}");
    let id = a.ok(&[
        "propose",
        "--title",
        "Trees",
        "--text",
        "t",
        "--method",
        "score",
        "--option",
        "Elm",
        "--option",
        "Oak",
        "--closes-in",
        "1d",
    ]);
    let err = a.fails(&["vote", id.trim(), "Elm=5", "Elm=3"]);
    assert!(err.contains("scored twice"), "{err}");
    let long = format!("SANGAM1{}", "A".repeat(5000));
    let err = a.fails(&["join", &long]);
    assert!(err.contains("longer than any invite"), "{err}");
    let big = tmp.path().join("big.txt");
    std::fs::write(&big, "x".repeat(1024 * 1024)).expect("write");
    let err = a.fails(&[
        "propose",
        "--title",
        "T",
        "--text-file",
        big.to_str().expect("path"),
        "--method",
        "yes-no",
        "--closes-in",
        "1d",
    ]);
    assert!(err.contains("20,000 characters"), "{err}");
}

/// Files a member names are read only if they are regular files within their cap, and
/// written only over a regular file: `/dev/zero` is never read until memory runs out,
/// and an export never replaces a link or a pipe with a file.
#[test]
fn endless_inputs_are_refused_and_exports_replace_only_regular_files() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let rules = tmp.path().join("bank.rules");
    std::fs::write(&rules, "account = Bank\ndefault-account = Suspense\n").expect("rules");
    let rules = rules.to_str().expect("path");
    let err = a.fails(&["verify", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
    let err = a.fails(&["ledger", "import-csv", "/dev/zero", "--rules", rules]);
    assert!(err.contains("not a regular file"), "{err}");
    let statement = tmp.path().join("statement.csv");
    std::fs::write(&statement, "Date,Amount\n").expect("statement");
    let err = a.fails(&[
        "ledger",
        "import-csv",
        statement.to_str().expect("path"),
        "--rules",
        "/dev/zero",
    ]);
    assert!(err.contains("not a regular file"), "{err}");

    let kept = tmp.path().join("kept.txt");
    std::fs::write(&kept, "mine").expect("kept");
    let link = tmp.path().join("books.csv");
    std::os::unix::fs::symlink(&kept, &link).expect("link");
    let err = a.fails(&[
        "ledger",
        "export",
        "--format",
        "csv",
        link.to_str().expect("path"),
    ]);
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&kept).expect("kept"), "mine");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

/// Runs `sangam ARGS` on `home` with `input` on standard input.
fn with_stdin(home: &Home, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = home
        .command(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sangam runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input");
    child.wait_with_output().expect("sangam ends")
}

#[test]
fn a_lost_laptop_is_replaced_from_the_recovery_phrase() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    let member = a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let bundle = tmp.path().join("coop.bundle");
    a.ok(&["bundle", "export", bundle.to_str().expect("path")]);

    let refused = with_stdin(&a, &["id", "backup"], "no\n");
    assert!(!refused.status.success(), "shown only when asked for");
    assert!(refused.stdout.is_empty());
    let shown = with_stdin(&a, &["id", "backup"], "show\n");
    assert!(shown.status.success());
    let words: Vec<String> = String::from_utf8(shown.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| l.split_whitespace().nth(1).expect("N. word").to_owned())
        .collect();
    assert_eq!(words.len(), 24);

    // The new laptop: a wrong word is named; the right phrase gives back the member key.
    let new = Home::new(tmp.path(), "asha-new");
    let mut wrong = words.clone();
    wrong[6] = "notaword".into();
    let out = with_stdin(&new, &["id", "restore", "--name", "Asha"], &wrong.join(" "));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("word 7") && err.contains("notaword"), "{err}");
    // Two words swapped: the phrase's check catches it, but a check of a few bits lets
    // about one swap in 256 through, so five different swaps are tried: at least one is
    // refused (all five pass one time in 2^40).
    let refused = (0..5).filter(|&i| {
        let mut swapped = words.clone();
        swapped.swap(i, i + 1);
        swapped != words && {
            // A home of its own each: a swap the check lets through restores a key.
            let trial = Home::new(tmp.path(), &format!("asha-swap-{i}"));
            let out = with_stdin(
                &trial,
                &["id", "restore", "--name", "Asha"],
                &swapped.join(" "),
            );
            String::from_utf8_lossy(&out.stderr).contains("check does not match")
        }
    });
    assert!(
        refused.count() > 0,
        "a swap of two words is caught by the check"
    );
    let out = with_stdin(
        &new,
        &["id", "restore", "--name", "Asha", "--json"],
        &words.join(" "),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(restored["member"], member.as_str());
    let old_device = a.json(&["id", "show"])["device"].clone();
    assert_ne!(restored["device"], old_device, "a device key of its own");

    // The co-op already admits this member: the bundle brings it, and the new device binds.
    let joined = new.json(&["bundle", "import", bundle.to_str().expect("path")]);
    assert_eq!(joined["joined"], true, "{joined}");
    let devices = new.json(&["device", "list"]);
    assert!(
        devices
            .as_array()
            .expect("devices")
            .iter()
            .any(|d| d["this_device"] == true && d["member"] == member.as_str()),
        "{devices}"
    );
    let again = with_stdin(&new, &["id", "restore", "--name", "Asha"], &words.join(" "));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a member identity"));
}
