//! Bundles: a co-op's signed changes in one file, for a USB stick between laptops.
//!
//! ```text
//! magic    "SANGAMB\n"                 8 bytes
//! version  u8 = 1
//! coop     32 bytes                    the co-op id
//! heads    u32 count, 32 bytes each    the exporter's document heads
//! changes  u32 count, then for each:   u32 length, change bytes, 64-byte signature
//! check    32 bytes                    SHA-256 of everything before it
//! ```
//! Integers are big-endian. Every length is checked against its cap before anything is
//! allocated, and the checksum is verified before any change is decoded, so a truncated
//! or corrupted file is refused whole.

use automerge::ChangeHash;
use sangam_model::{CoopId, RecordId, Signature};
use sha2::{Digest, Sha256};

use crate::change::{MAX_CHANGE_BYTES, RawChange};

const MAGIC: &[u8; 8] = b"SANGAMB\n";
const VERSION: u8 = 1;
/// Largest bundle read, in bytes.
pub const MAX_BUNDLE_BYTES: usize = 1 << 30;
/// Most changes in one bundle.
pub const MAX_BUNDLE_CHANGES: usize = 4_000_000;
const MAX_HEADS: usize = 4096;

/// A decoded bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The co-op the changes belong to.
    pub coop: CoopId,
    /// The exporter's heads when it wrote the bundle (a later `--since` starts here).
    pub heads: Vec<ChangeHash>,
    /// The changes, in an order where each change follows its deps.
    pub changes: Vec<RawChange>,
}

/// Why a bundle could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// Not a Sangam bundle at all.
    #[error("not a Sangam bundle (wrong magic bytes)")]
    NotABundle,
    /// A bundle version this build cannot read.
    #[error("bundle version {0} is not supported")]
    UnsupportedVersion(u8),
    /// The file ends early.
    #[error("bundle is truncated")]
    Truncated,
    /// The checksum does not match: the file was truncated, corrupted or edited.
    #[error("bundle checksum does not match: the file is truncated or corrupted")]
    Corrupt,
    /// A count or length is above its cap.
    #[error("bundle exceeds a size limit: {0}")]
    TooLarge(&'static str),
    /// The checksum matches but the contents do not fill the file exactly.
    #[error("bundle has bytes its contents do not account for")]
    TrailingBytes,
}

impl Bundle {
    /// Encodes the bundle.
    pub fn encode(&self) -> Vec<u8> {
        let size: usize = self.changes.iter().map(|c| c.bytes.len() + 68).sum();
        let mut out = Vec::with_capacity(size + 128 + self.heads.len() * 32);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(self.coop.as_bytes());
        put_u32(&mut out, self.heads.len());
        for head in &self.heads {
            out.extend_from_slice(&head.0);
        }
        put_u32(&mut out, self.changes.len());
        for change in &self.changes {
            put_u32(&mut out, change.bytes.len());
            out.extend_from_slice(&change.bytes);
            out.extend_from_slice(change.sig.as_bytes());
        }
        let check = Sha256::digest(&out);
        out.extend_from_slice(&check);
        out
    }

    /// Decodes and checks a bundle. Changes are not verified here; admission does that.
    pub fn decode(bytes: &[u8]) -> Result<Self, BundleError> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge("file size"));
        }
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(BundleError::NotABundle);
        }
        if bytes.len() < MAGIC.len() + 1 {
            return Err(BundleError::Truncated);
        }
        let version = bytes[MAGIC.len()];
        if version != VERSION {
            return Err(BundleError::UnsupportedVersion(version));
        }
        if bytes.len() < MAGIC.len() + 1 + 32 + 32 {
            return Err(BundleError::Truncated);
        }
        // The checksum first: a truncated or corrupted file is refused before any of its
        // lengths is believed.
        let (body, check) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(body).as_slice() != check {
            return Err(BundleError::Corrupt);
        }
        let mut reader = Reader {
            bytes: body,
            at: MAGIC.len() + 1,
        };
        let coop = RecordId::from_bytes(reader.array()?);
        let head_count = reader.count(MAX_HEADS, "heads")?;
        let mut heads = Vec::with_capacity(head_count);
        for _ in 0..head_count {
            heads.push(ChangeHash(reader.array()?));
        }
        let change_count = reader.count(MAX_BUNDLE_CHANGES, "change count")?;
        let mut changes = Vec::with_capacity(change_count.min(body.len() / 68));
        for _ in 0..change_count {
            let len = reader.count(MAX_CHANGE_BYTES, "change size")?;
            let change = reader.take(len)?.to_vec();
            let sig = Signature::from_bytes(reader.array()?);
            changes.push(RawChange { bytes: change, sig });
        }
        if reader.at != body.len() {
            return Err(BundleError::TrailingBytes);
        }
        Ok(Self {
            coop,
            heads,
            changes,
        })
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    let n = u32::try_from(n).expect("bundle counts are capped far below u32::MAX");
    out.extend_from_slice(&n.to_be_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BundleError> {
        let end = self.at.checked_add(n).ok_or(BundleError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(BundleError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn count(&mut self, cap: usize, what: &'static str) -> Result<usize, BundleError> {
        let n = u32::from_be_bytes(self.array()?) as usize;
        if n > cap {
            return Err(BundleError::TooLarge(what));
        }
        Ok(n)
    }
}
