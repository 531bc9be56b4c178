//! Serving a home to the network and syncing on demand: listening, redialling
//! remembered peers, LAN discovery, one-shot syncs and joins. One call each, shared by
//! `sangam serve` / `sangam sync` / `sangam join` and the desktop app.

use std::sync::{Arc, Mutex, MutexGuard};

use sangam_model::{CoopId, PublicKey};
use sangam_net::{Net, NetConfig, PeerAddr, Relays};
use serde::Serialize;

use crate::ApiError;
use crate::home::Home;
use crate::invites::JoinDto;
use crate::problem::{ProblemKey, problem};

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The co-op the given peers are devices of.
    pub coop: CoopId,
    /// Listen on this address (default: every interface, a random port).
    pub bind: Option<std::net::SocketAddr>,
    /// Peers to keep a live session with: addresses as `serve` shows them, or device keys.
    pub peers: Vec<String>,
    /// Relays to use instead of the home's choice.
    pub relays: Option<Relays>,
}

/// Where a serving home listens.
#[derive(Debug, Clone)]
pub struct ServeInfo {
    /// Its address, as text to paste on another laptop.
    pub address: String,
    /// Its device key.
    pub device: PublicKey,
}

/// What a one-shot sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SyncReport {
    /// Changes received and stored.
    pub received: usize,
    /// Changes sent.
    pub sent: usize,
    /// Frames exchanged.
    pub frames: usize,
    /// The peers that could not be synced with, and why.
    pub failures: Vec<String>,
}

/// How long the home must have been quiet before `serve` saves a due snapshot.
const SNAPSHOT_QUIET: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a serving home keeps waiting for a relay to answer before it stops looking
/// (it serves on the LAN and direct addresses meanwhile).
const RELAY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

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

/// While a serve runs, the home's dialer on its endpoint; taken away when it ends.
struct ServingDialer<'a>(&'a Home);

impl Drop for ServingDialer<'_> {
    fn drop(&mut self) {
        self.0.set_serving_dialer(None);
    }
}

