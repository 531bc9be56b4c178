//! A node shared with the network: the [`Host`] the transport calls into, and the use
//! cases that need the network (`serve`, `sync`, `peers`, the relay setting).

use std::sync::{Arc, Mutex, MutexGuard};

use sangam_model::{CoopId, PublicKey};
use sangam_net::{
    Host, HostError, JoinAnswer, JoinRequest, Net, NetConfig, PathKind, PeerAddr, Relays,
};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{ChangeHash, RawChange};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::{ApiError, ErrorCode, Node};

/// A peer device this home has synced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerDto {
    /// Device key (hex).
    pub device: String,
    /// The member the device belongs to, if known.
    pub member_name: Option<String>,
    /// `lan`, `direct` or `relay`: how it was reached last time.
    pub path: String,
    /// When it last synced, ms since the epoch.
    pub last_synced: i64,
    /// Its address at the time (to dial it again).
    pub addr: String,
}

/// The home setting that holds the relay choice.
const RELAY_SETTING: &str = "relay";
/// The home setting that turns LAN discovery (mDNS) on or off.
const LAN_SETTING: &str = "lan";

/// How long the home must have been quiet before `serve` saves a due snapshot.
const SNAPSHOT_QUIET: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a laptop found on the LAN gets to dial us before we dial it.
const LAN_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// How long a live session waits before dialling a peer again after it dropped; doubled
/// for each failed dial since.
const REDIAL_AFTER: std::time::Duration = std::time::Duration::from_millis(250);
/// The longest wait between dials of a peer that was live within [`RECENTLY_LIVE`]: a
/// restarted `serve` is back in a session within about this long.
const REDIAL_CAP_RECENT: std::time::Duration = std::time::Duration::from_secs(1);
/// The longest wait between dials of a peer away for longer.
const REDIAL_CAP: std::time::Duration = std::time::Duration::from_secs(16);
/// How long after a session a peer counts as recently live.
const RECENTLY_LIVE: std::time::Duration = std::time::Duration::from_secs(120);

/// The wait before the next dial, after `failures` failed dials in a row, the peer last
/// live `since_live` ago (never: `None`).
fn redial_delay(failures: u32, since_live: Option<std::time::Duration>) -> std::time::Duration {
    let cap = match since_live {
        Some(ago) if ago < RECENTLY_LIVE => REDIAL_CAP_RECENT,
        _ => REDIAL_CAP,
    };
    REDIAL_AFTER
        .saturating_mul(1u32 << failures.min(8))
        .min(cap)
}

impl Node {
    /// The relays this laptop uses: none when it was told `off`; else the co-op's own
    /// relay when its settings name one (the first such co-op in this home, by id), else
    /// n0's public relays.
    pub fn relays(&mut self) -> Result<Relays, ApiError> {
        if self.store().setting(RELAY_SETTING)?.as_deref() == Some("off") {
            return Ok(Relays::Disabled);
        }
        let mut coops: Vec<CoopId> = self
            .store()
            .coops()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        coops.sort();
        for coop in coops {
            if let Some(url) = self.state(coop)?.relay {
                return Ok(Relays::Custom(url));
            }
        }
        Ok(Relays::Default)
    }

    /// Whether this laptop uses relays at all: `off` leaves LAN and direct connections
    /// only (a home-level choice, not shared with the co-op).
    pub fn set_relays_used(&self, used: bool) -> Result<(), ApiError> {
        Ok(self
            .store()
            .set_setting(RELAY_SETTING, if used { "on" } else { "off" })?)
    }

