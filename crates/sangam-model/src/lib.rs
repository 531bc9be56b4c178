//! Sangam's domain, as pure functions: keys, ids, signed records, canonical encoding, and
//! the fold from a set of records to a co-op's state.
//!
//! This crate does no IO. It must never depend on automerge, rusqlite, tokio, iroh or
//! tauri: everything here is bytes and values in, bytes and values out, with time and
//! randomness passed in by the caller.

#![deny(missing_docs)]

pub mod body;
pub mod canonical;
pub mod context;
pub mod fold;
pub mod governance;
pub mod keys;
pub mod parallel;
pub mod record;

pub use body::{Admission, Body, Bylaws, Kind};
pub use context::Context;
pub use fold::{CoopState, Fold, Member, Refusal, Standing, View};
pub use keys::{PublicKey, SecretKey, Signature};
pub use record::{CoopId, Draft, Record, RecordError, RecordId, Timestamp};
