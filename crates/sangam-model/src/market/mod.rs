//! The marketplace: offers, wants and gifts between members, their revisions and status,
//! and members' responses (docs/protocol.md "Marketplace").
//!
//! This area owns the `listing.*` kinds: their bodies and field rules (`body`), their
//! rules where written and the fold's index by listing (`rules`), and the listings as a
//! reader sees them (`Fold::listings`). It depends on the core and on membership (a
//! price's commodity follows the currency rule); nothing depends on it.
//!
//! Who changes what:
//! - any current member posts a listing or responds to one in their past;
//! - only the listing's author revises it or sets its status; a revision or status by
//!   anyone else is refused where written, so a forged change is ignored everywhere;
//! - among the author's revisions the highest `seq` counts (equal `seq`: lowest id), and
//!   the same among their status changes, so arrival order never decides.

mod body;
mod index;
mod rules;

pub use body::{
    ListingKind, ListingPost, ListingRespond, ListingRevise, ListingStatus, ListingStatusChange,
    ListingText, MAX_DESCRIPTION_CHARS, MarketFieldError, Price,
};
pub(crate) use index::Index;
pub use rules::{Listing, Response};
