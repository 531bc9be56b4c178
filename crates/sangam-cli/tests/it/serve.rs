//! `sangam serve`, `sangam sync` and `sangam peers` between processes on loopback, with
//! relays off: no test reaches the internet.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use crate::support::Home;

pub(crate) struct Serving(pub(crate) Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `sangam serve` on loopback and returns it with the address it prints.
pub(crate) fn serve(home: &Home) -> (Serving, String) {
    serve_on(home, "127.0.0.1:0", &[])
}

/// Starts `sangam serve --bind BIND` with more arguments (`--peer ...`).
pub(crate) fn serve_on(home: &Home, bind: &str, more: &[&str]) -> (Serving, String) {
    let mut args = vec!["serve", "--bind", bind];
    args.extend_from_slice(more);
    let mut child = home
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let address = first
        .strip_prefix("address: ")
        .expect("the address comes first")
        .to_owned();
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Serving(child), address)
}

#[test]
fn a_laptop_syncs_with_an_always_on_peer_and_sees_writes_made_beside_it() {
    let tmp = TempDir::new().expect("tmp");
    let (a, b) = crate::support::asha_and_bo(tmp.path());

    let (_server, address) = serve(&a);
    b.ok(&["member", "update", "--contact", "bo@example.org"]);
    let first: Value = b.json(&["sync", "--peer", &address]);
    assert_eq!(first["sent"], 1, "{first}");

    // A command writes to the served home while `serve` runs; the next sync carries it.
    a.ok(&["member", "update", "--name", "Asha S"]);
    // `serve` notices the other process's write within a poll or two.
    let mut received = 0;
    for _ in 0..40 {
        let second: Value = b.json(&["sync"]);
        received += second["received"].as_u64().expect("count");
        if received > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(received, 1);
    let names: Vec<String> = b
        .json(&["member", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(names, ["Asha S", "Bo"]);
    assert_eq!(a.json(&["member", "list"]), b.json(&["member", "list"]));
    let peers = b.json(&["peers"]);
    assert_eq!(peers[0]["path"], "lan");
    assert_eq!(peers[0]["member_name"], "Asha S");
    // A remembered peer can be named by its device key alone.
    let device = peers[0]["device"].as_str().expect("device").to_owned();
    b.ok(&["member", "update", "--contact", "bo@bakery.example"]);
    let by_key: Value = b.json(&["sync", "--peer", &device]);
    assert_eq!(by_key["sent"], 1, "{by_key}");
}

#[test]
fn a_stranger_is_refused_and_bad_addresses_get_a_clear_error() {
    let tmp = TempDir::new().expect("tmp");
    let file = tmp.path().join("a.bundle").to_string_lossy().into_owned();
    let (a, stranger) = (Home::new(tmp.path(), "a"), Home::new(tmp.path(), "s"));
    a.identity("Asha");
    stranger.identity("Sam");
    a.ok(&["relay", "set", "off"]);
    a.ok(&["lan", "set", "off"]);
    stranger.ok(&["relay", "set", "off"]);
    stranger.ok(&["lan", "set", "off"]);
    a.ok(&["coop", "create", "River Bakery"]);
    // The stranger holds the co-op's records (a leaked bundle) but is no member.
    let key = Home::new(tmp.path(), "x").identity("X");
    a.ok(&["member", "admit", &key, "--name", "X"]);
    a.ok(&["bundle", "export", &file]);
    assert!(
        stranger
            .fails(&["bundle", "import", &file])
            .contains("does not admit")
    );
    assert!(
        stranger
            .fails(&["sync", "--peer", "not-an-address"])
            .contains("co-op")
    );
    assert!(
        a.fails(&["sync", "--peer", "not-an-address"])
            .contains("not a peer address")
    );
    assert!(a.fails(&["relay", "set", "ftp://x"]).contains("relay URL"));
}

#[test]
fn a_newcomer_joins_by_ticket_through_serve_and_a_used_ticket_is_refused() {
    let tmp = TempDir::new().expect("tmp");
    let (a, b, c) = (
        Home::new(tmp.path(), "a"),
        Home::new(tmp.path(), "b"),
        Home::new(tmp.path(), "c"),
    );
    a.identity("Asha");
    for home in [&a, &b, &c] {
        home.ok(&["relay", "set", "off"]);
        home.ok(&["lan", "set", "off"]);
    }
    a.ok(&["coop", "create", "River Bakery"]);
    let before_serve = a.fails(&["invite"]);
    assert!(before_serve.contains("sangam serve"), "{before_serve}");
    let (_serving, _) = serve(&a);
    let invite = a.json(&["invite", "--expires-in", "1h"]);
    let ticket = invite["ticket"].as_str().expect("ticket").to_owned();
    assert_eq!(invite["uses"], 1);
    // The human form draws the QR code above the ticket.
    let human = a.ok(&["invite", "--uses", "2"]);
    assert!(
        human.contains('█') && human.contains("sangam join SANGAM1"),
        "{human}"
    );

    // Bo has no identity yet: `join --name` makes one.
    let joined = b.json(&["join", &ticket, "--name", "Bo"]);
    assert_eq!(joined["status"], "member");
    assert_eq!(joined["name"], "River Bakery");
    let members = |home: &Home| home.json(&["member", "list"]);
    assert_eq!(members(&a), members(&b));
    assert_eq!(members(&b).as_array().expect("list").len(), 2);
    assert_eq!(
        a.json(&["coop", "show"])["heads"],
        b.json(&["coop", "show"])["heads"]
    );

    let refused = c.fails(&["join", &ticket, "--name", "Cy"]);
    assert!(refused.contains("already been used"), "{refused}");
    let mut tampered = ticket.clone();
    tampered.truncate(ticket.len() - 3);
    let refused = c.fails(&["join", &tampered, "--name", "Cy"]);
    assert!(refused.contains("damaged or was altered"), "{refused}");
    assert_eq!(c.json(&["coop", "list"]), serde_json::json!([]));
}

#[test]
fn serve_is_ready_at_once_when_its_relay_never_answers() {
    let tmp = TempDir::new().expect("tmp");
    let a = Home::new(tmp.path(), "asha");
    a.identity("Asha");
    a.ok(&["coop", "create", "River Bakery"]);
    a.ok(&["lan", "set", "off"]);
    // A relay on this machine's loopback that nobody runs: it never answers (and nothing
    // leaves the machine).
    // The co-op's relay is a proposal; Asha alone is the electorate, so her yes passes it.
    let proposed = a.ok(&["relay", "set", "https://127.0.0.1:9"]);
    let id = proposed
        .lines()
        .next()
        .expect("the proposal id")
        .trim()
        .to_owned();
    a.ok(&["vote", &id, "yes"]);
    a.ok(&["close", &id]);
    assert_eq!(a.ok(&["relay", "show"]).trim(), "https://127.0.0.1:9");
    let mut child = a
        .command(&["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let _serving = Serving(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.expect("utf-8")).is_err() {
                break;
            }
        }
    });
    // The address comes without waiting for the relay (which once held it back 10 s).
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("the address, before any relay answers");
    assert!(first.starts_with("address: "), "{first}");
    // And invites work at once, pointing at that address.
    let invite: Value = a.json(&["invite", "--no-qr"]);
    assert!(
        invite["ticket"]
            .as_str()
            .expect("ticket")
            .starts_with("SANGAM1")
    );
}
