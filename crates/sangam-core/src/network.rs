//! A node shared with the network: the [`Host`] the transport calls into, and the use
//! cases that need the network (`serve`, `sync`, `peers`, the relay setting).

use std::sync::{Arc, Mutex, MutexGuard};

use sangam_model::{CoopId, PublicKey};
use sangam_net::{
    Host, HostError, JoinAnswer, JoinRequest, Net, NetConfig, PathKind, PeerAddr, Relays,
};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{RawChange, SignedChange};
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

impl Node {
    /// The relay choice of this home: `default` (n0's relays), `off`, or a URL.
    pub fn relays(&self) -> Result<Relays, ApiError> {
        Ok(match self.store().setting(RELAY_SETTING)?.as_deref() {
            None | Some("default") => Relays::Default,
            Some("off") => Relays::Disabled,
            Some(url) => Relays::Custom(url.to_owned()),
        })
    }

    /// Sets the relay: `default`, `off`, or the URL of the co-op's own `iroh-relay`.
    pub fn set_relay(&self, value: &str) -> Result<(), ApiError> {
        let value = value.trim();
        let ok = matches!(value, "default" | "off")
            || value.starts_with("http://")
            || value.starts_with("https://");
        if !ok {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "give a relay URL (https://relay.example.org), `default` or `off`",
            ));
        }
        Ok(self.store().set_setting(RELAY_SETTING, value)?)
    }

    /// The endpoint configuration for this home.
    pub fn net_config(&self, relays: Relays, bind: Option<std::net::SocketAddr>) -> NetConfig {
        NetConfig {
            secret: *self.device_secret().to_seed(),
            relays,
            bind,
            direct: true,
        }
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

    fn sync_incoming(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        let now = self.now();
        self.replica(coop)?;
        let mut replica = self.take_replica(coop);
        let admitted = match session.incoming(&mut replica, frame, now) {
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
        if admitted.applied.is_empty() && rejections.is_empty() {
            self.put_replica(replica);
            return Ok(0);
        }
        // On failure persist drops the replica, so the next use reloads from disk.
        self.persist_taken(
            replica,
            &format!("peer {}", from.short()),
            &admitted.applied,
            &rejections,
        )?;
        Ok(admitted.applied.len())
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
    /// Shares `node`.
    pub fn new(node: Node) -> Arc<Self> {
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
    /// devices, keeps a live session to each of `peers` (reconnecting when one drops), and
    /// picks up what other processes write to the home so it reaches connected peers.
    pub async fn serve(
        self: &Arc<Self>,
        net: &Net,
        peers: Vec<(CoopId, PeerAddr)>,
        stop: impl std::future::Future<Output = ()>,
    ) {
        for (coop, addr) in peers {
            let (me, endpoint_addr) = (self.clone(), addr);
            let dialer = net.dialer();
            tokio::spawn(async move {
                loop {
                    match dialer.sync_with(endpoint_addr.clone(), coop, true).await {
                        Ok(_) => me.log("live session ended; reconnecting"),
                        Err(e) => me.log(&format!("live session to a peer failed: {e}; retrying")),
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                }
            });
        }
        let watcher = self.clone();
        let poll = tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                match watcher.catch_up() {
                    Ok(0) => {}
                    Ok(n) => watcher.log(&format!("picked up local writes in {n} co-op(s)")),
                    Err(e) => watcher.log(&format!("could not read the home: {}", e.message)),
                }
            }
        });
        stop.await;
        poll.abort();
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

    fn opening(&self, coop: CoopId, session: &SyncSession) -> Frame {
        let mut node = self.lock();
        match node.replica(coop) {
            Ok(replica) => session.opening(replica),
            Err(_) => Frame::Heads(vec![]),
        }
    }

    fn outgoing(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.lock().sync_outgoing(coop, session)
    }

    fn incoming(
        &self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, HostError> {
        let result = self.lock().sync_incoming(coop, session, frame, from);
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
        let _ = node
            .store()
            .remember_peer(device, coop, &json, dialable, path.as_str(), now);
        drop(node);
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

    fn everything(&self, coop: CoopId) -> Vec<RawChange> {
        self.lock().everything(coop).unwrap_or_default()
    }

    fn welcomed(
        &self,
        coop: CoopId,
        changes: Vec<RawChange>,
        from: &PublicKey,
    ) -> Result<Vec<RawChange>, HostError> {
        let source = format!("invite from {}", from.short());
        let imported = self.write(coop, |node| node.import_changes(coop, changes, &source));
        let (_, written) = imported.map_err(|e| HostError(e.message))?;
        Ok(written.iter().map(SignedChange::to_raw).collect())
    }
}
