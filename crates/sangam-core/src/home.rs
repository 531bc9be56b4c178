//! [`Home`]: the one handle on a home that every front end holds.
//!
//! Locking model (docs/architecture.md "Locking"): a home's node (its SQLite connection,
//! keys and loaded replicas) sits behind one mutex. Every use case takes it for as long as
//! it runs and no longer; nothing holds it across a network round trip, and sync sessions
//! check signatures before taking it. The co-op and member lists are read through a second
//! connection and never take it. Across processes, writes serialise on SQLite's write
//! lock (`BEGIN IMMEDIATE`), taken inside the mutex by the node's one write path. Events
//! and the wake-ups of live sync sessions are sent by that write path after each durable
//! commit, so no write, whichever use case made it, can skip them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use sangam_model::body::Choice;
use sangam_model::{CoopId, CoopState, PublicKey, RecordId};
use sangam_net::Relays;
use tokio::sync::broadcast;

use crate::ApiError;
use crate::dto::*;
use crate::events::{self, Event};
use crate::forms::CoopForm;
use crate::governance::{ProposalDraft, ProposalFilter};
use crate::node::{Clock, Entropy, Node, OsEntropy, Outlets, SystemClock};
use crate::published::{CoopReads, Published};
use crate::reports::ExportedReport;
use crate::settings::PeerDto;

/// What a home's handle shares with its sync sessions and serve tasks.
pub(crate) struct Shared {
    node: Mutex<Node>,
    /// The co-op locks of sync's document work (`lending.rs`).
    pub(crate) lending: Arc<crate::lending::Lending>,
    pub(crate) outlets: Outlets,
    /// A second connection to the home's database, for the reads the projections answer
    /// (co-ops, members): they never wait on the node, so a window's member list shows
    /// while a sync round or a commit's fsync holds it.
    reader: Mutex<sangam_store::Store>,
    /// The proposal lists and tallies as of the last commit (`published.rs`).
    published: Arc<Published>,
    /// The address this home serves on while a serve runs (see [`Home::info`]).
    pub(crate) serving: Mutex<Option<String>>,
    /// A dialer on the serving endpoint while a serve runs: "Sync now" goes through it
    /// rather than opening a second endpoint under the same device key.
    pub(crate) serving_dialer: Mutex<Option<sangam_net::Dialer>>,
    /// How many endpoints this handle has started ([`Home::endpoints_started`]).
    pub(crate) endpoints_started: std::sync::atomic::AtomicUsize,
    /// Per open session (co-op, device): changes received and sent so far.
    pub(crate) traffic: Mutex<std::collections::HashMap<(CoopId, PublicKey), (usize, usize)>>,
}

impl Shared {
    /// The node, locked. Held briefly: sync sessions and the window wait on it.
    pub(crate) fn node(&self) -> MutexGuard<'_, Node> {
        self.node
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn emit(&self, event: Event) {
        let _ = self.outlets.events.send(event);
    }

    /// What serving is doing that no other event says (dialling a peer, a peer out of
    /// reach, a frame refused), as an [`Event::Activity`], in order with the others.
    pub(crate) fn log(&self, activity: crate::Activity) {
        self.emit(Event::Activity { activity });
    }
}

/// A handle on one home: a directory with its database, keys and co-ops. Cheap to clone;
/// every clone is the same home. All use cases are methods here.
#[derive(Clone)]
pub struct Home {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Home {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Home({})", self.node().home().display())
    }
}

impl Home {
    /// Opens the home at `path`, creating the directory, the database and the device key
    /// on first use.
    pub fn open(path: &Path) -> Result<Self, ApiError> {
        Self::open_with_clock(path, Box::<SystemClock>::default())
    }

    /// Like [`Home::open`], with time from `clock` (tests pass a fixed one).
    pub fn open_with_clock(path: &Path, clock: Box<dyn Clock>) -> Result<Self, ApiError> {
        Self::open_with(path, clock, Box::new(OsEntropy))
    }

