//! The co-op's Automerge document: records stored as device-signed changes, the rule that
//! admits a change, and bundles of changes.
//!
//! Sans-IO like automerge itself: bytes in, bytes out. This crate must never depend on
//! rusqlite, tokio, iroh or tauri; storage and transport live above it.

#![deny(missing_docs)]

mod admission;
pub mod bundle;
pub mod change;
mod contain;
pub mod fork;
mod local_change;
pub mod replica;
pub mod sync;
mod vouch;

pub use automerge::ChangeHash;
pub use bundle::{Bundle, BundleError, MAX_BUNDLE_BYTES};
pub use change::{RawChange, SignedChange};
pub use contain::DecodeError;
pub use fork::Fork;
pub use replica::{
    Admitted, ChangeLog, Checked, LogError, Rejected, Rejection, Replica, SavedDocument,
    SavedReplicaError, SavedState, Trust, WriteError,
};
pub use sync::{Frame, SyncError, SyncSession};
