//! Record ids, co-op ids and claimed times: the values every area names.
//!
//! They live apart from the envelope ([`crate::record`]) so that bodies can name other
//! records without depending on the code that parses them, which in turn depends on the
//! bodies.

use crate::keys::hex_type;

/// A record id: SHA-256 over the record's signed bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub(crate) [u8; 32]);

/// A map keyed by record or change ids: they are hashes already, so a fast hasher does;
/// seeded per process, so ids ground by a member to collide in one home collide nowhere
/// else.
pub type IdMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A co-op id: the id of its genesis record.
pub type CoopId = RecordId;

/// Milliseconds since the Unix epoch, UTC. A claim made by the author, never an authority.
pub type Timestamp = i64;

impl RecordId {
    /// Wraps raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// The first 12 hex characters, enough to tell records apart on screen.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }
}

hex_type!(RecordId, 32);
