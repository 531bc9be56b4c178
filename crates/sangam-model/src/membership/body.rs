//! Membership bodies: founding, admitting, leaving, removing, profiles, devices and the
//! co-op's settings, with the bylaws they carry and their field rules. docs/protocol.md
//! ("Kinds") describes each one for other implementations; the two must agree.

use serde::{Deserialize, Serialize};

use crate::field::{CurrencyError, FieldError, Fields, check_currency, check_name, check_text};
use crate::keys::PublicKey;
use crate::ledger::LedgerBylaws;

/// Longest relay URL accepted.
pub const MAX_RELAY_URL: usize = 200;

/// A membership body field that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MembershipFieldError {
    /// A name or free-text field.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A member or device key that could never sign (see [`PublicKey::is_usable`]).
    #[error("{0} is not a usable key: it is not a valid point, or one of small order")]
    UnusableKey(String),
    /// Not a commodity code (see [`check_currency`]).
    #[error(transparent)]
    Currency(#[from] CurrencyError),
    /// A genesis nonce that is not 32 lowercase hex characters.
    #[error("nonce must be 32 lowercase hex characters")]
    Nonce,
    /// A bylaws threshold outside 0 < N <= D.
    #[error("threshold must be a fraction N/D with 0 < N <= D")]
    Threshold,
    /// A bylaws quorum above 100%.
    #[error("quorum_pct must be at most 100")]
    Quorum,
    /// The ledger's bylaws out of range.
    #[error("the ledger's bylaws: {0}")]
    LedgerBylaws(&'static str),
    /// A profile update that changes nothing.
    #[error("an update must change the name or the contact")]
    EmptyUpdate,
    /// A relay URL that is not `http://` or `https://`.
    #[error("a relay URL starts with https:// (or http://)")]
    RelayScheme,
    /// A relay URL whose port is not a number from 1 to 65535.
    #[error("the relay URL's port {0:?} must be a number from 1 to 65535")]
    RelayPort(String),
    /// A relay URL with nothing after the scheme.
    #[error("a relay URL names a host")]
    RelayHost,
    /// A relay URL with spaces or control characters, or too long.
    #[error("a relay URL has no spaces and at most {MAX_RELAY_URL} characters")]
    RelayCharacters,
}

/// Who may admit and remove members.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Admission {
    /// Any current member may admit a newcomer or remove a member.
    AnyMember,
    /// Only a passed proposal may admit or remove (governance).
    Proposal,
}

/// A fraction `num/den`, e.g. 2/3 for a two-thirds majority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Fraction {
    /// Numerator.
    pub num: u32,
    /// Denominator.
    pub den: u32,
}

/// Defaults a new proposal starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VotingDefaults {
    /// Share of the electorate (percent) that must take part for a vote to count.
    pub quorum_pct: u8,
    /// Share of yes among yes + no needed to pass.
    pub threshold: Fraction,
}

/// The co-op's rules, set at genesis and amended by passed proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bylaws {
    /// Who may admit and remove members.
    pub admission: Admission,
    /// Voting defaults.
    pub voting: VotingDefaults,
    /// Most proxies one member may hold for one proposal.
    #[serde(default = "default_proxies")]
    pub proxies_per_holder: u8,
    /// Whether a single block fails a consent proposal.
    #[serde(default = "default_true")]
    pub consent_blocks: bool,
    /// Who keeps the books, what needs a proposal, and the reserve's share of a surplus.
    #[serde(default, skip_serializing_if = "LedgerBylaws::is_unset")]
    pub ledger: LedgerBylaws,
}

fn default_proxies() -> u8 {
    1
}

fn default_true() -> bool {
    true
}

impl Default for Bylaws {
    fn default() -> Self {
        Self {
            admission: Admission::AnyMember,
            voting: VotingDefaults {
                quorum_pct: 50,
                threshold: Fraction { num: 1, den: 2 },
            },
            proxies_per_holder: default_proxies(),
            consent_blocks: true,
            ledger: LedgerBylaws::default(),
        }
    }
}

