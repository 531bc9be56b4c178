//! The one signature rule of Sangam, for a single signature and for a batch.
//!
//! A signature `R || S` by key `A` over `M` is accepted exactly when:
//! 1. `S < ℓ` (the group order);
//! 2. `A` and `R` are canonical encodings of curve points (`y < p`);
//! 3. neither `A` nor `R` has small order;
//! 4. with `k = SHA-512(R || A || M) mod ℓ`, the cofactored equation
//!    `[8][S]B = [8]R + [8][k]A` holds.
//!
//! This accepts every signature `verify_strict` accepts (an honest signature satisfies the
//! cofactorless equation, so the cofactored one too), and, being cofactored, a batch check
//! of many signatures agrees with checking each alone except with probability about 2⁻¹²⁸
//! (Chalkias, Garillot, Nikolaenko, "Taming the many EdDSAs", IACR ePrint 2020/1244).
//! ed25519-dalek's own `verify_batch` is cofactorless with coefficients derived from the
//! inputs: it can accept a torsioned signature that a single check refuses, so it is not
//! used. ed25519-zebra implements ZIP-215, which accepts non-canonical and small-order
//! encodings, so it is not this rule either. What is here is a small module over
//! curve25519-dalek's public point arithmetic and multiscalar multiplication.
//!
//! A batch takes random 128-bit coefficients `z_i` from the [`Machine`] it is given (the
//! operating system's generator, on a laptop) and checks
//! `[8]( Σ z_i·R_i + Σ_A (Σ_{i: A_i = A} z_i·k_i)·A − (Σ z_i·S_i)·B ) = 0`, the terms of
//! one key merged into one. When a batch fails it is split in halves until the bad
//! signatures are found, so only they are refused.

use std::collections::HashMap;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest, Sha512};

use crate::keys::{KeyError, PublicKey, Signature};
use crate::parallel::Machine;

/// One signature to check: `sig` by `key` over `domain || 0x00 || message`.
#[derive(Debug, Clone, Copy)]
pub struct SigCheck<'a> {
    /// The signer's public key.
    pub key: &'a PublicKey,
    /// The domain tag (see docs/protocol.md "Domain separation"); `None` only for bare
    /// RFC 8032 test vectors, which sign the message itself.
    pub domain: Option<&'a str>,
    /// The message after the tag and its zero byte.
    pub message: &'a [u8],
    /// The signature claimed.
    pub sig: &'a Signature,
}

impl PublicKey {
    /// Whether the key could ever sign: the canonical encoding of a curve point that is not
    /// of small order. A key that is not (`0100…00`, say) verifies nothing, so a record that
    /// names it as a member or a device is refused: it would count in every electorate and
    /// never vote.
    pub fn is_usable(&self) -> bool {
        decode_key(self).is_ok()
    }

    /// Verifies `sig` over `domain || 0x00 || message` (the rule in the module docs).
    pub fn verify(&self, domain: &str, message: &[u8], sig: &Signature) -> Result<(), KeyError> {
        verify_one(&SigCheck {
            key: self,
            domain: Some(domain),
            message,
            sig,
        })
    }

    /// Verifies `sig` over exactly `message`, with no domain tag: only for RFC 8032's and
    /// other published test vectors. Sangam itself never signs a bare message.
    pub fn verify_raw(&self, message: &[u8], sig: &Signature) -> Result<(), KeyError> {
        verify_one(&SigCheck {
            key: self,
            domain: None,
            message,
            sig,
        })
    }
}

/// Below this many signatures a batch is not worth its set-up: each is checked alone.
const SMALLEST_BATCH: usize = 4;

/// Checks one signature under the rule in the module docs.
pub fn verify_one(check: &SigCheck<'_>) -> Result<(), KeyError> {
    let key = decode_key(check.key)?;
    let parts = Parts::new(check)?;
    let sum =
        EdwardsPoint::vartime_double_scalar_mul_basepoint(&-parts.k, &key, &parts.s) - parts.r;
    if sum.mul_by_cofactor().is_identity() {
        Ok(())
    } else {
        Err(KeyError::BadSignature)
    }
}

