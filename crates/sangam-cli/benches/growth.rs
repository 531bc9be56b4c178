//! A co-op grown the way members grow one, measured as they meet it: each command a new
//! `sangam` process on the home (a restart every time), as the terminal and every window
//! start are.
//!
//! Asha (the treasurer) and Bo keep "Yamuna Bakers" on two laptops and carry bundles
//! between them. Round after round: a bank statement of 50 to 2,000 rows, single entries,
//! labour logs, a listing, a proposal with both their ballots, and a bundle each way.
//! At every step of `STEP` records it measures, on Asha's home, in processes of their own:
//! one write (`labour log`), one 500-row statement, one open (`coop show`); and prints
//! the floor beside them: Automerge alone loading the co-op's saved document from the
//! same home (time, and the document's in-memory size as the growth of this process's
//! resident memory).
//!
//! `cargo bench -p sangam-cli --bench growth` (to 100,000 records; `SANGAM_GROWTH_TO=N`
//! for another size, `SANGAM_GROWTH_STEP=N` to measure more often,
//! `SANGAM_GROWTH_CAP_MB=M` to cap each process's address space, `SANGAM_GROWTH_KEEP=1`
//! to keep the homes).
//! Needs `/usr/bin/time` (Debian's `time`) for each process's peak memory. `SANGAM_BIN`
//! measures another build of `sangam` (an older one, for a before-and-after table).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Records between measurements (`SANGAM_GROWTH_STEP` for another).
const STEP: usize = 10_000;

/// Records at the start of the current round (for the line a failure ends with).
static RECORDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Home {
    dir: PathBuf,
}

/// What one process took: wall seconds and peak resident MB, or why it failed.
struct Took {
    seconds: f64,
    peak_mb: f64,
    failed: Option<String>,
}

impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.failed {
            None => write!(f, "{:.3} s, {:.0} MB", self.seconds, self.peak_mb),
            Some(why) => write!(
                f,
                "FAILED after {:.2} s, {:.0} MB ({why})",
                self.seconds, self.peak_mb
            ),
        }
    }
}

