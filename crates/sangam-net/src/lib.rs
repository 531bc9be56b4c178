//! Sangam's transport: one iroh endpoint per home (its secret key is the device key), a
//! [`Router`] with one protocol handler per ALPN, and an allowlist so that only devices of
//! current members get past the handshake.
//!
//! The sync itself is the sans-IO [`SyncSession`] of `sangam-replica`; this crate only
//! moves its frames over QUIC streams. It knows nothing of SQLite or of the desktop
//! shell: the layer above implements [`Host`].

mod allowlist;
mod blocking;
mod invite;
mod join;
mod link;
mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use iroh::endpoint::{PortmapperConfig, presets};
use iroh::protocol::Router;
use iroh::{Endpoint, EndpointAddr, RelayMap, RelayMode, RelayUrl};
use iroh_mdns_address_lookup::{DiscoveryEvent, MdnsAddressLookup};
use n0_future::StreamExt as _;
use sangam_model::{CoopId, PublicKey};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{ChangeHash, RawChange};

pub use invite::{
    INVITE_PREFIX, Invite, InviteError, LINK_PREFIX, LINK_SCHEME, Purpose, strip_link,
};
pub use iroh::EndpointAddr as PeerAddr;
pub use join::{
    JOIN_ALPN, JOIN_REQUEST_TIMEOUT, JoinAnswer, JoinOutcome, JoinRequest, MAX_JOINS_AT_ONCE,
};
pub use link::{LINK_ALPN, LinkAnswer, LinkOutcome, LinkRequest};
pub use session::{MAX_SESSIONS_PER_DEVICE, SyncSummary};

/// The ALPN of the sync protocol between members' devices.
pub const SYNC_ALPN: &[u8] = b"sangam/sync/1";

/// How long a sync waits for the peer's next frame before giving up.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(30);

