//! The co-op's laptops and what happens to them: the schedule a seed draws, step by step.

use std::collections::BTreeMap;
use std::path::PathBuf;

use sangam_core::{
    AccountDraft, CallDraft, EntryDraft, Home, ListingDraft, ListingFilter, NominationReply,
    PostingDraft, ProposalDraft, ProposalFilter,
};
use sangam_model::body::{Choice, Method, Vote};
use sangam_model::ledger::AccountType;
use sangam_model::{CoopId, PublicKey, RecordId, Timestamp};

use crate::error::SimError;
use crate::link::{Broken, End, Link};
use crate::rng::Rng;
use crate::time::{SeededEntropy, SkewedClock, World};

/// When the simulated world starts: 2026-12-07 00:00 UTC.
pub const START: Timestamp = 1_796_601_600_000;
/// How far a laptop's clock is off at most, unless the run gives one a wrong clock.
pub const HONEST_SKEW_MS: i64 = 2 * 60 * 1000;
/// A wrong clock: ahead by more than the clock skew admission allows.
pub const WRONG_CLOCK_MS: i64 = 15 * 60 * 1000;

/// What a run may do, and how much of it.
#[derive(Debug, Clone)]
pub struct Config {
    /// Laptops at the start (the founder's included), 2 or more.
    pub laptops: usize,
    /// Most laptops, counting newcomers who join during the run.
    pub max_laptops: usize,
    /// Steps of the schedule before quiescence.
    pub steps: usize,
    /// Chance in percent that a frame read is tampered with (dropped, doubled, swapped
    /// with the next, truncated).
    pub fault_percent: u64,
}

impl Config {
    /// The size of run `make test` uses, drawn from the seed: 2 to 4 laptops, 30 to 90
    /// steps.
    pub fn small(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x5EED);
        Self {
            laptops: 2 + rng.below(3),
            max_laptops: 5,
            steps: 30 + rng.below(61),
            fault_percent: 3,
        }
    }

    /// A longer run: 2 to 7 laptops, up to 400 steps.
    pub fn long(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x5EED);
        Self {
            laptops: 2 + rng.below(6),
            max_laptops: 7,
            steps: 50 + rng.below(351),
            fault_percent: 4,
        }
    }
}

/// One member's laptop: a real home in a directory of its own.
pub struct Laptop {
    /// Where its home lives.
    pub dir: PathBuf,
    /// The open home, `None` while it is shut down.
    pub home: Option<Home>,
    clock: SkewedClock,
    entropy: SeededEntropy,
    /// The member's key.
    pub member: PublicKey,
    /// This laptop's device key.
    pub device: PublicKey,
    /// Whether it holds the co-op.
    pub joined: bool,
}

impl Laptop {
    fn home(&self) -> &Home {
        self.home.as_ref().expect("laptops are open between steps")
    }
}

/// Counts of what a run did, by kind.
pub type Counts = BTreeMap<&'static str, u64>;

/// A whole simulated co-op.
pub struct Sim {
    /// The seed the run was drawn from.
    pub seed: u64,
    rng: Rng,
    world: World,
    _root: tempfile::TempDir,
    root: PathBuf,
    /// The laptops, the founder's first.
    pub laptops: Vec<Laptop>,
    /// The co-op.
    pub coop: CoopId,
    /// Open connections.
    pub links: Vec<Link>,
    /// What was done, one line a step: the schedule to read when a run fails.
    pub schedule: Vec<String>,
    /// Actions taken and faults injected, by kind.
    pub counts: Counts,
    /// Whether some laptop's clock is beyond the allowed skew.
    pub wrong_clock: bool,
    /// Members removed during the run (their laptops may lag behind for good).
    pub removed: Vec<PublicKey>,
    /// Whether this run removes members at all (one in four does): the live-session
    /// check holds only in runs without.
    removals: bool,
    config: Config,
}