impl Bylaws {
    /// The range rules a genesis's bylaws and a bylaws effect share.
    pub(crate) fn check(&self) -> Result<(), MembershipFieldError> {
        let t = self.voting.threshold;
        if t.den == 0 || t.num == 0 || t.num > t.den {
            return Err(MembershipFieldError::Threshold);
        }
        if self.voting.quorum_pct > 100 {
            return Err(MembershipFieldError::Quorum);
        }
        self.ledger
            .check()
            .map_err(MembershipFieldError::LedgerBylaws)
    }
}

/// `coop.genesis`: founds a co-op. Its author is the founding member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The co-op's name.
    pub name: String,
    /// Default commodity for the ledger, e.g. `EUR`.
    pub currency: String,
    /// The rules.
    pub bylaws: Bylaws,
    /// The founder's display name.
    pub founder_name: String,
    /// The founder's first device (bootstraps the device allowlist).
    pub device: PublicKey,
    /// Random hex so two co-ops founded alike still get distinct ids.
    pub nonce: String,
}

/// `member.admit`: admits a member key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberAdmit {
    /// The newcomer's member key.
    pub member: PublicKey,
    /// Their display name.
    pub name: String,
}

/// `member.leave`: the author leaves the co-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MemberLeave {}

/// `member.remove`: removes another member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRemove {
    /// Who is removed.
    pub member: PublicKey,
    /// Why, for the record.
    pub reason: String,
}

/// `member.update`: the author changes their own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    /// New display name, if changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New contact line, if changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `device.add`: the author binds a device key to themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceAdd {
    /// The device's key (its iroh endpoint id and Automerge actor).
    pub device: PublicKey,
    /// A label such as "Asha's laptop".
    pub name: String,
}

/// `device.revoke`: the author revokes one of their devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRevoke {
    /// The device revoked.
    pub device: PublicKey,
}

/// `coop.settings`: how the co-op's laptops reach each other. Any member may set it; the
/// latest in fold order wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoopSettings {
    /// The co-op's own relay (an `iroh-relay` server), or `None` for n0's public relays.
    pub relay: Option<String>,
}

impl Fields for Genesis {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        check_name("name", &self.name)?;
        check_name("founder_name", &self.founder_name)?;
        check_currency(&self.currency)?;
        self.bylaws.check()?;
        let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if self.nonce.len() != 32 || !self.nonce.bytes().all(lower_hex) {
            return Err(MembershipFieldError::Nonce);
        }
        Ok(())
    }
}

impl Fields for MemberAdmit {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        check_usable(&self.member)?;
        Ok(check_name("name", &self.name)?)
    }
}

/// A key named in a body must be able to sign.
pub(crate) fn check_usable(key: &PublicKey) -> Result<(), MembershipFieldError> {
    if key.is_usable() {
        Ok(())
    } else {
        Err(MembershipFieldError::UnusableKey(key.short()))
    }
}

impl Fields for MemberLeave {
    type Error = MembershipFieldError;
}

impl Fields for MemberRemove {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        Ok(check_text("reason", &self.reason)?)
    }
}

impl Fields for MemberUpdate {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        if self.name.is_none() && self.contact.is_none() {
            return Err(MembershipFieldError::EmptyUpdate);
        }
        if let Some(name) = &self.name {
            check_name("name", name)?;
        }
        if let Some(contact) = &self.contact {
            check_text("contact", contact)?;
        }
        Ok(())
    }
}

impl Fields for DeviceAdd {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        check_usable(&self.device)?;
        Ok(check_name("name", &self.name)?)
    }
}

impl Fields for DeviceRevoke {
    type Error = MembershipFieldError;
}

impl Fields for CoopSettings {
    type Error = MembershipFieldError;
    fn check(&self) -> Result<(), MembershipFieldError> {
        self.relay.as_deref().map_or(Ok(()), check_relay_url)
    }
}