/// What the transport needs from the home it serves.
pub trait Host: Send + Sync + 'static {
    /// Whether `device` is an active device of a current member of any co-op here: the
    /// allowlist checked at the handshake.
    fn knows(&self, device: &PublicKey) -> bool;
    /// Whether `device` may sync `coop` now.
    fn allows(&self, coop: CoopId, device: &PublicKey) -> bool;
    /// Whether this home holds `coop`.
    fn holds(&self, coop: CoopId) -> bool;
    /// The first frame of a session on `coop` (this home's heads).
    fn opening(&self, coop: CoopId, session: &mut SyncSession) -> Frame;
    /// Frames to send for `coop` (empty when there is nothing new).
    fn outgoing(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame>;
    /// Frames to send for `coop` after it changed here: the new changes once the session
    /// has settled (see [`SyncSession::on_change`]).
    fn on_change(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame>;
    /// Handles a frame from `from`: verifies, applies and durably stores what it carries.
    /// Returns how many changes were newly stored; an error ends the connection.
    fn incoming(
        &self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, HostError>;
    /// Wakes live sessions when a co-op changed (by a local write or another peer).
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<CoopId>;
    /// A session with `device` on `coop` opened: remember its address and how it was
    /// reached.
    fn connected(&self, device: &PublicKey, coop: CoopId, addr: &EndpointAddr, path: PathKind);
    /// Changes were sent in the session with `device`: the running totals.
    fn progress(&self, coop: CoopId, device: &PublicKey, summary: &SyncSummary);
    /// The session with `device` ended, completed (`synced`) or not.
    fn ended(
        &self,
        device: &PublicKey,
        coop: CoopId,
        addr: &EndpointAddr,
        path: PathKind,
        synced: bool,
    );
    /// Decides a newcomer's join request; `device` is the newcomer's device, as the
    /// handshake proved it.
    fn join(&self, request: &JoinRequest, device: &PublicKey) -> JoinAnswer;
    /// This home's heads of `coop` and every change of it, each after its deps: what a
    /// welcomed newcomer receives.
    /// An error (the home could not be read) ends the welcome: a newcomer must never be
    /// handed an empty co-op as if it were the whole of it.
    fn everything(&self, coop: CoopId) -> Result<(Vec<ChangeHash>, Vec<RawChange>), HostError>;
    /// On the newcomer's side: verifies and stores the co-op received after a welcome,
    /// and returns what the inviter lacks, given its `heads`: the device binding written
    /// now, or on an earlier try whose answer never arrived.
    fn welcomed(
        &self,
        coop: CoopId,
        heads: Vec<ChangeHash>,
        changes: Vec<RawChange>,
        from: &PublicKey,
    ) -> Result<Vec<RawChange>, HostError>;
    /// Decides a link request from `device` (the new laptop, as the handshake proved
    /// it): takes the ticket's one use and answers with the member's identity and the
    /// co-ops that follow, or refuses.
    fn link(&self, secret: &[u8; 32], device: &PublicKey) -> LinkAnswer;
    /// On the new laptop: takes on the identity a link answered with (the member key's
    /// seed in hex, and the name), before the co-ops arrive.
    fn linked(&self, member: &str, name: &str) -> Result<(), HostError>;
}

/// The text form of a peer address, to print and to paste: an endpoint ticket.
pub fn addr_to_text(addr: &EndpointAddr) -> String {
    iroh_tickets::endpoint::EndpointTicket::new(addr.clone()).to_string()
}

/// Parses a peer address from its text form (an endpoint ticket).
pub fn addr_from_text(text: &str) -> Result<EndpointAddr, NetError> {
    let ticket: iroh_tickets::endpoint::EndpointTicket = text
        .trim()
        .parse()
        .map_err(|_| NetError::BadAddress(text.trim().chars().take(80).collect()))?;
    Ok(ticket.endpoint_addr().clone())
}

/// The address of a device known only by its key: iroh finds where it is (on the LAN by
/// mDNS, or through a relay). `None` for a key that is not a valid endpoint id.
pub fn device_addr(device: &PublicKey) -> Option<EndpointAddr> {
    iroh::EndpointId::from_bytes(device.as_bytes())
        .ok()
        .map(EndpointAddr::new)
}

/// The JSON form of a peer address, for remembering it.
pub fn addr_to_json(addr: &EndpointAddr) -> String {
    serde_json::to_string(addr).expect("endpoint addresses serialize")
}

/// Dials from a running endpoint (cheap to clone into tasks).
#[derive(Clone)]
pub struct Dialer {
    endpoint: Endpoint,
    host: Arc<dyn Host>,
    sessions: session::Sessions,
}

impl std::fmt::Debug for Dialer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dialer")
    }
}

impl Dialer {
    /// As [`Net::sync_with`].
    pub async fn sync_with(
        &self,
        addr: EndpointAddr,
        coop: CoopId,
        live: bool,
    ) -> Result<SyncSummary, NetError> {
        session::dial(
            &self.endpoint,
            self.host.clone(),
            &self.sessions,
            addr,
            coop,
            live,
        )
        .await
    }

    /// Whether a sync session on `coop` with `device` is open now, dialled or accepted.
    pub fn in_session(&self, coop: CoopId, device: &PublicKey) -> bool {
        self.sessions.contains(coop, device)
    }

    /// As [`Net::join`].
    pub async fn join(
        &self,
        invite: &Invite,
        request: JoinRequest,
    ) -> Result<JoinOutcome, NetError> {
        join::join(
            &self.endpoint,
            self.host.clone(),
            invite.inviter.clone(),
            request,
        )
        .await
    }
}

/// A failure the host reports; the connection is closed with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HostError(pub String);

/// How a peer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A private, loopback or link-local address: the same room or machine.
    Lan,
    /// A public address, reached directly.
    Direct,
    /// Through a relay.
    Relay,
}

impl PathKind {
    /// The word shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            PathKind::Lan => "lan",
            PathKind::Direct => "direct",
            PathKind::Relay => "relay",
        }
    }
}

/// Which relays the endpoint uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relays {
    /// None: direct and LAN connections only (tests, or a LAN-only meetup).
    Disabled,
    /// n0's public relays.
    Default,
    /// The co-op's own relay (`iroh-relay`), by URL.
    Custom(String),
}

