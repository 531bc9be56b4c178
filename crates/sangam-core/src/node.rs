//! The node: one home's store, keys and loaded replicas, and the one write path
//! ([`Node::write_unit`]) every write takes. Only [`crate::Home`] reaches it, behind its
//! lock, so no write can skip durability or notification.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sangam_model::{Body, CoopId, PublicKey, RecordId, SecretKey, Timestamp};
use sangam_replica::{Replica, SignedChange, Trust};
use sangam_store::{Commit, MemberChanges, MemberRow, Rejection, Store};

use crate::error::damaged;
use crate::events::{Event, Origin};
use crate::problem::{ProblemKey, problem};
use crate::{ApiError, Notice};

/// When `Node::keep_replica` (saved_replicas.rs) saves a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaveWhen {
    /// Once its fold grew by `SAVE_EVERY_RECORDS` since it was last saved.
    Grown,
    /// After changes from outside: also whenever it grew at all, if its rest was read.
    GrownFromOutside,
    /// At once.
    Now,
}

/// The database file inside a home directory.
pub const DB_FILE: &str = "sangam.sqlite3";

/// The latest time Sangam writes or accepts from a member: the end of the year 9999 (ms
/// since the epoch). Every time stays well inside JSON's exact integers (2^53) and can be
/// shown as a date.
pub const LATEST_TIME: Timestamp = 253_402_300_799_999;

/// A time for people: UTC, to the minute ("2026-12-01 18:00 UTC").
pub(crate) fn when_utc(ms: Timestamp) -> String {
    let ms = ms.clamp(0, LATEST_TIME);
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
    let text = humantime::format_rfc3339_seconds(time).to_string();
    format!("{} {} UTC", &text[..10], &text[11..16])
}

/// `span` after `now`, if that is not past [`LATEST_TIME`].
pub(crate) fn time_after(now: Timestamp, span: std::time::Duration) -> Option<Timestamp> {
    let millis = i64::try_from(span.as_millis()).ok()?;
    now.checked_add(millis).filter(|at| *at <= LATEST_TIME)
}

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

/// How many notices [`Node::take_notices`] keeps for a caller that never takes them.
const NOTICES_KEPT: usize = 64;

/// Where a node tells the world what it did: subscribers (typed events) and live sync
/// sessions (the co-ops that changed).
#[derive(Clone)]
pub(crate) struct Outlets {
    pub(crate) events: crate::events::Sender,
    pub(crate) changed: tokio::sync::broadcast::Sender<CoopId>,
}