/// A failed run: what broke, and the steps that led there.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// Steps run before quiescence.
    pub steps: usize,
    /// What was wrong.
    pub what: String,
    /// The schedule, one line a step.
    pub schedule: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "seed {} failed after {} steps: {}",
            self.seed, self.steps, self.what
        )?;
        writeln!(
            f,
            "replay: cargo run -p sangam-sim --release -- --seed {} --steps {}",
            self.seed, self.steps
        )?;
        for (i, line) in self.schedule.iter().enumerate() {
            writeln!(f, "  {i:>4} {line}")?;
        }
        Ok(())
    }
}

impl Sim {
    /// Sets up run `seed`: the laptops, the co-op founded on the first, everyone admitted
    /// and carried in by bundle, as a co-op starts without a network.
    pub fn new(seed: u64, config: Config) -> Result<Self, SimError> {
        let mut rng = Rng::new(seed);
        let world = World::new(START);
        // Real SQLite files, in memory when the machine has a RAM disk: each write's fsync
        // then costs nothing, and a long run is not a test of the disk.
        let ram = std::path::Path::new("/dev/shm");
        let root = if ram.is_dir() {
            tempfile::tempdir_in(ram)
        } else {
            tempfile::tempdir()
        }?;
        let wrong_clock = rng.percent(10);
        let removals = rng.percent(25);
        let mut sim = Self {
            seed,
            rng,
            world,
            root: root.path().to_path_buf(),
            _root: root,
            laptops: Vec::new(),
            coop: RecordId::from_bytes([0; 32]),
            links: Vec::new(),
            schedule: Vec::new(),
            counts: Counts::new(),
            wrong_clock,
            removed: Vec::new(),
            removals,
            config,
        };
        for _ in 0..sim.config.laptops {
            sim.add_laptop()?;
        }
        let founder = sim.laptops[0].home();
        let coop = founder.create_coop("Sim Co", "INR")?;
        sim.coop = coop.id.parse()?;
        sim.laptops[0].joined = true;
        for (name, account_type) in [("Bank", AccountType::Asset), ("Sales", AccountType::Income)] {
            sim.laptops[0].home().open_account(
                sim.coop,
                &AccountDraft {
                    name: name.into(),
                    account_type,
                    member: None,
                    role: None,
                },
            )?;
        }
        for k in 1..sim.laptops.len() {
            sim.join(0, k)?;
        }
        if sim.wrong_clock {
            // One laptop's clock runs ahead, from now on.
            let k = sim.rng.below(sim.laptops.len());
            sim.restart_with_skew(k, WRONG_CLOCK_MS)?;
            sim.note(format!("laptop {k}'s clock runs {WRONG_CLOCK_MS} ms ahead"));
        }
        Ok(sim)
    }

    fn note(&mut self, line: String) {
        self.schedule.push(line);
    }

    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn open_home(&self, k: usize) -> Result<Home, SimError> {
        let laptop = &self.laptops[k];
        Ok(Home::open_with(
            &laptop.dir,
            Box::new(laptop.clock.clone()),
            Box::new(laptop.entropy.clone()),
        )?)
    }

    fn add_laptop(&mut self) -> Result<usize, SimError> {
        let k = self.laptops.len();
        let dir = self.root.join(format!("laptop-{k}"));
        let skew = self.rng.below(2 * HONEST_SKEW_MS as usize + 1) as i64 - HONEST_SKEW_MS;
        let entropy = SeededEntropy::new(self.seed.wrapping_mul(31).wrapping_add(k as u64));
        let clock = SkewedClock::new(self.world.clone(), skew);
        let home = Home::open_with(&dir, Box::new(clock.clone()), Box::new(entropy.clone()))?;
        let identity = home.create_identity(&format!("Member {k}"))?;
        let member = identity.member.parse()?;
        let device = identity.device.parse()?;
        self.laptops.push(Laptop {
            dir,
            home: Some(home),
            clock,
            entropy,
            member,
            device,
            joined: false,
        });
        Ok(k)
    }

