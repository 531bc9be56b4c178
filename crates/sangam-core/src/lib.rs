//! Sangam's use cases over one home: a [`Node`] owns the home's store, its keys and the
//! replicas of its co-ops, and every front end (the `sangam` CLI, the desktop shell) calls
//! these functions and nothing below them.
//!
//! Errors leave as [`ApiError`]. This crate must never depend on tauri; it never prints.

#![deny(missing_docs)]

mod dto;
mod error;
pub mod files;
mod governance;
mod invites;
mod network;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sangam_model::body::{
    DeviceAdd, Genesis, MemberAdmit, MemberLeave, MemberRemove, MemberUpdate,
};
use sangam_model::{
    Body, Bylaws, CoopId, CoopState, PublicKey, RecordId, SecretKey, Standing, Timestamp,
};
use sangam_replica::{Admitted, Bundle, ChangeHash, Replica, SignedChange, Trust};
use sangam_store::{Commit, Store};

pub use dto::*;
pub use error::{ApiError, ErrorCode};
pub use governance::{ProposalInput, parse_choice};
pub use invites::{InviteDto, JoinDto};
pub use network::{PeerDto, SharedNode};
pub use sangam_net::{Net, NetError, PeerAddr, Relays, SyncSummary, addr_from_text, addr_to_text};

/// The database file inside a home directory.
pub const DB_FILE: &str = "sangam.sqlite3";

/// Write a fresh snapshot once at least this many changes are not in the last one.
const SNAPSHOT_EVERY: usize = 256;

/// Where time comes from; tests pass a fixed clock.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now(&self) -> Timestamp;
}

/// The system clock, made strictly increasing: two writes in one millisecond still get
/// distinct, ordered times.
#[derive(Debug, Default)]
pub struct SystemClock {
    last: std::sync::atomic::AtomicI64,
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        use std::sync::atomic::Ordering;
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let real = i64::try_from(since.as_millis()).unwrap_or(i64::MAX);
        let mut last = self.last.load(Ordering::SeqCst);
        loop {
            let next = real.max(last.saturating_add(1));
            match self
                .last
                .compare_exchange(last, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

/// Where a node's notices go as they happen.
type NoticeSink = Box<dyn Fn(&str) + Send>;

/// One install: a home directory with its database, keys and co-ops.
pub struct Node {
    home: PathBuf,
    store: Store,
    device: SecretKey,
    clock: Box<dyn Clock>,
    replicas: HashMap<CoopId, Replica>,
    /// Per loaded co-op, the last change-log position read into its replica.
    loaded: HashMap<CoopId, i64>,
    /// Per co-op, the members as last written to the projection by this node, so a commit
    /// that leaves them as they were does not rewrite them.
    projected: HashMap<CoopId, Vec<sangam_model::Member>>,
    /// Per co-op, how many changes the stored snapshot holds (reading it from the table
    /// would walk the whole snapshot blob).
    snapshotted: HashMap<CoopId, usize>,
    /// Whether snapshots wait for [`Node::save_due_snapshots`] instead of being saved by
    /// the commit that made them due (a node serving the network saves them between
    /// syncs, not in the middle of one).
    defer_snapshots: bool,
    /// Co-ops whose snapshot is due, with when this node last committed.
    snapshots_due: std::collections::HashSet<CoopId>,
    last_commit: Option<std::time::Instant>,
    /// Whether a write unit ([`Node::write_unit`]) holds the home's write lock now.
    writing: bool,
    /// See [`Node::take_notices`].
    notices: Vec<String>,
    /// Where notices go as they happen, if set ([`Node::notify_to`]).
    notice_sink: Option<NoticeSink>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.home.display())
    }
}

fn random_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("the operating system provides randomness");
    seed
}

pub(crate) fn parse_key(text: &str, what: &str) -> Result<PublicKey, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{what} must be a 64-character lowercase hex public key, got {:?}",
                text.trim()
            ),
        )
    })
}

impl Node {
    /// Opens the home at `home`, creating the directory, the database and the device key
    /// on first use.
    pub fn open(home: &Path, clock: Box<dyn Clock>) -> Result<Self, ApiError> {
        std::fs::create_dir_all(home).map_err(|e| {
            ApiError::new(
                ErrorCode::Storage,
                format!("cannot create home {}: {e}", home.display()),
            )
        })?;
        let store = Store::open(&home.join(DB_FILE))?;
        let device = store.device_key(random_seed, clock.now())?;
        Ok(Self {
            home: home.to_path_buf(),
            store,
            device,
            clock,
            replicas: HashMap::new(),
            loaded: HashMap::new(),
            projected: HashMap::new(),
            snapshotted: HashMap::new(),
            defer_snapshots: false,
            snapshots_due: Default::default(),
            last_commit: None,
            writing: false,
            notices: Vec::new(),
            notice_sink: None,
        })
    }

