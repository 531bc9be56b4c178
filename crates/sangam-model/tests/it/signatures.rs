//! THREATS.md 10: RFC 8032 vectors pass; small-order keys and non-canonical signatures fail.

use sangam_machine::SYSTEM;
use sangam_model::verify::{SigCheck, verify_many};
use sangam_model::{PublicKey, SecretKey, Signature};

fn hex32(s: &str) -> [u8; 32] {
    hex::decode(s).expect("hex").try_into().expect("32 bytes")
}

fn hex64(s: &str) -> [u8; 64] {
    hex::decode(s).expect("hex").try_into().expect("64 bytes")
}

/// RFC 8032 section 7.1, tests 1 to 3: (secret, public, message, signature).
const RFC8032: &[(&str, &str, &str, &str)] = &[
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
];

#[test]
fn rfc8032_vectors_sign_and_verify() {
    for (secret, public, message, signature) in RFC8032 {
        let key = SecretKey::from_seed(hex32(secret));
        let message = hex::decode(message).expect("hex");
        assert_eq!(key.public(), PublicKey::from_bytes(hex32(public)));
        let sig = key.sign_raw(&message);
        assert_eq!(sig, Signature::from_bytes(hex64(signature)));
        assert_eq!(key.public().verify_raw(&message, &sig), Ok(()));
        let mut other = message.clone();
        other.push(0);
        assert!(key.public().verify_raw(&other, &sig).is_err());
    }
}

/// The order of the ed25519 group, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