/// One install: a home directory with its database, keys and co-ops.
pub(crate) struct Node {
    pub(crate) home: PathBuf,
    pub(crate) store: Store,
    pub(crate) device: SecretKey,
    pub(crate) clock: Box<dyn Clock>,
    /// Where new secrets come from.
    entropy: Box<dyn Entropy>,
    pub(crate) replicas: HashMap<CoopId, Replica>,
    /// Co-ops whose replica is lent out of the node for a sync's document work
    /// ([`crate::lending`]), and where lent replicas come back.
    pub(crate) lent: std::collections::HashSet<CoopId>,
    pub(crate) lending: std::sync::Arc<crate::lending::Lending>,
    /// Per loaded co-op, the last change-log position read into its replica.
    pub(crate) loaded: HashMap<CoopId, i64>,
    /// Per co-op, the members as last written to the projection by this node, so a commit
    /// that leaves them as they were does not rewrite them.
    pub(crate) projected: HashMap<CoopId, Vec<MemberRow>>,
    /// Per co-op, how many changes the stored snapshot holds (reading it from the table
    /// would walk the whole snapshot blob).
    pub(crate) snapshotted: HashMap<CoopId, usize>,
    /// Per co-op, how many records its saved replica holds ([`crate::saved_replicas`]).
    pub(crate) saved_records: HashMap<CoopId, usize>,
    /// Co-ops whose replica is due to be saved once the home is quiet (when snapshots are
    /// deferred: a node serving the network does not save in the middle of a sync).
    pub(crate) replicas_due: std::collections::HashSet<CoopId>,
    /// Co-ops replayed in full outside a write unit (a write that reads first, as a labour
    /// log checks the day's hours): the next commit saves their replica at once, so the
    /// next process does not replay them again.
    pub(crate) replayed_unsaved: std::collections::HashSet<CoopId>,
    /// Per co-op, the log position the saved replica's whole state covers (its core may
    /// cover more: [`crate::saved_replicas`]).
    pub(crate) saved_whole_at: HashMap<CoopId, i64>,
    /// How many times this node replayed a co-op's whole change log (tests check that
    /// opening a saved replica needs none).
    pub(crate) replays: usize,
    /// Co-ops whose books' projection this node has checked against the fold (once a
    /// process: every commit keeps it up to date after that).
    pub(crate) books_checked: std::collections::HashSet<CoopId>,
    /// Whether snapshots wait for [`Node::save_due_snapshots`] instead of being saved by
    /// the commit that made them due (a node serving the network saves them between
    /// syncs, not in the middle of one).
    pub(crate) defer_snapshots: bool,
    /// Co-ops whose snapshot is due, with when this node last committed.
    pub(crate) snapshots_due: std::collections::HashSet<CoopId>,
    pub(crate) last_commit: Option<std::time::Instant>,
    /// Whether a write unit ([`Node::write_unit`]) holds the home's write lock now.
    pub(crate) writing: bool,
    /// See [`Node::take_notices`].
    pub(crate) notices: Vec<crate::Notice>,
    /// The reads kept ready outside the node, refreshed after each commit.
    pub(crate) published: std::sync::Arc<crate::published::Published>,
    pub(crate) outlets: Outlets,
    /// What the write unit in progress will announce once it commits.
    pub(crate) announce: Vec<Event>,
    /// Co-ops the write unit in progress changed.
    pub(crate) touched: std::collections::BTreeSet<CoopId>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.home.display())
    }
}

/// Where a home's new secrets come from (its device key, a member key, invite and link
/// secrets): the operating system, or a seeded generator when a simulation must replay a
/// run exactly.
pub trait Entropy: Send + Sync {
    /// 32 bytes no one can guess (unless they chose the generator).
    fn seed(&self) -> [u8; 32];
}

/// The operating system's randomness.
#[derive(Debug, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the operating system provides randomness");
        seed
    }
}

impl Node {
    /// 32 fresh secret bytes.
    pub(crate) fn random_seed(&self) -> [u8; 32] {
        self.entropy.seed()
    }

    /// Opens the home at `home`, creating the directory, the database and the device key
    /// on first use.
    pub(crate) fn open(
        home: &Path,
        clock: Box<dyn Clock>,
        entropy: Box<dyn Entropy>,
        outlets: Outlets,
        published: std::sync::Arc<crate::published::Published>,
    ) -> Result<Self, ApiError> {
        let tightened = crate::private::make_private(home, DB_FILE)?;
        let store = Store::open(&home.join(DB_FILE))?;
        let device = store.device_key(|| entropy.seed(), clock.now())?;
        Ok(Self {
            home: home.to_path_buf(),
            store,
            device,
            clock,
            entropy,
            replicas: HashMap::new(),
            lent: Default::default(),
            lending: Default::default(),
            loaded: HashMap::new(),
            projected: HashMap::new(),
            snapshotted: HashMap::new(),
            saved_records: HashMap::new(),
            replicas_due: Default::default(),
            replayed_unsaved: Default::default(),
            saved_whole_at: HashMap::new(),
            replays: 0,
            books_checked: Default::default(),
            defer_snapshots: false,
            snapshots_due: Default::default(),
            last_commit: None,
            writing: false,
            notices: tightened
                .iter()
                .map(|path| Notice::MadePrivate {
                    path: path.to_string(),
                })
                .collect(),
            published,
            outlets,
            announce: Vec::new(),
            touched: Default::default(),
        })
    }

    /// The home directory.
    pub(crate) fn home(&self) -> &Path {
        &self.home
    }