    /// The home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The store, for checks such as integrity.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Creates this home's member identity.
    pub fn create_identity(&mut self, name: &str) -> Result<IdentityDto, ApiError> {
        sangam_model::body::check_name("name", name.trim())
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e))?;
        if self.store.member_key()?.is_some() {
            return Err(ApiError::new(
                ErrorCode::IdentityExists,
                "this home already has a member identity (see `sangam id show`); use another --home for a second one",
            ));
        }
        let key = SecretKey::from_seed(random_seed());
        self.store
            .set_member_key(&key, name.trim(), self.clock.now())?;
        self.identity()
    }

    /// This home's identity.
    pub fn identity(&self) -> Result<IdentityDto, ApiError> {
        let (key, name) = self.member()?;
        Ok(IdentityDto {
            member: key.public().to_string(),
            name,
            device: self.device.public().to_string(),
        })
    }

    pub(crate) fn member(&self) -> Result<(SecretKey, String), ApiError> {
        self.store.member_key()?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoIdentity,
                "no identity yet: run `sangam id new --name NAME` first",
            )
        })
    }

    /// Founds a co-op with this home's member as its first member.
    pub fn create_coop(&mut self, name: &str, currency: &str) -> Result<CoopDto, ApiError> {
        let (member, founder_name) = self.member()?;
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).expect("the operating system provides randomness");
        let genesis = Genesis {
            name: name.trim().to_owned(),
            currency: currency.trim().to_uppercase(),
            bylaws: Bylaws::default(),
            founder_name,
            device: self.device.public(),
            nonce: nonce.iter().map(|b| format!("{b:02x}")).collect(),
        };
        let now = self.clock.now();
        let (mut replica, _, change) = Replica::found(genesis, &member, &self.device, now)?;
        let coop = replica.coop();
        self.write_unit(|node| node.persist(&mut replica, "local", &[change], &[]))?;
        self.replicas.insert(coop, replica);
        self.coop_show(coop)
    }

    /// The co-ops in this home.
    pub fn coops(&self) -> Result<Vec<CoopSummaryDto>, ApiError> {
        Ok(self
            .store
            .coops()?
            .into_iter()
            .map(|(id, name)| CoopSummaryDto {
                id: id.to_string(),
                name,
            })
            .collect())
    }

    /// Resolves `--coop`: a unique id prefix, or the only co-op when none is given.
    pub fn resolve_coop(&self, selector: Option<&str>) -> Result<CoopId, ApiError> {
        let coops = self.store.coops()?;
        let matches: Vec<&(CoopId, String)> = match selector {
            None => coops.iter().collect(),
            Some(prefix) => {
                let prefix = prefix.trim().to_lowercase();
                coops
                    .iter()
                    .filter(|(id, _)| id.to_string().starts_with(&prefix))
                    .collect()
            }
        };
        match (matches.as_slice(), selector) {
            ([(id, _)], _) => Ok(*id),
            ([], None) => Err(ApiError::new(
                ErrorCode::NotFound,
                "this home has no co-op yet: create one with `sangam coop create NAME`, or import a bundle",
            )),
            ([], Some(p)) => Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no co-op id starts with {p:?}"),
            )),
            (_, None) => Err(ApiError::new(
                ErrorCode::Ambiguous,
                "this home holds several co-ops: choose one with --coop ID (see `sangam coop list`)",
            )),
            (_, Some(p)) => Err(ApiError::new(
                ErrorCode::Ambiguous,
                format!("several co-ops start with {p:?}: give more of the id"),
            )),
        }
    }

    /// Loads (once) and returns a co-op's replica. A log holding a fork is replayed by
    /// the fork rule and mended ([`Node::mend`]); a change that does not replay is
    /// skipped and reported in [`Node::take_notices`], never a reason to refuse the rest.
    pub(crate) fn replica(&mut self, coop: CoopId) -> Result<&mut Replica, ApiError> {
        if !self.replicas.contains_key(&coop) {
            self.load(coop)?;
            if let Err(e) = self.mend(coop) {
                self.notice(format!(
                    "co-op {}: could not mend this home yet: {}",
                    coop.short(),
                    e.message
                ));
            }
            if !self.replicas.contains_key(&coop) {
                // The mend rolled back and dropped what it had loaded.
                self.load(coop)?;
            }
        }
        Ok(self.replicas.get_mut(&coop).expect("loaded above"))
    }

    fn load(&mut self, coop: CoopId) -> Result<(), ApiError> {
        let snapshot = self.store.snapshot(coop)?;
        let rows = self.store.changes_after(coop, 0)?;
        let last = rows.last().map_or(0, |(seq, _)| *seq);
        let changes: Vec<_> = rows.into_iter().map(|(_, change)| change).collect();
        if changes.is_empty() {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("co-op {} is not in this home", coop.short()),
            ));
        }
        let had_snapshot = snapshot.is_some();
        let device = self.device.public();
        let (mut replica, mut admitted, mut used_snapshot) =
            Replica::restore(coop, device, snapshot, changes);
        if replica.needs_rebuild() {
            // A fork's kept branch is later in the log than the other: replay by the rule.
            let (verdict, _) = replica.fork_verdict();
            drop(replica);
            let changes = self.store.changes(coop)?;
            (replica, admitted, used_snapshot) =
                Replica::restore_excluding(coop, device, None, changes, verdict);
        }
        if admitted.applied.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Storage,
                format!(
                    "the stored change log of co-op {} holds no change that replays: the home is damaged",
                    coop.short()
                ),
            ));
        }
        if !admitted.rejected.is_empty() {
            self.notice(format!(
                "co-op {}: {} stored change(s) do not replay and were skipped (first: {})",
                coop.short(),
                admitted.rejected.len(),
                admitted.rejected[0].reason
            ));
        }
        if had_snapshot && !used_snapshot {
            // A damaged (or forked) snapshot was skipped; the rebuilt document replaces it.
            self.save_snapshot(&mut replica)?;
        }
        self.replicas.insert(coop, replica);
        self.loaded.insert(coop, last);
        Ok(())
    }

    /// Mends what a fork left (docs/protocol.md "Forks"), in one write unit: records the
    /// forks so members see them; when this home's own device key was used by another
    /// copy of the home, takes a new device key and binds it; then carries the records of
    /// shadowed changes into new changes, so no record is lost whichever branch won.
    fn mend(&mut self, coop: CoopId) -> Result<(), ApiError> {
        let Some(replica) = self.replicas.get(&coop) else {
            return Ok(());
        };
        let (_, forks) = replica.fork_verdict();
        let rekey = replica.own_device_elsewhere(&forks);
        if forks.is_empty() && !rekey && replica.stranded_records().is_empty() {
            return Ok(());
        }
        self.write_unit(|node| {
            let now = node.clock.now();
            for fork in &forks {
                if node.store.record_fork(coop, fork, now)? {
                    node.notice(format!(
                        "device {} wrote two different changes numbered {} (a copy of its home was used): both are kept, and their records count",
                        fork.device.short(),
                        fork.seq
                    ));
                }
            }
            if rekey {
                node.rekey(coop)?;
            }
            node.carry_stranded(coop)
        })
    }

    /// Gives this home a new device key, because a copy of the home writes under the old
    /// one: the old key is not revoked (the other copy may be the member's real laptop),
    /// only never used here again. The new key is bound with a `device.add` in every
    /// co-op where this member is active.
    fn rekey(&mut self, found_in: CoopId) -> Result<(), ApiError> {
        let old = self.device.public();
        let new = SecretKey::from_seed(random_seed());
        self.store.replace_device_key(&new, self.clock.now())?;
        self.device = new.clone();
        for replica in self.replicas.values_mut() {
            replica.switch_device(new.public());
        }
        self.notice(format!(
            "another copy of this home wrote as device {} (found in co-op {}): this laptop now writes as device {}",
            old.short(),
            found_in.short(),
            new.public().short()
        ));
        let (member, _) = self.member()?;
        let coops: Vec<CoopId> = self.store.coops()?.into_iter().map(|(id, _)| id).collect();
        for coop in coops {
            let active = self
                .replica(coop)?
                .state()
                .member(&member.public())
                .is_some_and(|m| m.standing == Standing::Active);
            if active && !self.replica(coop)?.device_is_active(&new.public()) {
                self.write(
                    coop,
                    Body::DeviceAdd(DeviceAdd {
                        device: new.public(),
                        name: device_label(),
                    }),
                )?;
            }
        }
        Ok(())
    }

    /// Carries the records of shadowed changes that this co-op's document lacks into new
    /// changes of this device (when it may write).
    fn carry_stranded(&mut self, coop: CoopId) -> Result<(), ApiError> {
        loop {
            let now = self.clock.now();
            let device = self.device.clone();
            let carried = match self.replica(coop)?.carry(&device, now) {
                Ok(Some(change)) => change,
                Ok(None) | Err(sangam_replica::WriteError::DeviceNotAllowed) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let mut replica = self.take_replica(coop);
            self.persist(&mut replica, "local", &[carried], &[])?;
            self.put_replica(replica);
        }
    }

    /// After an admission: replays the co-op by the fork rule when the document holds a
    /// change the rule shadows, then mends what the fork left.
    pub(crate) fn settle_forks(&mut self, coop: CoopId) -> Result<(), ApiError> {
        let Some(replica) = self.replicas.get(&coop) else {
            return Ok(());
        };
        if replica.needs_rebuild() {
            self.forget(coop);
            self.replica(coop)?;
            return Ok(());
        }
        self.mend(coop)
    }

    /// What this node did by itself that a member should hear of (a fork found and
    /// mended, a new device key, stored changes skipped), oldest first; taking them
    /// clears them.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Sends notices to `sink` as they happen instead of keeping them for
    /// [`Node::take_notices`] (the CLI prints them to stderr, `serve` logs them).
    pub fn notify_to(&mut self, sink: impl Fn(&str) + Send + 'static) {
        for notice in self.notices.drain(..) {
            sink(&notice);
        }
        self.notice_sink = Some(Box::new(sink));
    }

    fn notice(&mut self, text: String) {
        match &self.notice_sink {
            Some(sink) => sink(&text),
            None => self.notices.push(text),
        }
    }

    /// Durably stores admitted changes with the new projection; then, now and then, a
    /// snapshot. If storing fails the in-memory replica is dropped so it reloads from disk.
    fn persist(
        &mut self,
        replica: &mut Replica,
        source: &str,
        changes: &[SignedChange],
        rejections: &[(Option<ChangeHash>, String)],
    ) -> Result<(), ApiError> {
        debug_assert!(self.writing, "every commit runs inside a write unit");
        let state = replica.state();
        let coop = replica.coop();
        let members_changed = self.projected.get(&coop) != Some(&state.members);
        let commit = Commit {
            source,
            changes,
            rejections,
            state: &state,
            members_changed,
        };
        let now = self.clock.now();
        // Until it commits, what the projection holds is unknown.
        self.projected.remove(&coop);
        if let Err(e) = self.store.commit(commit, now) {
            self.replicas.remove(&coop);
            return Err(e.into());
        }
        self.projected.insert(coop, state.members);
        self.last_commit = Some(std::time::Instant::now());
        let in_snapshot = match self.snapshotted.get(&coop) {
            Some(count) => *count,
            None => {
                let count = self.store.snapshot_change_count(coop)?.unwrap_or(0) as usize;
                self.snapshotted.insert(coop, count);
                count
            }
        };
        // Snapshots grow with the document: save when it has grown by half since the last
        // one (and by at least SNAPSHOT_EVERY), so a big sync saves a handful, not hundreds.
        if replica.change_count() >= in_snapshot + SNAPSHOT_EVERY.max(in_snapshot / 2) {
            if self.defer_snapshots {
                self.snapshots_due.insert(coop);
            } else {
                self.save_snapshot(replica)?;
            }
        }
        Ok(())
    }

    fn save_snapshot(&mut self, replica: &mut Replica) -> Result<(), ApiError> {
        let count = replica.change_count();
        self.store
            .save_snapshot(replica.coop(), &replica.save(), count, self.clock.now())?;
        self.snapshotted.insert(replica.coop(), count);
        Ok(())
    }

    /// Makes commits leave due snapshots to [`Node::save_due_snapshots`].
    pub fn defer_snapshots(&mut self) {
        self.defer_snapshots = true;
    }

    /// Saves the snapshots that commits made due, once nothing has been committed for
    /// `quiet` (so a sync in progress is not slowed by them). Returns how many it saved.
    pub fn save_due_snapshots(&mut self, quiet: std::time::Duration) -> Result<usize, ApiError> {
        if self.snapshots_due.is_empty() || self.last_commit.is_some_and(|at| at.elapsed() < quiet)
        {
            return Ok(0);
        }
        let due: Vec<CoopId> = self.snapshots_due.drain().collect();
        let mut saved = 0;
        for coop in due {
            if self.replica(coop).is_err() {
                continue;
            }
            let mut replica = self.take_replica(coop);
            let result = self.save_snapshot(&mut replica);
            self.put_replica(replica);
            result?;
            saved += 1;
        }
        Ok(saved)
    }

    /// Signs and durably commits one record by this home's member.
    pub(crate) fn write(&mut self, coop: CoopId, body: Body) -> Result<(), ApiError> {
        self.write_returning(coop, body).map(|_| ())
    }

    /// Like [`Node::write`], returning the new record's id.
    pub(crate) fn write_returning(
        &mut self,
        coop: CoopId,
        body: Body,
    ) -> Result<RecordId, ApiError> {
        self.write_unit(|node| {
            let (member, _) = node.member()?;
            let now = node.clock.now();
            let device = node.device.clone();
            let replica = node.replica(coop)?;
            let (record, change) = replica.write(body, &member, &device, now)?;
            let mut replica = node.take_replica(coop);
            node.persist(&mut replica, "local", &[change], &[])?;
            node.put_replica(replica);
            Ok(record.id())
        })
    }

    /// Runs `f` as one write to the home: under the home's write lock (shared by every
    /// process using this home: the CLI, `serve`, the desktop app), after reading what
    /// other processes committed, and committed durably at the end, all or nothing.
    ///
    /// Every write path goes through here, so the sequence number and parents of a new
    /// change are always chosen from the whole change log, never from a stale copy: two
    /// writers on one home cannot give one device two changes with one sequence number.
    /// A writer that cannot get the lock within the store's wait writes nothing and says
    /// so ([`ErrorCode::Busy`]). Nested calls join the outer unit.
    pub(crate) fn write_unit<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        if self.writing {
            return f(self);
        }
        self.store.begin_write()?;
        self.writing = true;
        let before: Vec<(CoopId, usize)> = self
            .replicas
            .iter()
            .map(|(coop, r)| (*coop, r.admitted_count()))
            .collect();
        let result = self.catch_up().and_then(|_| f(self));
        let result = result.and_then(|value| {
            // Every co-op in memory has read the log up to here (it caught up first, and
            // what this unit added is its own), including one created or joined just now.
            let last = self.store.last_position()?;
            let coops: Vec<CoopId> = self.replicas.keys().copied().collect();
            for coop in coops {
                self.loaded.insert(coop, last);
            }
            self.store.end_write(true)?;
            Ok(value)
        });
        self.writing = false;
        if result.is_err() {
            // Nothing of this unit is on disk: forget what it changed in memory, so the
            // next use reloads from the log.
            let _ = self.store.end_write(false);
            for &(coop, count) in &before {
                if self
                    .replicas
                    .get(&coop)
                    .is_none_or(|r| r.admitted_count() != count)
                {
                    self.forget(coop);
                }
            }
            // Replicas first loaded inside the unit may hold what it wrote, too.
            let loaded_now: Vec<CoopId> = self.replicas.keys().copied().collect();
            for coop in loaded_now {
                if !before.iter().any(|(c, _)| *c == coop) {
                    self.forget(coop);
                }
            }
        }
        result
    }

    /// Drops a co-op's in-memory replica and what this node remembers of it.
    fn forget(&mut self, coop: CoopId) {
        self.replicas.remove(&coop);
        self.loaded.remove(&coop);
        self.projected.remove(&coop);
        self.snapshotted.remove(&coop);
    }

    /// Reads changes that another process sharing this home (a CLI command while `serve`
    /// runs) stored since this node last looked, into the loaded replicas. Returns the
    /// co-ops that changed.
    pub fn catch_up(&mut self) -> Result<Vec<CoopId>, ApiError> {
        let mut changed = Vec::new();
        let coops: Vec<CoopId> = self.replicas.keys().copied().collect();
        for coop in coops {
            let after = self.loaded.get(&coop).copied().unwrap_or(0);
            let rows = self.store.changes_after(coop, after)?;
            let Some(last) = rows.last().map(|(seq, _)| *seq) else {
                continue;
            };
            let replica = self.replicas.get_mut(&coop).expect("listed above");
            let admitted =
                replica.admit(rows.into_iter().map(|(_, c)| c).collect(), Trust::OwnStore);
            self.loaded.insert(coop, last);
            if replica.needs_rebuild() {
                // Another process stored a fork's kept branch: replay on next use.
                self.forget(coop);
                changed.push(coop);
            } else if !admitted.applied.is_empty() {
                // Another process wrote the member projection since this node did; the
                // next commit here compares against what is really there.
                self.projected.remove(&coop);
                changed.push(coop);
            }
        }
        Ok(changed)
    }

    /// This install's device key.
    pub(crate) fn device_secret(&self) -> &SecretKey {
        &self.device
    }

    /// Takes a loaded replica out (to work on it and the store at once).
    pub(crate) fn take_replica(&mut self, coop: CoopId) -> Replica {
        self.replicas
            .remove(&coop)
            .expect("callers load the replica first")
    }

    /// Puts a replica back.
    pub(crate) fn put_replica(&mut self, replica: Replica) {
        self.replicas.insert(replica.coop(), replica);
    }

    /// Stores what a taken replica admitted, then puts it back (or drops it if storing
    /// failed, so it reloads from disk).
    pub(crate) fn persist_taken(
        &mut self,
        mut replica: Replica,
        source: &str,
        changes: &[SignedChange],
        rejections: &[(Option<ChangeHash>, String)],
    ) -> Result<(), ApiError> {
        self.persist(&mut replica, source, changes, rejections)?;
        self.put_replica(replica);
        Ok(())
    }

    /// Milliseconds since the epoch, from this node's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A co-op in detail.
    pub fn coop_show(&mut self, coop: CoopId) -> Result<CoopDto, ApiError> {
        let replica = self.replica(coop)?;
        let state = replica.state();
        let genesis = state
            .genesis
            .clone()
            .ok_or_else(|| ApiError::new(ErrorCode::Storage, "the co-op has no genesis record"))?;
        // The bylaws in force, amendments included.
        let bylaws = state.bylaws.unwrap_or(genesis.bylaws);
        let founder = state
            .members
            .iter()
            .find(|m| m.admitted_by == coop)
            .map(|m| m.key.to_string());
        Ok(CoopDto {
            id: coop.to_string(),
            name: genesis.name,
            currency: genesis.currency,
            admission: match bylaws.admission {
                sangam_model::Admission::AnyMember => "any_member".into(),
                sangam_model::Admission::Proposal => "proposal".into(),
            },
            quorum_pct: bylaws.voting.quorum_pct,
            threshold: format!(
                "{}/{}",
                bylaws.voting.threshold.num, bylaws.voting.threshold.den
            ),
            founder: founder.unwrap_or_default(),
            members: state.active_members().count(),
            devices: state.devices.len(),
            records: replica.fold().len(),
            changes: replica.change_count(),
            heads: replica.heads().iter().map(|h| h.to_string()).collect(),
        })
    }

    /// The co-op's state as folded from its records.
    pub fn state(&mut self, coop: CoopId) -> Result<CoopState, ApiError> {
        Ok(self.replica(coop)?.state())
    }

    /// Members, from the projection (no replay needed).
    pub fn members(&self, coop: CoopId) -> Result<Vec<MemberDto>, ApiError> {
        Ok(self
            .store
            .members(coop)?
            .into_iter()
            .map(|m| MemberDto {
                key: m.key.to_string(),
                name: m.name,
                contact: m.contact,
                standing: m.standing,
                admitted_by: m.admitted_by.to_string(),
                admitted_at: m.admitted_at,
            })
            .collect())
    }

    /// Resolves a member by unique key prefix.
    pub fn resolve_member(&mut self, coop: CoopId, prefix: &str) -> Result<PublicKey, ApiError> {
        let prefix = prefix.trim().to_lowercase();
        let prefix = prefix.as_str();
        if prefix.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "give a member key (or the start of one)",
            ));
        }
        if let Ok(key) = prefix.parse::<PublicKey>() {
            return Ok(key);
        }
        let state = self.state(coop)?;
        let matches: Vec<PublicKey> = state
            .members
            .iter()
            .map(|m| m.key)
            .filter(|k| k.to_string().starts_with(prefix))
            .collect();
        match matches.as_slice() {
            [key] => Ok(*key),
            [] => Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no member key starts with {prefix:?}"),
            )),
            _ => Err(ApiError::new(
                ErrorCode::Ambiguous,
                format!("several member keys start with {prefix:?}"),
            )),
        }
    }

    /// Admits a member key.
    pub fn admit(&mut self, coop: CoopId, member: &str, name: &str) -> Result<MemberDto, ApiError> {
        let key = parse_key(member, "the member key")?;
        let name = name.trim().to_owned();
        self.write(coop, Body::MemberAdmit(MemberAdmit { member: key, name }))?;
        self.member_dto(coop, &key)
    }

    fn member_dto(&self, coop: CoopId, key: &PublicKey) -> Result<MemberDto, ApiError> {
        self.members(coop)?
            .into_iter()
            .find(|m| m.key == key.to_string())
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "member not found after writing"))
    }

    /// This home's member leaves the co-op.
    pub fn leave(&mut self, coop: CoopId) -> Result<(), ApiError> {
        self.write(coop, Body::MemberLeave(MemberLeave {}))
    }

    /// Removes another member (when the bylaws let any member do so).
    pub fn remove(&mut self, coop: CoopId, member: &str, reason: &str) -> Result<(), ApiError> {
        let key = self.resolve_member(coop, member)?;
        self.write(
            coop,
            Body::MemberRemove(MemberRemove {
                member: key,
                reason: reason.trim().to_owned(),
            }),
        )
    }

    /// Changes this member's display name and/or contact line.
    pub fn update_profile(
        &mut self,
        coop: CoopId,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> Result<MemberDto, ApiError> {
        if name.is_none() && contact.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "give --name and/or --contact",
            ));
        }
        let (member, _) = self.member()?;
        let update = MemberUpdate {
            name: name.map(|n| n.trim().to_owned()),
            contact: contact.map(|c| c.trim().to_owned()),
        };
        self.write(coop, Body::MemberUpdate(update))?;
        self.member_dto(coop, &member.public())
    }

    /// Revokes one of this member's devices (a lost laptop).
    pub fn revoke_device(&mut self, coop: CoopId, device: &str) -> Result<(), ApiError> {
        let key = parse_key(device, "the device key")?;
        if key == self.device.public() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "this is the device you are using; revoke it from another device",
            ));
        }
        self.write(
            coop,
            Body::DeviceRevoke(sangam_model::body::DeviceRevoke { device: key }),
        )
    }

    /// Devices bound in the co-op.
    pub fn devices(&mut self, coop: CoopId) -> Result<Vec<DeviceDto>, ApiError> {
        let this = self.device.public();
        let state = self.state(coop)?;
        let forks = self.store.forks(coop)?;
        Ok(state
            .devices
            .iter()
            .map(|d| DeviceDto {
                key: d.key.to_string(),
                member: d.member.to_string(),
                member_name: state
                    .member(&d.member)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                member_active: state
                    .member(&d.member)
                    .is_some_and(|m| m.standing == Standing::Active),
                name: d.name.clone(),
                revoked: d.revoked,
                this_device: d.key == this,
                forked_at: forks
                    .iter()
                    .filter(|f| f.device == d.key)
                    .map(|f| f.found_at)
                    .min(),
            })
            .collect())
    }

    /// The co-op's records, newest first (deepest in the causal order first).
    pub fn log(&mut self, coop: CoopId) -> Result<Vec<LogEntryDto>, ApiError> {
        let replica = self.replica(coop)?;
        let state = replica.state();
        let fold = replica.fold();
        let name_of = |key: &PublicKey| state.member(key).map(|m| m.name.clone());
        let entries: Vec<LogEntryDto> = fold
            .ordered()
            .into_iter()
            .rev()
            .map(|placed| {
                let record = &placed.record;
                let status = match fold.standing_of(&record.id(), &state) {
                    Some(Ok(())) | None => "valid".to_owned(),
                    Some(Err(e)) => e.to_string(),
                };
                LogEntryDto {
                    id: record.id().to_string(),
                    kind: record.kind().to_string(),
                    author: record.author().to_string(),
                    author_name: name_of(&record.author()),
                    at: record.at(),
                    summary: summarize(record.body(), &name_of),
                    status,
                }
            })
            .collect();
        Ok(entries)
    }

    /// Writes the co-op's changes (all, or those not in the past of `since`) as a bundle.
    pub fn export_bundle(
        &mut self,
        coop: CoopId,
        since: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExportDto), ApiError> {
        let since_heads = match since {
            None => Vec::new(),
            Some(bytes) => {
                let previous = Bundle::decode(bytes).map_err(|e| {
                    ApiError::new(
                        ErrorCode::BadBundle,
                        format!("the --since file is not a usable bundle: {e}"),
                    )
                })?;
                if previous.coop != coop {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "the --since bundle belongs to another co-op",
                    ));
                }
                previous.heads
            }
        };
        let heads = self.replica(coop)?.heads();
        let changes = self.stored_changes_since(coop, &since_heads)?;
        let bundle = Bundle {
            coop,
            heads,
            changes,
        };
        let bytes = bundle.encode();
        let dto = ExportDto {
            coop: coop.to_string(),
            changes: bundle.changes.len(),
            heads: bundle.heads.iter().map(|h| h.to_string()).collect(),
            bytes: bytes.len(),
        };
        Ok((bytes, dto))
    }

    /// Verifies and applies a bundle. A co-op new to this home is kept only if its records
    /// admit this home's member key; this device is then bound to the member with a
    /// `device.add`. Nothing is stored unless the whole import commits.
    pub fn import_bundle(&mut self, bytes: &[u8]) -> Result<ImportDto, ApiError> {
        let bundle = Bundle::decode(bytes)?;
        self.import_changes(bundle.coop, bundle.changes, "bundle")
    }

    /// Verifies and applies changes of `coop` from `source` (a bundle, or an inviter's
    /// laptop), as [`Node::import_bundle`] describes.
    pub(crate) fn import_changes(
        &mut self,
        coop: CoopId,
        incoming: Vec<sangam_replica::RawChange>,
        source: &str,
    ) -> Result<ImportDto, ApiError> {
        self.write_unit(|node| node.import_changes_locked(coop, incoming, source))
    }

    fn import_changes_locked(
        &mut self,
        coop: CoopId,
        incoming: Vec<sangam_replica::RawChange>,
        source: &str,
    ) -> Result<ImportDto, ApiError> {
        let known = self.store.coops()?.iter().any(|(id, _)| *id == coop);
        let (member, _) = self.member()?;
        let mut replica = if known {
            self.replicas
                .remove(&coop)
                .map_or_else(|| self.load_replica(coop), Ok)?
        } else {
            Replica::new(coop, self.device.public())
        };
        let admitted: Admitted = replica.admit(
            incoming,
            Trust::Verify {
                now: self.clock.now(),
            },
        );
        let rejections: Vec<(Option<ChangeHash>, String)> = admitted
            .rejected
            .iter()
            .map(|r| (r.hash, r.reason.to_string()))
            .collect();
        let mut changes = admitted.to_store();
        let state = replica.state();
        let joined = !known;
        let admits_me = state
            .member(&member.public())
            .is_some_and(|m| m.standing == Standing::Active);
        if joined {
            let Some(genesis) = state.genesis.as_ref() else {
                return Err(ApiError::new(
                    ErrorCode::BadBundle,
                    "the bundle does not contain its co-op's genesis: export it in full (without --since); nothing was changed",
                ));
            };
            if !admits_me {
                return Err(ApiError::new(
                    ErrorCode::Refused,
                    format!(
                        "co-op {:?} does not admit your member key {} yet: ask a member to run `sangam member admit {}`, then import their new bundle; nothing was changed",
                        genesis.name,
                        member.public(),
                        member.public()
                    ),
                ));
            }
        }
        // A member's new device binds itself with its first change (the newcomer bootstrap).
        if admits_me
            && !replica.device_is_active(&self.device.public())
            && !state.devices.iter().any(|d| d.key == self.device.public())
        {
            let add = Body::DeviceAdd(DeviceAdd {
                device: self.device.public(),
                name: device_label(),
            });
            let (_, change) = replica.write(add, &member, &self.device, self.clock.now())?;
            changes.push(change);
        }
        self.persist(&mut replica, source, &changes, &rejections)?;
        let name = state
            .genesis
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default();
        self.replicas.insert(coop, replica);
        self.settle_forks(coop)?;
        let dto = ImportDto {
            coop: coop.to_string(),
            name,
            joined,
            applied: admitted.applied.len(),
            duplicates: admitted.duplicates,
            rejected: admitted
                .rejected
                .iter()
                .map(|r| RejectedDto {
                    change: r.hash.map(|h| h.to_string()),
                    reason: r.reason.to_string(),
                })
                .collect(),
        };
        Ok(dto)
    }

    /// The stored changes of `coop` not in the past of `since` (all for `&[]`), each after
    /// its deps, read from the change log: rebuilding them from the Automerge document
    /// would cost far more time and memory on a large co-op.
    pub(crate) fn stored_changes_since(
        &mut self,
        coop: CoopId,
        since: &[ChangeHash],
    ) -> Result<Vec<sangam_replica::RawChange>, ApiError> {
        let past = self.replica(coop)?.past_of(since);
        Ok(self
            .store
            .changes_with_hashes(coop)?
            .into_iter()
            .filter(|(hash, _)| !past.contains(hash))
            .map(|(_, change)| change)
            .collect())
    }

    fn load_replica(&mut self, coop: CoopId) -> Result<Replica, ApiError> {
        self.replica(coop)?;
        Ok(self.replicas.remove(&coop).expect("loaded above"))
    }
}

