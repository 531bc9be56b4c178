//! Record kinds and their bodies. docs/protocol.md describes each one for other
//! implementations; the two must agree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::keys::PublicKey;

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest free-text field (contact, reason), in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// A kind this build does not know.
    #[error("unknown record kind {0:?}")]
    UnknownKind(String),
    /// The body does not have its kind's shape.
    #[error("{kind} body is malformed: {reason}")]
    Malformed {
        /// The record's kind.
        kind: Kind,
        /// What is wrong.
        reason: String,
    },
}

macro_rules! kinds {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A record kind, namespaced by area.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }
        impl Kind {
            /// Every kind this build knows.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }
        }
        impl FromStr for Kind {
            type Err = BodyError;
            fn from_str(s: &str) -> Result<Self, BodyError> {
                match s {
                    $($name => Ok(Kind::$variant),)*
                    other => Err(BodyError::UnknownKind(other.chars().take(64).collect())),
                }
            }
        }
    };
}

kinds! {
    CoopGenesis => "coop.genesis",
    MemberAdmit => "member.admit",
    MemberLeave => "member.leave",
    MemberRemove => "member.remove",
    MemberUpdate => "member.update",
    DeviceAdd => "device.add",
    DeviceRevoke => "device.revoke",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Kind {
    /// Kinds that change who may act: they form the causal context every other record is
    /// judged in (see [`crate::authority`]).
    pub fn is_authority(self) -> bool {
        !matches!(self, Kind::MemberUpdate)
    }
}

/// Who may admit and remove members.
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

/// The co-op's rules, fixed at genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bylaws {
    /// Who may admit and remove members.
    pub admission: Admission,
    /// Voting defaults.
    pub voting: VotingDefaults,
}

impl Default for Bylaws {
    fn default() -> Self {
        Self {
            admission: Admission::AnyMember,
            voting: VotingDefaults {
                quorum_pct: 50,
                threshold: Fraction { num: 1, den: 2 },
            },
        }
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

/// A record's body, by kind.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Body {
    CoopGenesis(Genesis),
    MemberAdmit(MemberAdmit),
    MemberLeave(MemberLeave),
    MemberRemove(MemberRemove),
    MemberUpdate(MemberUpdate),
    DeviceAdd(DeviceAdd),
    DeviceRevoke(DeviceRevoke),
}

impl Body {
    /// The kind this body belongs to.
    pub fn kind(&self) -> Kind {
        match self {
            Body::CoopGenesis(_) => Kind::CoopGenesis,
            Body::MemberAdmit(_) => Kind::MemberAdmit,
            Body::MemberLeave(_) => Kind::MemberLeave,
            Body::MemberRemove(_) => Kind::MemberRemove,
            Body::MemberUpdate(_) => Kind::MemberUpdate,
            Body::DeviceAdd(_) => Kind::DeviceAdd,
            Body::DeviceRevoke(_) => Kind::DeviceRevoke,
        }
    }

    /// The body as a JSON value.
    pub fn to_value(&self) -> Value {
        let value = match self {
            Body::CoopGenesis(b) => serde_json::to_value(b),
            Body::MemberAdmit(b) => serde_json::to_value(b),
            Body::MemberLeave(b) => serde_json::to_value(b),
            Body::MemberRemove(b) => serde_json::to_value(b),
            Body::MemberUpdate(b) => serde_json::to_value(b),
            Body::DeviceAdd(b) => serde_json::to_value(b),
            Body::DeviceRevoke(b) => serde_json::to_value(b),
        };
        value.expect("bodies are plain data and always serialize")
    }

    /// Parses and checks the body of a record of `kind`.
    pub fn from_value(kind: Kind, value: Value) -> Result<Self, BodyError> {
        fn parse<T: DeserializeOwned>(kind: Kind, value: Value) -> Result<T, BodyError> {
            serde_json::from_value(value).map_err(|e| BodyError::Malformed {
                kind,
                reason: e.to_string(),
            })
        }
        let body = match kind {
            Kind::CoopGenesis => Body::CoopGenesis(parse(kind, value)?),
            Kind::MemberAdmit => Body::MemberAdmit(parse(kind, value)?),
            Kind::MemberLeave => Body::MemberLeave(parse(kind, value)?),
            Kind::MemberRemove => Body::MemberRemove(parse(kind, value)?),
            Kind::MemberUpdate => Body::MemberUpdate(parse(kind, value)?),
            Kind::DeviceAdd => Body::DeviceAdd(parse(kind, value)?),
            Kind::DeviceRevoke => Body::DeviceRevoke(parse(kind, value)?),
        };
        body.check()
            .map_err(|reason| BodyError::Malformed { kind, reason })?;
        Ok(body)
    }

    /// Field rules beyond the shape: names, lengths, codes.
    fn check(&self) -> Result<(), String> {
        match self {
            Body::CoopGenesis(g) => {
                check_name("name", &g.name)?;
                check_name("founder_name", &g.founder_name)?;
                check_currency(&g.currency)?;
                let t = g.bylaws.voting.threshold;
                if t.den == 0 || t.num > t.den {
                    return Err("threshold must be a fraction between 0 and 1".into());
                }
                if g.bylaws.voting.quorum_pct > 100 {
                    return Err("quorum_pct must be at most 100".into());
                }
                if g.nonce.len() != 32 || !g.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err("nonce must be 32 hex characters".into());
                }
                Ok(())
            }
            Body::MemberAdmit(a) => check_name("name", &a.name),
            Body::MemberLeave(_) | Body::DeviceRevoke(_) => Ok(()),
            Body::MemberRemove(r) => check_text("reason", &r.reason),
            Body::MemberUpdate(u) => {
                if u.name.is_none() && u.contact.is_none() {
                    return Err("an update must change the name or the contact".into());
                }
                if let Some(name) = &u.name {
                    check_name("name", name)?;
                }
                if let Some(contact) = &u.contact {
                    check_text("contact", contact)?;
                }
                Ok(())
            }
            Body::DeviceAdd(d) => check_name("name", &d.name),
        }
    }
}

/// A display name: 1 to [`MAX_NAME_CHARS`] characters, no control characters, no
/// leading or trailing spaces.
pub fn check_name(field: &str, name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(format!("{field} must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(format!(
            "{field} must not start or end with spaces or contain control characters"
        ));
    }
    Ok(())
}

fn check_text(field: &str, text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "{field} must be at most {MAX_TEXT_CHARS} characters"
        ));
    }
    Ok(())
}

/// A commodity code: 3 to 8 characters, `A`–`Z` and `0`–`9`, starting with a letter.
pub fn check_currency(code: &str) -> Result<(), String> {
    let ok = (3..=8).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "currency {code:?} must be 3 to 8 characters A-Z or 0-9, starting with a letter"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(*kind));
        }
        assert!("member.promote".parse::<Kind>().is_err());
    }

    #[test]
    fn bodies_refuse_unknown_fields_and_bad_names() {
        let extra = json!({"member": "00".repeat(32), "name": "Ravi", "role": "admin"});
        assert!(Body::from_value(Kind::MemberAdmit, extra).is_err());
        let blank = json!({"member": "00".repeat(32), "name": " "});
        assert!(Body::from_value(Kind::MemberAdmit, blank).is_err());
        let ok = json!({"member": "00".repeat(32), "name": "Ravi"});
        assert!(Body::from_value(Kind::MemberAdmit, ok).is_ok());
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
