//! Invite tickets: what a member hands a newcomer (as text or a QR code) so the newcomer's
//! laptop can reach the inviter's and prove it holds the invite.
//!
//! A ticket carries the co-op id, the inviter's address, a one-time secret and an expiry,
//! signed by the inviter's device key, which is also the endpoint id in the address. So a
//! ticket altered anywhere (a typo, a changed expiry, another address) fails its signature
//! before anything is dialled, and nobody but the inviter's device can make one that
//! points at it. The inviter's home keeps the authoritative record (uses left, expiry)
//! and decides; the ticket's own expiry is only shown.
//!
//! Byte layout, then base32 (upper case, so a QR code can use its compact alphanumeric
//! mode) after the prefix `SANGAM1`:
//! ```text
//! version (1) | coop (32) | secret (32) | expires_at ms, i64 big-endian (8)
//! | signature (64) | inviter address: an iroh endpoint ticket's bytes (rest)
//! ```
//! The signature covers every byte but itself, under the domain `sangam/invite/1`.

use iroh::EndpointAddr;
use iroh_tickets::Ticket as _;
use iroh_tickets::endpoint::EndpointTicket;
use sangam_model::{CoopId, PublicKey, SecretKey, Signature, Timestamp};

/// The text every invite ticket starts with.
pub const INVITE_PREFIX: &str = "SANGAM1";

/// The text every link ticket starts with.
pub const LINK_PREFIX: &str = "SANGAMLINK1";

/// What a ticket lets its holder do. Both have one layout; the prefix and the signature's
/// domain tell them apart, so neither can be passed off as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Join a co-op as a new member (`sangam/join/1`).
    Join,
    /// Link a member's own new laptop: receive the member key and the co-ops
    /// (`sangam/link/1`).
    Link,
}

impl Purpose {
    fn prefix(self) -> &'static str {
        match self {
            Purpose::Join => INVITE_PREFIX,
            Purpose::Link => LINK_PREFIX,
        }
    }

    /// Domain of the issuing device's signature over a ticket.
    fn domain(self) -> &'static str {
        match self {
            Purpose::Join => "sangam/invite/1",
            Purpose::Link => "sangam/link/1",
        }
    }
}

const VERSION: u8 = 1;
/// Bytes before the inviter's address.
const FIXED: usize = 1 + 32 + 32 + 8 + 64;
/// Longest ticket text accepted (an address with a handful of IPs and a relay URL is well
/// under 1 KiB); checked before decoding.
const MAX_TICKET_CHARS: usize = 4096;

/// The scheme of a ticket as a link: `sangam:SANGAM1…` opens the window's join flow
/// (`sangam:SANGAMLINK1…` its link flow) on a desktop that registered the scheme.
pub const LINK_SCHEME: &str = "sangam:";

/// The ticket inside a `sangam:` link (`sangam:TICKET` or `sangam://TICKET`, any case),
/// or `None` for text that is not one.
pub fn strip_link(text: &str) -> Option<&str> {
    let head = text.get(..LINK_SCHEME.len())?;
    if !head.eq_ignore_ascii_case(LINK_SCHEME) {
        return None;
    }
    let rest = &text[LINK_SCHEME.len()..];
    Some(rest.strip_prefix("//").unwrap_or(rest))
}

/// An invite to one co-op. Its `Debug` output leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    /// Joining, or linking a laptop.
    pub purpose: Purpose,
    /// The co-op (for a link: the one the ticket was made in).
    pub coop: CoopId,
    /// Where the inviter's laptop (or always-on peer) can be reached.
    pub inviter: EndpointAddr,
    /// The one-time secret the newcomer proves it holds.
    pub secret: [u8; 32],
    /// Until when the inviter said it is good, ms since the epoch.
    pub expires_at: Timestamp,
    sig: Signature,
}

