//! Crash and race soak (THREATS.md 20): `kill -9` at random moments during CLI writes,
//! concurrent writers on one home, bundle imports, and a live sync into a running
//! `serve`. After every run the homes pass `PRAGMA integrity_check`, load, and hold every
//! write a command acknowledged (exit 0).
//!
//! `make test` runs 50 runs; `SANGAM_SOAK_RUNS=1000 cargo test -p sangam-cli --test it
//! soak -- --nocapture` runs more (the figure in docs/soak.md). `SANGAM_SOAK_SEED` replays
//! a run's choices.

use std::process::{Child, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::serve::{Serving, serve_on};
use crate::support::Home;

/// A small deterministic generator (xorshift), so a failing seed can be replayed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Kills `child` after `delay` (if it is still running); `true` if it exited by itself
/// with status 0 (its write is acknowledged).
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    match child.try_wait().expect("poll") {
        Some(status) => status.success(),
        None => {
            child.kill().expect("kill");
            child.wait().expect("reap");
            false
        }
    }
}

fn quiet(home: &Home, args: &[&str]) -> Child {
    home.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn names_in_log(home: &Home) -> Vec<String> {
    home.json(&["log"])
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["kind"] == "member.update")
        .filter_map(|e| e["body"]["name"].as_str().map(str::to_owned))
        .collect()
}

fn assert_intact(home: &Home) {
    let conn = rusqlite::Connection::open(home.dir.join("sangam.sqlite3")).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok", "{}", home.dir.display());
    drop(conn);
    home.ok(&["coop", "show"]);
}

#[test]
fn kill_nine_at_random_moments_loses_no_acknowledged_write() {
    let _alone = crate::support::heavy();
    let runs = env_number("SANGAM_SOAK_RUNS", 50);
    let seed = env_number("SANGAM_SOAK_SEED", 0x5a9_5eed) | 1;
    eprintln!("soak: {runs} runs, seed {seed}");
    let mut dice = Dice(seed);
    let tmp = TempDir::new().expect("tmp");
    let file = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let (a, b) = crate::support::asha_and_bo(tmp.path());

    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let bind = format!("127.0.0.1:{port}");
    let (mut serving, address): (Serving, String) = serve_on(&a, &bind, &[]);
    let mut acknowledged_a: Vec<String> = Vec::new();
    let mut acknowledged_b: Vec<String> = Vec::new();
    let mut killed = 0u64;
    for run in 0..runs {
        let delay = Duration::from_millis(dice.below(60));
        match dice.below(4) {
            0 => {
                // One command writing beside `serve`.
                let name = format!("Asha {run}");
                let child = quiet(&a, &["member", "update", "--name", &name]);
                if kill_after(child, delay) {
                    acknowledged_a.push(name);
                } else {
                    killed += 1;
                }
            }
            1 => {
                // Three writers at once, each killed or not at its own moment.
                let children: Vec<(String, Child)> = (0..3)
                    .map(|w| {
                        let name = format!("Asha {run}-{w}");
                        let child = quiet(&a, &["member", "update", "--name", &name]);
                        (name, child)
                    })
                    .collect();
                for (name, child) in children {
                    let delay = Duration::from_millis(dice.below(80));
                    if kill_after(child, delay) {
                        acknowledged_a.push(name);
                    } else {
                        killed += 1;
                    }
                }
            }
            2 => {
                // A bundle import from Bo, killed part way or not.
                let name = format!("Bo {run}");
                b.ok(&["member", "update", "--name", &name]);
                acknowledged_b.push(name);
                b.ok(&["bundle", "export", &file("bo.bundle")]);
                let child = quiet(&a, &["bundle", "import", &file("bo.bundle")]);
                if !kill_after(child, delay) {
                    killed += 1;
                }
            }
            _ => {
                // Bo syncs into the running `serve`; the sync, or `serve` itself, is
                // killed part way.
                let name = format!("Bo {run}");
                b.ok(&["member", "update", "--name", &name]);
                acknowledged_b.push(name);
                let child = quiet(&b, &["sync", "--peer", &address]);
                if dice.below(2) == 0 {
                    if !kill_after(child, delay) {
                        killed += 1;
                    }
                } else {
                    std::thread::sleep(delay);
                    serving.0.kill().expect("kill serve");
                    serving.0.wait().expect("reap");
                    killed += 1;
                    let _ = kill_after(child, Duration::from_millis(0));
                    (serving, _) = serve_on(&a, &bind, &[]);
                }
            }
        }
        assert_intact(&a);
        assert_intact(&b);
        if run % 10 == 9 || run + 1 == runs {
            let names = names_in_log(&a);
            for name in &acknowledged_a {
                assert!(
                    names.contains(name),
                    "run {run}: {name} was acknowledged, then lost"
                );
            }
        }
    }
    // Bo's acknowledged writes all reach Asha with one clean sync.
    b.ok(&["sync", "--peer", &address]);
    let names = names_in_log(&a);
    for name in acknowledged_a.iter().chain(&acknowledged_b) {
        assert!(names.contains(name), "{name} was acknowledged, then lost");
    }
    drop(serving);
    assert_intact(&a);
    eprintln!(
        "soak: {runs} runs, {killed} processes killed, {} acknowledged writes all present",
        acknowledged_a.len() + acknowledged_b.len()
    );
    assert!(killed > 0, "nothing was killed: the soak proved nothing");
}
