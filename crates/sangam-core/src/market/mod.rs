//! The marketplace's use cases: posting, revising, setting the status of and answering
//! listings, and reading them, searched from the projection (fast at tens of thousands)
//! or whole from the fold (with every response).

use serde::Serialize;

use sangam_model::market::{
    Listing, ListingKind, ListingPost, ListingRespond, ListingRevise, ListingStatus,
    ListingStatusChange, ListingText, Price,
};
use sangam_model::{Body, CoopId, RecordId, Timestamp};

use sangam_store::{ListingQuery, ListingRow};

pub(crate) mod projection;

pub(crate) use projection::listing_row;

use crate::ApiError;
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};

/// A listing in a list: as the projection holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ListingSummaryDto {
    /// The listing's id (hex).
    pub id: String,
    /// Who posted it (hex) and their name.
    pub author: String,
    /// The author's name.
    pub author_name: Option<String>,
    /// Offer, want or gift.
    pub kind: ListingKind,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: Option<String>,
    /// Its status, or `expired` (open, but past its expiry by this laptop's clock).
    pub status: ShownStatus,
    /// The price in words ("15.00 EUR"); none: by arrangement.
    pub price: Option<String>,
    /// Quantity.
    pub quantity: Option<u32>,
    /// Location.
    pub location: Option<String>,
    /// Expiry.
    pub expires_at: Option<i64>,
    /// When it was posted.
    pub posted_at: i64,
    /// When its text was last revised.
    pub revised_at: Option<i64>,
    /// How many responses.
    pub responses: u32,
}

/// A listing with every response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ListingDto {
    /// The listing as in a list.
    pub listing: ListingSummaryDto,
    /// The responses, oldest first.
    pub responses: Vec<ResponseDto>,
}

/// A member's response to a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ResponseDto {
    /// Record id (hex).
    pub id: String,
    /// Who (hex).
    pub author: String,
    /// Their name.
    pub author_name: Option<String>,
    /// When.
    pub at: i64,
    /// What they said.
    pub message: String,
    /// How many.
    pub quantity: Option<u32>,
}

/// A listing's text as a member writes it (and as the window's form sends it): the price
/// as text ("15.50 EUR").
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, ts_rs::TS)]
pub struct ListingDraft {
    /// Offer, want or gift (`None` keeps a revised listing's kind; a new one is an offer).
    pub kind: Option<ListingKind>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: Option<String>,
    /// "AMOUNT COMMODITY", or none for "by arrangement".
    pub price: Option<String>,
    /// Quantity.
    pub quantity: Option<u32>,
    /// Location.
    pub location: Option<String>,
    /// Expiry.
    pub expires_at: Option<Timestamp>,
}

/// Which listings a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
pub struct ListingFilter {
    /// Words to find in the title, description or category.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<ListingKind>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this status (`expired` too).
    pub status: Option<String>,
    /// Only this member's listings (their member key, hex).
    pub author: Option<String>,
}

fn no_listing(id: RecordId) -> ApiError {
    problem(ProblemKey::NotAListing)
        .with("id", id.short())
        .into()
}

/// "15.5 EUR" as 1550 minor units of EUR; a negative price, more decimals than the
/// commodity has, or an amount past 2^53 − 1 minor units, is refused.
pub fn parse_price(text: &str) -> Result<Price, ApiError> {
    parse_price_marked(text, crate::DecimalMark::Point)
}

/// Like [`parse_price`], with `mark` as the decimal mark.
fn parse_price_marked(text: &str, mark: crate::DecimalMark) -> Result<Price, ApiError> {
    let (amount, commodity) = crate::money::parse_money_marked(text, None, mark)?;
    if amount < 0 {
        return Err(problem(ProblemKey::NegativePrice).with("text", text).into());
    }
    Ok(Price {
        amount: amount as u64,
        commodity,
    })
}

/// A price in words: "15.50 EUR".
pub fn price_text(amount: u64, commodity: &str) -> String {
    crate::money::money_text(i128::from(amount), commodity)
}

/// A listing's status as a member sees it: its author's word, or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ShownStatus {
    /// Open.
    Open,
    /// Reserved for someone.
    Reserved,
    /// Done.
    Done,
    /// Withdrawn by its author or the members.
    Withdrawn,
    /// Open, but past its expiry by this laptop's clock.
    Expired,
}

