//! The kinds table: every record kind this build knows, its wire name, its body and
//! whether it is an authority kind. It is the one place a kind is registered; [`Kind`],
//! [`Body`], parsing and writing bodies, and the fold's dispatch to the kind's area
//! (`crate::areas`) are all generated from it.
//!
//! The table names only the areas' bodies, which depend on nothing but ids, keys and
//! field rules, so the envelope ([`crate::record`]) can depend on it without depending on
//! any area's rules.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::field::Fields;
use crate::governance::{self, GovernanceFieldError};
use crate::ledger::{self, LedgerFieldError};
use crate::market::{self, MarketFieldError};
use crate::membership::{self, MembershipFieldError};

/// Hands the kinds table to `$then!`, which generates something with one arm per kind.
///
/// Each row: `Variant(body type) = "wire.name", authority: bool;`, the body named from
/// its area's root (an expansion that uses the type needs the areas in scope). Authority
/// kinds form the causal contexts every record is judged in (docs/protocol.md "Kinds").
macro_rules! kinds_table {
    ($then:ident) => {
        $then! {
            CoopGenesis(membership::Genesis)               = "coop.genesis",      authority: true;
            MemberAdmit(membership::MemberAdmit)           = "member.admit",      authority: true;
            MemberLeave(membership::MemberLeave)           = "member.leave",      authority: true;
            MemberRemove(membership::MemberRemove)         = "member.remove",     authority: true;
            MemberUpdate(membership::MemberUpdate)         = "member.update",     authority: false;
            DeviceAdd(membership::DeviceAdd)               = "device.add",        authority: true;
            DeviceRevoke(membership::DeviceRevoke)         = "device.revoke",     authority: true;
            ProposalOpen(governance::ProposalOpen)         = "proposal.open",     authority: true;
            Ballot(governance::Ballot)                     = "ballot",            authority: false;
            ProxyGrant(governance::ProxyGrant)             = "proxy.grant",       authority: false;
            ProxyRevoke(governance::ProxyRevoke)           = "proxy.revoke",      authority: false;
            ProposalClose(governance::ProposalClose)       = "proposal.close",    authority: true;
            ProposalWithdraw(governance::ProposalWithdraw) = "proposal.withdraw", authority: true;
            NominationCall(governance::NominationCall)     = "nomination.call",   authority: false;
            Nomination(governance::Nomination)             = "nomination",        authority: false;
            NominationAnswer(governance::NominationAnswer) = "nomination.answer", authority: false;
            TemplateAdd(governance::TemplateAdd)           = "template.add",      authority: false;
            CoopSettings(membership::CoopSettings)         = "coop.settings",     authority: false;
            ListingPost(market::ListingPost)               = "listing.post",      authority: false;
            ListingRevise(market::ListingRevise)           = "listing.revise",    authority: false;
            ListingStatusChange(market::ListingStatusChange) = "listing.status",  authority: false;
            ListingRespond(market::ListingRespond)         = "listing.respond",   authority: false;
            LedgerAccount(ledger::LedgerAccount)           = "ledger.account",    authority: true;
            LedgerEntry(ledger::LedgerEntry)               = "ledger.entry",      authority: false;
            LedgerClose(ledger::LedgerClose)               = "ledger.close",      authority: true;
            LabourLog(ledger::LabourLog)                   = "labour.log",        authority: false;
        }
    };
}
pub(crate) use kinds_table;

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
        /// What is wrong, in the words of the JSON reader.
        reason: String,
    },
    /// The body has its kind's shape, but a field breaks its area's rules.
    #[error("{kind} body is malformed: {error}")]
    Invalid {
        /// The record's kind.
        kind: Kind,
        /// Which rule, and of which field.
        error: InvalidBody,
    },
}

/// A field rule broken, by area. A new area adds its error enum here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidBody {
    /// A membership body's field.
    #[error(transparent)]
    Membership(#[from] MembershipFieldError),
    /// A governance body's field.
    #[error(transparent)]
    Governance(#[from] GovernanceFieldError),
    /// A marketplace body's field.
    #[error(transparent)]
    Market(#[from] MarketFieldError),
    /// A ledger body's field.
    #[error(transparent)]
    Ledger(#[from] LedgerFieldError),
}

macro_rules! define_kinds {
    ($($variant:ident($body:ty) = $name:literal, authority: $authority:literal;)*) => {
        /// A record kind, namespaced by area. It crosses the seam as its wire name (a
        /// union of those names in TypeScript).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum Kind {
            $(
                #[doc = concat!("`", $name, "`")]
                #[serde(rename = $name)]
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

            /// Kinds that change who may act: they form the causal context every other
            /// record is judged in (see [`crate::fold`]).
            pub fn is_authority(self) -> bool {
                match self { $(Kind::$variant => $authority,)* }
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

        /// A record's body, by kind.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Body {
            $(
                #[doc = concat!("The body of a `", $name, "` record.")]
                $variant($body),
            )*
        }

        impl Body {
            /// The kind this body belongs to.
            pub fn kind(&self) -> Kind {
                match self { $(Body::$variant(_) => Kind::$variant,)* }
            }

            /// The body as a JSON value.
            pub fn to_value(&self) -> Value {
                let value = match self { $(Body::$variant(b) => serde_json::to_value(b),)* };
                value.expect("bodies are plain data and always serialize")
            }

            /// Parses and checks the body of a record of `kind`: its shape, then its
            /// area's field rules.
            pub fn from_value(kind: Kind, value: Value) -> Result<Self, BodyError> {
                Self::from_json_value(kind, &value)
            }

            /// Parses and checks a body of `kind` straight from its JSON text.
            pub fn from_json_str(kind: Kind, json: &str) -> Result<Self, BodyError> {
                Ok(match kind { $(Kind::$variant => Body::$variant(parse_str(kind, json)?),)* })
            }

            /// [`Body::from_value`] without taking the value (a record keeps its own).
            pub fn from_json_value(kind: Kind, value: &Value) -> Result<Self, BodyError> {
                Ok(match kind { $(Kind::$variant => Body::$variant(parse(kind, value)?),)* })
            }
        }
    };
}

kinds_table!(define_kinds);

fn parse_str<B>(kind: Kind, json: &str) -> Result<B, BodyError>
where
    B: DeserializeOwned + Fields,
    InvalidBody: From<B::Error>,
{
    checked(kind, serde_json::from_str(json))
}

fn parse<B>(kind: Kind, value: &Value) -> Result<B, BodyError>
where
    B: DeserializeOwned + Fields,
    InvalidBody: From<B::Error>,
{
    checked(kind, B::deserialize(value))
}

/// A body as deserialized (from text or from a value), then held to its field rules.
fn checked<B>(kind: Kind, read: Result<B, serde_json::Error>) -> Result<B, BodyError>
where
    B: Fields,
    InvalidBody: From<B::Error>,
{
    let body = read.map_err(|e| BodyError::Malformed {
        kind,
        reason: e.to_string(),
    })?;
    body.check().map_err(|e| BodyError::Invalid {
        kind,
        error: e.into(),
    })?;
    Ok(body)
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(*kind));
        }
        assert!("member.promote".parse::<Kind>().is_err());
    }
}
