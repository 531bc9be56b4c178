//! Signed changes: an Automerge change plus its device's signature.

use automerge::ChangeHash;
use sangam_model::{CoopId, PublicKey, SecretKey, Signature};

/// Domain tag of change signatures.
pub const CHANGE_DOMAIN: &str = "sangam/change/2";

/// Largest change accepted, in bytes. Checked before the change is decoded.
pub const MAX_CHANGE_BYTES: usize = 4 * 1024 * 1024;

/// An Automerge change as it travels and is stored: its bytes and the signature of the
/// device whose public key is the change's actor id.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedChange {
    /// The change hash (SHA-256 of the change, as Automerge computes it).
    pub hash: ChangeHash,
    /// The encoded change.
    pub bytes: Vec<u8>,
    /// The device's signature over [`signing_input`].
    pub sig: Signature,
}

impl std::fmt::Debug for SignedChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignedChange({}, {} bytes)", self.hash, self.bytes.len())
    }
}

/// A change as received from outside: bytes and a claimed signature, not yet checked.
#[derive(Clone, PartialEq, Eq)]
pub struct RawChange {
    /// The encoded change.
    pub bytes: Vec<u8>,
    /// The signature it claims.
    pub sig: Signature,
}

impl std::fmt::Debug for RawChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawChange({} bytes)", self.bytes.len())
    }
}

impl SignedChange {
    /// The change as it travels.
    pub fn to_raw(&self) -> RawChange {
        RawChange {
            bytes: self.bytes.clone(),
            sig: self.sig,
        }
    }
}

/// What a device signs: the co-op id followed by the change hash. The hash covers every
/// byte of the change, and the co-op id keeps a change from being replayed elsewhere.
pub fn signing_input(coop: CoopId, hash: &ChangeHash) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(coop.as_bytes());
    out[32..].copy_from_slice(&hash.0);
    out
}

/// Signs a change made by `device`.
pub fn sign_change(
    coop: CoopId,
    hash: ChangeHash,
    bytes: Vec<u8>,
    device: &SecretKey,
) -> SignedChange {
    let sig = device.sign(CHANGE_DOMAIN, &signing_input(coop, &hash));
    SignedChange { hash, bytes, sig }
}

/// The check of a device's signature on a change, for a batch
/// ([`sangam_model::verify::verify_many`]); `input` is [`signing_input`] of the change.
pub(crate) fn device_check<'a>(
    device: &'a PublicKey,
    input: &'a [u8; 64],
    sig: &'a Signature,
) -> sangam_model::verify::SigCheck<'a> {
    sangam_model::verify::SigCheck {
        key: device,
        domain: Some(CHANGE_DOMAIN),
        message: input,
        sig,
    }
}