/// Why a ticket was refused before anything was dialled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// Not an invite ticket at all.
    #[error(
        "this is not a Sangam invite (an invite starts with {INVITE_PREFIX}, a ticket to link a laptop with {LINK_PREFIX})"
    )]
    NotAnInvite,
    /// Longer than any invite ticket: not one, or one with something pasted after it.
    #[error(
        "this is {0} characters, longer than any invite (at most {MAX_TICKET_CHARS}): copy the ticket alone"
    )]
    TooLong(usize),
    /// An invite ticket that was cut short, mistyped or altered.
    #[error(
        "this invite is damaged or was altered (it does not match its inviter's signature): copy it again from the inviter"
    )]
    Damaged,
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("purpose", &self.purpose)
            .field("coop", &self.coop)
            .field("inviter", &self.inviter)
            .field("secret", &"<secret>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Invite {
    /// Makes and signs an invite with the inviter's device key (`device.public()` must be
    /// the id in `inviter`).
    pub fn new(
        coop: CoopId,
        inviter: EndpointAddr,
        secret: [u8; 32],
        expires_at: Timestamp,
        device: &SecretKey,
    ) -> Self {
        Self::with_purpose(Purpose::Join, coop, inviter, secret, expires_at, device)
    }

    /// A ticket to link a member's new laptop, signed like an invite.
    pub fn link(
        coop: CoopId,
        inviter: EndpointAddr,
        secret: [u8; 32],
        expires_at: Timestamp,
        device: &SecretKey,
    ) -> Self {
        Self::with_purpose(Purpose::Link, coop, inviter, secret, expires_at, device)
    }

    fn with_purpose(
        purpose: Purpose,
        coop: CoopId,
        inviter: EndpointAddr,
        secret: [u8; 32],
        expires_at: Timestamp,
        device: &SecretKey,
    ) -> Self {
        let mut invite = Self {
            purpose,
            coop,
            inviter,
            secret,
            expires_at,
            sig: Signature::from_bytes([0; 64]),
        };
        invite.sig = device.sign(purpose.domain(), &invite.signed_bytes());
        invite
    }

    /// The inviter's device (the endpoint that will answer).
    pub fn inviter_device(&self) -> PublicKey {
        PublicKey::from_bytes(*self.inviter.id.as_bytes())
    }

    fn address_bytes(&self) -> Vec<u8> {
        EndpointTicket::new(self.inviter.clone()).encode_bytes()
    }

    /// Version, co-op, secret and expiry: the ticket's bytes before its signature.
    fn head(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED + 128);
        out.push(VERSION);
        out.extend_from_slice(self.coop.as_bytes());
        out.extend_from_slice(&self.secret);
        out.extend_from_slice(&self.expires_at.to_be_bytes());
        out
    }

    /// Everything the signature covers.
    fn signed_bytes(&self) -> Vec<u8> {
        let mut out = self.head();
        out.extend_from_slice(&self.address_bytes());
        out
    }

    /// The ticket's text form.
    pub fn to_text(&self) -> String {
        let mut bytes = self.head();
        bytes.extend_from_slice(self.sig.as_bytes());
        bytes.extend_from_slice(&self.address_bytes());
        let mut text = self.purpose.prefix().to_owned();
        data_encoding::BASE32_NOPAD.encode_append(&bytes, &mut text);
        text
    }

    /// Parses a ticket and checks its signature. Case and surrounding whitespace (or line
    /// breaks from copying) do not matter.
    pub fn from_text(text: &str) -> Result<Self, InviteError> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        // A `sangam:` link (what an invite is in a chat or an email) holds the ticket.
        let text = strip_link(&text).unwrap_or(&text).to_owned();
        if text.len() > MAX_TICKET_CHARS {
            return Err(InviteError::TooLong(text.chars().count()));
        }
        let text = text.to_ascii_uppercase();
        let (purpose, body) = if let Some(body) = text.strip_prefix(LINK_PREFIX) {
            (Purpose::Link, body)
        } else {
            let body = text
                .strip_prefix(INVITE_PREFIX)
                .ok_or(InviteError::NotAnInvite)?;
            (Purpose::Join, body)
        };
        let bytes = data_encoding::BASE32_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| InviteError::Damaged)?;
        if bytes.len() <= FIXED || bytes[0] != VERSION {
            return Err(InviteError::Damaged);
        }
        let array = |range: std::ops::Range<usize>| -> [u8; 32] {
            bytes[range].try_into().expect("32 bytes by construction")
        };
        let coop = CoopId::from_bytes(array(1..33));
        let secret = array(33..65);
        let expires_at = i64::from_be_bytes(bytes[65..73].try_into().expect("8 bytes"));
        let sig = Signature::from_bytes(bytes[73..137].try_into().expect("64 bytes"));
        let inviter = EndpointTicket::decode_bytes(&bytes[FIXED..])
            .map_err(|_| InviteError::Damaged)?
            .endpoint_addr()
            .clone();
        let invite = Self {
            purpose,
            coop,
            inviter,
            secret,
            expires_at,
            sig,
        };
        // Re-encoding must give back the very bytes read: one byte form per ticket.
        if invite.address_bytes() != bytes[FIXED..] {
            return Err(InviteError::Damaged);
        }
        invite
            .inviter_device()
            .verify(purpose.domain(), &invite.signed_bytes(), &invite.sig)
            .map_err(|_| InviteError::Damaged)?;
        Ok(invite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> SecretKey {
        SecretKey::from_seed([7; 32])
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let invite = invite();
        let shown = format!("{invite:?}");
        assert!(shown.contains("<secret>"), "{shown}");
        // The secret is 32 bytes of 9: neither as a list nor as hex may it appear.
        assert!(!shown.contains("9, 9, 9"), "{shown}");
        assert!(!shown.contains("0909090909"), "{shown}");
        let device = device();
        let request = crate::JoinRequest::new(
            invite.coop,
            invite.secret,
            &SecretKey::from_seed([5; 32]),
            "Bo".to_owned(),
            &device.public(),
        );
        let shown = format!("{request:?}");
        assert!(
            shown.contains("<secret>") && !shown.contains("9, 9, 9"),
            "{shown}"
        );
    }

    fn invite() -> Invite {
        let key = device();
        let id = iroh::PublicKey::from_bytes(key.public().as_bytes()).expect("a valid key");
        let addr = EndpointAddr::new(id).with_ip_addr("127.0.0.1:4242".parse().expect("addr"));
        Invite::new(
            CoopId::from_bytes([3; 32]),
            addr,
            [9; 32],
            1_800_000_000_000,
            &key,
        )
    }

    #[test]
    fn a_sangam_link_reads_as_its_ticket_and_other_schemes_do_not() {
        let invite = invite();
        let ticket = invite.to_text();
        for link in [
            format!("sangam:{ticket}"),
            format!("SANGAM://{ticket}"),
            format!("sangam:{}", ticket.to_lowercase()),
        ] {
            assert_eq!(Invite::from_text(&link).expect(&link), invite, "{link}");
        }
        assert_eq!(strip_link("https://example.org"), None);
        assert_eq!(strip_link("sangam"), None);
        assert!(Invite::from_text(&format!("matrix:{ticket}")).is_err());
    }

    #[test]
    fn round_trips_in_any_case_and_with_line_breaks() {
        let invite = invite();
        let text = invite.to_text();
        assert!(text.starts_with(INVITE_PREFIX));
        assert_eq!(Invite::from_text(&text), Ok(invite.clone()));
        let messy = format!("  {}\n{}  ", &text[..20].to_lowercase(), &text[20..]);
        assert_eq!(Invite::from_text(&messy), Ok(invite));
    }

    #[test]
    fn any_changed_character_is_refused() {
        let text = invite().to_text();
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for at in INVITE_PREFIX.len()..text.len() {
            let old = text.as_bytes()[at] as char;
            let new = alphabet
                .chars()
                .find(|c| *c != old)
                .expect("another letter");
            let mut changed = text.clone();
            changed.replace_range(at..=at, &new.to_string());
            assert!(
                Invite::from_text(&changed).is_err(),
                "a change at character {at} was accepted"
            );
        }
    }

    #[test]
    fn a_ticket_signed_by_another_key_is_refused() {
        let honest = invite();
        let forged = Invite::new(
            honest.coop,
            honest.inviter.clone(),
            [1; 32],
            honest.expires_at,
            &SecretKey::from_seed([8; 32]),
        );
        assert_eq!(
            Invite::from_text(&forged.to_text()),
            Err(InviteError::Damaged)
        );
    }

    proptest::proptest! {
        /// THREATS.md 17: any text after the prefix is refused or parsed, never a panic.
        #[test]
        fn random_tickets_never_panic(text in "[A-Z2-7a-z0-9 \\n=+/-]{0,600}") {
            let _ = Invite::from_text(&format!("{INVITE_PREFIX}{text}"));
            let _ = Invite::from_text(&text);
        }
    }

    #[test]
    fn truncated_and_foreign_text_are_refused() {
        let text = invite().to_text();
        for len in [
            0,
            3,
            INVITE_PREFIX.len(),
            INVITE_PREFIX.len() + 10,
            text.len() - 1,
        ] {
            assert!(Invite::from_text(&text[..len]).is_err(), "length {len}");
        }
        assert_eq!(
            Invite::from_text("endpointabc"),
            Err(InviteError::NotAnInvite)
        );
        assert!(Invite::from_text(&"A".repeat(10_000)).is_err());
    }
}