    /// Laptop `by` admits laptop `k`'s member, hands it the co-op by bundle and takes its
    /// device binding back the same way.
    fn join(&mut self, by: usize, k: usize) -> Result<(), SimError> {
        let coop = self.coop;
        let member = self.laptops[k].member;
        self.laptops[by]
            .home()
            .admit(coop, member, &format!("Member {k}"))?;
        let (bundle, _) = self.laptops[by].home().export_bundle(coop, None)?;
        self.laptops[k].home().import_bundle(&bundle)?;
        self.laptops[k].joined = true;
        let (back, _) = self.laptops[k].home().export_bundle(coop, None)?;
        self.laptops[by].home().import_bundle(&back)?;
        Ok(())
    }

    fn restart_with_skew(&mut self, k: usize, skew: i64) -> Result<(), SimError> {
        self.cut_links_of(k);
        self.laptops[k].home = None;
        self.laptops[k].clock = SkewedClock::new(self.world.clone(), skew);
        self.laptops[k].home = Some(self.open_home(k)?);
        Ok(())
    }

    pub(crate) fn world_advance(&mut self, ms: i64) {
        self.world.advance(ms);
    }

    pub(crate) fn end_of(&self, k: usize) -> End {
        self.end(k)
    }

    /// Shuts laptop `k` down and opens it again from its directory.
    pub(crate) fn reopen(&mut self, k: usize) -> Result<(), SimError> {
        self.cut_links_of(k);
        self.laptops[k].home = None;
        self.laptops[k].home = Some(self.open_home(k)?);
        Ok(())
    }

    fn cut_links_of(&mut self, k: usize) {
        self.links
            .retain(|link| link.sides.iter().all(|side| side.laptop != k));
    }

    fn end(&self, k: usize) -> End {
        End {
            laptop: k,
            host: self.laptops[k].home().sync_host(),
            device: self.laptops[k].device,
        }
    }

    /// Runs the schedule: `steps` random steps.
    pub fn run(&mut self, steps: usize) -> Result<(), SimError> {
        for _ in 0..steps {
            self.step()?;
        }
        Ok(())
    }

    /// One random step.
    pub fn step(&mut self) -> Result<(), SimError> {
        self.world.advance(self.rng.below(20_000) as i64);
        let roll = self.rng.below(100);
        match roll {
            0..=39 if !self.links.is_empty() => self.move_frames(),
            0..=49 => self.write(),
            50..=59 => {
                // A burst: a member catching up on the books, or a statement's entries.
                let k = self.rng.below(self.laptops.len());
                let n = 3 + self.rng.below(13);
                for _ in 0..n {
                    self.write_on(k)?;
                }
                Ok(())
            }
            60..=71 => self.connect(),
            72..=75 => self.cut(),
            76..=79 => self.restart(),
            80..=83 => self.carry_bundle(),
            84..=85 if self.laptops.len() < self.config.max_laptops => self.newcomer(),
            86..=87 if self.removals => self.remove_member(),
            88..=89 => {
                let ms = self.rng.below(30 * 60 * 1000) as i64;
                self.world.advance(ms);
                self.note(format!("time passes: {ms} ms"));
                Ok(())
            }
            _ => self.move_frames(),
        }
    }

    /// Reads up to a few frames on random connections, tampering with some.
    fn move_frames(&mut self) -> Result<(), SimError> {
        let reads = 1 + self.rng.below(8);
        for _ in 0..reads {
            let waiting: Vec<(usize, usize)> = self
                .links
                .iter()
                .enumerate()
                .flat_map(|(i, link)| {
                    (0..2)
                        .filter(move |k| !link.sides[*k].inbox.is_empty() || link.may_wake(*k))
                        .map(move |k| (i, k))
                })
                .collect();
            if waiting.is_empty() {
                return Ok(());
            }
            let (i, k) = *self.rng.pick(&waiting);
            let fault = self.rng.percent(self.config.fault_percent);
            let result = if fault && !self.links[i].sides[k].inbox.is_empty() {
                self.tamper(i, k)
            } else if self.links[i].sides[k].inbox.is_empty() {
                self.links[i].wake(k)
            } else {
                self.links[i].deliver(k)
            };
            self.after_frame(i, result);
        }
        Ok(())
    }