    /// The store, for checks such as integrity.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Loads (once) and returns a co-op's replica. A log holding a fork is replayed by
    /// the fork rule and mended ([`Node::mend`]); a change that does not replay is
    /// skipped and reported in [`Node::take_notices`], never a reason to refuse the rest.
    pub(crate) fn replica(&mut self, coop: CoopId) -> Result<&mut Replica, ApiError> {
        self.recall(coop);
        if !self.replicas.contains_key(&coop) {
            self.load(coop)?;
            if let Err(e) = self.mend(coop) {
                self.notice(Notice::NotMended {
                    coop: coop.to_string(),
                    error: e.message,
                });
            }
            if !self.replicas.contains_key(&coop) {
                // The mend rolled back and dropped what it had loaded.
                self.load(coop)?;
            }
        }
        Ok(self.replicas.get_mut(&coop).expect("loaded above"))
    }

    pub(crate) fn load(&mut self, coop: CoopId) -> Result<(), ApiError> {
        if let Some((replica, last)) = self.opened_saved(coop)? {
            // A long tail is saved on, so the next process does not replay it again (in a
            // write unit only: a read never waits for the home's write lock).
            if self.writing {
                self.keep_replica(&replica, SaveWhen::Grown)?;
            }
            self.replicas.insert(coop, replica);
            self.loaded.insert(coop, last);
            return Ok(());
        }
        let (mut replica, last, stale_snapshot) = self.restored(coop, true)?;
        if stale_snapshot {
            // A damaged (or forked) snapshot was skipped, or one without its heads was
            // loaded: the document replaces it.
            self.save_snapshot(&mut replica)?;
        }
        // Replayed in full: saved, so the next process opens it instead. Outside a write,
        // in a unit of its own if the write lock is free now (a read never waits for it),
        // else by this process's next commit; a serving home saves it when quiet.
        if self.writing {
            self.keep_replica(&replica, SaveWhen::Now)?;
        } else if self.defer_snapshots
            || !matches!(
                self.write_unit_if_free(|node| node.keep_replica(&replica, SaveWhen::Now)),
                Ok(Some(()))
            )
        {
            self.replayed_unsaved.insert(coop);
        }
        self.replicas.insert(coop, replica);
        self.loaded.insert(coop, last);
        Ok(())
    }