impl Home {
    fn run(&self, args: &[&str]) -> (Took, String) {
        let cap = std::env::var("SANGAM_GROWTH_CAP_MB").ok();
        let mut line = String::new();
        if let Some(mb) = &cap {
            line.push_str(&format!(
                "ulimit -v {} && ",
                mb.parse::<u64>().expect("a number") * 1024
            ));
        }
        line.push_str("exec /usr/bin/time -f '%e %M' \"$0\" --home \"$1\"");
        for n in 0..args.len() {
            line.push_str(&format!(" \"${{{}}}\"", n + 2));
        }
        let out = Command::new("bash")
            .arg("-c")
            .arg(line)
            .arg(sangam())
            .arg(&self.dir)
            .args(args)
            .env_remove("SANGAM_HOME")
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let mut figures = last
            .split_whitespace()
            .map(|v| v.parse::<f64>().unwrap_or(0.0));
        let seconds = figures.next().unwrap_or(0.0);
        let peak_mb = figures.next().unwrap_or(0.0) / 1024.0;
        let failed = (!out.status.success()).then(|| {
            stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .chars()
                .take(120)
                .collect()
        });
        (
            Took {
                seconds,
                peak_mb,
                failed,
            },
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// Runs a command that grows the co-op; a failure ends the bench (an older build that
    /// can no longer write to the home it grew).
    fn grow(&self, args: &[&str]) -> String {
        let (took, out) = self.run(args);
        if took.failed.is_some() {
            let records = RECORDS.load(std::sync::atomic::Ordering::Relaxed);
            println!(
                "\nStopped at {records} records: `sangam {}`: {took}",
                args.join(" ")
            );
            std::process::exit(0);
        }
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let (took, out) = self.run(args);
        if let Some(why) = took.failed {
            panic!("sangam {args:?} failed: {why}");
        }
        out
    }
}

/// A small deterministic generator (the same home every run).
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn statement(path: &Path, serial: &mut u64, rows: u64, dice: &mut Dice) {
    let mut csv = String::from("Date,Narration,Amount\n");
    for _ in 0..rows {
        *serial += 1;
        let paise = dice.next(2_000_000) + 100;
        let sign = if dice.next(3) == 0 { "-" } else { "" };
        csv.push_str(&format!(
            "2026-{:02}-{:02},UPI/{:012}/{} payment,{sign}{}.{:02}\n",
            1 + dice.next(12),
            1 + dice.next(28),
            serial,
            ["flour mill", "dairy", "rent", "market stall", "electricity"][dice.next(5) as usize],
            paise / 100,
            paise % 100
        ));
    }
    std::fs::write(path, csv).expect("statement");
}

/// Records in the co-op, as `sangam coop show` counts them.
fn records(home: &Home) -> usize {
    let (took, out) = home.run(&["coop", "show", "--json"]);
    if let Some(why) = took.failed {
        panic!("sangam coop show failed: {why}");
    }
    let shown: serde_json::Value = serde_json::from_str(&out).expect("json");
    shown["records"].as_u64().expect("a record count") as usize
}

fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The floor: Automerge alone loading the saved document this home keeps, in a process of
/// its own (this bench, started again with `--floor DB`) so its peak memory is its own.
fn floor(home: &Home) -> String {
    let out = Command::new(std::env::current_exe().expect("this bench"))
        .arg("--floor")
        .arg(home.dir.join("sangam.sqlite3"))
        .output()
        .expect("the bench runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `--floor DB`: loads the snapshot in `DB` with Automerge alone and says what it took.
fn load_floor(db: &str) {
    let conn = rusqlite::Connection::open(db).expect("home db");
    let Ok(bytes) = conn.query_row("SELECT doc FROM snapshots LIMIT 1", [], |r| {
        r.get::<_, Vec<u8>>(0)
    }) else {
        println!("no snapshot yet");
        return;
    };
    drop(conn);
    let started = Instant::now();
    let doc = automerge::Automerge::load(&bytes).expect("the snapshot loads");
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_mb();
    drop(doc);
    println!(
        "{seconds:.3} s, {peak:.0} MB peak ({:.1} MB saved)",
        bytes.len() as f64 / 1e6
    );
}

/// The `sangam` binary measured: this build's, or `SANGAM_BIN` (an older build, to compare).
fn sangam() -> String {
    std::env::var("SANGAM_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sangam").to_owned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--floor") {
        load_floor(&args[at + 1]);
        return;
    }
    let setting = |name: &str, default: usize| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let target = setting("SANGAM_GROWTH_TO", 100_000);
    let step = setting("SANGAM_GROWTH_STEP", STEP);
    let tmp = tempfile::TempDir::new().expect("tmp");
    let root = tmp.path();
    let file = |name: &str| root.join(name).to_string_lossy().into_owned();
    let (a, b) = (
        Home {
            dir: root.join("a"),
        },
        Home {
            dir: root.join("b"),
        },
    );
    a.ok(&["id", "new", "--name", "Asha"]);
    let bo: serde_json::Value =
        serde_json::from_str(&b.ok(&["id", "new", "--name", "Bo", "--json"])).expect("json");
    let bo = bo["member"].as_str().expect("member key").to_owned();
    for home in [&a, &b] {
        home.ok(&["relay", "set", "off"]);
        home.ok(&["lan", "set", "off"]);
    }
    a.ok(&["coop", "create", "Yamuna Bakers", "--currency", "INR"]);
    a.ok(&["member", "admit", &bo, "--name", "Bo"]);
    for name in ["Bank", "Suspense", "Cash"] {
        a.ok(&["ledger", "account", "add", name, "--type", "asset"]);
    }
    a.ok(&["ledger", "account", "add", "Sales", "--type", "income"]);
    std::fs::write(
        root.join("bank.rules"),
        "account = Bank\ndefault-account = Suspense\nskip = 1\ndate = Date\n\
         description = Narration\namount = Amount\nmatch market => Sales\n",
    )
    .expect("rules");
    a.ok(&["bundle", "export", &file("a.bundle")]);
    b.ok(&["bundle", "import", &file("a.bundle")]);

    println!("Growing a co-op to {target} records (each command its own process)\n");
    println!(
        "| records | one write (`labour log`) | 500-row statement | open (`coop show`) | floor: Automerge alone loads the saved document |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut dice = Dice(0x5a_6e_67_61_6d);
    let (mut serial, mut round, mut next_step) = (0u64, 0u64, step);
    let started = Instant::now();
    loop {
        let count = records(&a);
        RECORDS.store(count, std::sync::atomic::Ordering::Relaxed);
        if count >= next_step {
            let day = past_day(10_000 + (next_step / step) as u64);
            let write = a.run(&["labour", "log", "--hours", "1", "--date", &day]).0;
            statement(&root.join("measure.csv"), &mut serial, 500, &mut dice);
            let import = a
                .run(&[
                    "ledger",
                    "import-csv",
                    &file("measure.csv"),
                    "--rules",
                    &file("bank.rules"),
                ])
                .0;
            let open = a.run(&["coop", "show"]).0;
            println!("| {count} | {write} | {import} | {open} | {} |", floor(&a));
            if write.failed.is_some() && import.failed.is_some() {
                println!("\nStopped: the home can no longer be written to.");
                break;
            }
            next_step += step;
        }
        if count >= target {
            break;
        }
        round += 1;
        // A statement of 50 to 2,000 rows.
        let rows = 50 + dice.next(1_951);
        statement(&root.join("s.csv"), &mut serial, rows, &mut dice);
        a.grow(&[
            "ledger",
            "import-csv",
            &file("s.csv"),
            "--rules",
            &file("bank.rules"),
        ]);
        // Single entries and the day's work.
        for _ in 0..1 + dice.next(3) {
            let amount = format!("{}.{:02}", 1 + dice.next(5_000), dice.next(100));
            a.grow(&[
                "ledger",
                "post",
                "--date",
                "2026-06-01",
                "--description",
                "Market day",
                "--posting",
                &format!("Cash {amount}"),
                "--posting",
                &format!("Sales -{amount}"),
            ]);
        }
        // A day of its own for each round's work: a member logs at most 24 hours a day.
        let day = past_day(round);
        a.grow(&[
            "labour", "log", "--hours", "3", "--note", "baking", "--date", &day,
        ]);
        b.grow(&[
            "labour",
            "log",
            "--hours",
            "2",
            "--note",
            "deliveries",
            "--date",
            &day,
        ]);
        b.grow(&[
            "listing",
            "post",
            "--kind",
            "offer",
            "--title",
            &format!("Sourdough batch {round}"),
            "--by-arrangement",
        ]);
        if round % 3 == 0 {
            let id = a
                .grow(&[
                    "propose",
                    "--title",
                    &format!("Motion {round}"),
                    "--text",
                    "Buy more flour.",
                    "--method",
                    "yes-no",
                    "--closes-in",
                    "7d",
                ])
                .trim()
                .to_owned();
            a.grow(&["vote", &id, "yes"]);
            a.grow(&["bundle", "export", &file("a.bundle")]);
            b.grow(&["bundle", "import", &file("a.bundle")]);
            b.grow(&["vote", &id, "no"]);
        }
        // A bundle each way.
        b.grow(&["bundle", "export", &file("b.bundle")]);
        a.grow(&["bundle", "import", &file("b.bundle")]);
        if round % 2 == 0 {
            a.grow(&["bundle", "export", &file("a.bundle")]);
            b.grow(&["bundle", "import", &file("a.bundle")]);
        }
    }
    println!(
        "\n{round} rounds in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if std::env::var_os("SANGAM_GROWTH_KEEP").is_some() {
        println!("The homes are kept in {}", tmp.keep().display());
    }
}

/// The day `n` days before 2026-01-01, as YYYY-MM-DD (the proleptic Gregorian calendar,
/// by the days-from-civil inverse).
fn past_day(n: u64) -> String {
    // Days from 1970-01-01 to 2026-01-01.
    let days = 20_454 - n as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
