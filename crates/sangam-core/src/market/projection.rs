//! The marketplace's projection delta: the listings a commit posted or touched, as the
//! store's rows. Below the node (which persists it) and knowing nothing of it.

use sangam_model::market::Listing;
use sangam_model::{Body, RecordId};
use sangam_replica::{Replica, SignedChange};
use sangam_store::ListingRow;

/// The projection row of a listing.
pub(crate) fn listing_row(l: &Listing) -> ListingRow {
    ListingRow {
        id: l.id,
        author: l.author,
        kind: l.text.kind.as_str().into(),
        title: l.text.title.clone(),
        description: l.text.description.clone(),
        category: l.text.category.clone(),
        status: l.status.as_str().into(),
        price: l
            .text
            .price
            .as_ref()
            .map(|p| (p.amount, p.commodity.clone())),
        quantity: l.text.quantity,
        location: l.text.location.clone(),
        expires_at: l.text.expires_at,
        posted_at: l.posted_at,
        revised_at: l.revised_at,
        responses: l.responses.len() as u32,
    }
}

/// The listings `changes` posted or touched, as the fold has them now.
pub(crate) fn touched_listings(replica: &Replica, changes: &[SignedChange]) -> Vec<ListingRow> {
    let fold = replica.fold();
    let mut ids: Vec<RecordId> = Vec::new();
    for change in changes {
        for id in replica.records_in(&change.hash) {
            let listing = match fold.get(id).map(|p| p.record.body()) {
                Some(Body::ListingPost(_)) => *id,
                Some(Body::ListingRevise(r)) => r.listing,
                Some(Body::ListingStatusChange(s)) => s.listing,
                Some(Body::ListingRespond(r)) => r.listing,
                // A close may decide a vote that withdraws a listing.
                Some(Body::ProposalClose(c)) => {
                    match fold.proposal(&c.proposal).and_then(|p| p.effect.as_ref()) {
                        Some(sangam_model::governance::Effect::WithdrawListing(w)) => w.listing,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            if !ids.contains(&listing) {
                ids.push(listing);
            }
        }
    }
    fold.listings_of(&ids).iter().map(listing_row).collect()
}
