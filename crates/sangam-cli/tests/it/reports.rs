//! `sangam report` and `sangam verify` over real homes: two laptops close the same
//! proposal apart, each exports its report, both verify (with Sangam and with the
//! independent verifier), `sangam verify A B` says they were made from different records,
//! and an edited copy is refused with its reason, all with no home at all for verifying.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::support::{Home, asha_and_bo};

fn bundle_to(from: &Home, to: &Home, file: &Path) {
    let file = file.to_string_lossy();
    from.ok(&["bundle", "export", &file]);
    to.ok(&["bundle", "import", &file]);
}

/// `sangam verify FILES…` with no home and no data directory: (exit code, stdout).
fn verify_homeless(empty: &Path, files: &[&Path]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sangam"))
        .arg("verify")
        .args(files)
        .env_remove("SANGAM_HOME")
        .env("HOME", empty)
        .env("XDG_DATA_HOME", empty.join("data"))
        .output()
        .expect("sangam runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

fn python_first_line(file: &Path) -> String {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/report-verifier/verify_report.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn two_laptops_that_closed_apart_export_reports_that_each_verify_and_differ() {
    let tmp = TempDir::new().expect("tmp");
    let (a, b) = asha_and_bo(tmp.path());
    let id = a
        .ok(&[
            "propose",
            "--title",
            "Open on Sundays",
            "--text",
            "From March, 9 to 1.",
            "--method",
            "yes-no",
            "--closes-in",
            "1d",
        ])
        .trim()
        .to_owned();
    let out = |name: &str| tmp.path().join(name);
    let refused = a.fails(&["report", &id, "--out", &out("early.json").to_string_lossy()]);
    assert!(refused.contains("still open"), "{refused}");
    bundle_to(&a, &b, &out("p.bundle"));
    a.ok(&["vote", &id, "yes"]);
    b.ok(&["vote", &id, "no"]);
    b.ok(&["vote", &id, "yes"]);
    bundle_to(&a, &b, &out("va.bundle"));
    bundle_to(&b, &a, &out("vb.bundle"));
    // Both have voted: each laptop closes before it hears of the other's close.
    a.ok(&["close", &id]);
    b.ok(&["close", &id]);
    let (ra, rb) = (out("asha.json"), out("bo.json"));
    let page = out("asha.html");
    let said = a.ok(&[
        "report",
        &id,
        "--out",
        &ra.to_string_lossy(),
        "--html",
        &page.to_string_lossy(),
    ]);
    assert!(said.contains("Report written"), "{said}");
    assert!(
        std::fs::read_to_string(&page)
            .expect("page")
            .contains("Open on Sundays")
    );
    b.ok(&["report", &id, "--out", &rb.to_string_lossy()]);

    let empty = out("nobody");
    std::fs::create_dir_all(&empty).expect("dir");
    let (code, text) = verify_homeless(&empty, &[&ra]);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("VERIFIED"), "{text}");
    assert!(text.contains("passed"), "{text}");
    assert!(
        std::fs::read_dir(&empty).expect("dir").next().is_none(),
        "verifying made no home"
    );
    let (code, text) = verify_homeless(&empty, &[&ra, &rb]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("made from different records"), "{text}");
    for file in [&ra, &rb] {
        assert_eq!(python_first_line(file), "verified", "{}", file.display());
    }

    // Once they meet, a report counts both closes; it and Asha's first differ too.
    bundle_to(&b, &a, &out("close.bundle"));
    let met = out("met.json");
    a.ok(&["report", &id, "--out", &met.to_string_lossy()]);
    let shown = a.json(&["verify", &met.to_string_lossy()]);
    assert_eq!(shown["verified"], true);
    assert_eq!(
        shown["summary"]["tally"]["closes"]
            .as_array()
            .expect("closes")
            .len(),
        2
    );

    // Bo's no made a yes after the report was signed.
    let text = std::fs::read_to_string(&rb).expect("read");
    let edited = text.replacen(r#"\"vote\":\"no\""#, r#"\"vote\":\"yes\""#, 1);
    assert_ne!(edited, text);
    let tampered = out("bo-edited.json");
    std::fs::write(&tampered, edited).expect("write");
    let (code, text) = verify_homeless(&empty, &[&tampered]);
    assert_eq!(code, 1, "{text}");
    assert!(text.starts_with("NOT VERIFIED (bad_signature)"), "{text}");
    assert!(python_first_line(&tampered).starts_with("refused bad_signature:"));
}
