//! Replicas kept between processes, so that opening a co-op reads its saved replica and
//! the log's tail instead of replaying the whole log (sangam-replica's `saved` says what
//! is kept, sangam-store's `saved` where).
//!
//! A replica is saved after a commit once its fold has grown by [`SAVE_EVERY_RECORDS`]
//! (or at all, if the process read the replica's rest: then saving costs only the write)
//! since it was last saved, and after a load that replayed more than that; only when it
//! holds exactly the co-op's changes in the log (so the saved position says what it
//! covers). A saved replica that does not open, or whose tail does not replay cleanly, is
//! ignored and the log is replayed as before. Debug builds check every small co-op opened
//! this way against a full replay.

use std::sync::Arc;

use sangam_model::CoopId;
use sangam_replica::{Replica, Trust};

use crate::error::ApiError;
use crate::node::{Node, SaveWhen};

/// How many records a co-op's fold may grow by before its replica is saved again: the
/// most a later process replays on top of it. A save costs about what a replay of this
/// many records does at 100,000 records, so saving is a small part of what writes cost.
pub(crate) const SAVE_EVERY_RECORDS: usize = 1_000;

/// How far (in log positions) the saved core may move past the whole state saved with it
/// before the whole is rewritten: what a process that reads the rest replays on top of
/// the whole state, at most.
pub(crate) const WHOLE_EVERY_CHANGES: i64 = 20_000;

impl Node {
    /// The co-op's replica opened from its saved core and the log's tail after it, with
    /// the log position read to; `None` when there is no usable saved state. The rest of
    /// the saved replica is read only if something asks for more than the core holds.
    pub(crate) fn opened_saved(
        &mut self,
        coop: CoopId,
    ) -> Result<Option<(Replica, i64)>, ApiError> {
        let Some(saved) = self.store.saved_core(coop)? else {
            return Ok(None);
        };
        let Some((replica, last)) = self.opened_core(coop, &saved)? else {
            return Ok(None);
        };
        self.saved_records.insert(coop, saved.record_count as usize);
        self.saved_whole_at.insert(coop, saved.state_position);
        #[cfg(debug_assertions)]
        self.assert_saved_replica_equals_a_replay(coop, &saved)?;
        Ok(Some((replica, last)))
    }

    /// The replica opened from `saved` with the log's tail after it admitted.
    fn opened_core(
        &mut self,
        coop: CoopId,
        saved: &sangam_store::SavedCore,
    ) -> Result<Option<(Replica, i64)>, ApiError> {
        // A home whose log cannot be read on a second connection is replayed instead.
        let Ok(log) = self.store.log_reader(coop) else {
            return Ok(None);
        };
        let device = self.device.public();
        let Ok(mut replica) =
            Replica::open_core(coop, device, &saved.core, saved.position, Arc::new(log))
        else {
            return Ok(None);
        };
        let rows = self.store.changes_after(coop, saved.position)?;
        let last = rows.last().map_or(saved.position, |row| row.position);
        let admitted = replica.admit(
            rows.into_iter().map(|row| row.change).collect(),
            Trust::OwnStore,
        );
        if !admitted.rejected.is_empty() || replica.needs_rebuild() {
            // A replay reports what did not replay, and applies the fork rule.
            return Ok(None);
        }
        Ok(Some((replica, last)))
    }