/// A relay URL: `http://` or `https://`, a host, no spaces, at most [`MAX_RELAY_URL`] bytes.
pub fn check_relay_url(url: &str) -> Result<(), MembershipFieldError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(MembershipFieldError::RelayScheme)?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(MembershipFieldError::RelayHost);
    }
    if url.len() > MAX_RELAY_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(MembershipFieldError::RelayCharacters);
    }
    // The authority (host, optional :port) ends at the first '/', '?' or '#'.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let port = match authority.strip_prefix('[') {
        // An IPv6 literal: `[::1]` or `[::1]:3340`.
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) if !host.is_empty() => match after {
                "" => None,
                _ => Some(
                    after
                        .strip_prefix(':')
                        .ok_or(MembershipFieldError::RelayHost)?,
                ),
            },
            _ => return Err(MembershipFieldError::RelayHost),
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() => Some(port),
            Some(_) => return Err(MembershipFieldError::RelayHost),
            None => None,
        },
    };
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u16>().is_ok_and(|p| p != 0);
        if !valid {
            return Err(MembershipFieldError::RelayPort(port.to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{Body, Kind};
    use serde_json::json;

    #[test]
    fn bodies_refuse_unknown_fields_and_bad_names() {
        let extra = json!({"member": "00".repeat(32), "name": "Ravi", "role": "admin"});
        assert!(Body::from_value(Kind::MemberAdmit, extra).is_err());
        let blank = json!({"member": "00".repeat(32), "name": " "});
        assert!(Body::from_value(Kind::MemberAdmit, blank).is_err());
        let key = crate::keys::SecretKey::from_seed([1; 32])
            .public()
            .to_string();
        let ok = json!({"member": key, "name": "Ravi"});
        assert!(Body::from_value(Kind::MemberAdmit, ok).is_ok());
        let hidden = json!({"member": key, "name": "\u{200b}\u{200b}"});
        assert!(Body::from_value(Kind::MemberAdmit, hidden).is_err());
        let reversed = json!({"member": key, "name": "Ravi\u{202e}nimda"});
        assert!(Body::from_value(Kind::MemberAdmit, reversed).is_err());
        let joined = json!({"member": key, "name": "ക\u{200d}ഷ"});
        assert!(
            Body::from_value(Kind::MemberAdmit, joined).is_ok(),
            "a zero-width joiner inside a name is writing, not hiding"
        );
        // Small order: it can never sign, yet would count in every electorate.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        let weak = json!({"member": hex::encode(weak), "name": "Ravi"});
        assert!(Body::from_value(Kind::MemberAdmit, weak).is_err());
    }

    #[test]
    fn relay_urls() {
        for ok in [
            "https://relay.example.org",
            "http://10.0.0.2:3340",
            "https://r.example/x",
            "https://[::1]:3340",
            "https://[fd00::2]",
        ] {
            assert_eq!(check_relay_url(ok), Ok(()), "{ok}");
        }
        for bad_port in [
            "https://[::1]:99999",
            "https://relay.example.org:0",
            "https://relay.example.org:",
            "https://relay.example.org:http",
        ] {
            assert!(
                matches!(
                    check_relay_url(bad_port),
                    Err(MembershipFieldError::RelayPort(_))
                ),
                "{bad_port}"
            );
        }
        for bad in [
            "relay.example.org",
            "https://",
            "https:///path",
            "ftp://relay.example.org",
            "https://relay example.org",
            &format!("https://{}", "a".repeat(MAX_RELAY_URL)),
        ] {
            assert!(check_relay_url(bad).is_err(), "{bad}");
        }
        let bad = json!({"relay": "relay.example.org"});
        assert!(Body::from_value(Kind::CoopSettings, bad).is_err());
        let default = json!({"relay": null});
        assert!(Body::from_value(Kind::CoopSettings, default).is_ok());
    }

    #[test]
    fn currency_codes() {
        assert!(check_currency("EUR").is_ok());
        assert!(check_currency("HOURS").is_ok());
        assert!(check_currency("eur").is_err());
        assert!(check_currency("1EU").is_err());
        assert!(check_currency("EU").is_err());
    }
}
