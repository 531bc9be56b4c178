//! What the transport asks of the home it serves ([`Host`]), and what every protocol
//! shares: the sync ALPN, the frame timeout, and how a peer was reached.

use std::time::Duration;

use iroh::EndpointAddr;
use sangam_model::{CoopId, PublicKey};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{ChangeHash, RawChange};

use crate::messages::{JoinAnswer, JoinRequest, LinkAnswer, SyncSummary};

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
