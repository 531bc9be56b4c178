//! Sangam's domain, as pure functions: keys, ids, signed records, canonical encoding, and
//! the fold from a set of records to a co-op's state.
//!
//! This crate does no IO. It must never depend on automerge, rusqlite, tokio, iroh or
//! tauri: everything here is bytes and values in, bytes and values out, with time and
//! randomness passed in by the caller.
//!
//! # Layout
//!
//! The core knows records and how to fold them, not what any kind means:
//! - [`keys`], [`canonical`], [`id`], [`context`], [`parallel`]: keys and signatures,
//!   canonical JSON, record ids, causal contexts, spreading work over cores;
//! - [`field`]: the name and text rules every area shares;
//! - [`record`]: the signed envelope;
//! - [`fold`]: placing records in causal order, judging each in its own context, and
//!   caching authority views.
//!
//! Each *area* owns its kinds: their bodies and field rules (with its own error enum),
//! their rules where written, their effect on the authority view, and their indexes in
//! the fold:
//! - [`membership`]: genesis, `member.*`, `device.*`, `coop.settings`; the authority view
//!   and the co-op's state;
//! - [`governance`]: `proposal.*`, `ballot`, `proxy.*`; the tally;
//! - [`market`]: listings, their revisions, status and responses;
//! - [`ledger`]: accounts, balanced entries and reversals, labour logged;
//! - [`report`]: a proposal's signed vote report, built from a fold and verified from the
//!   file alone.
//!
//! # Dependency direction
//!
//! Areas depend on the core, and governance on membership; membership never depends on
//! governance, and the core names no area except through the two registration points:
//! - `kinds` is the one table of kinds (wire name, body, authority) from which [`Kind`],
//!   [`Body`] and body parsing are generated. It names only the areas' bodies, which
//!   depend on nothing but ids, keys, [`field`] and one another, so [`record`] depends on it without
//!   depending on any area's rules;
//! - `areas` is where the fold meets the areas: the `Rules` hooks each kind implements
//!   in its area (dispatched from the same table), given to every fold as its
//!   `Rulebook`. [`fold`] defines that interface and never names an area; each area's
//!   indexes inside the fold are one field each of `indexes::Indexes`, whose types
//!   (`<area>/index.rs`) depend on nothing of the fold.
//!
//! [`body`] gathers every body under its old path and adds nothing.
//!
//! # Adding a kind or an area
//!
//! A kind is its body (with `Fields`) and its `Rules` in its area, plus one row in the
//! kinds table. An area (`market` and `ledger` were added this way) is a module like
//! [`membership`]: it adds its rows to the kinds table, its field error to
//! `InvalidBody`, its index (in its `index.rs`) to `indexes::Indexes` (and any state a view build needs to
//! `areas::Applying`), and its refusals to [`Refusal`].

#![deny(missing_docs)]

mod areas;
mod indexes;
pub use areas::Touches;
pub mod body;
pub mod canonical;
pub mod context;
pub mod field;
pub mod fold;
pub mod governance;
pub mod id;
pub mod keys;
mod kinds;
pub mod layered;
pub mod ledger;
pub mod market;
pub mod membership;
pub mod parallel;
pub mod record;
pub mod report;
pub mod verify;

pub use body::{Admission, Body, Bylaws, Kind};
pub use context::Context;
pub use fold::{CoopState, Fold, Member, Refusal, Standing, View};
pub use id::IdMap;
pub use keys::{PublicKey, SecretKey, Signature};
pub use record::{CoopId, Draft, Record, RecordError, RecordId, Timestamp};
