//! LAN discovery across hosts: three network namespaces joined by a bridge (a room's
//! switch), each running `sangam serve` with relays off and no peer address given. They
//! find each other by mDNS and converge; then one host is cut off, both sides keep
//! writing, the link comes back, and all converge with nothing lost.
//!
//! Needs root (network namespaces). Everything stays inside namespaces this test makes:
//! no packet reaches the machine's own network.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::support::Home;

/// Three hosts on one bridge, removed on drop.
struct Lan {
    bridge: String,
    hosts: Vec<String>,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Lan {
    fn new(count: usize) -> Result<Self, String> {
        let tag = std::process::id() % 100_000;
        let lan = Lan {
            bridge: format!("sg{tag}br"),
            hosts: (0..count).map(|i| format!("sg{tag}h{i}")).collect(),
        };
        ip(&["netns", "add", &lan.bridge])?;
        let br = lan.bridge.as_str();
        ip(&["-n", br, "link", "add", "br0", "type", "bridge"])?;
        // Without a multicast querier, snooping could starve mDNS: flood it like a hub.
        ip(&[
            "-n",
            br,
            "link",
            "set",
            "br0",
            "type",
            "bridge",
            "mcast_snooping",
            "0",
        ])?;
        ip(&["-n", br, "link", "set", "br0", "up"])?;
        for (i, host) in lan.hosts.iter().enumerate() {
            ip(&["netns", "add", host])?;
            let port = format!("v{i}");
            ip(&[
                "-n", br, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns",
                host,
            ])?;
            ip(&["-n", br, "link", "set", &port, "master", "br0", "up"])?;
            let addr = format!("10.77.0.{}/24", i + 1);
            ip(&["-n", host, "addr", "add", &addr, "dev", "eth0"])?;
            ip(&["-n", host, "link", "set", "lo", "up"])?;
            ip(&["-n", host, "link", "set", "eth0", "multicast", "on", "up"])?;
            ip(&["-n", host, "route", "add", "224.0.0.0/4", "dev", "eth0"])?;
        }
        Ok(lan)
    }

    /// Unplugs host `i` from the switch, or plugs it back.
    fn plug(&self, i: usize, up: bool) {
        let port = format!("v{i}");
        let state = if up { "up" } else { "down" };
        ip(&["-n", &self.bridge, "link", "set", &port, state]).expect("link");
    }

    /// `sangam serve` for `home` inside host `i`, logging to a file in the home.
    fn serve(&self, i: usize, home: &Home) -> Serving {
        let log = std::fs::File::create(home.dir.join("serve.log")).expect("log");
        let child = Command::new("ip")
            .args(["netns", "exec", &self.hosts[i]])
            .arg(env!("CARGO_BIN_EXE_sangam"))
            .arg("--home")
            .arg(&home.dir)
            .arg("serve")
            .env_remove("SANGAM_HOME")
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        Serving(child)
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for ns in self.hosts.iter().chain([&self.bridge]) {
            let _ = ip(&["netns", "del", ns]);
        }
    }
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn heads(home: &Home) -> Value {
    home.json(&["coop", "show"])["heads"].clone()
}

fn contact_of(home: &Home, name: &str) -> Option<String> {
    let members = home.json(&["member", "list"]);
    members
        .as_array()?
        .iter()
        .find(|m| m["name"] == name)
        .and_then(|m| m["contact"].as_str().map(str::to_owned))
}

/// Waits up to `limit` for `check`; panics with `what` (and the serve logs) otherwise.
fn within(limit: Duration, homes: &[&Home], what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let logs: Vec<String> = homes
        .iter()
        .map(|h| std::fs::read_to_string(h.dir.join("serve.log")).unwrap_or_default())
        .collect();
    panic!(
        "never happened: {what}\n--- serve logs ---\n{}",
        logs.join("\n---\n")
    );
}

fn converged(homes: &[&Home]) -> bool {
    let first = heads(homes[0]);
    homes[1..].iter().all(|h| heads(h) == first)
}

#[test]
fn three_hosts_find_each_other_by_mdns_and_reconverge_after_a_partition() {
    let _alone = crate::support::heavy();
    let lan = match Lan::new(3) {
        Ok(lan) => lan,
        // Network namespaces need root; CI runs as root and must run this.
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping the LAN test (needs root for network namespaces): {e}");
            return;
        }
        Err(e) => panic!("cannot build the test LAN: {e}"),
    };
    let tmp = TempDir::new().expect("tmp");
    let file = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let homes: Vec<Home> = ["a", "b", "c"]
        .iter()
        .map(|n| Home::new(tmp.path(), n))
        .collect();
    let (a, b, c) = (&homes[0], &homes[1], &homes[2]);
    a.identity("Asha");
    let bo = b.identity("Bo");
    let cy = c.identity("Cy");
    for home in &homes {
        // No relay: only the LAN. Discovery stays on (the default).
        home.ok(&["relay", "set", "off"]);
    }
    // Membership and device bindings travel by bundle, so no address is ever typed.
    a.ok(&["coop", "create", "River Bakery"]);
    a.ok(&["member", "admit", &bo, "--name", "Bo"]);
    a.ok(&["member", "admit", &cy, "--name", "Cy"]);
    a.ok(&["bundle", "export", &file("a0")]);
    for (home, out) in [(b, "b0"), (c, "c0")] {
        home.ok(&["bundle", "import", &file("a0")]);
        home.ok(&["bundle", "export", &file(out), "--since", &file("a0")]);
        a.ok(&["bundle", "import", &file(out)]);
    }
    a.ok(&["bundle", "export", &file("a1")]);
    b.ok(&["bundle", "import", &file("a1")]);
    c.ok(&["bundle", "import", &file("a1")]);
    // Each writes something the others lack, then the servers start.
    a.ok(&["member", "update", "--contact", "asha@lan"]);
    b.ok(&["member", "update", "--contact", "bo@lan"]);
    c.ok(&["member", "update", "--contact", "cy@lan"]);
    for home in &homes {
        assert_eq!(
            home.json(&["peers"]),
            serde_json::json!([]),
            "no known peer"
        );
    }
    assert!(!converged(&[a, b, c]));
    let mut servers: Vec<Serving> = homes
        .iter()
        .enumerate()
        .map(|(i, h)| lan.serve(i, h))
        .collect();
    let all = [a, b, c];
    within(
        Duration::from_secs(60),
        &all,
        "the three hosts converge",
        || converged(&all),
    );
    for home in &homes {
        for name in ["Asha", "Bo", "Cy"] {
            assert!(contact_of(home, name).is_some_and(|c| c.ends_with("@lan")));
        }
        let peers = home.json(&["peers"]);
        let peers = peers.as_array().expect("peers");
        assert!(!peers.is_empty(), "peers remembered");
        assert!(peers.iter().all(|p| p["path"] == "lan"), "{peers:?}");
    }

    // Cy's host is unplugged; both sides keep writing.
    lan.plug(2, false);
    a.ok(&["member", "update", "--contact", "asha@cut"]);
    b.ok(&["member", "update", "--name", "Bo B"]);
    c.ok(&["member", "update", "--contact", "cy@cut"]);
    within(
        Duration::from_secs(30),
        &all,
        "Asha and Bo converge without Cy",
        || heads(a) == heads(b) && contact_of(b, "Asha").as_deref() == Some("asha@cut"),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_ne!(heads(a), heads(c), "nothing crosses an unplugged link");
    assert_eq!(contact_of(c, "Asha").as_deref(), Some("asha@lan"));
    assert_eq!(contact_of(a, "Cy").as_deref(), Some("cy@lan"));

    // Plugged back: everyone ends with everything.
    lan.plug(2, true);
    within(
        Duration::from_secs(90),
        &all,
        "all converge after the partition",
        || converged(&all),
    );
    for home in &homes {
        assert_eq!(contact_of(home, "Asha").as_deref(), Some("asha@cut"));
        assert_eq!(contact_of(home, "Cy").as_deref(), Some("cy@cut"));
        assert_eq!(contact_of(home, "Bo B").as_deref(), Some("bo@lan"));
    }

    // Cy's laptop shuts down (its peers are not told) and comes back on a new port.
    drop(servers.pop());
    a.ok(&["member", "update", "--contact", "asha@restart"]);
    c.ok(&["member", "update", "--contact", "cy@restart"]);
    servers.push(lan.serve(2, c));
    within(
        Duration::from_secs(60),
        &all,
        "all converge after a restart",
        || converged(&all),
    );
    assert_eq!(contact_of(c, "Asha").as_deref(), Some("asha@restart"));
    assert_eq!(contact_of(b, "Cy").as_deref(), Some("cy@restart"));
}
