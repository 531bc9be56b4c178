//! What the protocols carry and report, below the protocols themselves: a newcomer's
//! join request (signed by its member key) and the inviter's answer, a new laptop's
//! link request and answer, and what one sync did. The [`crate::Host`] a home implements
//! speaks in these.

use sangam_model::{CoopId, PublicKey, SecretKey, Signature};
use serde::{Deserialize, Serialize};

/// What a newcomer asks. Its `Debug` output leaves the invite's secret out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The co-op the invite is for.
    pub coop: CoopId,
    /// The invite's secret.
    pub secret: [u8; 32],
    /// The newcomer's member key.
    pub member: PublicKey,
    /// The name the newcomer goes by.
    pub name: String,
    /// The member key's signature over [`JoinRequest::signed_bytes`]: proof that the
    /// newcomer holds the key it names, for this co-op, this invite and this device.
    pub proof: Signature,
}

impl std::fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinRequest")
            .field("coop", &self.coop)
            .field("secret", &"<secret>")
            .field("member", &self.member)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Domain of the member key's signature in a join request.
const JOIN_DOMAIN: &str = "sangam/join/1";

impl JoinRequest {
    /// A request signed by the newcomer's member key, for the device `device` (the one
    /// that will make the connection).
    pub fn new(
        coop: CoopId,
        secret: [u8; 32],
        member: &SecretKey,
        name: String,
        device: &PublicKey,
    ) -> Self {
        let proof = member.sign(JOIN_DOMAIN, &Self::signed_bytes(coop, &secret, device));
        Self {
            coop,
            secret,
            member: member.public(),
            name,
            proof,
        }
    }

    /// What the proof covers: the co-op id, the invite's secret and the device.
    fn signed_bytes(coop: CoopId, secret: &[u8; 32], device: &PublicKey) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(96);
        bytes.extend_from_slice(coop.as_bytes());
        bytes.extend_from_slice(secret);
        bytes.extend_from_slice(device.as_bytes());
        bytes
    }

    /// Whether the member key signed this request for `device` (the connection's).
    pub fn is_signed_for(&self, device: &PublicKey) -> bool {
        self.member
            .verify(
                JOIN_DOMAIN,
                &Self::signed_bytes(self.coop, &self.secret, device),
                &self.proof,
            )
            .is_ok()
    }
}

/// What the inviter's home answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum JoinAnswer {
    /// Admitted (or already a member): the co-op follows.
    Welcome,
    /// The bylaws ask for a vote: a proposal to admit the newcomer is open.
    Pending {
        /// The proposal's id.
        proposal: String,
    },
    /// Refused, with the reason to show the newcomer.
    Refused {
        /// Why.
        reason: String,
    },
}

/// How a join ended, on the newcomer's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// The newcomer is a member and holds the co-op.
    Welcome {
        /// Changes received and stored.
        received: usize,
    },
    /// Waiting on a vote.
    Pending {
        /// The admission proposal's id.
        proposal: String,
    },
}

/// What a new laptop asks: the ticket's secret. Its `Debug` output leaves it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The link ticket's secret.
    pub secret: [u8; 32],
}

impl std::fmt::Debug for LinkRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkRequest { secret: <secret> }")
    }
}

/// What the member's laptop answers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LinkAnswer {
    /// The ticket holds: the member's identity, then each co-op in turn.
    Welcome {
        /// The member key's 32-byte seed, hex: the identity the new laptop takes on.
        member: String,
        /// The member's name on this laptop.
        name: String,
        /// The co-ops that follow, in order.
        coops: Vec<CoopId>,
    },
    /// Refused, with the reason to show.
    Refused {
        /// Why.
        reason: String,
    },
}

impl std::fmt::Debug for LinkAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkAnswer::Welcome { name, coops, .. } => f
                .debug_struct("Welcome")
                .field("member", &"<secret>")
                .field("name", name)
                .field("coops", coops)
                .finish(),
            LinkAnswer::Refused { reason } => {
                f.debug_struct("Refused").field("reason", reason).finish()
            }
        }
    }
}

/// How a link ended, on the new laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOutcome {
    /// Each co-op received, and how many changes came with it.
    pub coops: Vec<(CoopId, usize)>,
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Changes received and newly stored.
    pub received: usize,
    /// Changes sent.
    pub sent: usize,
    /// Frames exchanged.
    pub frames: usize,
}
