//! Automerge's decoders on bytes from outside, with their panics contained.
//!
//! Fuzzing found that automerge 0.12 can panic on a malformed change instead of returning
//! an error (an `unwrap` in its column decoder, reached from `Change::try_from`; the input
//! is `fuzz/fixtures/admit_changes/crash-cc1b7a758a9746bc9471cc1505549c32456343cf`). A
//! peer must not be able to stop a node with a crafted change, so every decode of bytes
//! from outside goes through here: a panic becomes an error like any other bad input.
//! The decoders touch nothing of ours, so nothing is left half-changed by an unwind.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What a contained decoder panic is reported as.
pub(crate) const DECODER_PANIC: &str = "the bytes make Automerge's decoder fail";

/// `Change::try_from(bytes)`, with a panic turned into an error message.
pub(crate) fn decode_change(bytes: &[u8]) -> Result<automerge::Change, String> {
    match catch_unwind(AssertUnwindSafe(|| automerge::Change::try_from(bytes))) {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(DECODER_PANIC.to_owned()),
    }
}

/// `sync::Message::decode(bytes)`, with a panic turned into an error message.
pub(crate) fn decode_sync_message(bytes: &[u8]) -> Result<automerge::sync::Message, String> {
    match catch_unwind(AssertUnwindSafe(|| automerge::sync::Message::decode(bytes))) {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(DECODER_PANIC.to_owned()),
    }
}

/// `Automerge::load(bytes)` (a saved snapshot, which may be damaged), `None` if it does
/// not load or panics.
pub(crate) fn load_document(bytes: &[u8]) -> Option<automerge::Automerge> {
    catch_unwind(AssertUnwindSafe(|| automerge::Automerge::load(bytes).ok())).unwrap_or(None)
}