#[test]
fn a_non_canonical_s_is_refused() {
    let (secret, _, message, signature) = RFC8032[1];
    let key = SecretKey::from_seed(hex32(secret));
    let message = hex::decode(message).expect("hex");
    let mut sig = hex64(signature);
    // S + L is the same scalar mod L but not its canonical encoding.
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = sig[32 + i] as u16 + L[i] as u16 + carry;
        sig[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert!(
        key.public()
            .verify_raw(&message, &Signature::from_bytes(sig))
            .is_err()
    );
}

#[test]
fn a_small_order_key_is_refused_even_where_lenient_verification_accepts() {
    // The identity point: with R = identity and S = 0, [S]B = R + [k]A holds for every
    // message, so a lenient verifier accepts this "signature" from nobody.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut forged = [0u8; 64];
    forged[0] = 1;
    let message = b"I vote yes";
    let lenient = ed25519_dalek::VerifyingKey::from_bytes(&identity).expect("decodes as a point");
    use ed25519_dalek::Verifier;
    assert!(
        lenient
            .verify(message, &ed25519_dalek::Signature::from_bytes(&forged))
            .is_ok()
    );
    let strict =
        PublicKey::from_bytes(identity).verify_raw(message, &Signature::from_bytes(forged));
    assert!(strict.is_err());
}

#[test]
fn a_non_canonical_key_encoding_is_refused() {
    // y = 3 is on the curve and not of small order; y + p encodes the same point.
    let canonical = hex32("0300000000000000000000000000000000000000000000000000000000000000");
    let non_canonical = hex32("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    let sig = Signature::from_bytes([7; 64]);
    let message = b"m";
    // The canonical key is a valid key: only the signature is wrong.
    assert_eq!(
        PublicKey::from_bytes(canonical).verify_raw(message, &sig),
        Err(sangam_model::keys::KeyError::BadSignature)
    );
    assert_eq!(
        PublicKey::from_bytes(non_canonical).verify_raw(message, &sig),
        Err(sangam_model::keys::KeyError::BadKey)
    );
}

/// Project Wycheproof's EdDSA vectors (tests/vectors/README.md): every `valid` one is
/// accepted, every `invalid` one refused, alone and in one batch.
#[test]
fn wycheproof_vectors_are_judged_as_published() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/wycheproof_ed25519_test.json"))
            .expect("json");
    /// Test id, key, message, signature (if 64 bytes), whether it is valid.
    type Case = (u64, PublicKey, Vec<u8>, Option<Signature>, bool);
    let mut cases: Vec<Case> = Vec::new();
    for group in file["testGroups"].as_array().expect("groups") {
        let key = PublicKey::from_bytes(hex32(group["publicKey"]["pk"].as_str().expect("pk")));
        for test in group["tests"].as_array().expect("tests") {
            let sig = hex::decode(test["sig"].as_str().expect("sig")).expect("hex");
            let valid = match test["result"].as_str().expect("result") {
                "valid" => true,
                "invalid" => false,
                other => panic!("unexpected result {other}"),
            };
            cases.push((
                test["tcId"].as_u64().expect("id"),
                key,
                hex::decode(test["msg"].as_str().expect("msg")).expect("hex"),
                // A signature of the wrong length cannot even be given to the rule.
                <[u8; 64]>::try_from(sig).ok().map(Signature::from_bytes),
                valid,
            ));
        }
    }
    assert_eq!(cases.len(), 151);
    let mut batch = Vec::new();
    for (id, key, message, sig, valid) in &cases {
        match sig {
            Some(sig) => {
                assert_eq!(key.verify_raw(message, sig).is_ok(), *valid, "tcId {id}");
                batch.push((
                    id,
                    *valid,
                    SigCheck {
                        key,
                        domain: None,
                        message,
                        sig,
                    },
                ));
            }
            None => assert!(!valid, "tcId {id} is valid but not 64 bytes"),
        }
    }
    let checks: Vec<SigCheck> = batch.iter().map(|(_, _, c)| *c).collect();
    for ((id, valid, _), result) in batch.iter().zip(verify_many(&SYSTEM, &checks)) {
        assert_eq!(result.is_ok(), *valid, "tcId {id} in a batch");
    }
}

/// The twelve cases of ed25519-speccheck, and what Sangam's rule says of each: the table
/// in docs/protocol.md "Strict verification".
#[test]
fn speccheck_cases_are_judged_as_docs_protocol_says() {
    // 0–2: small-order A and/or R; 3–5: A or R with a torsion component, valid under the
    // cofactored equation; 6–7: S ≥ ℓ; 8–9: non-canonical R; 10–11: non-canonical A.
    const ACCEPTED: [bool; 12] = [
        false, false, false, true, true, true, false, false, false, false, false, false,
    ];
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../vectors/ed25519_speccheck_cases.json"))
            .expect("json");
    assert_eq!(cases.len(), 12);
    let parsed: Vec<(PublicKey, Vec<u8>, Signature)> = cases
        .iter()
        .map(|case| {
            (
                PublicKey::from_bytes(hex32(case["pub_key"].as_str().expect("key"))),
                hex::decode(case["message"].as_str().expect("msg")).expect("hex"),
                Signature::from_bytes(hex64(case["signature"].as_str().expect("sig"))),
            )
        })
        .collect();
    let alone: Vec<bool> = parsed
        .iter()
        .map(|(key, message, sig)| key.verify_raw(message, sig).is_ok())
        .collect();
    assert_eq!(alone, ACCEPTED);
    let checks: Vec<SigCheck> = parsed
        .iter()
        .map(|(key, message, sig)| SigCheck {
            key,
            domain: None,
            message,
            sig,
        })
        .collect();
    let batched: Vec<bool> = verify_many(&SYSTEM, &checks)
        .iter()
        .map(Result::is_ok)
        .collect();
    assert_eq!(batched, ACCEPTED);
}

/// Every signature `verify_strict` accepts, Sangam's rule accepts (the rule only adds the
/// cofactor): checked on honest signatures of random keys and messages.
#[test]
fn whatever_verify_strict_accepts_is_accepted() {
    for seed in 0u8..64 {
        let key = SecretKey::from_seed([seed; 32]);
        let message = vec![seed; seed as usize * 3];
        let sig = key.sign_raw(&message);
        let dalek = ed25519_dalek::VerifyingKey::from_bytes(key.public().as_bytes()).expect("key");
        assert!(
            dalek
                .verify_strict(
                    &message,
                    &ed25519_dalek::Signature::from_bytes(sig.as_bytes())
                )
                .is_ok()
        );
        assert_eq!(key.public().verify_raw(&message, &sig), Ok(()));
    }
}

mod single_and_batch {
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use proptest::prelude::*;
    use sangam_machine::SYSTEM;
    use sangam_model::verify::{SigCheck, verify_many, verify_one};
    use sangam_model::{PublicKey, Signature};
    use sha2::{Digest, Sha512};

    const DOMAIN: &str = "sangam/test/1";

    /// How a test signature is made.
    #[derive(Debug, Clone)]
    enum Kind {
        Honest,
        /// One bit of the signature flipped.
        FlippedBit(usize),
        /// Signed, then the message changed.
        OtherMessage,
        /// R replaced by a small-order point (torsion point `t`).
        SmallOrderR(usize),
        /// The key is a small-order point (torsion point `t`).
        SmallOrderKey(usize),
        /// R = rB + T for a torsion point T ≠ 0, S computed over that R: only the
        /// cofactored equation holds.
        TorsionedR(usize),
        /// The key is aB + T, and S = r + k·a: again only the cofactored equation holds.
        TorsionedKey(usize),
        /// S + ℓ: the same scalar, not canonical.
        SPlusL,
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            4 => Just(Kind::Honest),
            1 => (0usize..512).prop_map(Kind::FlippedBit),
            1 => Just(Kind::OtherMessage),
            1 => (0usize..8).prop_map(Kind::SmallOrderR),
            1 => (0usize..8).prop_map(Kind::SmallOrderKey),
            1 => (1usize..8).prop_map(Kind::TorsionedR),
            1 => (1usize..8).prop_map(Kind::TorsionedKey),
            1 => Just(Kind::SPlusL),
        ]
    }

    /// A signature by the secret scalar `a` (its key `a·B + torsion`), with nonce `r`.
    fn sign(
        a: Scalar,
        torsion: EdwardsPoint,
        r_point: EdwardsPoint,
        r: Scalar,
        m: &[u8],
    ) -> (PublicKey, Signature) {
        let key = (a * B + torsion).compress().to_bytes();
        let r_bytes = r_point.compress().to_bytes();
        let k = Scalar::from_bytes_mod_order_wide(
            &Sha512::new()
                .chain_update(r_bytes)
                .chain_update(key)
                .chain_update(DOMAIN.as_bytes())
                .chain_update([0u8])
                .chain_update(m)
                .finalize()
                .into(),
        );
        let s = r + k * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r_bytes);
        sig[32..].copy_from_slice(s.as_bytes());
        (PublicKey::from_bytes(key), Signature::from_bytes(sig))
    }

    fn make(kind: &Kind, seed: u64, message: &mut Vec<u8>) -> (PublicKey, Signature) {
        let a = Scalar::from(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let r = Scalar::from(seed.wrapping_add(12345).wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1);
        let zero = EdwardsPoint::default();
        match kind {
            Kind::Honest => sign(a, zero, r * B, r, message),
            Kind::FlippedBit(bit) => {
                let (key, sig) = sign(a, zero, r * B, r, message);
                let mut bytes = *sig.as_bytes();
                bytes[bit / 8] ^= 1 << (bit % 8);
                (key, Signature::from_bytes(bytes))
            }
            Kind::OtherMessage => {
                let signed = sign(a, zero, r * B, r, message);
                message.push(1);
                signed
            }
            Kind::SmallOrderR(t) => sign(a, zero, EIGHT_TORSION[*t], r, message),
            Kind::SmallOrderKey(t) => {
                let key = EIGHT_TORSION[*t].compress().to_bytes();
                let (_, sig) = sign(a, zero, r * B, r, message);
                (PublicKey::from_bytes(key), sig)
            }
            Kind::TorsionedR(t) => sign(a, zero, r * B + EIGHT_TORSION[*t], r, message),
            Kind::TorsionedKey(t) => sign(a, EIGHT_TORSION[*t], r * B, r, message),
            Kind::SPlusL => {
                let (key, sig) = sign(a, zero, r * B, r, message);
                let mut bytes = *sig.as_bytes();
                let mut carry = 0u16;
                for i in 0..32 {
                    let sum = bytes[32 + i] as u16 + super::L[i] as u16 + carry;
                    bytes[32 + i] = sum as u8;
                    carry = sum >> 8;
                }
                (key, Signature::from_bytes(bytes))
            }
        }
    }

    #[test]
    fn torsioned_signatures_hold_only_cofactored() {
        let mut message = b"torsioned".to_vec();
        let (key, sig) = make(&Kind::TorsionedR(3), 7, &mut message);
        let check = SigCheck {
            key: &key,
            domain: Some(DOMAIN),
            message: &message,
            sig: &sig,
        };
        assert_eq!(verify_one(&check), Ok(()));
        let dalek = ed25519_dalek::VerifyingKey::from_bytes(key.as_bytes()).expect("key");
        let signed = sangam_model::keys::domain_separated(DOMAIN, &message);
        assert!(
            dalek
                .verify_strict(
                    &signed,
                    &ed25519_dalek::Signature::from_bytes(sig.as_bytes())
                )
                .is_err(),
            "the cofactorless check refuses it"
        );
        let small = CompressedEdwardsY(EIGHT_TORSION[1].compress().to_bytes());
        assert!(small.decompress().expect("point").is_small_order());
    }

    /// Two wrong signatures whose errors cancel (S₁ + d and S₂ − d): a batch with fixed or
    /// predictable coefficients would accept both; random coefficients refuse both.
    #[test]
    fn errors_that_cancel_out_do_not_pass_a_batch() {
        let mut made: Vec<(PublicKey, Signature, Vec<u8>)> = (0..8u64)
            .map(|seed| {
                let mut message = seed.to_le_bytes().to_vec();
                let (key, sig) = make(&Kind::Honest, seed, &mut message);
                (key, sig, message)
            })
            .collect();
        let shift = |sig: &Signature, d: Scalar| {
            let mut bytes = *sig.as_bytes();
            let s = Scalar::from_canonical_bytes(bytes[32..].try_into().expect("32"))
                .expect("canonical");
            bytes[32..].copy_from_slice((s + d).as_bytes());
            Signature::from_bytes(bytes)
        };
        let d = Scalar::from(977u64);
        made[2].1 = shift(&made[2].1, d);
        made[5].1 = shift(&made[5].1, -d);
        let checks: Vec<SigCheck> = made
            .iter()
            .map(|(key, sig, message)| SigCheck {
                key,
                domain: Some(DOMAIN),
                message,
                sig,
            })
            .collect();
        let refused: Vec<usize> = verify_many(&SYSTEM, &checks)
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_err())
            .map(|(at, _)| at)
            .collect();
        assert_eq!(refused, vec![2, 5]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// THREATS.md 10: one batch (split over both cores when large) says of each
        /// signature exactly what checking it alone says.
        #[test]
        fn a_batch_agrees_with_single_checks(
            items in prop::collection::vec((kind(), any::<u64>(), prop::collection::vec(any::<u8>(), 0..40)), 0..300),
            shared_key in any::<bool>(),
        ) {
            let made: Vec<(PublicKey, Signature, Vec<u8>)> = items
                .iter()
                .enumerate()
                .map(|(at, (kind, seed, message))| {
                    let mut message = message.clone();
                    // Some batches share one key among many signatures (merged terms).
                    let seed = if shared_key { seed % 3 } else { *seed };
                    let (key, sig) = make(kind, seed.wrapping_add(at as u64 * (!shared_key) as u64), &mut message);
                    (key, sig, message)
                })
                .collect();
            let checks: Vec<SigCheck> = made
                .iter()
                .map(|(key, sig, message)| SigCheck { key, domain: Some(DOMAIN), message, sig })
                .collect();
            let alone: Vec<_> = checks.iter().map(verify_one).collect();
            prop_assert_eq!(verify_many(&SYSTEM, &checks), alone.clone());
            for ((kind, _, _), result) in items.iter().zip(&alone) {
                let expected = matches!(kind, Kind::Honest | Kind::TorsionedR(_) | Kind::TorsionedKey(_));
                if !matches!(kind, Kind::FlippedBit(_)) {
                    prop_assert_eq!(result.is_ok(), expected, "{:?}", kind);
                }
            }
        }
    }
}
