//! Running `sangam` against a home, ripgrep-style.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// One home directory and the binary that uses it.
pub struct Home {
    pub dir: PathBuf,
}

impl Home {
    pub fn new(root: &Path, name: &str) -> Self {
        Self {
            dir: root.join(name),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sangam"));
        cmd.arg("--home")
            .arg(&self.dir)
            .args(args)
            .env_remove("SANGAM_HOME");
        cmd
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "sangam {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Runs and asserts failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "sangam {args:?} should have failed");
        assert!(
            out.stdout.is_empty(),
            "a failing command prints nothing on stdout"
        );
        String::from_utf8(out.stderr).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok(&args)).expect("valid JSON")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("sangam runs")
    }

    /// Creates the identity and returns the member key.
    pub fn identity(&self, name: &str) -> String {
        self.json(&["id", "new", "--name", name])["member"]
            .as_str()
            .expect("member")
            .to_owned()
    }
}

/// Held by the tests that load the machine (the soak, the LAN hosts) or time something
/// (a restarted peer's session coming back), so they do not run at the same time as
/// each other on a 2-core machine.
pub fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Turns off relays and LAN discovery: the home reaches only addresses it is given.
pub fn offline(home: &Home) {
    home.ok(&["relay", "set", "off"]);
    home.ok(&["lan", "set", "off"]);
}

/// Asha's home `a` founds "River Bakery" and admits Bo's home `b`, which joins by bundle
/// and sends its device binding back; both offline. Returns (a, b).
pub fn asha_and_bo(root: &Path) -> (Home, Home) {
    let file = |name: &str| root.join(name).to_string_lossy().into_owned();
    let (a, b) = (Home::new(root, "a"), Home::new(root, "b"));
    a.identity("Asha");
    let bo = b.identity("Bo");
    offline(&a);
    offline(&b);
    a.ok(&["coop", "create", "River Bakery"]);
    a.ok(&["member", "admit", &bo, "--name", "Bo"]);
    a.ok(&["bundle", "export", &file("a.bundle")]);
    b.ok(&["bundle", "import", &file("a.bundle")]);
    b.ok(&[
        "bundle",
        "export",
        &file("b.bundle"),
        "--since",
        &file("a.bundle"),
    ]);
    a.ok(&["bundle", "import", &file("b.bundle")]);
    (a, b)
}