    /// Sets the co-op's relay for every member's laptop: the URL of the co-op's own
    /// `iroh-relay`, or `None` for n0's public relays. Written as a `coop.settings`
    /// record, so it reaches the others with the next sync.
    pub fn set_coop_relay(&mut self, coop: CoopId, url: Option<&str>) -> Result<(), ApiError> {
        let relay = url.map(|u| u.trim().to_owned());
        if let Some(url) = &relay {
            sangam_model::body::check_relay_url(url)
                .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e))?;
        }
        self.write(
            coop,
            sangam_model::Body::CoopSettings(sangam_model::body::CoopSettings { relay }),
        )
    }

    /// Whether this home finds and announces devices on the local network (mDNS); on
    /// unless turned off.
    pub fn lan(&self) -> Result<bool, ApiError> {
        Ok(self.store().setting(LAN_SETTING)?.as_deref() != Some("off"))
    }

    /// Turns LAN discovery `on` or `off`.
    pub fn set_lan(&self, value: &str) -> Result<(), ApiError> {
        match value.trim() {
            v @ ("on" | "off") => Ok(self.store().set_setting(LAN_SETTING, v)?),
            _ => Err(ApiError::new(ErrorCode::InvalidInput, "give `on` or `off`")),
        }
    }

    /// The endpoint configuration for this home. LAN discovery follows the home's setting,
    /// except on an endpoint bound to loopback, which nobody on the LAN could reach.
    pub fn net_config(&self, relays: Relays, bind: Option<std::net::SocketAddr>) -> NetConfig {
        let reachable = bind.is_none_or(|b| !b.ip().is_loopback());
        NetConfig {
            secret: *self.device_secret().to_seed(),
            relays,
            bind,
            direct: true,
            lan: reachable && self.lan().unwrap_or(true),
        }
    }

    /// Reads a `--peer`: an address as `sangam serve` prints it, or a device key (64 hex
    /// characters), dialled at the address remembered for that device, else found by its
    /// key alone (on the LAN, by mDNS).
    pub fn peer_addr(&mut self, coop: CoopId, text: &str) -> Result<PeerAddr, ApiError> {
        let text = text.trim();
        if let Ok(device) = text.parse::<PublicKey>() {
            let remembered = self
                .store()
                .peers(coop)?
                .into_iter()
                .find(|(key, _, _, _)| *key == device)
                .and_then(|(_, json, _, _)| serde_json::from_str::<PeerAddr>(&json).ok())
                .filter(|addr| !addr.addrs.is_empty());
            return remembered
                .or_else(|| sangam_net::device_addr(&device))
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("{text:?} is not a device key"),
                    )
                });
        }
        sangam_net::addr_from_text(text)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
    }

    /// Remembered peers of `coop` that left an address to dial (not those that only
    /// dialled us).
    pub fn dialable_peers(&mut self, coop: CoopId) -> Result<Vec<PeerAddr>, ApiError> {
        Ok(self
            .store()
            .peers(coop)?
            .into_iter()
            .filter_map(|(_, json, _, _)| serde_json::from_str::<PeerAddr>(&json).ok())
            .filter(|a| !a.addrs.is_empty())
            .collect())
    }

    /// Peers seen for a co-op.
    pub fn peers(&mut self, coop: CoopId) -> Result<Vec<PeerDto>, ApiError> {
        let state = self.state(coop)?;
        let rows = self.store().peers(coop)?;
        Ok(rows
            .into_iter()
            .map(|(device, addr, path, last_synced)| {
                let member = state
                    .devices
                    .iter()
                    .find(|d| d.key == device)
                    .map(|d| d.member);
                PeerDto {
                    device: device.to_string(),
                    member_name: member
                        .and_then(|m| state.member(&m))
                        .map(|m| m.name.clone()),
                    path,
                    last_synced,
                    addr: serde_json::from_str::<PeerAddr>(&addr)
                        .map(|a| sangam_net::addr_to_text(&a))
                        .unwrap_or(addr),
                }
            })
            .collect())
    }

    fn sync_allows(&mut self, coop: CoopId, device: &PublicKey) -> bool {
        self.replica(coop).is_ok_and(|r| r.device_is_active(device))
    }

    fn sync_outgoing(&mut self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        match self.replica(coop) {
            Ok(replica) => session.outgoing(replica),
            Err(_) => vec![],
        }
    }

    fn sync_on_change(&mut self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        match self.replica(coop) {
            Ok(replica) => session.on_change(replica),
            Err(_) => vec![],
        }
    }

    fn sync_incoming(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        self.sync_input(coop, session, FromPeer::Frame(frame), from)
    }

    /// Takes one input of a sync session from `from` in one write unit.
    fn sync_input(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        input: FromPeer,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        match input {
            // Only changes are stored: the other frames need no write lock.
            FromPeer::Frame(frame) if !matches!(frame, Frame::Changes(_)) => {
                self.sync_input_locked(coop, session, FromPeer::Frame(frame), from)
            }
            input => self.write_unit(|node| node.sync_input_locked(coop, session, input, from)),
        }
    }

    fn sync_input_locked(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        input: FromPeer,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        let now = self.now();
        self.replica(coop)?;
        let mut replica = self.take_replica(coop);
        let taken = match input {
            FromPeer::Frame(frame) => session.incoming(&mut replica, frame, now),
            FromPeer::Checked(checked) => Ok(session.incoming_checked(&mut replica, checked)),
        };
        let admitted = match taken {
            Ok(admitted) => admitted,
            Err(e) => {
                self.put_replica(replica);
                return Err(ApiError::new(ErrorCode::InvalidInput, e.to_string()));
            }
        };
        let rejections: Vec<_> = admitted
            .rejected
            .iter()
            .map(|r| (r.hash, r.reason.to_string()))
            .collect();
        if admitted.applied.is_empty() && admitted.shadowed.is_empty() && rejections.is_empty() {
            self.put_replica(replica);
            return Ok(0);
        }
        let changes = admitted.to_store();
        // On failure persist drops the replica, so the next use reloads from disk.
        let source = format!("peer {}", from.short());
        self.persist_taken(replica, &source, &changes, &rejections)?;
        self.settle_forks(coop)?;
        Ok(changes.len())
    }
}