impl Home {
    /// Serves this home until `stop` completes, in one call: starts the endpoint, records
    /// the address invites carry, tells `ready` where it listens (at once, relay or not),
    /// hands every event of the run to `watch`, runs [`Home::serve`] and shuts the endpoint
    /// down.
    pub async fn run_serve(
        &self,
        options: ServeOptions,
        ready: impl FnOnce(&ServeInfo),
        watch: impl Fn(&crate::Event) + Send + 'static,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), ApiError> {
        // Subscribed before anything starts, so `watch` hears every event of the run.
        let mut events = self.subscribe();
        let watcher = tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match events.recv().await {
                    Ok(event) => watch(&event),
                    Err(RecvError::Lagged(missed)) => watch(&crate::Event::Activity {
                        activity: crate::Activity::Missed { events: missed },
                    }),
                    Err(RecvError::Closed) => break,
                }
            }
        });
        let served = self.serve_until(options, ready, stop).await;
        watcher.abort();
        served
    }

    async fn serve_until(
        &self,
        options: ServeOptions,
        ready: impl FnOnce(&ServeInfo),
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), ApiError> {
        let (peers, relays) = {
            let mut node = self.node();
            let peers = options
                .peers
                .iter()
                .map(|p| node.peer_addr(options.coop, p).map(|a| (options.coop, a)))
                .collect::<Result<Vec<_>, _>>()?;
            let relays = match options.relays {
                Some(relays) => relays,
                None => node.relays()?,
            };
            (peers, relays)
        };
        let net = self
            .start_net_with(options.bind, Some(relays.clone()))
            .await?;
        // Ready at once, relay or not: at a meetup with no internet nobody waits for one.
        // Invites made on this home point here (recorded before the address is shown, so
        // whoever reads it can invite at once).
        self.node().record_serve_addr(&net.addr())?;
        let address = sangam_net::addr_to_text(&net.addr());
        self.set_serving(Some(address.clone()));
        ready(&ServeInfo {
            address,
            device: net.id(),
        });
        // When a relay answers, the address grows by it: invites made after that carry it.
        let relay_joins = async {
            if relays != Relays::Disabled && net.online(RELAY_PATIENCE).await {
                match self.node().record_serve_addr(&net.addr()) {
                    Ok(()) => {
                        self.set_serving(Some(sangam_net::addr_to_text(&net.addr())));
                        self.shared.log(crate::Activity::RelayReached {
                            address: sangam_net::addr_to_text(&net.addr()),
                        });
                    }
                    Err(e) => self
                        .shared
                        .log(crate::Activity::RelayNotStored { error: e.message }),
                }
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            () = self.serve(&net, peers, stop) => {}
            () = relay_joins => {}
        }
        self.set_serving(None);
        net.shutdown().await;
        Ok(())
    }

    fn set_serving(&self, address: Option<String>) {
        *self
            .shared
            .serving
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = address;
    }

    /// Syncs `coop` once with `peer` (an address as `serve` prints it, or a device key),
    /// or with every remembered peer that left an address, then stops. Fails only when no
    /// peer could be synced with; the peers that failed are listed in the report.
    pub async fn sync_now(
        &self,
        coop: CoopId,
        peer: Option<&str>,
        relays: Option<Relays>,
    ) -> Result<SyncReport, ApiError> {
        let addrs = {
            let mut node = self.node();
            match peer {
                Some(p) => vec![node.peer_addr(coop, p)?],
                None => node.dialable_peers(coop)?,
            }
        };
        if addrs.is_empty() {
            return Err(problem(ProblemKey::NoPeerToSync).into());
        }
        // While this home serves, through its serving endpoint: a second endpoint under the
        // same device key would contend with it (a relay keeps one connection per key).
        let serving = self
            .shared
            .serving_dialer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let (own, dialer) = match serving {
            Some(dialer) => (None, dialer),
            None => {
                let net = self.start_net_with(None, relays).await?;
                let dialer = net.dialer();
                (Some(net), dialer)
            }
        };
        let mut report = SyncReport::default();
        for addr in addrs {
            match dialer.sync_with(addr, coop, false).await {
                Ok(s) => {
                    report.received += s.received;
                    report.sent += s.sent;
                    report.frames += s.frames;
                }
                Err(e) => report.failures.push(e.to_string()),
            }
        }
        if let Some(net) = own {
            net.shutdown().await;
        }
        self.save_snapshots(std::time::Duration::ZERO)?;
        if report.frames == 0 && !report.failures.is_empty() {
            return Err(problem(ProblemKey::NoPeerSynced)
                .with("detail", report.failures.join("; "))
                .into());
        }
        Ok(report)
    }

    /// Joins a co-op with an invite ticket in one call: starts an endpoint, joins through
    /// the inviter's laptop ([`Home::join_over`]), stops.
    pub async fn join(&self, ticket: &str, name: Option<&str>) -> Result<JoinDto, ApiError> {
        let net = self.start_net_with(None, None).await?;
        let joined = self.join_over(&net, ticket, name).await;
        net.shutdown().await;
        self.save_snapshots(std::time::Duration::ZERO)?;
        joined
    }

    /// Links this (new) laptop with a link ticket from another laptop of the member, over
    /// an endpoint of its own for the duration.
    pub async fn link(&self, ticket: &str) -> Result<crate::LinkedDto, ApiError> {
        let net = self.start_net_with(None, None).await?;
        let linked = self.link_over(&net, ticket).await;
        net.shutdown().await;
        self.save_snapshots(std::time::Duration::ZERO)?;
        linked
    }

    /// Starts this home's endpoint: on `bind` (default: every interface, a random port),
    /// with `relays` (default: the home's choice, [`Home::relays`]).
    pub async fn start_net_with(
        &self,
        bind: Option<std::net::SocketAddr>,
        relays: Option<Relays>,
    ) -> Result<Net, ApiError> {
        let config = {
            let mut node = self.node();
            let relays = match relays {
                Some(relays) => relays,
                None => node.relays()?,
            };
            node.net_config(relays, bind)
        };
        self.start_net(config).await
    }

    /// The endpoint configuration for this home with `relays`, listening on `bind`.
    pub fn net_config(&self, relays: Relays, bind: Option<std::net::SocketAddr>) -> NetConfig {
        self.node().net_config(relays, bind)
    }

    /// Remembers the address this home serves on; invites carry it.
    pub fn record_serve_addr(&self, addr: &PeerAddr) -> Result<(), ApiError> {
        self.node().record_serve_addr(addr)
    }

    /// Picks up changes other processes stored in this home; live sessions and
    /// subscribers hear of them. Returns how many co-ops changed.
    pub fn catch_up(&self) -> Result<usize, ApiError> {
        Ok(self.node().catch_up()?.len())
    }

    /// Saves the snapshots (and the replicas, [`crate::saved_replicas`]) that are due once
    /// nothing was committed for `quiet`. Returns how many it saved. Each document is saved with its replica lent (`lending.rs`), so
    /// other co-ops' sessions do not wait for it.
    pub fn save_snapshots(&self, quiet: std::time::Duration) -> Result<usize, ApiError> {
        let due = self.node().take_due_snapshots(quiet);
        let mut saved = 0;
        for coop in due {
            let coop_lock = self.shared.lending.coop_lock(coop);
            let _held = coop_lock.lock().unwrap_or_else(|p| p.into_inner());
            let Ok(mut loan) = self.node().lend(coop) else {
                continue;
            };
            let document = loan.replica().save_document();
            let count = loan.replica().change_count();
            loan.give_back();
            let mut node = self.node();
            node.recall(coop);
            match document {
                Some(document) => node.store_snapshot(coop, &document, count)?,
                None => node.save_snapshot_of(coop)?,
            }
            saved += 1;
        }
        // The co-ops' replicas, as each last commit left them due.
        saved += self.node().save_due_replicas(quiet)?;
        Ok(saved)
    }

    /// Serves this home on `net` until `stop` completes: accepts sync connections from
    /// the co-ops' devices; keeps a live session (reconnecting when it drops) to each of
    /// `peers`, to every remembered peer with an address, and to the co-ops' devices found
    /// on the local network; and picks up what other processes write to the home so it
    /// reaches connected peers. Snapshots are saved when the home is quiet, not in the
    /// middle of a sync.
    pub async fn serve(
        &self,
        net: &Net,
        peers: Vec<(CoopId, PeerAddr)>,
        stop: impl std::future::Future<Output = ()>,
    ) {
        self.set_serving_dialer(Some(net.dialer()));
        // Cleared however serving ends, even when this future is dropped.
        let _serving = ServingDialer(self);
        let live = LiveSessions::default();
        let mut targets = peers;
        let coops = self.coops_held();
        for coop in &coops {
            let remembered = self.node().dialable_peers(*coop).unwrap_or_default();
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
                        if !me.node().sync_allows(coop, &device) {
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
                    Ok(n) => watcher
                        .shared
                        .log(crate::Activity::LocalWrites { coops: n }),
                    Err(e) => watcher
                        .shared
                        .log(crate::Activity::HomeUnreadable { error: e.message }),
                }
                if let Err(e) = watcher.save_snapshots(SNAPSHOT_QUIET) {
                    watcher
                        .shared
                        .log(crate::Activity::SnapshotNotSaved { error: e.message });
                }
            }
        }));
        stop.await;
        for task in tasks {
            task.abort();
        }
        live.stop_all();
    }

    fn set_serving_dialer(&self, dialer: Option<sangam_net::Dialer>) {
        *self
            .shared
            .serving_dialer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = dialer;
    }

    /// How many endpoints this handle has started: one for a serve, however often "Sync
    /// now" is asked for meanwhile; one more for each sync, join or link when it is not
    /// serving.
    pub fn endpoints_started(&self) -> usize {
        self.shared
            .endpoints_started
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn coops_held(&self) -> Vec<CoopId> {
        self.node()
            .store()
            .coops()
            .unwrap_or_default()
            .into_iter()
            .map(|row| row.id)
            .collect()
    }

    /// Keeps one live session with the device at `addr` on `coop`, redialling when it
    /// drops, until the device is no longer one of the co-op's (or serving stops). A
    /// session already kept with that device is left alone.
    fn keep_live(
        &self,
        dialer: sangam_net::Dialer,
        coop: CoopId,
        addr: PeerAddr,
        live: &LiveSessions,
    ) {
        let device = PublicKey::from_bytes(*addr.id.as_bytes());
        let Some(slot) = live.claim(coop, device) else {
            return;
        };
        self.shared.log(crate::Activity::LiveSession {
            device: device.to_string(),
        });
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
                        me.shared.log(crate::Activity::LiveSessionEnded {
                            device: device.to_string(),
                            idle_ms: u64::try_from(sangam_net::IDLE_TIMEOUT.as_millis())
                                .unwrap_or(u64::MAX),
                        });
                    }
                    Err(e) => {
                        // Say it once, not every few seconds while a laptop is away.
                        if failures == 0 {
                            me.shared.log(crate::Activity::Unreachable {
                                device: device.to_string(),
                                error: e.to_string(),
                            });
                        }
                        failures = failures.saturating_add(1);
                    }
                }
                // A peer that dialled in may have been allowed only through our own dial;
                // a device that is no longer the co-op's is not redialled.
                let known = me.node().sync_allows(coop, &device);
                if !known && failures > 0 {
                    me.shared.log(crate::Activity::NotOfTheCoop {
                        device: device.to_string(),
                    });
                    break;
                }
                let backoff = redial_delay(failures, last_live.map(|at| at.elapsed()));
                tokio::time::sleep(backoff).await;
            }
        });
        live.hold(task);
    }

    /// Starts the endpoint for this home.
    /// Starts this home's endpoint with `config` ([`Home::net_config`]). From then on
    /// snapshots wait for [`Home::save_snapshots`], so none is written in the middle of a
    /// sync.
    pub async fn start_net(&self, config: NetConfig) -> Result<Net, ApiError> {
        self.node().defer_snapshots();
        self.shared
            .endpoints_started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let host: Arc<dyn sangam_net::Host> = self.shared.clone();
        Net::start(config, host)
            .await
            .map_err(|e| problem(ProblemKey::NetworkFailed).with("detail", e).into())
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