    /// A co-op's replica restored from the change log (on its snapshot, if `use_snapshot`
    /// and it is usable), the log position it has read to, and whether the stored
    /// snapshot should be replaced.
    fn restored(
        &mut self,
        coop: CoopId,
        use_snapshot: bool,
    ) -> Result<(Replica, i64, bool), ApiError> {
        self.replays += 1;
        let snapshot = if use_snapshot {
            self.store.snapshot(coop)?
        } else {
            None
        };
        let rows = self.store.changes_after(coop, 0)?;
        let last = rows.last().map_or(0, |row| row.position);
        let changes: Vec<_> = rows.into_iter().map(|row| row.change).collect();
        if changes.is_empty() {
            return Err(problem(ProblemKey::CoopNotHere)
                .with("coop", coop.short())
                .into());
        }
        let had_snapshot = !use_snapshot || snapshot.is_some();
        // A snapshot saved before its heads were kept is rewritten with them, so the next
        // open need not load it.
        let legacy_snapshot = snapshot.as_ref().is_some_and(|s| s.heads.is_none());
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
            return Err(damaged(format!(
                "the stored change log of co-op {} holds no change that replays: the home is damaged",
                coop.short()
            )));
        }
        if !admitted.rejected.is_empty() {
            self.notice(Notice::Skipped {
                coop: coop.to_string(),
                changes: admitted.rejected.len(),
                first: admitted.rejected[0].reason.to_string(),
            });
        }
        let stale_snapshot = had_snapshot && (!used_snapshot || legacy_snapshot);
        Ok((replica, last, stale_snapshot))
    }

    /// A co-op's replica with its whole document, for a sync: one whose saved document
    /// turns out not to load is restored from the change log alone, and the snapshot is
    /// replaced.
    pub(crate) fn replica_for_sync(&mut self, coop: CoopId) -> Result<&mut Replica, ApiError> {
        if !self.replica(coop)?.load_saved_document() {
            let mut replica = self.take_replica(coop);
            let saved = self.save_snapshot(&mut replica);
            self.put_replica(replica);
            saved?;
        }
        Ok(self.replicas.get_mut(&coop).expect("loaded above"))
    }

    /// What this node did by itself that a member should hear of (a fork found and
    /// mended, a new device key, stored changes skipped), oldest first; taking them
    /// clears them. Each is also sent as an [`Event::Notice`] when it happens.
    pub(crate) fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    pub(crate) fn notice(&mut self, notice: Notice) {
        if self.notices.len() >= NOTICES_KEPT {
            self.notices.remove(0);
        }
        self.notices.push(notice.clone());
        let _ = self.outlets.events.send(Event::Notice { notice });
    }

    /// Durably stores admitted changes with the new projection; then, now and then, a
    /// snapshot. If storing fails the in-memory replica is dropped so it reloads from disk.
    pub(crate) fn persist(
        &mut self,
        replica: &mut Replica,
        origin: Origin,
        changes: &[SignedChange],
        rejections: &[Rejection],
    ) -> Result<(), ApiError> {
        debug_assert!(self.writing, "every commit runs inside a write unit");
        let state = replica.state();
        let coop = replica.coop();
        // The projection is written member by member: only rows that differ from what
        // it holds (as this node last wrote it, else as read back from it).
        let before = match self.projected.remove(&coop) {
            Some(rows) => rows,
            None => self.store.members(coop)?,
        };
        let after: Vec<MemberRow> = state.members.iter().map(MemberRow::from).collect();
        let changed: Vec<MemberRow> = after
            .iter()
            .filter(|row| !before.contains(row))
            .cloned()
            .collect();
        let gone: Vec<PublicKey> = before
            .iter()
            .filter(|old| !after.iter().any(|row| row.key == old.key))
            .map(|old| old.key)
            .collect();
        // The details and devices the next process shows without a replay (none for a
        // co-op whose genesis is not here: it is read from a replay, as before).
        let reads = crate::membership::projection::coop_reads(replica, &state)
            .and_then(|details| crate::membership::projection::json(&details))
            .and_then(|details| {
                let devices = if crate::membership::projection::devices_touched(replica, changes) {
                    Some(crate::membership::projection::json(
                        &crate::membership::projection::device_reads(&state),
                    )?)
                } else {
                    None
                };
                Ok((details, devices))
            })
            .ok();
        let listings = crate::market::projection::touched_listings(replica, changes);
        let (accounts, entries) = crate::books::projection::touched_books(replica, changes);
        let commit = Commit {
            coop,
            coop_name: state.genesis.as_ref().map_or("", |g| g.name.as_str()),
            coop_currency: state.genesis.as_ref().map_or("", |g| g.currency.as_str()),
            reads: reads
                .as_ref()
                .map(|(details, devices)| sangam_store::CoopReads {
                    details,
                    devices: devices.as_deref(),
                }),
            source: origin.into(),
            changes,
            rejections,
            members: MemberChanges {
                changed: &changed,
                gone: &gone,
            },
            listings: &listings,
            books: sangam_store::BooksChanges {
                accounts: &accounts,
                entries: &entries,
            },
        };
        let now = self.clock.now();
        if let Err(e) = self.store.commit(commit, now) {
            self.replicas.remove(&coop);
            return Err(e.into());
        }
        let members_changed = !changed.is_empty() || !gone.is_empty();
        self.projected.insert(coop, after);
        self.last_commit = Some(std::time::Instant::now());
        self.announce_changes(replica, origin, changes, members_changed);
        for rejection in rejections {
            self.announce.push(Event::ChangeRefused {
                coop,
                origin,
                reason: rejection.reason.clone(),
            });
        }
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
        let when = if origin == Origin::Local {
            SaveWhen::Grown
        } else {
            SaveWhen::GrownFromOutside
        };
        self.keep_replica(replica, when)?;
        Ok(())
    }

    pub(crate) fn save_snapshot(&mut self, replica: &mut Replica) -> Result<(), ApiError> {
        let saved = match replica.save_document() {
            Some(saved) => saved,
            None => {
                // The saved document did not load when it was needed, or the document
                // holds what the log does not: the replica is restored from the change log
                // alone, and its document is saved.
                let coop = replica.coop();
                *replica = self.restored(coop, false)?.0;
                replica
                    .save_document()
                    .expect("restored without a snapshot, the document is whole")
            }
        };
        self.store_snapshot(replica.coop(), &saved, replica.change_count())
    }

    /// Makes commits leave due snapshots to [`crate::Home::save_snapshots`].
    pub(crate) fn defer_snapshots(&mut self) {
        self.defer_snapshots = true;
    }

    /// The co-ops whose snapshot commits made due, taken, once nothing has been committed
    /// for `quiet` (so a sync in progress is not slowed by them).
    pub(crate) fn take_due_snapshots(&mut self, quiet: std::time::Duration) -> Vec<CoopId> {
        if self.last_commit.is_some_and(|at| at.elapsed() < quiet) {
            return Vec::new();
        }
        let mut due: Vec<CoopId> = self.snapshots_due.drain().collect();
        due.sort();
        due
    }

    /// Stores a snapshot of `coop` saved from its replica (lent, so the saving held no
    /// node lock) when it held `count` changes.
    pub(crate) fn store_snapshot(
        &mut self,
        coop: CoopId,
        saved: &sangam_replica::SavedDocument,
        count: usize,
    ) -> Result<(), ApiError> {
        self.store
            .save_snapshot(coop, saved, count, self.clock.now())?;
        self.snapshotted.insert(coop, count);
        Ok(())
    }

    /// Saves `coop`'s snapshot under the node lock (when the document must be restored
    /// from the change log first).
    pub(crate) fn save_snapshot_of(&mut self, coop: CoopId) -> Result<(), ApiError> {
        self.replica(coop)?;
        let mut replica = self.take_replica(coop);
        let result = self.save_snapshot(&mut replica);
        self.put_replica(replica);
        result
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
            node.persist(&mut replica, Origin::Local, &[change], &[])?;
            node.put_replica(replica);
            Ok(record.id())
        })
    }

    /// A write that reads what it is judged by (the fold, the books' projection) inside
    /// its write unit, after catching up with what other processes committed: two
    /// processes cannot both pass a check that only one of them should. The co-op's
    /// replica is loaded first, outside the unit, so a replay that a refusal rolls back is
    /// not lost (it is saved in a unit of its own).
    pub(crate) fn judged_write<R>(
        &mut self,
        coop: CoopId,
        f: impl FnOnce(&mut Self) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.replica(coop)?;
        self.write_unit(f)
    }

    /// Runs `f` as one write to the home: under the home's write lock (shared by every
    /// process using this home: the CLI, `serve`, the desktop app), after reading what
    /// other processes committed, and committed durably at the end, all or nothing.
    ///
    /// Every write path goes through here, so the sequence number and parents of a new
    /// change are always chosen from the whole change log, never from a stale copy: two
    /// writers on one home cannot give one device two changes with one sequence number.
    /// A writer that cannot get the lock within the store's wait writes nothing and says
    /// so ([`crate::ErrorCode::Busy`]). Nested calls join the outer unit.
    pub(crate) fn write_unit<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        if self.writing {
            return f(self);
        }
        self.store.begin_write()?;
        self.run_unit(f)
    }

    /// A write unit begun only if the home's write lock is free now (for what a reader
    /// does on the side, which must never wait for it); `None` when another process
    /// holds it.
    pub(crate) fn write_unit_if_free<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, ApiError>,
    ) -> Result<Option<R>, ApiError> {
        if self.writing {
            return f(self).map(Some);
        }
        if !self.store.try_begin_write()? {
            return Ok(None);
        }
        self.run_unit(f).map(Some)
    }

    /// The rest of a write unit, its transaction begun.
    fn run_unit<R>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.writing = true;
        let before: Vec<(CoopId, u64)> = self
            .replicas
            .iter()
            .map(|(coop, r)| (*coop, r.generation()))
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
            #[cfg(debug_assertions)]
            self.assert_replicas_agree_with_the_log(&before)?;
            self.store.end_write(true)?;
            Ok(value)
        });
        self.writing = false;
        if result.is_ok() {
            // Durable now: tell live sessions (so it reaches connected peers) and
            // subscribers. Before the commit nobody hears of it; after a rollback, never.
            self.announce_now();
        } else {
            self.announce.clear();
            self.touched.clear();
        }
        if result.is_err() {
            // Nothing of this unit is on disk: forget what it changed in memory, so the
            // next use reloads from the log.
            let _ = self.store.end_write(false);
            for &(coop, generation) in &before {
                if self
                    .replicas
                    .get(&coop)
                    .is_none_or(|r| r.generation() != generation)
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

    /// The invariant every write unit keeps (checked in debug builds, so by every test):
    /// each replica this unit changed holds only changes its log holds, so anything built
    /// on them can be replayed and sent. Whole for co-ops of up to a few hundred
    /// changes; beyond, or for a replica that has read only its saved core (whose rest
    /// came from the log), the heads only.
    #[cfg(debug_assertions)]
    fn assert_replicas_agree_with_the_log(&self, before: &[(CoopId, u64)]) -> Result<(), ApiError> {
        for (coop, replica) in &self.replicas {
            if before.contains(&(*coop, replica.generation())) {
                continue;
            }
            let small = replica.change_count() <= 256 && !replica.rest_is_unread();
            let held: Vec<sangam_replica::ChangeHash> = if small {
                replica.admitted_hashes().copied().collect()
            } else {
                replica.heads()
            };
            let mut unlogged = Vec::new();
            for hash in &held {
                if !self.store.holds_change(*coop, hash)? {
                    unlogged.push(hash);
                }
            }
            assert!(
                unlogged.is_empty(),
                "co-op {}: the replica holds {} change(s) its log lacks (first {})",
                coop.short(),
                unlogged.len(),
                unlogged[0]
            );
        }
        Ok(())
    }

    /// Drops a co-op's in-memory replica and what this node remembers of it.
    pub(crate) fn forget(&mut self, coop: CoopId) {
        self.recall(coop);
        self.published.drop_coop(coop);
        self.replicas.remove(&coop);
        self.loaded.remove(&coop);
        self.projected.remove(&coop);
        self.snapshotted.remove(&coop);
        self.saved_records.remove(&coop);
        self.replayed_unsaved.remove(&coop);
        self.saved_whole_at.remove(&coop);
    }

    /// Reads changes that another process sharing this home (a CLI command while `serve`
    /// runs) stored since this node last looked, into the loaded replicas. Returns the
    /// co-ops that changed.
    pub(crate) fn catch_up(&mut self) -> Result<Vec<CoopId>, ApiError> {
        let mut changed = Vec::new();
        let coops: Vec<CoopId> = self.replicas.keys().copied().collect();
        for coop in coops {
            let after = self.loaded.get(&coop).copied().unwrap_or(0);
            let rows = self.store.changes_after(coop, after)?;
            let Some(last) = rows.last().map(|row| row.position) else {
                continue;
            };
            let mut replica = self.replicas.remove(&coop).expect("listed above");
            let admitted = replica.admit(
                rows.into_iter().map(|row| row.change).collect(),
                Trust::OwnStore,
            );
            self.loaded.insert(coop, last);
            // Another process on this home wrote these: local writes, as far as anyone
            // here is concerned. Announced at once outside a write unit (they are
            // committed already, nothing can take them back).
            self.announce_changes(&replica, Origin::Local, &admitted.applied, false);
            if !self.writing {
                self.announce_now();
            }
            self.replicas.insert(coop, replica);
            let replica = self.replicas.get_mut(&coop).expect("put back above");
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
        origin: Origin,
        changes: &[SignedChange],
        rejections: &[Rejection],
    ) -> Result<(), ApiError> {
        self.persist(&mut replica, origin, changes, rejections)?;
        self.put_replica(replica);
        Ok(())
    }

    /// Milliseconds since the epoch, from this node's clock.
    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A co-op in detail.
    pub(crate) fn load_replica(&mut self, coop: CoopId) -> Result<Replica, ApiError> {
        self.replica(coop)?;
        Ok(self.replicas.remove(&coop).expect("loaded above"))
    }
}

/// This machine's name, for labelling its device.
pub(crate) fn device_label() -> String {
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