/// What a sync session brings in: a frame, or the changes of one checked beforehand.
enum FromPeer {
    Frame(Frame),
    Checked(sangam_replica::Checked),
}

/// Live sessions `serve` keeps, one per (co-op, device), so that a peer found twice (on the
/// LAN and remembered) is not dialled twice.
#[derive(Clone, Default)]
struct LiveSessions {
    inner: Arc<Mutex<LiveInner>>,
}

#[derive(Default)]
struct LiveInner {
    claimed: std::collections::HashSet<(CoopId, PublicKey)>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Frees its claim when the session's task ends.
struct LiveSlot {
    key: (CoopId, PublicKey),
    sessions: LiveSessions,
}

impl Drop for LiveSlot {
    fn drop(&mut self) {
        self.sessions.lock().claimed.remove(&self.key);
    }
}

impl LiveSessions {
    fn lock(&self) -> MutexGuard<'_, LiveInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn claim(&self, coop: CoopId, device: PublicKey) -> Option<LiveSlot> {
        let key = (coop, device);
        self.lock().claimed.insert(key).then(|| LiveSlot {
            key,
            sessions: self.clone(),
        })
    }

    fn hold(&self, task: tokio::task::JoinHandle<()>) {
        let mut inner = self.lock();
        inner.tasks.retain(|t| !t.is_finished());
        inner.tasks.push(task);
    }

    fn stop_all(&self) {
        for task in self.lock().tasks.drain(..) {
            task.abort();
        }
    }
}

/// Where `serve` writes one line per network event.
type LogLine = Box<dyn Fn(&str) + Send>;

/// A node behind a lock, with a signal that wakes live sync sessions when a co-op changes.
pub struct SharedNode {
    node: Mutex<Node>,
    changed: broadcast::Sender<CoopId>,
    /// Where `serve` logs connections and sync rounds.
    log: Mutex<Option<LogLine>>,
}

impl std::fmt::Debug for SharedNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedNode")
    }
}

impl SharedNode {
    /// Shares `node`. Its snapshots are then saved by [`SharedNode::save_snapshots`]
    /// (which `serve` calls when the home is quiet), not in the middle of a sync.
    pub fn new(mut node: Node) -> Arc<Self> {
        node.defer_snapshots();
        let (changed, _) = broadcast::channel(256);
        Arc::new(Self {
            node: Mutex::new(node),
            changed,
            log: Mutex::new(None),
        })
    }