    fn tamper(&mut self, i: usize, k: usize) -> Result<(), Broken> {
        let inbox = &mut self.links[i].sides[k].inbox;
        let kind = self.rng.below(4);
        let what = match kind {
            0 => {
                inbox.pop_front();
                "fault: a frame dropped"
            }
            1 => {
                let first = inbox.front().cloned().expect("not empty");
                inbox.push_front(first);
                "fault: a frame doubled"
            }
            2 if inbox.len() > 1 => {
                inbox.swap(0, 1);
                "fault: two frames swapped"
            }
            _ => {
                if let Some(crate::link::Wire::Frame(bytes)) = inbox.front_mut() {
                    let keep = bytes.len() / 2;
                    bytes.truncate(keep);
                }
                "fault: a frame truncated"
            }
        };
        self.count(what);
        self.links[i].tainted = true;
        let laptop = self.links[i].sides[k].laptop;
        self.note(format!("{what} on its way to laptop {laptop}"));
        self.links[i].deliver(k)
    }

    pub(crate) fn after_frame(&mut self, i: usize, result: Result<(), Broken>) {
        let (a, b) = (self.links[i].sides[0].laptop, self.links[i].sides[1].laptop);
        match result {
            Ok(()) if self.links[i].is_done() => {
                self.links.remove(i);
            }
            Ok(()) => {}
            Err(why) => {
                self.count("connection ended by an error");
                self.note(format!("connection {a}->{b} ended: {why:?}"));
                self.links.remove(i);
            }
        }
    }

    fn connect(&mut self) -> Result<(), SimError> {
        let joined: Vec<usize> = (0..self.laptops.len())
            .filter(|k| self.laptops[*k].joined)
            .collect();
        if joined.len() < 2 {
            return Ok(());
        }
        let a = *self.rng.pick(&joined);
        let b = *self.rng.pick(&joined);
        if a == b {
            return Ok(());
        }
        let live = self.rng.percent(50);
        match Link::open(self.coop, live, self.end(a), self.end(b)) {
            Some(link) => {
                self.count(if live {
                    "live session"
                } else {
                    "one-shot session"
                });
                self.note(format!(
                    "laptop {a} dials {b} ({})",
                    if live { "live" } else { "one-shot" }
                ));
                self.links.push(link);
            }
            None => self.note(format!("laptop {a} dials {b}: turned away")),
        }
        Ok(())
    }

    fn cut(&mut self) -> Result<(), SimError> {
        if self.links.is_empty() {
            return Ok(());
        }
        let i = self.rng.below(self.links.len());
        let link = self.links.remove(i);
        self.count("fault: connection cut");
        self.note(format!(
            "connection {}->{} cut",
            link.sides[0].laptop, link.sides[1].laptop
        ));
        Ok(())
    }

    fn restart(&mut self) -> Result<(), SimError> {
        let k = self.rng.below(self.laptops.len());
        self.reopen(k)?;
        self.count("laptop restarted");
        self.note(format!("laptop {k} shut down and reopened"));
        Ok(())
    }

    fn carry_bundle(&mut self) -> Result<(), SimError> {
        let from = self.rng.below(self.laptops.len());
        let to = self.rng.below(self.laptops.len());
        if from == to || !self.laptops[from].joined || !self.laptops[to].joined {
            return Ok(());
        }
        let (bundle, _) = self.laptops[from].home().export_bundle(self.coop, None)?;
        let result = self.laptops[to].home().import_bundle(&bundle);
        self.count("bundle carried");
        self.note(format!(
            "a bundle from laptop {from} imported on {to}: {}",
            match result {
                Ok(dto) => format!("{} new", dto.applied),
                Err(e) => format!("refused: {e}"),
            }
        ));
        Ok(())
    }

    fn newcomer(&mut self) -> Result<(), SimError> {
        let by = self.rng.below(self.laptops.len());
        if !self.is_current(by) {
            return Ok(());
        }
        let k = self.add_laptop()?;
        match self.join(by, k) {
            Ok(()) => {
                self.count("newcomer joined");
                self.note(format!("laptop {k} joins through laptop {by}"));
            }
            Err(e) => self.note(format!("laptop {k} could not join through {by}: {e}")),
        }
        Ok(())
    }

