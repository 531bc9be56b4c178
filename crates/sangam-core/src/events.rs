//! What happens in a home, as it happens: the typed event stream every front end
//! subscribes to ([`crate::Home::subscribe`]). The desktop forwards these as window events;
//! `sangam serve` prints them.
//!
//! Record events are sent only after the write that made them is durable: a subscriber
//! never hears of a record that a crash could take back.

use sangam_model::{CoopId, PublicKey, RecordId};
use serde::Serialize;
use ts_rs::TS;

use crate::dto::PeerPath;

/// Where a record or a refused change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Written on this laptop.
    Local,
    /// Read from a bundle file.
    Bundle,
    /// Received from a peer device in a sync session.
    Peer {
        /// The peer's device key.
        #[ts(type = "string")]
        device: PublicKey,
    },
    /// Received from the inviter's device while joining.
    Invite {
        /// The inviter's device key.
        #[ts(type = "string")]
        device: PublicKey,
    },
}

impl From<Origin> for sangam_store::ChangeSource {
    fn from(origin: Origin) -> Self {
        match origin {
            Origin::Local => Self::Local,
            Origin::Bundle => Self::Bundle,
            Origin::Peer { device } => Self::Peer(device),
            Origin::Invite { device } => Self::Invite(device),
        }
    }
}

/// How a join request was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JoinDecision {
    /// Admitted at once (the bylaws let any member admit).
    Welcomed,
    /// Put to a vote: the admission proposal.
    PutToVote {
        /// The proposal's record id.
        #[ts(type = "string")]
        proposal: RecordId,
    },
    /// Refused, and why.
    Refused {
        /// Why.
        reason: String,
    },
}

/// One thing that happened in this home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A record became part of a co-op here (durably stored).
    RecordAdded {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
        /// The record's id.
        #[ts(type = "string")]
        id: RecordId,
        /// Its kind, e.g. `ballot`.
        kind: sangam_model::Kind,
        /// The member who signed it.
        #[ts(type = "string")]
        author: PublicKey,
        /// Written here, or from where it came.
        origin: Origin,
    },
    /// A proposal's tally may read differently now (a ballot, proxy, close or withdrawal).
    TallyChanged {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
        /// The proposal.
        #[ts(type = "string")]
        proposal: RecordId,
    },
    /// The members or their devices changed (admitted, left, renamed, a device bound).
    MembersChanged {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
    },
    /// A sync session with a peer device opened.
    PeerConnected {
        /// The co-op synced.
        #[ts(type = "string")]
        coop: CoopId,
        /// The peer's device key.
        #[ts(type = "string")]
        device: PublicKey,
        /// The member the device belongs to, if this home knows it yet.
        #[ts(type = "string | null")]
        member: Option<PublicKey>,
        /// How it was reached.
        path: PeerPath,
    },
    /// A sync session with a peer device ended.
    PeerDisconnected {
        /// The co-op synced.
        #[ts(type = "string")]
        coop: CoopId,
        /// The peer's device key.
        #[ts(type = "string")]
        device: PublicKey,
    },
    /// Changes moved in a session: running totals since it opened. Received changes are
    /// counted as they arrive, before they are checked; the records they carry follow as
    /// [`Event::RecordAdded`] once stored.
    SyncProgress {
        /// The co-op synced.
        #[ts(type = "string")]
        coop: CoopId,
        /// The peer's device key.
        #[ts(type = "string")]
        device: PublicKey,
        /// Changes received so far.
        received: usize,
        /// Changes sent so far.
        sent: usize,
        /// How many changes the peer is sending in all, when known.
        of: Option<usize>,
    },
    /// A newcomer asked to join with an invite.
    JoinRequested {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
        /// The name they go by.
        name: String,
        /// Their device key.
        #[ts(type = "string")]
        device: PublicKey,
    },
    /// A join request was decided.
    JoinDecided {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
        /// The newcomer's name.
        name: String,
        /// Their device key.
        #[ts(type = "string")]
        device: PublicKey,
        /// What was decided.
        decision: JoinDecision,
    },
    /// A change from outside was refused (kept out, logged with its reason).
    ChangeRefused {
        /// The co-op.
        #[ts(type = "string")]
        coop: CoopId,
        /// Where it came from.
        origin: Origin,
        /// Why.
        reason: String,
    },
    /// What serving is doing that no other event says: dialling a peer, a peer out of
    /// reach, changes stored from a device, a frame refused. For a log.
    Activity {
        /// What happened, as a code and its values.
        activity: crate::Activity,
    },
    /// A device wrote two different changes with one sequence number (a copy of a home
    /// was used): both are kept and their records count. Also said as a [`Event::Notice`];
    /// this one is for a notification.
    ForkFound {
        /// The co-op.
        coop: String,
        /// The device that wrote both (its key, hex).
        device: String,
        /// The sequence number both changes carry.
        seq: u64,
    },
    /// Something the home did by itself that a member should hear of (a fork found and
    /// mended, a new device key, stored changes skipped).
    Notice {
        /// What happened, as a code and its values.
        notice: crate::Notice,
    },
}

/// Where events go: a broadcast every subscriber receives from the moment it subscribes.
/// A subscriber that falls more than [`CAPACITY`] events behind misses the oldest ones and
/// is told so by the receiver (`Lagged`); it should then reread what it shows.
pub(crate) type Sender = tokio::sync::broadcast::Sender<Event>;

/// How many events a slow subscriber may fall behind.
pub const CAPACITY: usize = 4096;