    /// Saves `replica` when `when` says, and only if it holds exactly its co-op's
    /// changes in the log.
    pub(crate) fn keep_replica(
        &mut self,
        replica: &Replica,
        when: SaveWhen,
    ) -> Result<(), ApiError> {
        let coop = replica.coop();
        let now = when == SaveWhen::Now;
        if self.replayed_unsaved.remove(&coop) {
            if self.defer_snapshots && !now {
                self.replicas_due.insert(coop);
                return Ok(());
            }
            return self.keep_replica(replica, SaveWhen::Now);
        }
        let records = replica.fold().len();
        let saved = match self.saved_records.get(&coop) {
            Some(count) => *count,
            None => {
                let count = self.store.saved_replica_records(coop)?.unwrap_or(0) as usize;
                self.saved_records.insert(coop, count);
                count
            }
        };
        // Changes from outside (a bundle, a peer) may build on old heads: left in the log's
        // tail, they would make the next process read the replica's rest just to admit
        // them. Once this process has read the rest, saving costs only the write.
        let outside =
            when == SaveWhen::GrownFromOutside && records > saved && !replica.rest_is_unread();
        if !now && !outside && records < saved + SAVE_EVERY_RECORDS {
            return Ok(());
        }
        if !now && self.defer_snapshots {
            // Saving costs a pass over the replica and a write of its size under the node:
            // a sync in progress would wait for it every thousand records.
            self.replicas_due.insert(coop);
            return Ok(());
        }
        let change_count = self.store.change_count(coop)?;
        let position = self.store.last_position()?;
        // The whole state is rewritten only now and then (a write of its size, 32 MB at
        // 100,000 records); in between, only the core is, and a later process reads the
        // rest as that older whole state and the log after it.
        let whole_at = self.saved_whole_at.get(&coop).copied();
        let core_only = !now && whole_at.is_some_and(|at| position - at < WHOLE_EVERY_CHANGES);
        if core_only && change_count == replica.change_count() as i64 {
            if let Some(core) = replica.save_core() {
                self.store.save_core(
                    coop,
                    position,
                    change_count,
                    records as i64,
                    &core,
                    self.clock.now(),
                )?;
                self.saved_records.insert(coop, records);
            }
            return Ok(());
        }
        let state = if change_count == replica.change_count() as i64 {
            replica.save_state()
        } else {
            None
        };
        let Some(state) = state else {
            if now {
                // Replayed in full and still not savable (a fork's shadowed changes, a
                // change the log holds that does not replay): a saved state kept from
                // before would only be opened, found wanting and replayed after, on every
                // open.
                self.store.drop_saved_replica(coop)?;
                self.saved_records.remove(&coop);
                self.saved_whole_at.remove(&coop);
            }
            return Ok(());
        };
        self.store.save_replica(
            coop,
            &sangam_store::SavedReplica {
                position,
                change_count,
                record_count: records as i64,
                state,
            },
            self.clock.now(),
        )?;
        self.saved_records.insert(coop, records);
        self.saved_whole_at.insert(coop, position);
        Ok(())
    }

    /// Saves the replicas commits made due while snapshots were deferred, once nothing was
    /// committed for `quiet`, each in a write unit of its own (so it covers the log as the
    /// unit finds it). Returns how many it saved or found unsavable.
    pub(crate) fn save_due_replicas(
        &mut self,
        quiet: std::time::Duration,
    ) -> Result<usize, ApiError> {
        if self.last_commit.is_some_and(|at| at.elapsed() < quiet) {
            return Ok(0);
        }
        let mut due: Vec<CoopId> = self.replicas_due.drain().collect();
        due.sort();
        for coop in &due {
            self.write_unit(|node| {
                node.replica(*coop)?;
                let replica = node.take_replica(*coop);
                let kept = node.keep_replica(&replica, SaveWhen::Now);
                node.put_replica(replica);
                kept
            })?;
        }
        Ok(due.len())
    }