impl ShownStatus {
    /// The word the CLI prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Reserved => "reserved",
            Self::Done => "done",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
        }
    }
}

impl std::fmt::Display for ShownStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn status_word(status: ListingStatus, expired: bool) -> ShownStatus {
    match status {
        ListingStatus::Open if expired => ShownStatus::Expired,
        ListingStatus::Open => ShownStatus::Open,
        ListingStatus::Reserved => ShownStatus::Reserved,
        ListingStatus::Done => ShownStatus::Done,
        ListingStatus::Withdrawn => ShownStatus::Withdrawn,
    }
}

impl Node {
    fn text_of(
        draft: &ListingDraft,
        kind: ListingKind,
        mark: crate::DecimalMark,
    ) -> Result<ListingText, ApiError> {
        let price = draft
            .price
            .as_deref()
            .map(|price| parse_price_marked(price, mark))
            .transpose()?;
        let text = ListingText {
            kind,
            title: draft.title.trim().to_owned(),
            description: draft.description.trim().to_owned(),
            category: draft
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            price,
            quantity: draft.quantity,
            location: draft
                .location
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            expires_at: draft.expires_at,
        };
        // The field rules are checked as the record is signed; nothing is written if not.
        Ok(text)
    }

    fn own_listing(&mut self, coop: CoopId, id: RecordId) -> Result<Listing, ApiError> {
        let me = self.member()?.0.public();
        let listing = self
            .replica(coop)?
            .fold()
            .listing(&id)
            .ok_or_else(|| no_listing(id))?;
        if listing.author != me {
            return Err(problem(ProblemKey::NotListingAuthor).into());
        }
        Ok(listing)
    }

    pub(crate) fn post_listing(
        &mut self,
        coop: CoopId,
        draft: &ListingDraft,
    ) -> Result<RecordId, ApiError> {
        let mark = self.decimal_mark(coop)?;
        let text = Self::text_of(draft, draft.kind.unwrap_or(ListingKind::Offer), mark)?;
        if text.expires_at.is_some_and(|at| at <= self.now()) {
            return Err(problem(ProblemKey::ListingExpired).into());
        }
        self.write_returning(coop, Body::ListingPost(ListingPost(text)))
    }

    pub(crate) fn revise_listing(
        &mut self,
        coop: CoopId,
        id: RecordId,
        draft: &ListingDraft,
    ) -> Result<(), ApiError> {
        self.write_unit(|node| {
            let listing = node.own_listing(coop, id)?;
            let mark = node.decimal_mark(coop)?;
            let text = Self::text_of(draft, draft.kind.unwrap_or(listing.text.kind), mark)?;
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_listing_seq(&id, &me);
            node.write(
                coop,
                Body::ListingRevise(ListingRevise {
                    listing: id,
                    seq,
                    text,
                }),
            )
        })
    }

    pub(crate) fn set_listing_status(
        &mut self,
        coop: CoopId,
        id: RecordId,
        status: ListingStatus,
    ) -> Result<(), ApiError> {
        self.write_unit(|node| {
            node.own_listing(coop, id)?;
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_listing_seq(&id, &me);
            node.write(
                coop,
                Body::ListingStatusChange(ListingStatusChange {
                    listing: id,
                    seq,
                    status,
                }),
            )
        })
    }

    pub(crate) fn respond(
        &mut self,
        coop: CoopId,
        id: RecordId,
        message: &str,
        quantity: Option<u32>,
    ) -> Result<(), ApiError> {
        if self.replica(coop)?.fold().listing(&id).is_none() {
            return Err(no_listing(id));
        }
        let body = Body::ListingRespond(ListingRespond {
            listing: id,
            message: message.trim().to_owned(),
            quantity,
        });
        self.write(coop, body)
    }

    pub(crate) fn listing_show(
        &mut self,
        coop: CoopId,
        id: RecordId,
    ) -> Result<ListingDto, ApiError> {
        let now = self.now();
        let state = self.state(coop)?;
        let name = |k: &sangam_model::PublicKey| state.member(k).map(|m| m.name.clone());
        let listing = self
            .replica(coop)?
            .fold()
            .listing(&id)
            .ok_or_else(|| no_listing(id))?;
        let row = listing_row(&listing);
        Ok(ListingDto {
            listing: summary(&row, name(&row.author), now),
            responses: listing
                .responses
                .iter()
                .map(|r| ResponseDto {
                    id: r.id.to_string(),
                    author: r.author.to_string(),
                    author_name: name(&r.author),
                    at: r.at,
                    message: r.message.clone(),
                    quantity: r.quantity,
                })
                .collect(),
        })
    }
}

