//! Linking a member's second laptop (docs/protocol.md "Linking a laptop"): a laptop that
//! holds the member key issues a one-time, short-lived link ticket; the new laptop proves
//! it over the connection the ticket authenticates and receives the member key (never in
//! the ticket) and the co-ops, binding its own new device key in each. Both laptops then
//! act as one member, each with its own device key.

use std::time::Duration;

use serde::Serialize;

use sangam_model::{CoopId, PublicKey, SecretKey};
use sangam_net::{Invite, LinkAnswer, Net, Purpose};
use sangam_store::LinkUse;

use crate::home::Home;
use crate::invites::secret_hash;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};
use crate::{ApiError, Standing};

/// The longest a link ticket may be good for: it hands over the member key, so it lives
/// for the few minutes of a meetup's hand-over, not for days.
pub const MAX_LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// A link ticket just issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LinkDto {
    /// The ticket to open on the new laptop.
    pub ticket: String,
    /// Until when it may be used, ms since the epoch.
    pub expires_at: i64,
}

/// A laptop linked to its member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LinkedDto {
    /// The member key this laptop now holds (hex).
    pub member: String,
    /// The member's name.
    pub name: String,
    /// The co-ops received.
    pub coops: Vec<LinkedCoopDto>,
}

/// One co-op a link brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LinkedCoopDto {
    /// Co-op id (hex).
    pub coop: String,
    /// Its name.
    pub name: String,
    /// Changes received.
    pub received: usize,
}

fn refused(reason: impl Into<String>) -> LinkAnswer {
    LinkAnswer::Refused {
        reason: reason.into(),
    }
}

impl Node {
    /// Issues a link ticket, good once until `expires_in` from now, pointing at this
    /// home's `serve` (which must be running when the new laptop links).
    pub(crate) fn create_link(
        &mut self,
        coop: CoopId,
        expires_in: Duration,
    ) -> Result<LinkDto, ApiError> {
        if expires_in.is_zero() {
            return Err(problem(ProblemKey::LinkNoTime).into());
        }
        if expires_in > MAX_LINK_LIFETIME {
            return Err(problem(ProblemKey::LinkTooLong).into());
        }
        let (member, _) = self.member()?;
        if self
            .state(coop)?
            .member(&member.public())
            .is_none_or(|m| m.standing != Standing::Active)
        {
            return Err(problem(ProblemKey::LinkByNonMember).into());
        }
        let addr = self.serve_addr(ProblemKey::NotServingLink)?;
        let now = self.now();
        let expires_at = crate::node::time_after(now, expires_in)
            .ok_or_else(|| ApiError::from(problem(ProblemKey::ClockTooLate)))?;
        let secret = self.random_seed();
        self.store()
            .add_link(&secret_hash(&secret), now, expires_at)?;
        let ticket = Invite::link(coop, addr, secret, expires_at, self.device_secret());
        Ok(LinkDto {
            ticket: ticket.to_text(),
            expires_at,
        })
    }

    /// Decides a link request from `device`: takes the ticket's one use (the same device
    /// may come back, say after a broken connection) and answers with the member's
    /// identity and every co-op in which the member is current.
    pub(crate) fn answer_link(&mut self, secret: &[u8; 32], device: &PublicKey) -> LinkAnswer {
        let answer = (|| {
            let now = self.now();
            let verdict = self
                .store_mut()
                .use_link(&secret_hash(secret), device, now)?;
            match verdict {
                LinkUse::Taken => {}
                LinkUse::Used(by) if by == *device => {}
                LinkUse::Unknown => {
                    return Ok(refused("this link ticket was not made on this laptop"));
                }
                LinkUse::Used(_) => {
                    return Ok(refused(
                        "this link ticket has already been used: make a new one on your other laptop",
                    ));
                }
                LinkUse::Expired(at) => {
                    return Ok(refused(format!(
                        "this link ticket expired at {}: make a new one on your other laptop",
                        crate::node::when_utc(at)
                    )));
                }
            }
            let (key, name) = self.member()?;
            let me = key.public();
            let mut coops = Vec::new();
            for row in self.store().coops()? {
                if self
                    .state(row.id)?
                    .member(&me)
                    .is_some_and(|m| m.standing == Standing::Active)
                {
                    coops.push(row.id);
                }
            }
            coops.sort();
            Ok::<_, ApiError>(LinkAnswer::Welcome {
                member: hex::encode(key.to_seed().as_slice()),
                name,
                coops,
            })
        })();
        answer.unwrap_or_else(|e| refused(format!("this laptop could not answer: {}", e.message)))
    }

    /// Takes on the identity a link answered with: a home with no identity stores it; a
    /// home that already holds the same member key keeps it; another member's home refuses.
    pub(crate) fn take_linked_identity(&mut self, seed: &str, name: &str) -> Result<(), ApiError> {
        let bad = || ApiError::from(problem(ProblemKey::MalformedLinkedKey));
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(seed, bytes.as_mut()).map_err(|_| bad())?;
        let key = SecretKey::from_seed(*bytes);
        match self.store().member_key()? {
            None => {
                self.create_identity_from(key, name)?;
                Ok(())
            }
            Some(mine) if mine.key.public() == key.public() => Ok(()),
            Some(mine) => Err(problem(ProblemKey::HoldsAnotherMember)
                .with("member", mine.key.public().short())
                .into()),
        }
    }
}

impl Home {
    /// Issues a link ticket for a new laptop of this home's member, good once for
    /// `expires_in` (at most an hour). The new laptop links through this home's serve.
    pub fn create_link(&self, coop: CoopId, expires_in: Duration) -> Result<LinkDto, ApiError> {
        self.node().create_link(coop, expires_in)
    }

    /// Links this (new) laptop to a member with a link ticket from one of their laptops:
    /// receives the member key and the co-ops, and binds this laptop's device in each.
    pub async fn link_over(&self, net: &Net, ticket: &str) -> Result<LinkedDto, ApiError> {
        let ticket = Invite::from_text(ticket)
            .map_err(|e| ApiError::from(problem(ProblemKey::BadTicket).with("detail", e)))?;
        if ticket.purpose != Purpose::Link {
            return Err(problem(ProblemKey::InviteNotLink).into());
        }
        if ticket.inviter_device() == net.id() {
            return Err(problem(ProblemKey::LinkHere).into());
        }
        if self.now() > ticket.expires_at {
            return Err(problem(ProblemKey::LinkExpired)
                .with("at", crate::node::when_utc(ticket.expires_at))
                .into());
        }
        // Refused before dialling: the other laptop takes the ticket's one use when it
        // answers, so a laptop that could not take the key would use it up for nothing.
        if let Ok(mine) = self.identity() {
            return Err(problem(ProblemKey::HoldsAMember)
                .with("member", mine.member.chars().take(12).collect::<String>())
                .into());
        }
        let outcome = net
            .link(&ticket)
            .await
            .map_err(crate::invites::net_failed)?;
        let identity = self.identity()?;
        let coops = outcome
            .coops
            .into_iter()
            .map(|(coop, received)| LinkedCoopDto {
                coop: coop.to_string(),
                name: self.coop(coop).map(|c| c.name).unwrap_or_default(),
                received,
            })
            .collect();
        Ok(LinkedDto {
            member: identity.member,
            name: identity.name,
            coops,
        })
    }
}
