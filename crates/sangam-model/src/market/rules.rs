//! The marketplace's rules where written, its index in the fold, and the listings read
//! from it.

use std::collections::BTreeMap;

use super::body::{
    ListingPost, ListingRespond, ListingRevise, ListingStatus, ListingStatusChange, ListingText,
};
use crate::areas::Rules;
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::governance::{Effect, Outcome, Status};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::membership::Bylaws;
use crate::record::{Record, Timestamp};

/// A listing as a reader sees it: its latest text and status by its author, and every
/// response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The `listing.post` record id.
    pub id: RecordId,
    /// Who posted it.
    pub author: PublicKey,
    /// When it was posted (the author's claim).
    pub posted_at: Timestamp,
    /// The latest text.
    pub text: ListingText,
    /// When that text was written, if it is a revision.
    pub revised_at: Option<Timestamp>,
    /// The latest status (open until the author says otherwise).
    pub status: ListingStatus,
    /// Responses, in fold order.
    pub responses: Vec<Response>,
    /// The passed proposal that withdrew it, if the members did.
    pub withdrawn_by: Option<RecordId>,
}

impl Listing {
    /// Whether it is open at `now`: open by its status and not past its expiry (by the
    /// reader's clock).
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        self.status == ListingStatus::Open && !self.is_expired_at(now)
    }

    /// Whether its expiry has passed at `now`.
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.text.expires_at.is_some_and(|at| at < now)
    }
}

/// A member's response to a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Its record id.
    pub id: RecordId,
    /// Who responded.
    pub author: PublicKey,
    /// When (their claim).
    pub at: Timestamp,
    /// What they said.
    pub message: String,
    /// How many, if they said.
    pub quantity: Option<u32>,
}

/// The listing `id` must be a valid `listing.post` in the record's causal past.
fn listing_in_past<'s>(
    scope: &'s Scope<'_>,
    id: &RecordId,
    record: &Record,
) -> Result<&'s Placed, Refusal> {
    let unknown = || Refusal::UnknownListing(id.short());
    let post = scope
        .placed(id)
        .filter(|p| p.verdict.is_ok() && matches!(p.record.body(), Body::ListingPost(_)))
        .ok_or_else(unknown)?;
    if scope.reaches(id, record.deps()) {
        Ok(post)
    } else {
        Err(unknown())
    }
}

/// Only the listing's author changes it.
fn by_its_author(scope: &Scope<'_>, id: &RecordId, record: &Record) -> Result<(), Refusal> {
    let post = listing_in_past(scope, id, record)?;
    if post.record.author() == record.author() {
        Ok(())
    } else {
        Err(Refusal::NotListingAuthor)
    }
}

fn note_about(listing: RecordId, placed: &Placed, fold: &mut Fold) {
    if placed.verdict.is_ok() {
        fold.index
            .market
            .about
            .entry(listing)
            .or_default()
            .push(placed.record.id());
    }
}

impl Rules for ListingPost {
    fn index(&self, placed: &Placed, fold: &mut Fold) {
        if placed.verdict.is_ok() {
            fold.index
                .market
                .listings
                .insert((placed.depth, placed.record.id()));
        }
    }
}

impl Rules for ListingRevise {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        by_its_author(scope, &self.listing, record)
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note_about(self.listing, placed, fold);
    }
}

impl Rules for ListingStatusChange {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        by_its_author(scope, &self.listing, record)
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note_about(self.listing, placed, fold);
    }
}

impl Rules for ListingRespond {
    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        listing_in_past(scope, &self.listing, record).map(|_| ())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        note_about(self.listing, placed, fold);
    }
}

/// The better of two versions by the author's sequence: higher `seq`, then lower id.
fn newer(seq: u64, id: RecordId, than: Option<(u64, RecordId)>) -> bool {
    than.is_none_or(|(s, i)| seq > s || (seq == s && id < i))
}

