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

use sangam_model::{CoopId, CoopState, PublicKey};
use tokio::sync::broadcast;

use crate::ApiError;
use crate::dto::*;
use crate::events::{self, Event};
use crate::node::{Clock, Entropy, Node, OsEntropy, Outlets, SystemClock};
use crate::published::{CoopReads, Published};

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
    pub(crate) fn reads(&self, coop: CoopId) -> Result<CoopReads, ApiError> {
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