/// This machine's name, for labelling its device.
fn device_label() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let host: String = host
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    if host.is_empty() {
        "device".to_owned()
    } else {
        host
    }
}

fn summarize(body: &Body, name_of: &dyn Fn(&PublicKey) -> Option<String>) -> String {
    let who = |key: &PublicKey| name_of(key).unwrap_or_else(|| key.short());
    match body {
        Body::CoopGenesis(g) => format!("founded {:?} ({})", g.name, g.currency),
        Body::MemberAdmit(a) => format!("admitted {} ({})", a.name, a.member.short()),
        Body::MemberLeave(_) => "left the co-op".to_owned(),
        Body::MemberRemove(r) => format!("removed {}: {}", who(&r.member), r.reason),
        Body::MemberUpdate(u) => match (&u.name, &u.contact) {
            (Some(n), _) => format!("now called {n}"),
            (None, Some(_)) => "updated contact".to_owned(),
            (None, None) => "updated profile".to_owned(),
        },
        Body::DeviceAdd(d) => format!("added device {} ({})", d.name, d.device.short()),
        Body::DeviceRevoke(d) => format!("revoked device {}", d.device.short()),
        Body::ProposalOpen(p) => format!("proposed {:?} ({})", p.title, p.method.as_str()),
        Body::Ballot(b) => format!("voted on {} (ballot {})", b.proposal.short(), b.seq),
        Body::ProxyGrant(g) => format!(
            "gave a proxy on {} to {}",
            g.proposal.short(),
            who(&g.holder)
        ),
        Body::ProxyRevoke(r) => format!("revoked a proxy on {}", r.proposal.short()),
        Body::ProposalClose(c) => format!(
            "closed {} counting {} ballot(s)",
            c.proposal.short(),
            c.ballots.len()
        ),
        Body::ProposalWithdraw(w) => format!("withdrew {}", w.proposal.short()),
        Body::CoopSettings(c) => match &c.relay {
            Some(url) => format!("set the co-op's relay to {url}"),
            None => "set the co-op's relay to n0's public relays".to_owned(),
        },
    }
}
