//! Sangam's transport: one iroh endpoint per home (its secret key is the device key), a
//! [`Router`] with one protocol handler per ALPN, and an allowlist so that only devices of
//! current members get past the handshake.
//!
//! The sync itself is the sans-IO [`SyncSession`] of `sangam-replica`; this crate only
//! moves its frames over QUIC streams. It knows nothing of SQLite or of the desktop
//! shell: the layer above implements [`Host`].

mod allowlist;
mod blocking;
mod endpoint;
mod error;
mod host;
mod invite;
mod join;
mod link;
mod messages;
mod session;

pub use endpoint::{
    Dialer, IDLE_TIMEOUT, KEEP_ALIVE, LAN_SERVICE, Net, NetConfig, Relays, addr_from_text,
    addr_to_json, addr_to_text, device_addr,
};
pub use error::NetError;
pub use host::{FRAME_TIMEOUT, Host, HostError, PathKind, SYNC_ALPN};
pub use invite::{
    INVITE_PREFIX, Invite, InviteError, LINK_PREFIX, LINK_SCHEME, Purpose, strip_link,
};
pub use iroh::EndpointAddr as PeerAddr;
pub use join::{JOIN_ALPN, JOIN_REQUEST_TIMEOUT, MAX_JOINS_AT_ONCE};
pub use link::LINK_ALPN;
pub use messages::{
    JoinAnswer, JoinOutcome, JoinRequest, LinkAnswer, LinkOutcome, LinkRequest, SyncSummary,
};
pub use session::MAX_SESSIONS_PER_DEVICE;
