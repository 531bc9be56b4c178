//! The marketplace in the fold: a listing posted, revised and reserved by its author,
//! a revision forged by another member ignored, responses shown, and the same listing
//! whatever order the records arrive in.

use sangam_model::market::{
    ListingKind, ListingPost, ListingRespond, ListingRevise, ListingStatus, ListingStatusChange,
    ListingText, Price,
};
use sangam_model::{Body, Record, Refusal};

use crate::support::*;

fn text(title: &str, price: Option<u64>) -> ListingText {
    ListingText {
        kind: ListingKind::Offer,
        title: title.into(),
        description: "Weekend use; collect from the shed.".into(),
        category: Some("tools".into()),
        price: price.map(|amount| Price {
            amount,
            commodity: "EUR".into(),
        }),
        quantity: None,
        location: None,
        expires_at: Some(1_000_000),
    }
}

#[test]
fn only_the_author_changes_a_listing_and_every_arrival_order_agrees() {
    let (asha, bo, cy) = (person(1), person(2), person(3));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let admit_cy = record(coop, &asha, &[&admit_bo], 2_100, admit(&cy, "Cy"));
    let post = record(
        coop,
        &bo,
        &[&admit_cy],
        3_000,
        Body::ListingPost(ListingPost(text("Drill", Some(500)))),
    );
    let revise = |by: &Person, after: &Record, seq, title: &str, at| {
        record(
            coop,
            by,
            &[after],
            at,
            Body::ListingRevise(ListingRevise {
                listing: post.id(),
                seq,
                text: text(title, Some(300)),
            }),
        )
    };
    let cheaper = revise(&bo, &post, 1, "Drill, cheaper", 4_000);
    // Cy rewrites Bo's listing: refused where written, so ignored on every laptop.
    let forged = revise(&cy, &post, 9, "Drill (free!)", 4_100);
    let reserved = record(
        coop,
        &bo,
        &[&cheaper],
        5_000,
        Body::ListingStatusChange(ListingStatusChange {
            listing: post.id(),
            seq: 2,
            status: ListingStatus::Reserved,
        }),
    );
    let respond = |by: &Person, after: &Record, message: &str, at| {
        record(
            coop,
            by,
            &[after],
            at,
            Body::ListingRespond(ListingRespond {
                listing: post.id(),
                message: message.into(),
                quantity: None,
            }),
        )
    };
    let asks = respond(&asha, &post, "Can I borrow it Saturday?", 4_500);
    // A response from a laptop that never saw the listing: not in its past, refused.
    let blind = respond(&cy, &admit_cy, "Is it still there?", 4_600);
    let all = vec![
        g.clone(),
        admit_bo.clone(),
        admit_cy.clone(),
        post.clone(),
        cheaper.clone(),
        forged.clone(),
        reserved.clone(),
        asks.clone(),
        blind.clone(),
    ];
    let folded = fold(coop, all.clone());
    assert_eq!(
        folded.get(&forged.id()).expect("placed").verdict,
        Err(Refusal::NotListingAuthor)
    );
    assert!(matches!(
        folded.get(&blind.id()).expect("placed").verdict,
        Err(Refusal::UnknownListing(_))
    ));
    let listing = folded.listing(&post.id()).expect("a valid listing");
    assert_eq!(listing.text.title, "Drill, cheaper");
    assert_eq!(listing.text.price.as_ref().map(|p| p.amount), Some(300));
    assert_eq!(listing.status, ListingStatus::Reserved);
    assert_eq!(listing.responses.len(), 1);
    assert_eq!(listing.responses[0].author, asha.key.public());
    assert!(!listing.is_open_at(6_000), "reserved is not open");
    assert_eq!(folded.next_listing_seq(&post.id(), &bo.key.public()), 3);
    assert_eq!(folded.listings().len(), 1);
    for order in permutations(&all[3..]) {
        let records = all[..3].iter().cloned().chain(order);
        assert_eq!(
            fold(coop, records).listing(&post.id()),
            Some(listing.clone())
        );
    }
}

#[test]
fn an_expired_listing_is_not_open_by_the_readers_clock() {
    let asha = person(1);
    let g = genesis(&asha);
    let post = record(
        g.id(),
        &asha,
        &[&g],
        3_000,
        Body::ListingPost(ListingPost(text("Seedlings", None))),
    );
    let folded = fold(g.id(), [g, post.clone()]);
    let listing = folded.listing(&post.id()).expect("listing");
    assert!(listing.is_open_at(999_999));
    assert!(listing.is_expired_at(1_000_001));
    assert!(!listing.is_open_at(1_000_001));
}

#[test]
fn the_members_withdraw_a_listing_by_passing_a_proposal() {
    use sangam_model::body::{Effect, Fraction, Vote};
    use sangam_model::governance::ListingWithdrawal;
    let (asha, bo) = (person(1), person(2));
    let g = genesis(&asha);
    let coop = g.id();
    let admit_bo = record(coop, &asha, &[&g], 2_000, admit(&bo, "Bo"));
    let post = record(
        coop,
        &bo,
        &[&admit_bo],
        3_000,
        Body::ListingPost(ListingPost(text("Miracle cure", None))),
    );
    let withdraw = |after: &Record, at| {
        record(
            coop,
            &asha,
            &[after],
            at,
            with_effect(
                yes_no(&[&asha, &bo], 100_000, Fraction { num: 1, den: 2 }, 50),
                Effect::WithdrawListing(ListingWithdrawal { listing: post.id() }),
            ),
        )
    };
    // A proposal written before the listing reached its proposer: refused where written.
    let blind = withdraw(&admit_bo, 3_500);
    let open = withdraw(&post, 4_000);
    let yes = record(coop, &asha, &[&open], 5_000, vote(&open, 1, Vote::Yes));
    let bo_yes = record(coop, &bo, &[&yes], 5_100, vote(&open, 1, Vote::Yes));
    // Bo says it is open again while the vote runs: the vote still decides.
    let reopened = record(
        coop,
        &bo,
        &[&bo_yes],
        5_200,
        Body::ListingStatusChange(ListingStatusChange {
            listing: post.id(),
            seq: 5,
            status: ListingStatus::Open,
        }),
    );
    let close_rec = record(
        coop,
        &asha,
        &[&reopened],
        6_000,
        close(&open, &[&yes, &bo_yes], &[]),
    );
    let before = fold(
        coop,
        [
            g.clone(),
            admit_bo.clone(),
            post.clone(),
            blind.clone(),
            open.clone(),
            yes.clone(),
            bo_yes.clone(),
            reopened.clone(),
        ],
    );
    assert!(matches!(
        before.get(&blind.id()).expect("placed").verdict,
        Err(Refusal::UnknownListing(_))
    ));
    assert_eq!(
        before.listing(&post.id()).expect("listing").status,
        ListingStatus::Open,
        "voting is not deciding"
    );
    let after = fold(
        coop,
        [
            g,
            admit_bo,
            post.clone(),
            blind,
            open.clone(),
            yes,
            bo_yes,
            reopened,
            close_rec,
        ],
    );
    let listing = after.listing(&post.id()).expect("listing");
    assert_eq!(listing.status, ListingStatus::Withdrawn);
    assert_eq!(listing.withdrawn_by, Some(open.id()));
}