fn summary(row: &ListingRow, author_name: Option<String>, now: Timestamp) -> ListingSummaryDto {
    let kind = match row.kind.as_str() {
        "want" => ListingKind::Want,
        "gift" => ListingKind::Gift,
        _ => ListingKind::Offer,
    };
    let expired = row.expires_at.is_some_and(|at| at < now);
    let status = match row.status.as_str() {
        "reserved" => ListingStatus::Reserved,
        "done" => ListingStatus::Done,
        "withdrawn" => ListingStatus::Withdrawn,
        _ => ListingStatus::Open,
    };
    ListingSummaryDto {
        id: row.id.to_string(),
        author: row.author.to_string(),
        author_name,
        kind,
        title: row.title.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        status: status_word(status, expired),
        price: row.price.as_ref().map(|(a, c)| price_text(*a, c)),
        quantity: row.quantity,
        location: row.location.clone(),
        expires_at: row.expires_at,
        posted_at: row.posted_at,
        revised_at: row.revised_at,
        responses: row.responses,
    }
}

impl Home {
    /// Posts a listing; returns it.
    pub fn post_listing(&self, coop: CoopId, draft: &ListingDraft) -> Result<ListingDto, ApiError> {
        let mut node = self.node();
        let id = node.post_listing(coop, draft)?;
        node.listing_show(coop, id)
    }

    /// Revises this member's listing (the whole text; `kind: None` keeps its kind).
    pub fn revise_listing(
        &self,
        coop: CoopId,
        id: RecordId,
        draft: &ListingDraft,
    ) -> Result<ListingDto, ApiError> {
        let mut node = self.node();
        node.revise_listing(coop, id, draft)?;
        node.listing_show(coop, id)
    }

    /// Sets this member's listing's status.
    pub fn set_listing_status(
        &self,
        coop: CoopId,
        id: RecordId,
        status: ListingStatus,
    ) -> Result<ListingDto, ApiError> {
        let mut node = self.node();
        node.set_listing_status(coop, id, status)?;
        node.listing_show(coop, id)
    }

    /// Answers a listing.
    pub fn respond(
        &self,
        coop: CoopId,
        id: RecordId,
        message: &str,
        quantity: Option<u32>,
    ) -> Result<ListingDto, ApiError> {
        let mut node = self.node();
        node.respond(coop, id, message, quantity)?;
        node.listing_show(coop, id)
    }

    /// A listing with its responses.
    pub fn listing(&self, coop: CoopId, id: RecordId) -> Result<ListingDto, ApiError> {
        self.node().listing_show(coop, id)
    }

    /// Listings, newest first, searched in the projection (the full-text index).
    pub fn listings(
        &self,
        coop: CoopId,
        filter: &ListingFilter,
    ) -> Result<Vec<ListingSummaryDto>, ApiError> {
        let now = self.now();
        let expired_only = filter.status.as_deref() == Some("expired");
        let query = ListingQuery {
            text: filter.search.clone(),
            kind: filter.kind.map(|k| k.as_str().to_owned()),
            category: filter.category.clone(),
            status: if expired_only {
                Some("open".into())
            } else {
                filter.status.clone()
            },
            author: filter
                .author
                .as_deref()
                .map(|key| crate::key_from_text(key, crate::Thing::Author))
                .transpose()?,
            limit: 500,
        };
        let names: std::collections::HashMap<sangam_model::PublicKey, String> = self
            .members(coop)?
            .into_iter()
            .filter_map(|m| Some((m.key.parse().ok()?, m.name)))
            .collect();
        let rows = self.reader().listings(coop, &query)?;
        Ok(rows
            .iter()
            .map(|row| summary(row, names.get(&row.author).cloned(), now))
            .filter(|s| match filter.status.as_deref() {
                Some("expired") => s.status == ShownStatus::Expired,
                Some("open") => s.status == ShownStatus::Open,
                _ => true,
            })
            .collect())
    }
}