    /// The node, locked. Hold it briefly: sync sessions wait on it.
    pub fn lock(&self) -> MutexGuard<'_, Node> {
        self.node
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a write on `coop` and wakes live sessions so it reaches connected peers.
    pub fn write<R>(
        &self,
        coop: CoopId,
        f: impl FnOnce(&mut Node) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let result = f(&mut self.lock());
        if result.is_ok() {
            let _ = self.changed.send(coop);
        }
        result
    }

    /// Picks up changes other processes stored in this home and wakes live sessions.
    pub fn catch_up(&self) -> Result<usize, ApiError> {
        let changed = self.lock().catch_up()?;
        for coop in &changed {
            let _ = self.changed.send(*coop);
        }
        Ok(changed.len())
    }

    /// Saves the snapshots that are due once nothing was committed for `quiet`.
    pub fn save_snapshots(&self, quiet: std::time::Duration) -> Result<usize, ApiError> {
        self.lock().save_due_snapshots(quiet)
    }

    /// A receiver told of every co-op that changed here (a local write, or changes stored
    /// from a peer).
    pub fn subscribe_changes(&self) -> broadcast::Receiver<CoopId> {
        self.changed.subscribe()
    }

    /// Sends what happens on the network to `log` (one line per event).
    pub fn log_to(&self, log: impl Fn(&str) + Send + 'static) {
        *self.log.lock().unwrap_or_else(|p| p.into_inner()) = Some(Box::new(log));
    }

