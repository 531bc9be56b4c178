//! Ed25519 keys and signatures.
//!
//! A [`SecretKey`] signs; it never prints itself and is zeroized on drop. Verification is
//! always the one rule of [`crate::verify`]: non-canonical encodings, small-order points
//! and out-of-range scalars are refused, and the equation is cofactored.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey};

// Checking a signature, and whether a key could ever sign, are `PublicKey` methods
// written beside the one rule, in `crate::verify`: keys know nothing of checking.

/// A public key: a member's identity or a device's.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

/// An ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

/// A secret signing key. Its `Debug` never shows key material; it is zeroized on drop.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

/// Why a key, a signature or a signed message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not valid hex of the right length.
    #[error("expected {expected} hex characters, got {got:?}")]
    BadHex {
        /// Hex characters expected.
        expected: usize,
        /// What was given (public material only).
        got: String,
    },
    /// The signature does not verify under Sangam's rule ([`crate::verify`]).
    #[error("signature does not verify")]
    BadSignature,
    /// The public key is not a valid, non-weak curve point.
    #[error("public key is not a valid ed25519 point")]
    BadKey,
}

impl PublicKey {
    /// Wraps raw bytes. Validity as a curve point is checked on verify.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 8 hex characters, for display next to a name.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..4])
    }
}

impl Signature {
    /// Wraps raw bytes.
    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// The raw 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl SecretKey {
    /// A key from 32 bytes of secret seed (callers supply the randomness).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let mut seed = seed;
        let key = SigningKey::from_bytes(&seed);
        zeroize::Zeroize::zeroize(&mut seed);
        Self(key)
    }

    /// The secret seed, for the key store only.
    pub fn to_seed(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `domain || 0x00 || message`.
    pub fn sign(&self, domain: &str, message: &[u8]) -> Signature {
        self.sign_raw(&domain_separated(domain, message))
    }

    /// Signs exactly `message`.
    pub fn sign_raw(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).to_bytes())
    }
}

/// Appends the lowercase hex of `bytes` to `out`.
pub(crate) fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + bytes.len() * 2, 0);
    hex::encode_to_slice(bytes, &mut out[start..]).expect("room for twice the bytes");
}

/// The bytes a domain-separated signature covers.
pub fn domain_separated(domain: &str, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(domain.len() + 1 + message.len());
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    out.extend_from_slice(message);
    out
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey(public {}, secret redacted)",
            self.public().short()
        )
    }
}

pub(crate) fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], KeyError> {
    let mut out = [0u8; N];
    if s.len() != N * 2 || s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(bad_hex(N * 2, s));
    }
    hex::decode_to_slice(s, &mut out).map_err(|_| bad_hex(N * 2, s))?;
    Ok(out)
}

fn bad_hex(expected: usize, s: &str) -> KeyError {
    let got: String = s.chars().take(80).collect();
    KeyError::BadHex { expected, got }
}

macro_rules! hex_type {
    ($ty:ident, $n:expr) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Into a buffer on the stack: hex::encode builds a String char by char,
                // which showed in the profile of parsing records.
                let mut buf = [0u8; $n * 2];
                hex::encode_to_slice(self.0, &mut buf).expect("the buffer is twice the bytes");
                f.write_str(::std::str::from_utf8(&buf).expect("hex is ASCII"))
            }
        }
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($ty), hex::encode(self.0))
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = $crate::keys::KeyError;
            fn from_str(s: &str) -> Result<Self, $crate::keys::KeyError> {
                $crate::keys::parse_hex::<$n>(s).map(Self)
            }
        }
        // Hex in JSON (the wire and every file a member sees); raw bytes in the compact
        // binary form a home keeps for itself (the saved fold), where parsing hex showed.
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.serialize_str(&self.to_string())
                } else {
                    s.serialize_bytes(&self.0)
                }
            }
        }
        // Hex text in the window's TypeScript too (the CLI and the window pass ids as hex).
        #[cfg(feature = "ts")]
        impl ::ts_rs::TS for $ty {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &::ts_rs::Config) -> String {
                "string".to_owned()
            }
            fn inline(cfg: &::ts_rs::Config) -> String {
                <Self as ::ts_rs::TS>::name(cfg)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if d.is_human_readable() {
                    let s = <String as ::serde::Deserialize>::deserialize(d)?;
                    s.parse().map_err(serde::de::Error::custom)
                } else {
                    d.deserialize_bytes($crate::keys::RawBytes::<$n>).map(Self)
                }
            }
        }
    };
}
pub(crate) use hex_type;

/// Reads exactly `N` raw bytes from a binary serde format.
pub(crate) struct RawBytes<const N: usize>;

impl<const N: usize> serde::de::Visitor<'_> for RawBytes<N> {
    type Value = [u8; N];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{N} bytes")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<[u8; N], E> {
        bytes
            .try_into()
            .map_err(|_| E::invalid_length(bytes.len(), &self))
    }
}

hex_type!(PublicKey, 32);
hex_type!(Signature, 64);

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_seed([seed; 32])
    }

    #[test]
    fn sign_verify_round_trip_and_domain_separation() {
        let k = key(7);
        let sig = k.sign("sangam/record/2", b"hello");
        assert_eq!(k.public().verify("sangam/record/2", b"hello", &sig), Ok(()));
        assert_eq!(
            k.public().verify("sangam/change/2", b"hello", &sig),
            Err(KeyError::BadSignature)
        );
        assert_eq!(
            key(8).public().verify("sangam/record/2", b"hello", &sig),
            Err(KeyError::BadSignature)
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let k = key(9);
        let seed_hex = hex::encode([9u8; 32]);
        let shown = format!("{k:?}");
        assert!(!shown.contains(&seed_hex), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn hex_round_trip_and_rejects_uppercase_or_wrong_length() {
        let p = key(1).public();
        assert_eq!(p.to_string().parse::<PublicKey>(), Ok(p));
        assert!(p.to_string().to_uppercase().parse::<PublicKey>().is_err());
        assert!("abcd".parse::<PublicKey>().is_err());
    }
}
