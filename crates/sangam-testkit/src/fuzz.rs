//! One entry point per decoder that reads bytes from outside: sync frames, bundles,
//! records, canonical JSON, invite tickets, and changes offered to a replica. The fuzz
//! targets in `fuzz/` call these, and `make test` replays every saved input through them
//! (`fuzz/fixtures/`), so a crasher found once stays fixed.
//!
//! Each function accepts any bytes. It panics only when Sangam breaks a promise: a
//! decoder panics, a decoded value does not re-encode to what was read, or refused input
//! changes a replica.

use sangam_model::Record;
use sangam_model::canonical::to_canonical;
use sangam_replica::sync::Frame;
use sangam_replica::{Bundle, RawChange, Replica, Trust};

/// One decoder's entry point.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as the fixture folders are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("sync_frame", sync_frame),
    ("bundle", bundle),
    ("record", record),
    ("canonical_json", canonical_json),
    ("invite_ticket", invite_ticket),
    ("admit_changes", admit_changes),
];

/// A sync frame body: decodes or is refused; a decoded frame re-encodes to the same body.
pub fn sync_frame(data: &[u8]) {
    if let Ok(frame) = Frame::decode(data) {
        let encoded = frame.encode();
        assert_eq!(
            &encoded[4..],
            data,
            "a decoded frame re-encodes to what was read"
        );
    }
}

/// A bundle file: decodes or is refused; a decoded bundle survives a round trip.
pub fn bundle(data: &[u8]) {
    if let Ok(bundle) = Bundle::decode(data) {
        let again = Bundle::decode(&bundle.encode()).expect("an encoded bundle decodes");
        assert_eq!(again, bundle);
    }
}

/// A record's wire form: parses or is refused; a parsed record is exactly its input.
pub fn record(data: &[u8]) {
    if let Ok(record) = Record::from_json(data) {
        assert_eq!(record.json().as_bytes(), data, "one byte form per record");
    }
    if let Ok(record) = Record::from_trusted_json(data) {
        assert_eq!(record.json().as_bytes(), data, "one byte form per record");
    }
}

/// Any JSON text: canonical encoding refuses or succeeds, and is a fixed point.
pub fn canonical_json(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(canonical) = to_canonical(&value) {
        let reparsed: serde_json::Value =
            serde_json::from_slice(&canonical).expect("canonical JSON is JSON");
        assert_eq!(
            to_canonical(&reparsed).expect("canonical JSON encodes again"),
            canonical,
            "canonical encoding is a fixed point"
        );
    }
}

/// An invite ticket's text: parses or is refused; a parsed ticket prints as a ticket that
/// parses to the same invite.
pub fn invite_ticket(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(invite) = sangam_net::Invite::from_text(text) {
        let again = sangam_net::Invite::from_text(&invite.to_text()).expect("reparses");
        assert_eq!(again, invite);
    }
}

/// Bytes cut into changes (2-byte length, bytes, 64-byte signature) offered to a replica
/// of a small co-op: whatever is refused leaves its state and heads as they were, and
/// nothing unsigned is admitted.
pub fn admit_changes(data: &[u8]) {
    thread_local! {
        // Founding signs a record: done once. Reusing the replica is sound because the
        // assertions below fail the moment anything changes it.
        static REPLICA: std::cell::RefCell<Replica> = std::cell::RefCell::new(
            crate::found(&crate::Person::seeded(1, "Asha"), 1_000).0,
        );
    }
    REPLICA.with(|replica| admit_into(&mut replica.borrow_mut(), data));
}

fn admit_into(replica: &mut Replica, data: &[u8]) {
    let state = replica.state();
    let heads = replica.heads();
    let mut incoming = Vec::new();
    let mut rest = data;
    while rest.len() >= 2 && incoming.len() < 64 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        rest = &rest[2..];
        let take = len.min(rest.len());
        let (bytes, after) = rest.split_at(take);
        rest = after;
        let mut sig = [0u8; 64];
        let s = rest.len().min(64);
        sig[..s].copy_from_slice(&rest[..s]);
        rest = &rest[s..];
        incoming.push(RawChange {
            bytes: bytes.to_vec(),
            sig: sangam_model::Signature::from_bytes(sig),
        });
    }
    let admitted = replica.admit(incoming, Trust::Verify { now: 2_000 });
    // Random bytes cannot carry a valid device signature: nothing may get in.
    assert!(
        admitted.applied.is_empty(),
        "an unsigned change was admitted"
    );
    assert!(admitted.shadowed.is_empty(), "an unsigned change was kept");
    assert_eq!(replica.state(), state);
    assert_eq!(replica.heads(), heads);
}