    /// Debug builds: a small co-op opened saved equals the same co-op replayed from its
    /// log (fold, changes, heads), so a saved state that drifts from a replay fails the
    /// tests that make one. The check opens a copy of its own and reads its rest, so the
    /// replica the caller uses reads only what it asks for, as in a release build.
    #[cfg(debug_assertions)]
    fn assert_saved_replica_equals_a_replay(
        &mut self,
        coop: CoopId,
        saved: &sangam_store::SavedCore,
    ) -> Result<(), ApiError> {
        if saved.record_count > 2_000 {
            return Ok(());
        }
        let Some((opened, _)) = self.opened_core(coop, saved)? else {
            panic!(
                "co-op {}: a saved core opened once and not twice",
                coop.short()
            );
        };
        let changes = self.store.changes(coop)?;
        let (replayed, _, _) = Replica::restore(coop, self.device.public(), None, changes);
        let differences = opened.differences(&replayed);
        assert!(
            differences.is_empty(),
            "co-op {}: the saved replica differs from a replay: {differences:?}",
            coop.short()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sangam_model::CoopId;
    use sangam_model::fold::bodies_here;

    use crate::Home;

    /// Opens the home at `path`, writes a profile named `name`, and says how many full
    /// replays that took and how many record bodies the replica then holds.
    fn write_once(path: &std::path::Path, coop: CoopId, name: &str) -> (usize, usize) {
        let home = Home::open(path).expect("opens");
        home.update_profile(coop, Some(name), None).expect("writes");
        let node = home.node();
        (node.replays, bodies_here(node.replicas[&coop].fold()))
    }

    #[test]
    fn a_write_on_a_grown_home_reads_only_the_saved_core() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let (home, coop) = crate::home::founded(&path);
        for day in 1..=30 {
            home.log_labour(coop, &format!("2026-01-{day:02}"), 60, None)
                .expect("logs");
        }
        home.update_profile(coop, Some("Asha"), None)
            .expect("profile");
        drop(home);
        // The first writing process replays and saves; it reads before it writes (the
        // day's hours), outside the write, and saves at its commit all the same.
        let home = Home::open(&path).expect("opens");
        home.log_labour(coop, "2026-02-01", 60, None).expect("logs");
        assert_eq!(home.node().replays, 1);
        drop(home);
        for (day, minutes) in [("2026-02-02", 90), ("2026-02-02", 60), ("2026-02-03", 30)] {
            let home = Home::open(&path).expect("opens");
            home.log_labour(coop, day, minutes, None).expect("logs");
            home.update_profile(coop, Some(day), None).expect("writes");
            let node = home.node();
            assert_eq!(node.replays, 0);
            assert!(
                node.replicas[&coop].rest_is_unread(),
                "a labour log and a profile update read only the saved core"
            );
        }
        // The day's cap is still read right from the core: 2026-02-02 holds 2 h 30 min.
        let home = Home::open(&path).expect("opens");
        let refused = home
            .log_labour(coop, "2026-02-02", 22 * 60, None)
            .expect_err("over 24 hours");
        assert!(
            refused.message.contains("2 h 30 min"),
            "{}",
            refused.message
        );
        let logged = home.node().replica(coop).expect("opens").fold().labour();
        assert_eq!(logged.values().sum::<u64>(), 30 * 60 + 60 + 150 + 30);
    }

    #[test]
    fn a_refused_write_after_a_replay_still_saves_the_replay_for_the_next_process() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let (home, coop) = crate::home::founded(&path);
        home.log_labour(coop, "2026-01-01", 24 * 60, None)
            .expect("a whole day");
        for i in 0..20 {
            home.update_profile(coop, Some(&format!("Asha {i}")), None)
                .expect("profile");
        }
        drop(home);
        // Each process reads the day's hours (replaying, the first time) and is refused:
        // a day holds 24 hours. Only the first replays.
        for replays in [1, 0, 0] {
            let home = Home::open(&path).expect("opens");
            let refused = home
                .log_labour(coop, "2026-01-01", 60, None)
                .expect_err("the day is full");
            assert!(refused.message.contains("24 hours"), "{}", refused.message);
            assert_eq!(home.node().replays, replays);
        }
    }

