//! Writers racing on one home, a peer that restarts, and files that are not what they
//! claim: every acknowledged write is kept, and nothing grows without bound.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::serve::{serve, serve_on};
use crate::support::{Home, offline};

fn count_kind(home: &Home, kind: &str) -> usize {
    home.json(&["log"])
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["kind"] == kind)
        .count()
}

#[test]
fn ten_commands_writing_at_once_keep_every_write_and_the_home_loads() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "a");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let children: Vec<_> = (0..10)
        .map(|i| {
            a.command(&[
                "member",
                "update",
                "--contact",
                &format!("asha-{i}@example.org"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
        })
        .collect();
    let mut acknowledged = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        if out.status.success() {
            acknowledged += 1;
        } else {
            // A writer may only fail by saying the home was busy, having written nothing.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("nothing was written"), "{err}");
        }
    }
    assert_eq!(
        acknowledged, 10,
        "ten writers within the lock wait all get through"
    );
    assert_eq!(count_kind(&a, "member.update"), acknowledged);
    a.ok(&["coop", "show"]);
    let tmp_bundle = tmp.path().join("all.bundle");
    a.ok(&["bundle", "export", &tmp_bundle.to_string_lossy()]);
    let out = a.run(&["device", "list"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("note:"),
        "no fork to mend"
    );
}

#[test]
fn a_write_beside_a_join_handled_by_serve_loses_neither() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "a");
    a.identity("Asha");
    offline(&a);
    a.ok(&["coop", "create", "River Bakery"]);
    let (_serving, _) = serve(&a);
    for round in 0..3 {
        let newcomer = Home::new(tmp.path(), &format!("n{round}"));
        offline(&newcomer);
        let ticket = a.json(&["invite"])["ticket"]
            .as_str()
            .expect("ticket")
            .to_owned();
        let join = newcomer
            .command(&[
                "join",
                &ticket,
                "--name",
                &format!("Newcomer {round}"),
                "--json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("join");
        let contact = format!("round-{round}@example.org");
        a.ok(&["member", "update", "--contact", &contact]);
        let out = join.wait_with_output().expect("join ends");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let joined: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(joined["status"], "member");
        let members = a.json(&["member", "list"]);
        let names: Vec<&str> = members
            .as_array()
            .expect("list")
            .iter()
            .map(|m| m["name"].as_str().expect("name"))
            .collect();
        assert!(
            names.contains(&format!("Newcomer {round}").as_str()),
            "{names:?}"
        );
        let me = members
            .as_array()
            .expect("list")
            .iter()
            .find(|m| m["name"] == "Asha")
            .expect("Asha")
            .clone();
        assert_eq!(me["contact"], contact.as_str());
    }
    assert_eq!(count_kind(&a, "member.update"), 3);
}

#[test]
fn a_restarted_peer_is_back_in_a_live_session_on_its_own() {
    let _alone = crate::support::heavy();
    let tmp = TempDir::new().expect("tmp");
    let (a, b) = crate::support::asha_and_bo(tmp.path());

    // Bo serves on a fixed port; Asha keeps a live session with him. Bo never dials Asha
    // (he only knows her as a device that dialled in), so after his restart only her side
    // can bring the session back.
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let (mut bo_serving, bo_addr) = serve_on(&b, &bind, &[]);
    let (_asha_serving, _) = serve_on(&a, "127.0.0.1:0", &["--peer", &bo_addr]);
    let contact_on_asha = |want: &str| {
        a.json(&["member", "list"])
            .as_array()
            .expect("list")
            .iter()
            .any(|m| m["name"] == "Bo" && m["contact"] == want)
    };
    b.ok(&["member", "update", "--contact", "before@example.org"]);
    // Setting up, not what is tested: on a loaded machine the first dial may fail and
    // wait for its redial (up to 16 s for a peer never live), so this waits longer.
    let first = wait_until(Duration::from_secs(60), || {
        contact_on_asha("before@example.org")
    })
    .expect("the live session carries Bo's write");
    eprintln!("the first write reached the live peer in {first:?}");

    // kill -9, and back on the same address.
    bo_serving.0.kill().expect("kill");
    bo_serving.0.wait().expect("reaped");
    std::thread::sleep(Duration::from_millis(300));
    let (_bo_again, _) = serve_on(&b, &bind, &[]);
    let restarted = Instant::now();
    b.ok(&["member", "update", "--contact", "after@example.org"]);
    let took = wait_until(Duration::from_secs(20), || {
        contact_on_asha("after@example.org")
    })
    .expect("the session comes back");
    // How long it took is a figure, not a verdict (a loaded machine stretches it): the
    // budget is measured by the sync benchmark, and printed here for whoever reads the log.
    eprintln!("write after restart reached the live peer in {took:?}");
    assert!(restarted.elapsed() >= took);
}

#[test]
fn devices_pipes_and_oversized_files_are_refused_before_reading() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "a");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    let big = tmp.path().join("big.bundle");
    std::fs::File::create(&big)
        .expect("create")
        .set_len(1100 << 20)
        .expect("sparse 1.1 GB");
    let big = big.to_string_lossy().into_owned();
    let out = tmp.path().join("out.bundle").to_string_lossy().into_owned();
    for (args, says) in [
        (vec!["bundle", "import", "/dev/zero"], "not a regular file"),
        (vec!["bundle", "import", big.as_str()], "more than the"),
        (
            vec!["bundle", "export", out.as_str(), "--since", "/dev/zero"],
            "not a regular file",
        ),
        (
            vec![
                "propose",
                "--title",
                "T",
                "--text-file",
                "/dev/zero",
                "--method",
                "yes-no",
                "--closes-in",
                "1d",
            ],
            "not a regular file",
        ),
        (
            vec![
                "propose",
                "--title",
                "T",
                "--text-file",
                big.as_str(),
                "--method",
                "yes-no",
                "--closes-in",
                "1d",
            ],
            "more than the",
        ),
    ] {
        let started = Instant::now();
        let err = a.fails(&args);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("nothing was read"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    assert_eq!(count_kind(&a, "proposal.open"), 0);
}

/// Polls every 50 ms until `check` holds; returns how long it took.
fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn free_port() -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("addr").port()
}