/// Checks many signatures; the result for each is what [`verify_one`] says of it. Large
/// inputs are spread over the machine's cores, each part one batch equation.
pub fn verify_many(machine: &dyn Machine, checks: &[SigCheck<'_>]) -> Vec<Result<(), KeyError>> {
    if checks.len() < SMALLEST_BATCH {
        return checks.iter().map(verify_one).collect();
    }
    crate::parallel::map_parts(machine, checks, |part| verify_on_one_core(machine, part))
}

/// [`verify_many`] on the calling thread alone (one thread's share of it): decode
/// everything, refuse what fails rules 1–3, then one batch equation over the rest, split
/// in halves while it fails.
pub fn verify_on_one_core(
    machine: &dyn Machine,
    checks: &[SigCheck<'_>],
) -> Vec<Result<(), KeyError>> {
    let mut keys: HashMap<[u8; 32], Result<EdwardsPoint, KeyError>> = HashMap::new();
    let mut out: Vec<Result<(), KeyError>> = Vec::with_capacity(checks.len());
    let mut items: Vec<Item> = Vec::with_capacity(checks.len());
    let mut key_points: Vec<EdwardsPoint> = Vec::new();
    let mut key_index: HashMap<[u8; 32], usize> = HashMap::new();
    for (at, check) in checks.iter().enumerate() {
        let key = keys
            .entry(*check.key.as_bytes())
            .or_insert_with(|| decode_key(check.key));
        let parsed = key
            .clone()
            .and_then(|point| Parts::new(check).map(|parts| (point, parts)));
        match parsed {
            Ok((point, parts)) => {
                let key = *key_index.entry(*check.key.as_bytes()).or_insert_with(|| {
                    key_points.push(point);
                    key_points.len() - 1
                });
                items.push(Item { at, key, parts });
                out.push(Ok(()));
            }
            Err(e) => out.push(Err(e)),
        }
    }
    let coefficients = random_coefficients(machine, items.len());
    let items: Vec<Weighted> = items
        .into_iter()
        .zip(coefficients)
        .map(|(item, z)| Weighted { item, z })
        .collect();
    find_bad(&items, &key_points, &mut out);
    out
}

/// Marks in `out` the items of `items` that fail, checking them together first.
fn find_bad(items: &[Weighted], key_points: &[EdwardsPoint], out: &mut [Result<(), KeyError>]) {
    if items.is_empty() || batch_holds(items, key_points) {
        return;
    }
    if items.len() <= SMALLEST_BATCH {
        for weighted in items {
            let item = &weighted.item;
            let key = &key_points[item.key];
            let sum = EdwardsPoint::vartime_double_scalar_mul_basepoint(
                &-item.parts.k,
                key,
                &item.parts.s,
            ) - item.parts.r;
            if !sum.mul_by_cofactor().is_identity() {
                out[item.at] = Err(KeyError::BadSignature);
            }
        }
        return;
    }
    let (left, right) = items.split_at(items.len() / 2);
    find_bad(left, key_points, out);
    find_bad(right, key_points, out);
}

/// Whether the batch equation holds for `items`.
fn batch_holds(items: &[Weighted], key_points: &[EdwardsPoint]) -> bool {
    let mut base = Scalar::ZERO;
    let mut per_key: HashMap<usize, Scalar> = HashMap::new();
    let mut scalars: Vec<Scalar> = Vec::with_capacity(items.len() * 2 + 1);
    let mut points: Vec<EdwardsPoint> = Vec::with_capacity(items.len() * 2 + 1);
    for Weighted { item, z } in items {
        base += z * item.parts.s;
        *per_key.entry(item.key).or_insert(Scalar::ZERO) += z * item.parts.k;
        scalars.push(-z);
        points.push(item.parts.r);
    }
    for (key, scalar) in per_key {
        scalars.push(-scalar);
        points.push(key_points[key]);
    }
    scalars.push(base);
    points.push(ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(&scalars, &points)
        .mul_by_cofactor()
        .is_identity()
}

/// Random 128-bit coefficients, from the machine (which panics rather than hand out
/// coefficients an attacker could predict).
fn random_coefficients(machine: &dyn Machine, n: usize) -> Vec<Scalar> {
    let mut bytes = vec![0u8; n * 16];
    machine.fill_random(&mut bytes);
    bytes
        .chunks_exact(16)
        .map(|z| Scalar::from(u128::from_le_bytes(z.try_into().expect("16 bytes"))))
        .collect()
}

struct Item {
    /// Where it is in the input.
    at: usize,
    /// Its key, as an index into the batch's distinct keys.
    key: usize,
    parts: Parts,
}

struct Weighted {
    item: Item,
    z: Scalar,
}

/// The parts of a signature that passed rules 1–3, and its challenge `k`.
struct Parts {
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

impl Parts {
    fn new(check: &SigCheck<'_>) -> Result<Self, KeyError> {
        let sig = check.sig.as_bytes();
        let r_bytes: [u8; 32] = sig[..32].try_into().expect("32 bytes");
        let s_bytes: [u8; 32] = sig[32..].try_into().expect("32 bytes");
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))
            .ok_or(KeyError::BadSignature)?;
        let r = decode_point(&r_bytes).ok_or(KeyError::BadSignature)?;
        let mut hash = Sha512::new()
            .chain_update(r_bytes)
            .chain_update(check.key.as_bytes());
        if let Some(domain) = check.domain {
            hash = hash.chain_update(domain.as_bytes()).chain_update([0u8]);
        }
        let k =
            Scalar::from_bytes_mod_order_wide(&hash.chain_update(check.message).finalize().into());
        Ok(Self { r, s, k })
    }
}

/// A key that passes rules 2 and 3, as a point.
///
/// Decoding a point is a square root, about a third of a check's cost, and the same
/// member and device keys sign again and again (and are decoded when a record names them,
/// [`PublicKey::is_usable`]); so decoded keys are kept, up to [`KEPT_KEYS`], for this
/// process. A kept point is exactly what decoding the same bytes gives.
pub(crate) fn decode_key(key: &PublicKey) -> Result<EdwardsPoint, KeyError> {
    let kept = KEYS.get_or_init(Default::default);
    if let Some(point) = kept
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(key.as_bytes())
    {
        return Ok(*point);
    }
    let point = decode_point(key.as_bytes()).ok_or(KeyError::BadKey)?;
    let mut kept = kept.write().unwrap_or_else(|p| p.into_inner());
    if kept.len() >= KEPT_KEYS {
        kept.clear();
    }
    kept.insert(*key.as_bytes(), point);
    Ok(point)
}

/// Decoded keys kept: a co-op of about 15,000 members (the largest a proposal's
/// electorate allows) with a device each, in about 6 MB.
const KEPT_KEYS: usize = 32_768;

/// The decoded keys of [`decode_key`].
static KEYS: std::sync::OnceLock<std::sync::RwLock<HashMap<[u8; 32], EdwardsPoint>>> =
    std::sync::OnceLock::new();

/// A point with a canonical encoding and not of small order. `y < p` is checked on the
/// bytes; the only other non-canonical encodings (x = 0 with the sign bit set) are of the
/// two points with x = 0, both of small order, so refused by the second check.
pub(crate) fn decode_point(bytes: &[u8; 32]) -> Option<EdwardsPoint> {
    if !y_is_canonical(bytes) {
        return None;
    }
    CompressedEdwardsY(*bytes)
        .decompress()
        .filter(|point| !point.is_small_order())
}

/// Whether the little-endian y coordinate (the low 255 bits) is below p = 2^255 - 19.
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let top = bytes[31] & 0x7f;
    let all_ones_between = bytes[1..31].iter().all(|b| *b == 0xff);
    !(top == 0x7f && all_ones_between && bytes[0] >= 0xed)
}