impl Fold {
    /// Every valid listing, newest in fold order first.
    pub fn listings(&self) -> Vec<Listing> {
        let ids: Vec<RecordId> = self
            .index
            .market
            .listings
            .iter()
            .rev()
            .map(|(_, id)| *id)
            .collect();
        self.listings_of(&ids)
    }

    /// A valid listing, with its latest text and status and its responses.
    pub fn listing(&self, id: &RecordId) -> Option<Listing> {
        self.listing_with(id, &self.moderations())
    }

    /// The valid listings among `ids`, in that order: the members' withdrawals are read
    /// once for all of them (a commit can touch thousands).
    pub fn listings_of(&self, ids: &[RecordId]) -> Vec<Listing> {
        let moderations = self.moderations();
        ids.iter()
            .filter_map(|id| self.listing_with(id, &moderations))
            .collect()
    }

    fn listing_with(
        &self,
        id: &RecordId,
        moderations: &BTreeMap<RecordId, Vec<RecordId>>,
    ) -> Option<Listing> {
        let post = self.get(id).filter(|p| p.verdict.is_ok())?;
        let Body::ListingPost(ListingPost(text)) = post.record.body() else {
            return None;
        };
        let mut listing = Listing {
            id: *id,
            author: post.record.author(),
            posted_at: post.record.at(),
            text: text.clone(),
            revised_at: None,
            status: ListingStatus::Open,
            responses: Vec::new(),
            withdrawn_by: None,
        };
        let mut about: Vec<&Placed> = self
            .index
            .market
            .about
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|r| self.get(r))
            .collect();
        about.sort_by_key(|p| (p.depth, p.record.id()));
        let (mut text_at, mut status_at) = (None, None);
        for p in about {
            let rid = p.record.id();
            match p.record.body() {
                Body::ListingRevise(r) if newer(r.seq, rid, text_at) => {
                    text_at = Some((r.seq, rid));
                    listing.text = r.text.clone();
                    listing.revised_at = Some(p.record.at());
                }
                Body::ListingStatusChange(s) if newer(s.seq, rid, status_at) => {
                    status_at = Some((s.seq, rid));
                    listing.status = s.status;
                }
                Body::ListingRespond(r) => listing.responses.push(Response {
                    id: rid,
                    author: p.record.author(),
                    at: p.record.at(),
                    message: r.message.clone(),
                    quantity: r.quantity,
                }),
                _ => {}
            }
        }
        // A passed proposal that withdraws it outweighs its author's status.
        listing.withdrawn_by = moderations
            .get(id)
            .and_then(|passed| passed.first().copied());
        if listing.withdrawn_by.is_some() {
            listing.status = ListingStatus::Withdrawn;
        }
        Some(listing)
    }

    /// Listings the members withdrew: by listing, the closed, passed proposals whose
    /// effect withdraws it, in fold order.
    fn moderations(&self) -> BTreeMap<RecordId, Vec<RecordId>> {
        let mut out: BTreeMap<RecordId, Vec<RecordId>> = BTreeMap::new();
        for (placed, open) in self.proposals() {
            let Some(Effect::WithdrawListing(w)) = &open.effect else {
                continue;
            };
            let id = placed.record.id();
            if self
                .tally(id)
                .is_ok_and(|t| t.status == Status::Closed && t.outcome == Outcome::Passed)
            {
                out.entry(w.listing).or_default().push(id);
            }
        }
        out
    }

    /// The sequence number for `member`'s next revision or status change of `listing`:
    /// one more than the highest they have written.
    pub fn next_listing_seq(&self, listing: &RecordId, member: &PublicKey) -> u64 {
        self.index
            .market
            .about
            .get(listing)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(id))
            .filter(|p| p.record.author() == *member)
            .filter_map(|p| match p.record.body() {
                Body::ListingRevise(r) => Some(r.seq),
                Body::ListingStatusChange(s) => Some(s.seq),
                _ => None,
            })
            .max()
            .map_or(1, |s| s + 1)
    }
}
