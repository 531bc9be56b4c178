//! The endpoint: one iroh endpoint per home, its protocols on a router, LAN discovery,
//! and the dialer that syncs with a peer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use iroh::endpoint::{PortmapperConfig, presets};
use iroh::protocol::Router;
use iroh::{Endpoint, EndpointAddr, RelayMap, RelayMode, RelayUrl};
use iroh_mdns_address_lookup::{DiscoveryEvent, MdnsAddressLookup};
use n0_future::StreamExt as _;
use sangam_model::{CoopId, PublicKey};

use crate::error::NetError;
use crate::host::{Host, SYNC_ALPN};
use crate::invite::Invite;
use crate::join::JOIN_ALPN;
use crate::link::LINK_ALPN;
use crate::messages::{JoinOutcome, JoinRequest, LinkOutcome, LinkRequest, SyncSummary};
use crate::{allowlist, join, link, session};

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