/// How to start the endpoint. Its `Debug` leaves the secret out: a config printed to a
/// log must not hand out the device's key.
#[derive(Clone)]
pub struct NetConfig {
    /// The device's secret key bytes (the endpoint's identity).
    pub secret: [u8; 32],
    /// Relays to use.
    pub relays: Relays,
    /// Where to listen; `None` for all interfaces on a random port.
    pub bind: Option<SocketAddr>,
    /// Whether to use direct (UDP/IP) paths at all; `false` leaves only the relay, as for
    /// two laptops behind networks that let nothing through directly.
    pub direct: bool,
    /// Whether to announce this device and find others on the local network by mDNS, so
    /// laptops in one room find each other with no internet and no address typed.
    pub lan: bool,
}

impl std::fmt::Debug for NetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetConfig")
            .field("secret", &"(redacted)")
            .field("relays", &self.relays)
            .field("bind", &self.bind)
            .field("direct", &self.direct)
            .field("lan", &self.lan)
            .finish()
    }
}

/// The mDNS service name Sangam devices announce themselves under.
pub const LAN_SERVICE: &str = "sangam1";

/// Why the network could not start or a sync failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The endpoint could not bind.
    #[error("could not start networking: {0}")]
    Bind(String),
    /// A peer address that does not parse.
    #[error("{0:?} is not a peer address (paste the address `sangam serve` prints)")]
    BadAddress(String),
    /// A relay URL that does not parse.
    #[error("relay URL {0:?} is not valid")]
    BadRelay(String),
    /// Could not reach the peer.
    #[error("could not connect to the peer: {0}")]
    Connect(String),
    /// The peer refused this device (or this invite).
    #[error("refused: {0}")]
    Refused(String),
    /// The session broke off.
    #[error("sync failed: {0}")]
    Sync(String),
    /// The peer sent nothing for too long.
    #[error("the peer stopped answering")]
    Timeout,
}

/// A running endpoint with its protocols.
pub struct Net {
    router: Router,
    host: Arc<dyn Host>,
    lan: Option<MdnsAddressLookup>,
    sessions: session::Sessions,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Net({})", self.router.endpoint().id().fmt_short())
    }
}

impl Net {
    /// Binds the endpoint and starts accepting the sync protocol.
    pub async fn start(config: NetConfig, host: Arc<dyn Host>) -> Result<Self, NetError> {
        let relay_mode = match &config.relays {
            Relays::Disabled => RelayMode::Disabled,
            Relays::Default => RelayMode::Default,
            Relays::Custom(url) => {
                let url: RelayUrl = url.parse().map_err(|_| NetError::BadRelay(url.clone()))?;
                // No QUIC address discovery: a co-op's relay need not run it.
                RelayMode::Custom(RelayMap::from(iroh::RelayConfig::new(url, None)))
            }
        };
        // The minimal preset publishes nothing anywhere: no DNS, no pkarr.
        let mut builder = Endpoint::builder(presets::Minimal)
            .secret_key(iroh::SecretKey::from_bytes(&config.secret))
            .transport_config(transport_config())
            .relay_mode(relay_mode)
            .portmapper_config(PortmapperConfig::Disabled)
            .hooks(allowlist::Allowlist { host: host.clone() });
        if !config.direct {
            builder = builder.clear_ip_transports();
        } else if let Some(bind) = config.bind {
            builder = builder
                .clear_ip_transports()
                .bind_addr(bind)
                .map_err(|e| NetError::Bind(e.to_string()))?;
        }
        let endpoint = builder
            .bind()
            .await
            .map_err(|e| NetError::Bind(e.to_string()))?;
        let lan = if config.lan && config.direct {
            let mdns = MdnsAddressLookup::builder()
                .service_name(LAN_SERVICE)
                .build(endpoint.id())
                .map_err(|e| NetError::Bind(format!("LAN discovery: {e}")))?;
            endpoint
                .address_lookup()
                .map_err(|e| NetError::Bind(e.to_string()))?
                .add(mdns.clone());
            Some(mdns)
        } else {
            None
        };
        let sessions = session::Sessions::default();
        let sync = session::SyncProtocol {
            host: host.clone(),
            sessions: sessions.clone(),
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(join::MAX_JOINS_AT_ONCE));
        let join = join::JoinProtocol {
            host: host.clone(),
            slots: slots.clone(),
        };
        let link = link::LinkProtocol {
            host: host.clone(),
            slots,
        };
        let router = Router::builder(endpoint)
            .accept(SYNC_ALPN, sync)
            .accept(JOIN_ALPN, join)
            .accept(LINK_ALPN, link)
            .spawn();
        Ok(Self {
            router,
            host,
            lan,
            sessions,
        })
    }