    /// Like [`Home::open_with_clock`], with new secrets (device and member keys) from
    /// `entropy`: a simulation passes a seeded one so that a run replays exactly.
    pub fn open_with(
        path: &Path,
        clock: Box<dyn Clock>,
        entropy: Box<dyn Entropy>,
    ) -> Result<Self, ApiError> {
        let (events, _) = broadcast::channel(events::CAPACITY);
        let (changed, _) = broadcast::channel(256);
        let outlets = Outlets { events, changed };
        let published = Arc::new(Published::default());
        let node = Node::open(path, clock, entropy, outlets.clone(), published.clone())?;
        let reader = sangam_store::Store::open(&path.join(crate::DB_FILE))?;
        let lending = node.lending.clone();
        Ok(Self {
            shared: Arc::new(Shared {
                node: Mutex::new(node),
                lending,
                reader: Mutex::new(reader),
                published,
                outlets,
                serving: Mutex::default(),
                serving_dialer: Mutex::default(),
                endpoints_started: Default::default(),
                traffic: Mutex::default(),
            }),
        })
    }

    pub(crate) fn node(&self) -> MutexGuard<'_, Node> {
        self.shared.node()
    }

    /// A co-op's ready reads, built (under the node) on the first read.
    fn reads(&self, coop: CoopId) -> Result<CoopReads, ApiError> {
        if let Some(reads) = self.shared.published.get(coop) {
            return Ok(reads);
        }
        let mut node = self.node();
        let reads = node.read_model(coop)?;
        self.shared.published.put(coop, reads.clone());
        Ok(reads)
    }

    pub(crate) fn reader(&self) -> MutexGuard<'_, sangam_store::Store> {
        self.shared
            .reader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything that happens in this home from now on, as typed events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.shared.outlets.events.subscribe()
    }

    /// Notices not yet taken (see [`Event::Notice`]), oldest first.
    pub fn take_notices(&self) -> Vec<crate::Notice> {
        self.node().take_notices()
    }

    /// The home directory.
    pub fn path(&self) -> PathBuf {
        self.node().home().to_path_buf()
    }

    /// Milliseconds since the epoch, from this home's clock.
    pub fn now(&self) -> sangam_model::Timestamp {
        self.node().now()
    }

    /// Makes commits leave due snapshots to [`Home::save_snapshots`] (a home serving the
    /// network saves them between syncs, not in the middle of one).
    pub fn defer_snapshots(&self) {
        self.node().defer_snapshots();
    }

    /// Checks the database file's integrity.
    pub fn check_integrity(&self) -> Result<(), ApiError> {
        Ok(self.node().store().integrity_check()?)
    }

    // Identity and co-ops.

    /// Creates this home's member identity.
    pub fn create_identity(&self, name: &str) -> Result<IdentityDto, ApiError> {
        self.node().create_identity(name)
    }

    /// This home's identity.
    pub fn identity(&self) -> Result<IdentityDto, ApiError> {
        self.node().identity()
    }

    /// Founds a co-op with this home's member as its first member, under the default
    /// bylaws (any member admits; quorum 50%; half of yes + no passes).
    pub fn create_coop(&self, name: &str, currency: &str) -> Result<CoopDto, ApiError> {
        self.node()
            .create_coop(name, currency, sangam_model::Bylaws::default())
    }

    /// Founds a co-op under the bylaws a form chose.
    pub fn found_coop(&self, form: &CoopForm) -> Result<CoopDto, ApiError> {
        let bylaws = sangam_model::Bylaws {
            admission: form.admission,
            voting: sangam_model::body::VotingDefaults {
                quorum_pct: form.quorum_pct,
                threshold: form.threshold,
            },
            ..sangam_model::Bylaws::default()
        };
        self.node().create_coop(&form.name, &form.currency, bylaws)
    }

    /// Where this home is on disk, its device, and where it serves right now.
    pub fn info(&self) -> HomeDto {
        HomeDto {
            path: self.path().display().to_string(),
            device: self.node().device.public().to_string(),
            address: self
                .shared
                .serving
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        }
    }

    /// The network settings a window shows for `coop`.
    pub fn network(&self, coop: CoopId) -> Result<NetworkDto, ApiError> {
        let mut node = self.node();
        Ok(NetworkDto {
            lan: node.lan()?,
            keep_serving: node.keep_serving()?,
            relays_used: node.relays()? != Relays::Disabled,
            coop_relay: node.state(coop)?.relay,
        })
    }

    /// The co-ops in this home.
    pub fn coops(&self) -> Result<Vec<CoopSummaryDto>, ApiError> {
        crate::membership::coops_in(&self.reader())
    }

    /// A co-op in detail.
    pub fn coop(&self, coop: CoopId) -> Result<CoopDto, ApiError> {
        self.node().coop_show(coop)
    }

    /// The co-op's state as folded from its records.
    pub fn state(&self, coop: CoopId) -> Result<CoopState, ApiError> {
        self.node().state(coop)
    }

    /// The co-op's change heads here: two homes that hold the same changes agree on them.
    pub fn heads(&self, coop: CoopId) -> Result<Vec<sangam_replica::ChangeHash>, ApiError> {
        Ok(self.node().replica(coop)?.heads())
    }

    /// This home as a sync transport calls into it: for a transport other than the
    /// network's, such as a simulation's in-process one.
    pub fn sync_host(&self) -> Arc<dyn sangam_net::Host> {
        self.shared.clone()
    }

    // Membership.

    /// Members, current and former, as last committed (this never waits for a write or
    /// a sync in progress).
    pub fn members(&self, coop: CoopId) -> Result<Vec<MemberDto>, ApiError> {
        crate::membership::members_in(&self.reader(), coop)
    }

    /// Admits a newcomer's member key under a name.
    pub fn admit(
        &self,
        coop: CoopId,
        member: PublicKey,
        name: &str,
    ) -> Result<MemberDto, ApiError> {
        self.node().admit(coop, member, name)
    }

    /// This home's member leaves the co-op.
    pub fn leave(&self, coop: CoopId) -> Result<(), ApiError> {
        self.node().leave(coop)
    }

    /// Removes another member (when the bylaws let any member do so).
    pub fn remove(&self, coop: CoopId, member: PublicKey, reason: &str) -> Result<(), ApiError> {
        self.node().remove(coop, member, reason)
    }

    /// Changes this member's display name and/or contact line.
    pub fn update_profile(
        &self,
        coop: CoopId,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> Result<MemberDto, ApiError> {
        self.node().update_profile(coop, name, contact)
    }

    /// Devices bound in the co-op.
    pub fn devices(&self, coop: CoopId) -> Result<Vec<DeviceDto>, ApiError> {
        self.node().devices(coop)
    }

    /// Revokes one of this member's devices (a lost laptop).
    pub fn revoke_device(&self, coop: CoopId, device: PublicKey) -> Result<(), ApiError> {
        self.node().revoke_device(coop, device)
    }

    /// The changes of the co-op this home refused, oldest first (read like the member list,
    /// never waiting for the node).
    pub fn refused(&self, coop: CoopId) -> Result<Vec<RefusedDto>, ApiError> {
        Ok(self
            .reader()
            .rejections(coop)?
            .into_iter()
            .map(|row| RefusedDto {
                change: row.change.map(|h| h.to_string()),
                source: row.source.into(),
                reason: row.reason,
                at: row.at,
            })
            .collect())
    }

    /// The co-op's records, newest first.
    pub fn log(&self, coop: CoopId) -> Result<Vec<LogEntryDto>, ApiError> {
        self.node().log(coop)
    }

    // Bundles.

    /// The co-op's changes as a bundle: all of them, or those not in the earlier bundle
    /// `since`.
    pub fn export_bundle(
        &self,
        coop: CoopId,
        since: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExportDto), ApiError> {
        self.node().export_bundle(coop, since)
    }

    /// Verifies and applies a bundle. A co-op new to this home is kept only if its records
    /// admit this home's member key; nothing is stored unless the whole import commits.
    pub fn import_bundle(&self, bytes: &[u8]) -> Result<ImportDto, ApiError> {
        self.node().import_bundle(bytes)
    }

    // Reports.

    /// The signed report of a closed (or withdrawn) proposal: the file and what it says,
    /// verified as any verifier would.
    pub fn export_report(&self, coop: CoopId, id: RecordId) -> Result<ExportedReport, ApiError> {
        self.node().export_report(coop, id)
    }

    // Governance.

    /// Opens a proposal to the current members.
    pub fn propose(&self, coop: CoopId, draft: ProposalDraft) -> Result<ProposalDto, ApiError> {
        self.node().propose(coop, draft)
    }

    /// Opens the proposal a form describes, its amounts read with the co-op's decimal mark
    /// on this laptop.
    pub fn propose_form(
        &self,
        coop: CoopId,
        form: crate::ProposalForm,
    ) -> Result<ProposalDto, ApiError> {
        let mut node = self.node();
        let mark = node.decimal_mark(coop)?;
        node.propose(coop, ProposalDraft::from_form(form, mark)?)
    }

    /// Proposals, newest first, as of the last commit (after the first read of a co-op,
    /// this never waits for a write or a sync in progress).
    pub fn proposals(
        &self,
        coop: CoopId,
        filter: ProposalFilter,
    ) -> Result<Vec<ProposalSummaryDto>, ApiError> {
        let reads = self.reads(coop)?;
        Ok(reads
            .proposals
            .into_iter()
            .filter(|p| match filter {
                ProposalFilter::All => true,
                ProposalFilter::Open => p.status == ProposalStatus::Provisional,
                ProposalFilter::Ended => p.status != ProposalStatus::Provisional,
            })
            .collect())
    }

    /// A proposal with its tally and this member's latest vote.
    pub fn proposal(&self, coop: CoopId, id: RecordId) -> Result<ProposalDto, ApiError> {
        self.node().proposal_show(coop, id)
    }

    /// An STV election's counted ballots as a BLT ballot file (sangam-count's `blt`).
    pub fn election_blt(&self, coop: CoopId, id: RecordId) -> Result<String, ApiError> {
        self.node().election_blt(coop, id)
    }

    /// A proposal's tally: provisional until closed (read as [`Home::proposals`] is).
    pub fn tally(&self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        match self.reads(coop)?.tallies.remove(&id) {
            Some(tally) => Ok(tally),
            // Not a proposal here: the node says why.
            None => self.node().tally(coop, id),
        }
    }

    /// Casts (or changes) this member's vote; returns the new tally.
    pub fn vote(&self, coop: CoopId, id: RecordId, choice: Choice) -> Result<TallyDto, ApiError> {
        self.node().vote(coop, id, choice)
    }

    /// Gives this member's proxy on one proposal to another member.
    pub fn proxy(&self, coop: CoopId, id: RecordId, holder: PublicKey) -> Result<(), ApiError> {
        self.node().proxy(coop, id, holder)
    }

    /// Takes back this member's proxy on one proposal.
    pub fn proxy_revoke(&self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
        self.node().proxy_revoke(coop, id)
    }

    /// Closes a proposal, naming the ballots and proxies this home has seen.
    pub fn close(&self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        self.node().close(coop, id)
    }

    /// Withdraws this member's own proposal before anyone votes.
    pub fn withdraw(&self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
        self.node().withdraw(coop, id)
    }

    // Invites and the network settings.

    /// The relays this laptop uses.
    pub fn relays(&self) -> Result<Relays, ApiError> {
        self.node().relays()
    }

    /// Whether this laptop uses relays at all (a home-level choice).
    pub fn set_relays_used(&self, used: bool) -> Result<(), ApiError> {
        self.node().set_relays_used(used)
    }

    /// Proposes the co-op's relay for every member's laptop (`None`: n0's public relays);
    /// it changes when the proposal passes.
    pub fn propose_coop_relay(
        &self,
        coop: CoopId,
        url: Option<&str>,
    ) -> Result<ProposalDto, ApiError> {
        self.node().propose_coop_relay(coop, url)
    }

    /// Whether this home finds and announces devices on the local network.
    pub fn lan(&self) -> Result<bool, ApiError> {
        self.node().lan()
    }

    /// Turns LAN discovery on or off.
    pub fn set_lan(&self, on: bool) -> Result<(), ApiError> {
        self.node().set_lan(on)
    }

    /// Whether closing the window leaves this home serving.
    pub fn keeps_serving(&self) -> Result<bool, ApiError> {
        self.node().keep_serving()
    }

    /// Turns keeping serving after the window closes on or off.
    pub fn set_keep_serving(&self, on: bool) -> Result<(), ApiError> {
        self.node().set_keep_serving(on)
    }

    /// Peers seen for a co-op.
    pub fn peers(&self, coop: CoopId) -> Result<Vec<PeerDto>, ApiError> {
        self.node().peers(coop)
    }
}

/// The Downloads folder, else the home folder, else here.
pub(crate) fn downloads() -> PathBuf {
    dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A home at `path` with Asha's identity and her co-op "Bakery" (INR), for core's own
/// tests.
#[cfg(test)]
pub(crate) fn founded(path: &std::path::Path) -> (Home, sangam_model::CoopId) {
    let home = Home::open(path).expect("opens");
    home.create_identity("Asha").expect("identity");
    let coop = home
        .create_coop("Bakery", "INR")
        .expect("coop")
        .id
        .parse()
        .expect("id");
    (home, coop)
}