    #[test]
    fn a_reopened_home_writes_on_its_saved_replica_without_a_replay() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let (home, coop) = crate::home::founded(&path);
        for i in 0..40 {
            home.update_profile(coop, Some(&format!("Asha {i}")), None)
                .expect("profile");
        }
        drop(home);
        // No saved replica yet: the first writing process replays, and saves it before it
        // writes.
        assert_eq!(write_once(&path, coop, "Asha K").0, 1);
        // Every later one opens its core and replays only the tail after it (checked
        // against a whole replay in this debug build). The bodies in memory, of 42
        // records: those the core keeps (the genesis, the one authority record, and the
        // head it was saved with, "Asha 39"), the tail ("Asha K", then "Asha L" too) and
        // the new one.
        assert_eq!(write_once(&path, coop, "Asha L"), (0, 4));
        assert_eq!(write_once(&path, coop, "Asha M"), (0, 5));
        let home = Home::open(&path).expect("opens");
        let details = home.coop(coop).expect("details");
        assert_eq!(details.members, 1);
        let replica_name = {
            let mut node = home.node();
            let replica = node.replica(coop).expect("opens");
            replica.state().members[0].name.clone()
        };
        assert_eq!(replica_name, "Asha M");
        assert_eq!(home.node().replays, 0);
    }

    /// A home with the two accounts a bank statement posts to.
    fn with_accounts(path: &std::path::Path) -> (Home, CoopId) {
        let (home, coop) = crate::home::founded(path);
        for (name, account_type) in [
            ("Bank", sangam_model::ledger::AccountType::Asset),
            ("Suspense", sangam_model::ledger::AccountType::Liability),
        ] {
            home.open_account(
                coop,
                &crate::AccountDraft {
                    name: name.into(),
                    account_type,
                    member: None,
                    role: None,
                },
            )
            .expect("account");
        }
        (home, coop)
    }

    /// Posts a statement of `rows` rows, each described with `tag`.
    fn import(home: &Home, coop: CoopId, rows: usize, tag: &str) {
        let csv: String = (0..rows)
            .map(|i| format!("2026-01-01,{tag} {i},1.00\n"))
            .collect();
        let rules =
            "account = Bank\ndefault-account = Suspense\ndate = 1\ndescription = 2\namount = 3\n";
        let imported = home
            .import_bank_csv(coop, &csv, rules, false)
            .expect("imports");
        assert_eq!(imported.posted as usize, rows);
    }

    #[test]
    fn between_whole_saves_only_the_core_is_saved_and_the_rest_is_the_older_state_and_the_log() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let (home, coop) = with_accounts(&path);
        import(&home, coop, 300, "First");
        drop(home);
        // A new process replays and saves the replica whole.
        let home = Home::open(&path).expect("opens");
        home.log_labour(coop, "2026-01-02", 60, None).expect("logs");
        drop(home);
        let saved = |home: &Home| {
            home.node()
                .store()
                .saved_core(coop)
                .expect("reads")
                .expect("kept")
        };
        let whole_at = saved(&Home::open(&path).expect("opens")).state_position;
        // Past the mark, the next save writes the core alone.
        let home = Home::open(&path).expect("opens");
        import(&home, coop, super::SAVE_EVERY_RECORDS + 10, "Second");
        let core = saved(&home);
        assert_eq!(
            core.state_position, whole_at,
            "the whole state is kept as it was"
        );
        assert!(core.position > whole_at);
        drop(home);
        // A write opens that core and reads nothing of the rest.
        let home = Home::open(&path).expect("opens");
        home.log_labour(coop, "2026-01-03", 60, None).expect("logs");
        assert_eq!(home.node().replays, 0);
        assert!(home.node().replicas[&coop].rest_is_unread());
        // Reading the rest (the whole journal) reads the older state and the log after it:
        // the same replica as a replay of the log.
        let entries = home
            .node()
            .replica(coop)
            .expect("opens")
            .fold()
            .journal()
            .len();
        assert_eq!(entries, 300 + super::SAVE_EVERY_RECORDS + 10);
        let node = home.node();
        let replica = &node.replicas[&coop];
        assert!(!replica.rest_is_unread());
        let changes = node.store().changes(coop).expect("log");
        let (replayed, _, _) =
            sangam_replica::Replica::restore(coop, node.device_secret().public(), None, changes);
        assert_eq!(replica.differences(&replayed), Vec::<String>::new());
    }

    #[test]
    fn a_serving_home_saves_its_replica_when_quiet_not_in_the_middle_of_a_sync() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, coop) = with_accounts(&dir.path().join("home"));
        let saved = |home: &Home| {
            home.node()
                .store()
                .saved_replica_records(coop)
                .expect("reads")
        };
        home.defer_snapshots();
        import(&home, coop, super::SAVE_EVERY_RECORDS + 50, "Row");
        // Grown past the mark, but serving: due, not saved.
        assert_eq!(saved(&home), None);
        assert!(home.node().replicas_due.contains(&coop));
        // Not quiet for an hour: still not.
        home.save_snapshots(std::time::Duration::from_secs(3600))
            .expect("saves");
        assert_eq!(saved(&home), None);
        home.save_snapshots(std::time::Duration::ZERO)
            .expect("saves");
        let records = home.node().replicas[&coop].fold().len() as i64;
        assert_eq!(saved(&home), Some(records));
        assert!(home.node().replicas_due.is_empty());
    }
}
