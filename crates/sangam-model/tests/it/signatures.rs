//! THREATS.md 10: RFC 8032 vectors pass; small-order keys and non-canonical signatures fail.

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