    fn log(&self, line: &str) {
        if let Some(log) = self.log.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            log(line);
        }
    }

    /// Serves this home until `stop` completes: accepts sync connections from the co-ops'
    /// devices; keeps a live session (reconnecting when it drops) to each of `peers`, to
    /// every remembered peer with an address, and to the co-ops' devices found on the local
    /// network; and picks up what other processes write to the home so it reaches
    /// connected peers.
    pub async fn serve(
        self: &Arc<Self>,
        net: &Net,
        peers: Vec<(CoopId, PeerAddr)>,
        stop: impl std::future::Future<Output = ()>,
    ) {
        let live = LiveSessions::default();
        let mut targets = peers;
        let coops = self.coops_held();
        for coop in &coops {
            let remembered = self.lock().dialable_peers(*coop).unwrap_or_default();
            targets.extend(remembered.into_iter().map(|addr| (*coop, addr)));
        }
        for (coop, addr) in targets {
            self.keep_live(net.dialer(), coop, addr, &live);
        }
        let mut tasks = Vec::new();
        if let Some(mut found) = net.lan_discoveries().await {
            let (me, own) = (self.clone(), net.id());
            let (dialer, live) = (net.dialer(), live.clone());
            tasks.push(tokio::spawn(async move {
                while let Some(device) = found.recv().await {
                    for coop in me.coops_held() {
                        if !me.allows(coop, &device) {
                            continue;
                        }
                        let Some(addr) = sangam_net::device_addr(&device) else {
                            continue;
                        };
                        let (me, dialer, live) = (me.clone(), dialer.clone(), live.clone());
                        tokio::spawn(async move {
                            // Of two laptops that find each other, the one with the lower id
                            // dials, so they open one session, not two. The other steps in
                            // only if none opens soon (its peer may still be waiting out a
                            // session from before it restarted).
                            if own > device {
                                tokio::time::sleep(LAN_GRACE).await;
                                if dialer.in_session(coop, &device) {
                                    return;
                                }
                            }
                            me.keep_live(dialer, coop, addr, &live);
                        });
                    }
                }
            }));
        }
        let watcher = self.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                match watcher.catch_up() {
                    Ok(0) => {}
                    Ok(n) => watcher.log(&format!("picked up local writes in {n} co-op(s)")),
                    Err(e) => watcher.log(&format!("could not read the home: {}", e.message)),
                }
                if let Err(e) = watcher.save_snapshots(SNAPSHOT_QUIET) {
                    watcher.log(&format!("could not save a snapshot: {}", e.message));
                }
            }
        }));
        stop.await;
        for task in tasks {
            task.abort();
        }
        live.stop_all();
    }

    fn coops_held(&self) -> Vec<CoopId> {
        self.lock()
            .store()
            .coops()
            .unwrap_or_default()
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    /// Keeps one live session with the device at `addr` on `coop`, redialling when it
    /// drops, until the device is no longer one of the co-op's (or serving stops). A
    /// session already kept with that device is left alone.
    fn keep_live(
        self: &Arc<Self>,
        dialer: sangam_net::Dialer,
        coop: CoopId,
        addr: PeerAddr,
        live: &LiveSessions,
    ) {
        let device = PublicKey::from_bytes(*addr.id.as_bytes());
        let Some(slot) = live.claim(coop, device) else {
            return;
        };
        self.log(&format!(
            "keeping a live session with device {}",
            device.short()
        ));
        let me = self.clone();
        let task = tokio::spawn(async move {
            let _slot = slot;
            let mut failures = 0u32;
            let mut last_live: Option<std::time::Instant> = None;
            loop {
                match dialer.sync_with(addr.clone(), coop, true).await {
                    Ok(_) => {
                        failures = 0;
                        last_live = Some(std::time::Instant::now());
                        me.log(&format!(
                            "live session with {} ended (the peer closed it or went quiet for {} ms); redialling",
                            device.short(),
                            sangam_net::IDLE_TIMEOUT.as_millis()
                        ));
                    }
                    Err(e) => {
                        // Say it once, not every few seconds while a laptop is away.
                        if failures == 0 {
                            me.log(&format!(
                                "cannot reach device {}: {e}; will keep trying",
                                device.short()
                            ));
                        }
                        failures = failures.saturating_add(1);
                    }
                }
                // A peer that dialled in may have been allowed only through our own dial;
                // a device that is no longer the co-op's is not redialled.
                let known = me.lock().sync_allows(coop, &device);
                if !known && failures > 0 {
                    me.log(&format!(
                        "device {} is not one of the co-op's; stopped dialling it",
                        device.short()
                    ));
                    break;
                }
                let backoff = redial_delay(failures, last_live.map(|at| at.elapsed()));
                tokio::time::sleep(backoff).await;
            }
        });
        live.hold(task);
    }

    /// Starts the endpoint for this home.
    pub async fn start_net(self: &Arc<Self>, config: NetConfig) -> Result<Net, ApiError> {
        let host: Arc<dyn Host> = self.clone();
        Net::start(config, host)
            .await
            .map_err(|e| ApiError::new(ErrorCode::Network, e.to_string()))
    }
}

impl Host for SharedNode {
    fn knows(&self, device: &PublicKey) -> bool {
        let mut node = self.lock();
        let coops: Vec<CoopId> = node
            .store()
            .coops()
            .unwrap_or_default()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        coops.into_iter().any(|coop| node.sync_allows(coop, device))
    }

    fn allows(&self, coop: CoopId, device: &PublicKey) -> bool {
        self.lock().sync_allows(coop, device)
    }

    fn holds(&self, coop: CoopId) -> bool {
        self.lock()
            .store()
            .coops()
            .is_ok_and(|coops| coops.iter().any(|(id, _)| *id == coop))
    }

    fn opening(&self, coop: CoopId, session: &mut SyncSession) -> Frame {
        let mut node = self.lock();
        match node.replica(coop) {
            Ok(replica) => session.opening(replica),
            Err(_) => Frame::Heads(vec![]),
        }
    }

    fn outgoing(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.lock().sync_outgoing(coop, session)
    }

    fn on_change(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.lock().sync_on_change(coop, session)
    }

