//! The foundation's scenario: three homes, one co-op, carried by bundles.

use tempfile::TempDir;

use crate::support::Home;

#[test]
fn three_homes_share_a_co_op_by_bundle_and_show_identical_members() {
    let tmp = TempDir::new().expect("tmp");
    let path = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let (a, b, c) = (
        Home::new(tmp.path(), "a"),
        Home::new(tmp.path(), "b"),
        Home::new(tmp.path(), "c"),
    );
    a.identity("Asha");
    let bo = b.identity("Bo");
    let cy = c.identity("Cy");

    let coop = a.json(&["coop", "create", "River Bakery", "--currency", "INR"]);
    let coop_id = coop["id"].as_str().expect("id").to_owned();
    a.ok(&["member", "admit", &bo, "--name", "Bo"]);
    a.ok(&["member", "admit", &cy, "--name", "Cy"]);
    a.ok(&["bundle", "export", &path("a1.bundle")]);

    let joined = b.json(&["bundle", "import", &path("a1.bundle")]);
    assert_eq!(joined["joined"], true);
    assert_eq!(joined["coop"], coop_id.as_str());
    c.ok(&["bundle", "import", &path("a1.bundle")]);

    // Cy renames; the change travels C -> A -> B, with B's and C's device bindings.
    c.ok(&["member", "update", "--name", "Cyrus"]);
    c.ok(&[
        "bundle",
        "export",
        &path("c1.bundle"),
        "--since",
        &path("a1.bundle"),
    ]);
    b.ok(&[
        "bundle",
        "export",
        &path("b1.bundle"),
        "--since",
        &path("a1.bundle"),
    ]);
    a.ok(&["bundle", "import", &path("c1.bundle")]);
    a.ok(&["bundle", "import", &path("b1.bundle")]);
    a.ok(&[
        "bundle",
        "export",
        &path("a2.bundle"),
        "--since",
        &path("a1.bundle"),
    ]);
    b.ok(&["bundle", "import", &path("a2.bundle")]);
    c.ok(&["bundle", "import", &path("a2.bundle")]);

    let lists: Vec<_> = [&a, &b, &c]
        .iter()
        .map(|h| h.json(&["member", "list"]))
        .collect();
    assert_eq!(lists[0], lists[1]);
    assert_eq!(lists[0], lists[2]);
    let names: Vec<&str> = lists[0]
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Asha", "Bo", "Cyrus"]);
    let shows: Vec<_> = [&a, &b, &c]
        .iter()
        .map(|h| h.json(&["coop", "show"]))
        .collect();
    assert_eq!(shows[0]["heads"], shows[1]["heads"]);
    assert_eq!(shows[0]["heads"], shows[2]["heads"]);
    assert_eq!(shows[0]["devices"], 3);
    assert_eq!(shows[0]["currency"], "INR");

    let log = a.json(&["log"]);
    let kinds: Vec<&str> = log
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds.last(),
        Some(&"coop.genesis"),
        "newest first, genesis last"
    );
    assert!(
        log.as_array()
            .expect("array")
            .iter()
            .all(|e| e["status"]["kind"] == "valid")
    );
    assert!(a.ok(&["member", "list"]).contains("Cyrus"));
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "a");
    assert!(
        a.fails(&["coop", "create", "Bakery"])
            .contains("sangam id new --name")
    );
    a.identity("Asha");
    assert!(a.fails(&["member", "list"]).contains("no co-op yet"));
    a.ok(&["coop", "create", "Bakery"]);
    assert!(
        a.fails(&["member", "admit", "zz", "--name", "X"])
            .contains("64-character")
    );
    let missing = tmp.path().join("nope.bundle");
    assert!(
        a.fails(&["bundle", "import", &missing.to_string_lossy()])
            .contains("cannot read")
    );
    let junk = tmp.path().join("junk.bundle");
    std::fs::write(&junk, b"definitely not a bundle").expect("write");
    let err = a.fails(&["bundle", "import", &junk.to_string_lossy()]);
    assert!(
        err.contains("not a Sangam bundle") && err.contains("nothing was changed"),
        "{err}"
    );
    a.ok(&["coop", "create", "Second"]);
    assert!(a.fails(&["member", "list"]).contains("--coop"));
    let coops = a.json(&["coop", "list"]);
    let first = coops[0]["id"].as_str().expect("id");
    assert!(
        a.ok(&["--coop", &first[..8], "member", "list"])
            .contains("Asha")
    );
}
