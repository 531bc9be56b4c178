//! Automerge's decoders on bytes from outside, with their panics contained.
//!
//! Fuzzing found that automerge 0.12 can panic on a malformed change instead of returning
//! an error (an `unwrap` in its column decoder, reached from `Change::try_from`; the input
//! is `fuzz/fixtures/admit_changes/crash-cc1b7a758a9746bc9471cc1505549c32456343cf`), and
//! allocate 4 GiB for another (`…/oom-2185db065234de9c85b35e5810fd3842b07172d0`). A peer
//! must not be able to stop a node with a crafted change, so every decode of bytes from
//! outside goes through here: a chunk that is not a plain change is refused before
//! Automerge sees it, and a panic becomes an error like any other bad input.
//! The decoders touch nothing of ours, so nothing is left half-changed by an unwind.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What a contained decoder panic is reported as.
/// Why bytes from outside did not become an Automerge change or sync message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes do not start like an Automerge chunk.
    #[error("not an Automerge change (wrong magic bytes)")]
    NotAChange,
    /// A chunk other than an uncompressed change, refused by its type byte.
    #[error("not an uncompressed Automerge change (chunk type {0}); refused before decoding")]
    ChunkType(u8),
    /// Automerge's decoder refused them, in its words.
    #[error("{0}")]
    Refused(String),
    /// Automerge's decoder panicked on them (contained here).
    #[error("the bytes make Automerge's decoder fail")]
    Panicked,
}

/// The first bytes of every Automerge chunk.
const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of an uncompressed change, after the magic and a 4-byte checksum.
const CHANGE_CHUNK: u8 = 1;

/// `Change::try_from(bytes)`, with a panic turned into an error message.
///
/// Only an uncompressed change chunk is handed to Automerge: every change Sangam makes or
/// relays is one (Automerge's sync messages carry changes' raw bytes). `Change::try_from`
/// would parse a document, bundle or compressed chunk in full before refusing it, and
/// fuzzing found that a 37-byte bundle chunk makes that parse allocate 4 GiB (which
/// aborts the process; no unwind can contain it) and another one panic; a compressed
/// chunk could also inflate without bound. Those are refused here by their type byte.
pub(crate) fn decode_change(bytes: &[u8]) -> Result<automerge::Change, DecodeError> {
    if bytes.len() < 9 || bytes[..4] != CHUNK_MAGIC {
        return Err(DecodeError::NotAChange);
    }
    if bytes[8] != CHANGE_CHUNK {
        return Err(DecodeError::ChunkType(bytes[8]));
    }
    match catch_unwind(AssertUnwindSafe(|| automerge::Change::try_from(bytes))) {
        Ok(result) => result.map_err(|e| DecodeError::Refused(e.to_string())),
        Err(_) => Err(DecodeError::Panicked),
    }
}

/// `sync::Message::decode(bytes)`, with a panic turned into an error message.
pub(crate) fn decode_sync_message(bytes: &[u8]) -> Result<automerge::sync::Message, DecodeError> {
    match catch_unwind(AssertUnwindSafe(|| automerge::sync::Message::decode(bytes))) {
        Ok(result) => result.map_err(|e| DecodeError::Refused(e.to_string())),
        Err(_) => Err(DecodeError::Panicked),
    }
}

/// `Automerge::load(bytes)` (a saved snapshot, which may be damaged), `None` if it does
/// not load or panics.
pub(crate) fn load_document(bytes: &[u8]) -> Option<automerge::Automerge> {
    catch_unwind(AssertUnwindSafe(|| automerge::Automerge::load(bytes).ok())).unwrap_or(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_change_chunks_reach_automerge() {
        let mut bundle_chunk = CHUNK_MAGIC.to_vec();
        bundle_chunk.extend_from_slice(&[0, 0, 0, 0, 3, 0]);
        let err = decode_change(&bundle_chunk).expect_err("a bundle chunk");
        assert!(err.to_string().contains("chunk type 3"), "{err}");
        assert!(decode_change(b"hello world").is_err());
        assert!(decode_change(&[]).is_err());
        // A real change still decodes.
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "k", "v")
            .expect("put");
        let change = doc.get_last_local_change().expect("a change").clone();
        let decoded = decode_change(change.raw_bytes()).expect("decodes");
        assert_eq!(decoded.hash(), change.hash());
    }
}