    fn incoming(
        &self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, HostError> {
        let result = match frame {
            Frame::Changes(changes) => {
                // Signatures and records are checked before the node is locked, on every
                // core, so other sessions and writers are not kept waiting meanwhile.
                let now = self.lock().now();
                let trust = sangam_replica::Trust::Verify { now };
                // Changes already here are skipped first (a brief lock each).
                let known = |hash: &ChangeHash| {
                    self.lock()
                        .replica(coop)
                        .is_ok_and(|replica| replica.knows(hash))
                };
                let checked = sangam_replica::Checked::new(coop, changes, trust, &known);
                // One write unit for the frame: cutting it into smaller units cost a third
                // more time to converge and did not shorten other sessions' waits
                // (docs/benchmarks.md "Flood").
                self.lock()
                    .sync_input(coop, session, FromPeer::Checked(checked), from)
            }
            frame => self.lock().sync_incoming(coop, session, frame, from),
        };
        let stored = result.map_err(|e| {
            self.log(&format!("device {}: {}", from.short(), e.message));
            HostError(e.message)
        })?;
        if stored > 0 {
            self.log(&format!(
                "stored {stored} change(s) from device {}",
                from.short()
            ));
            let _ = self.changed.send(coop);
        }
        Ok(stored)
    }

    fn subscribe(&self) -> broadcast::Receiver<CoopId> {
        self.changed.subscribe()
    }

    fn seen(&self, device: &PublicKey, coop: CoopId, addr: &PeerAddr, path: PathKind) {
        let node = self.lock();
        let now = node.now();
        let json = sangam_net::addr_to_json(addr);
        let dialable = !addr.addrs.is_empty();
        let remembered =
            node.store()
                .remember_peer(device, coop, &json, dialable, path.as_str(), now);
        drop(node);
        if let Err(e) = remembered {
            self.log(&format!(
                "could not remember device {}'s address: {e}",
                device.short()
            ));
        }
        self.log(&format!(
            "synced with device {} ({})",
            device.short(),
            path.as_str()
        ));
    }

    fn join(&self, request: &JoinRequest, device: &PublicKey) -> JoinAnswer {
        let answer = self.write(request.coop, |node| Ok(node.answer_join(request, device)));
        let answer = answer.unwrap_or_else(|e| JoinAnswer::Refused { reason: e.message });
        let outcome = match &answer {
            JoinAnswer::Welcome => "welcomed".to_owned(),
            JoinAnswer::Pending { proposal } => format!("admission put to a vote ({proposal})"),
            JoinAnswer::Refused { reason } => format!("refused: {reason}"),
        };
        self.log(&format!(
            "join request from {} (device {}): {outcome}",
            request.name,
            device.short()
        ));
        answer
    }

    fn everything(&self, coop: CoopId) -> Result<(Vec<ChangeHash>, Vec<RawChange>), HostError> {
        self.lock().everything(coop).map_err(|e| {
            self.log(&format!(
                "cannot send co-op {} to a newcomer: {}",
                coop.short(),
                e.message
            ));
            HostError(e.message)
        })
    }

    fn welcomed(
        &self,
        coop: CoopId,
        heads: Vec<ChangeHash>,
        changes: Vec<RawChange>,
        from: &PublicKey,
    ) -> Result<Vec<RawChange>, HostError> {
        let source = format!("invite from {}", from.short());
        let lacking = self.write(coop, |node| {
            node.import_changes(coop, changes, &source)?;
            node.lacking(coop, &heads)
        });
        lacking.map_err(|e| HostError(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_recently_live_peer_is_redialled_within_a_second() {
        assert_eq!(
            redial_delay(0, Some(Duration::ZERO)),
            Duration::from_millis(250)
        );
        assert_eq!(
            redial_delay(1, Some(Duration::ZERO)),
            Duration::from_millis(500)
        );
        for failures in 2..40 {
            assert_eq!(
                redial_delay(failures, Some(Duration::from_secs(5))),
                REDIAL_CAP_RECENT
            );
        }
        assert_eq!(redial_delay(30, None), REDIAL_CAP);
        assert_eq!(redial_delay(30, Some(Duration::from_secs(600))), REDIAL_CAP);
    }
}
