//! Marketplace bodies: a listing posted, revised, its status changed, and a member's
//! response, with their field rules. docs/protocol.md ("Marketplace") describes each one
//! for other implementations; the two must agree.

use serde::{Deserialize, Serialize};

use crate::field::{CurrencyError, FieldError, Fields, check_currency, check_name, check_text};
use crate::id::RecordId;
use crate::record::Timestamp;

/// Longest listing description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// A marketplace body field that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MarketFieldError {
    /// A title, category, location or message.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A price's commodity that is not a commodity code.
    #[error(transparent)]
    Commodity(#[from] CurrencyError),
    /// A description longer than [`MAX_DESCRIPTION_CHARS`].
    #[error("description must be at most {MAX_DESCRIPTION_CHARS} characters")]
    DescriptionLength,
    /// A quantity of 0.
    #[error("a quantity is at least 1")]
    Quantity,
    /// A price on a gift.
    #[error("a gift has no price")]
    GiftPrice,
    /// A response that says nothing.
    #[error("a response needs a message")]
    EmptyMessage,
    /// An amount beyond JSON's exact integers.
    #[error("a price must be 0 to 2^53 - 1 minor units")]
    Amount,
}

/// What a listing is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    /// Something a member offers.
    Offer,
    /// Something a member wants.
    Want,
    /// Something a member gives away.
    Gift,
}

impl ListingKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Offer => "offer",
            ListingKind::Want => "want",
            ListingKind::Gift => "gift",
        }
    }
}

/// Where a listing stands, as its author last said.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    /// Open for responses.
    Open,
    /// Promised to someone.
    Reserved,
    /// Traded, given or found.
    Done,
    /// Taken back.
    Withdrawn,
}

impl ListingStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Open => "open",
            ListingStatus::Reserved => "reserved",
            ListingStatus::Done => "done",
            ListingStatus::Withdrawn => "withdrawn",
        }
    }
}

/// A price: an amount of a commodity in integer minor units (cents for EUR).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Minor units.
    pub amount: u64,
    /// The commodity code (`EUR`, `INR`, `HOURS`).
    pub commodity: String,
}

/// What a listing says: the body of `listing.post`, and of each `listing.revise`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingText {
    /// Offer, want or gift.
    pub kind: ListingKind,
    /// Short title (name rules).
    pub title: String,
    /// The full description (may be empty).
    pub description: String,
    /// A category such as "tools" (name rules), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The price; none means "by arrangement" (and always for a gift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// How many, if it counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// Where (text rule), if it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Until when it stands, ms since the epoch, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

impl ListingText {
    fn check(&self) -> Result<(), MarketFieldError> {
        check_name("title", &self.title)?;
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(MarketFieldError::DescriptionLength);
        }
        if let Some(category) = &self.category {
            check_name("category", category)?;
        }
        if let Some(location) = &self.location {
            check_text("location", location)?;
        }
        if self.quantity == Some(0) {
            return Err(MarketFieldError::Quantity);
        }
        if let Some(price) = &self.price {
            if self.kind == ListingKind::Gift {
                return Err(MarketFieldError::GiftPrice);
            }
            if price.amount > crate::canonical::MAX_SAFE_INTEGER as u64 {
                return Err(MarketFieldError::Amount);
            }
            check_currency(&price.commodity)?;
        }
        Ok(())
    }
}

/// `listing.post`: a member puts up a listing; its record id is the listing's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListingPost(pub ListingText);

/// `listing.revise`: the author's new version of a listing's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingRevise {
    /// The listing (its `listing.post` record id).
    pub listing: RecordId,
    /// The author's sequence number on this listing; the highest version counts.
    pub seq: u64,
    /// The new text, whole.
    pub text: ListingText,
}

/// `listing.status`: the author says where the listing stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingStatusChange {
    /// The listing.
    pub listing: RecordId,
    /// The author's sequence number on this listing.
    pub seq: u64,
    /// Open, reserved, done or withdrawn.
    pub status: ListingStatus,
}

/// `listing.respond`: a member answers a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingRespond {
    /// The listing.
    pub listing: RecordId,
    /// What they say (text rule, not empty).
    pub message: String,
    /// How many they want or offer, if it counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
}

impl Fields for ListingPost {
    type Error = MarketFieldError;
    fn check(&self) -> Result<(), MarketFieldError> {
        self.0.check()
    }
}

impl Fields for ListingRevise {
    type Error = MarketFieldError;
    fn check(&self) -> Result<(), MarketFieldError> {
        if self.seq > crate::canonical::MAX_SAFE_INTEGER as u64 {
            return Err(MarketFieldError::Amount);
        }
        self.text.check()
    }
}

impl Fields for ListingStatusChange {
    type Error = MarketFieldError;
}

impl Fields for ListingRespond {
    type Error = MarketFieldError;
    fn check(&self) -> Result<(), MarketFieldError> {
        if self.message.trim().is_empty() {
            return Err(MarketFieldError::EmptyMessage);
        }
        check_text("message", &self.message)?;
        if self.quantity == Some(0) {
            return Err(MarketFieldError::Quantity);
        }
        Ok(())
    }
}