    fn remove_member(&mut self) -> Result<(), SimError> {
        let by = self.rng.below(self.laptops.len());
        // The founder is never removed, so someone is always left to compare.
        let k = 1 + self.rng.below(self.laptops.len().max(2) - 1);
        if k >= self.laptops.len() || k == by || !self.is_current(by) {
            return Ok(());
        }
        let member = self.laptops[k].member;
        let result = self.laptops[by]
            .home()
            .remove(self.coop, member, "simulated removal");
        if result.is_ok() {
            self.removed.push(member);
            self.count("member removed");
        }
        self.note(format!(
            "laptop {by} removes member {k}: {}",
            outcome(&result)
        ));
        Ok(())
    }

    /// Whether laptop `k`'s member is current and its device active, by its own state.
    pub fn is_current(&self, k: usize) -> bool {
        let laptop = &self.laptops[k];
        laptop.joined && laptop.home().sync_host().allows(self.coop, &laptop.device)
    }

    /// A random member writes a random record through the use cases a member has.
    fn write(&mut self) -> Result<(), SimError> {
        let k = self.rng.below(self.laptops.len());
        self.write_on(k)
    }

    /// Laptop `k`'s member writes a random record.
    fn write_on(&mut self, k: usize) -> Result<(), SimError> {
        if !self.laptops[k].joined {
            return Ok(());
        }
        let coop = self.coop;
        let now = self.laptops[k].clock.clone();
        let now = sangam_core::Clock::now(&now);
        let home = self.laptops[k].home().clone();
        let open = home
            .proposals(coop, ProposalFilter::Open)
            .unwrap_or_default();
        let kind = self.rng.below(13);
        let (what, result): (&'static str, Result<(), sangam_core::ApiError>) = match kind {
            0 => (
                "profile",
                home.update_profile(coop, Some(&format!("Member {k} at {now}")), None)
                    .map(drop),
            ),
            1 => {
                let closes_at = now + 60_000 + self.rng.below(20 * 60 * 1000) as i64;
                let draft = ProposalDraft {
                    title: format!("Proposal by {k} at {now}"),
                    text: "Shall we?".into(),
                    method: Method::YesNo,
                    options: vec![],
                    seats: None,
                    template: None,
                    quorum_pct: None,
                    threshold: None,
                    closes_at,
                    effect: None,
                };
                ("proposal", home.propose(coop, draft).map(drop))
            }
            2 | 3 if !open.is_empty() => {
                let id: RecordId = self.rng.pick(&open).id.parse()?;
                let vote = *self.rng.pick(&[Vote::Yes, Vote::No, Vote::Abstain]);
                ("ballot", home.vote(coop, id, Choice::Vote(vote)).map(drop))
            }
            4 if !open.is_empty() => {
                let id: RecordId = self.rng.pick(&open).id.parse()?;
                if self.rng.percent(50) {
                    ("close", home.close(coop, id).map(drop))
                } else {
                    let holder = self.laptops[self.rng.below(self.laptops.len())].member;
                    ("proxy", home.proxy(coop, id, holder))
                }
            }
            5 => (
                "labour",
                home.log_labour(coop, "2026-12-07", 30 + self.rng.below(240) as u32, None)
                    .map(drop),
            ),
            6 => {
                let amount = format!("{}.{:02}", 1 + self.rng.below(500), self.rng.below(100));
                let draft = EntryDraft {
                    date: "2026-12-07".into(),
                    description: format!("Sale by {k}"),
                    payee: None,
                    postings: vec![
                        PostingDraft {
                            account: "Bank".into(),
                            amount: amount.clone(),
                            commodity: None,
                            member: None,
                        },
                        PostingDraft {
                            account: "Sales".into(),
                            amount: format!("-{amount}"),
                            commodity: None,
                            member: None,
                        },
                    ],
                    approved_by: None,
                };
                ("entry", home.post_entry(coop, &draft).map(drop))
            }
            9..=12 => {
                // Elections from nominations: a call (while none is pending),
                // members nominated, nominees answering, and the caller opening the
                // election once the call closed by its own clock.
                let calls = home.nomination_calls(coop).unwrap_or_default();
                let me = self.laptops[k].member.to_string();
                let open_calls = calls.iter().filter(|c| c.election.is_none()).count();
                if open_calls == 0 && self.rng.percent(30) {
                    let draft = CallDraft {
                        title: format!("Board by {k} at {now}"),
                        text: String::new(),
                        method: Method::Stv,
                        seats: 1,
                        closes_at: now + 120_000 + self.rng.below(180_000) as i64,
                    };
                    ("call", home.call_nominations(coop, draft).map(drop))
                } else if calls.is_empty() {
                    return Ok(());
                } else {
                    // A call this member has to act on first: to answer, or to open.
                    let pending = calls.iter().find(|c| {
                        (c.open
                            && c.nominees
                                .iter()
                                .any(|n| n.member == me && n.answer.is_none()))
                            || (!c.open && c.caller == me && c.election.is_none())
                    });
                    let call = match pending {
                        Some(c) => c.clone(),
                        None => self.rng.pick(&calls).clone(),
                    };
                    let id: RecordId = call.id.parse()?;
                    let mine = call.nominees.iter().find(|n| n.member == me);
                    if !call.open && call.caller == me && call.election.is_none() {
                        let closes_at = now + 60_000 + self.rng.below(20 * 60 * 1000) as i64;
                        (
                            "election",
                            home.open_election(coop, id, closes_at).map(drop),
                        )
                    } else if let Some(n) =
                        mine.filter(|n| n.answer.is_none() || self.rng.percent(10))
                    {
                        let reply = if n.answer.is_none() && self.rng.percent(80) {
                            NominationReply::Accept
                        } else {
                            *self
                                .rng
                                .pick(&[NominationReply::Decline, NominationReply::Withdraw])
                        };
                        ("answer", home.answer_nomination(coop, id, reply).map(drop))
                    } else {
                        // Someone not yet nominated on it, if anyone.
                        let fresh: Vec<PublicKey> = self
                            .laptops
                            .iter()
                            .map(|l| l.member)
                            .filter(|m| !call.nominees.iter().any(|n| n.member == m.to_string()))
                            .collect();
                        let nominee = if fresh.is_empty() {
                            self.laptops[self.rng.below(self.laptops.len())].member
                        } else {
                            *self.rng.pick(&fresh)
                        };
                        ("nomination", home.nominate(coop, id, nominee).map(drop))
                    }
                }
            }
            7 => {
                let draft = ListingDraft {
                    title: format!("Offer by {k}"),
                    description: "Fresh from the farm".into(),
                    ..ListingDraft::default()
                };
                ("listing", home.post_listing(coop, &draft).map(drop))
            }
            _ => {
                let listings = home
                    .listings(coop, &ListingFilter::default())
                    .unwrap_or_default();
                if listings.is_empty() {
                    return Ok(());
                }
                let id: RecordId = self.rng.pick(&listings).id.parse()?;
                (
                    "response",
                    home.respond(coop, id, "Interested", None).map(drop),
                )
            }
        };
        self.count(match result {
            Ok(()) => "write",
            Err(_) => "write refused here",
        });
        if what == "election" && result.is_err() {
            self.count("election not opened (too few standing, or not yet closed here)");
        }
        if result.is_ok() {
            match what {
                "call" => self.count("nominations called"),
                "nomination" => self.count("member nominated"),
                "answer" => self.count("nomination answered"),
                "election" => self.count("election opened from nominations"),
                _ => {}
            }
        }
        self.note(format!("laptop {k} writes a {what}: {}", outcome(&result)));
        Ok(())
    }
}

fn outcome<T, E: std::fmt::Display>(result: &Result<T, E>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => format!("refused ({e})"),
    }
}