    /// Devices announcing themselves on the local network, as they are found (and found
    /// again when their addresses change); `None` when LAN discovery is off.
    pub async fn lan_discoveries(&self) -> Option<tokio::sync::mpsc::Receiver<PublicKey>> {
        let mut events = self.lan.as_ref()?.subscribe().await;
        let (found, discoveries) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if let DiscoveryEvent::Discovered { endpoint_info, .. } = event {
                    let device = PublicKey::from_bytes(*endpoint_info.endpoint_id.as_bytes());
                    if found.send(device).await.is_err() {
                        break;
                    }
                }
            }
        });
        Some(discoveries)
    }

    /// This device's id.
    pub fn id(&self) -> PublicKey {
        PublicKey::from_bytes(*self.router.endpoint().id().as_bytes())
    }

    /// This endpoint's address as others can dial it now.
    pub fn addr(&self) -> EndpointAddr {
        self.router.endpoint().addr()
    }

    /// Waits (up to `wait`) until a home relay is connected, so [`Net::addr`] includes it.
    pub async fn online(&self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.router.endpoint().online())
            .await
            .is_ok()
    }

    /// Syncs `coop` with the peer at `addr`. With `live`, keeps the connection and pushes
    /// changes both ways until either side closes it.
    pub async fn sync_with(
        &self,
        addr: EndpointAddr,
        coop: CoopId,
        live: bool,
    ) -> Result<SyncSummary, NetError> {
        self.dialer().sync_with(addr, coop, live).await
    }

    /// Joins a co-op with an invite: asks the inviter's endpoint and, when welcomed, ends
    /// holding the co-op with this device bound.
    pub async fn join(
        &self,
        invite: &Invite,
        request: JoinRequest,
    ) -> Result<JoinOutcome, NetError> {
        self.dialer().join(invite, request).await
    }

    /// Links this laptop to a member's identity with a link ticket: receives the member key
    /// and the co-ops from the laptop that made the ticket, this device bound in each.
    pub async fn link(&self, ticket: &Invite) -> Result<LinkOutcome, NetError> {
        link::link(
            self.router.endpoint(),
            self.host.clone(),
            ticket.inviter.clone(),
            LinkRequest {
                secret: ticket.secret,
            },
        )
        .await
    }

    /// A handle that can dial from this endpoint in another task.
    pub fn dialer(&self) -> Dialer {
        Dialer {
            endpoint: self.router.endpoint().clone(),
            host: self.host.clone(),
            sessions: self.sessions.clone(),
        }
    }

    /// Stops accepting and closes the endpoint.
    pub async fn shutdown(self) {
        let _ = self.router.shutdown().await;
    }
}

/// How often a connection proves it is alive when nothing else is sent.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_millis(400);

/// How long a connection may hear nothing before it is given up. QUIC's default is 30 s,
/// which left a live session with a restarted peer dead for half a minute; with a
/// keep-alive every [`KEEP_ALIVE`], three or four lost in a row end it, and the live
/// session redials at once (a flaky link costs a reconnect, not a stale session).
pub const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

fn transport_config() -> iroh::endpoint::QuicTransportConfig {
    iroh::endpoint::QuicTransportConfig::builder()
        .keep_alive_interval(KEEP_ALIVE)
        .max_idle_timeout(Some(
            IDLE_TIMEOUT
                .try_into()
                .expect("1.5 s fits QUIC's idle timeout"),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_config_leaves_the_secret_out() {
        let config = NetConfig {
            secret: [0xab; 32],
            relays: Relays::Disabled,
            bind: None,
            direct: true,
            lan: false,
        };
        let printed = format!("{config:?}");
        assert!(printed.contains("redacted"), "{printed}");
        assert!(
            !printed.contains("171") && !printed.contains("ab, ab"),
            "{printed}"
        );
    }
}
