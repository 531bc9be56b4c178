//! The signed record envelope: `{v, coop, kind, author, at, deps, body, sig}`.
//!
//! The signed bytes are `"sangam/record/2" || 0x00 || canonical JSON of the record without
//! `sig``; the record id is the SHA-256 of those same bytes. A record travels as its own
//! canonical JSON (with `sig`), so there is exactly one byte form of each record and a
//! record whose bytes are not canonical is refused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::canonical::{CanonicalError, to_canonical};
pub use crate::id::{CoopId, RecordId, Timestamp};
use crate::keys::{KeyError, PublicKey, SecretKey, Signature};
use crate::kinds::{Body, BodyError, Kind};
use crate::parallel::Machine;
use crate::verify::SigCheck;

/// Domain tag of record signatures and ids.
pub const RECORD_DOMAIN: &str = "sangam/record/2";

/// The envelope version this build writes and reads. Version 2 is version 1 with the
/// cofactored signature rule (docs/protocol.md "Strict verification"), which accepts
/// signatures a version-1 reader refuses: so the tag and the version moved together.
pub const RECORD_VERSION: u64 = 2;

/// Largest record accepted, in bytes of canonical JSON. Checked before parsing. A
/// proposal lists its electorate and a close its ballots (67 bytes a key or id), so this
/// leaves room for a co-op of about 15,000 members.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// Most causal dependencies one record may name.
pub const MAX_DEPS: usize = 256;

/// Why a record was refused before any rule looked at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Larger than [`MAX_RECORD_BYTES`].
    #[error("record is {0} bytes, more than the {MAX_RECORD_BYTES} allowed")]
    TooLarge(usize),
    /// Not JSON, or not the envelope's shape.
    #[error("record is not a valid envelope: {0}")]
    Malformed(String),
    /// Valid JSON, but not in canonical form.
    #[error("record bytes are not canonical JSON")]
    NotCanonical,
    /// A value with no canonical form.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    /// An envelope version this build does not know.
    #[error("record version {0} is not supported")]
    UnsupportedVersion(u64),
    /// The signature does not verify for the author.
    #[error("record signature is invalid: {0}")]
    Signature(#[from] KeyError),
    /// The body does not match its kind.
    #[error(transparent)]
    Body(#[from] BodyError),
    /// More than [`MAX_DEPS`] dependencies, or the same one twice, or unsorted.
    #[error("record dependencies must be at most {MAX_DEPS} distinct ids in ascending order")]
    BadDeps,
    /// `coop` is empty on a non-genesis record, or set on a genesis record.
    #[error("record names the wrong co-op")]
    WrongCoop,
}

/// What an author fills in; signing turns it into a [`Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The co-op, or `None` for a genesis record (whose id becomes the co-op id).
    pub coop: Option<CoopId>,
    /// The author's claimed time.
    pub at: Timestamp,
    /// The record heads the author had seen: its causal context.
    pub deps: Vec<RecordId>,
    /// What the record says.
    pub body: Body,
}

/// The envelope exactly as it is serialized (field names are the wire names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    v: u64,
    coop: String,
    kind: String,
    author: PublicKey,
    at: Timestamp,
    deps: Vec<RecordId>,
    body: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sig: Option<Signature>,
}

/// The envelope as it is read: the body is looked at later, from the parsed value, so it
/// is only checked for presence here (not copied).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Incoming {
    v: u64,
    coop: String,
    kind: String,
    author: PublicKey,
    at: Timestamp,
    deps: Vec<RecordId>,
    #[allow(dead_code)]
    body: serde::de::IgnoredAny,
    #[serde(default)]
    sig: Option<Signature>,
}

/// A record whose signature has been verified and whose body has been parsed.
#[derive(Clone, PartialEq)]
pub struct Record {
    id: RecordId,
    coop: Option<CoopId>,
    author: PublicKey,
    at: Timestamp,
    deps: Vec<RecordId>,
    body: Body,
    sig: Signature,
    /// The canonical JSON, with `sig`: the record's only wire form.
    json: String,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Record({} {} by {})",
            self.id.short(),
            self.kind(),
            self.author.short()
        )
    }
}

impl Draft {
    /// Signs the draft with the author's member key.
    pub fn sign(mut self, author: &SecretKey) -> Result<Record, RecordError> {
        self.deps.sort();
        self.deps.dedup();
        let envelope = Envelope {
            v: RECORD_VERSION,
            coop: self.coop.map(|c| c.to_string()).unwrap_or_default(),
            kind: self.body.kind().as_str().to_owned(),
            author: author.public(),
            at: self.at,
            deps: self.deps,
            body: self.body.to_value(),
            sig: None,
        };
        let unsigned = to_canonical(&to_value(&envelope))?;
        let sig = author.sign(RECORD_DOMAIN, &unsigned);
        let signed = Envelope {
            sig: Some(sig),
            ..envelope
        };
        Record::from_json(&to_canonical(&to_value(&signed))?)
    }
}

fn to_value(envelope: &Envelope) -> Value {
    serde_json::to_value(envelope).expect("the envelope always serializes")
}

impl Record {
    /// Parses and verifies a record from its wire bytes: size cap first, then the shape,
    /// canonical form, version, signature (`verify_strict`) and body.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RecordError> {
        Self::parse(bytes, Signing::Now).map(|(record, _)| record)
    }

    /// Parses a record this home verified when it was admitted (its own store), skipping
    /// only the signature check. Everything else is checked as in [`Record::from_json`].
    pub fn from_trusted_json(bytes: &[u8]) -> Result<Self, RecordError> {
        Self::parse(bytes, Signing::Skip).map(|(record, _)| record)
    }

    /// Parses a record whose signature is to be checked later, in a batch with others
    /// ([`crate::verify::verify_many`]). Every other check is made now, in the order of
    /// docs/protocol.md "Checking a record"; when a later step fails, the signature is
    /// checked at once, so the error is the one [`Record::from_json`] gives.
    pub fn from_json_deferred(bytes: &[u8]) -> Result<UnverifiedRecord, RecordError> {
        Self::parse(bytes, Signing::Later)
            .map(|(record, unsigned)| UnverifiedRecord { record, unsigned })
    }

    fn parse(bytes: &[u8], signing: Signing) -> Result<(Self, Vec<u8>), RecordError> {
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge(bytes.len()));
        }
        if let Some(parsed) = Self::parse_fast(bytes, signing) {
            return parsed;
        }
        Self::parse_slow(bytes, signing)
    }

    /// Every check of "Checking a record", one by one, in their order.
    fn parse_slow(bytes: &[u8], signing: Signing) -> Result<(Self, Vec<u8>), RecordError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| RecordError::Malformed(e.to_string()))?;
        // Floats, deep nesting and stray whitespace are refused here, before any shape.
        if to_canonical(&value)? != bytes {
            return Err(RecordError::NotCanonical);
        }
        if !value.is_object() {
            return Err(RecordError::Malformed("a record is a JSON object".into()));
        }
        let Incoming {
            v,
            coop,
            kind,
            author,
            at,
            deps,
            body: _,
            sig,
        } = Incoming::deserialize(&value).map_err(|e| RecordError::Malformed(e.to_string()))?;
        if v != RECORD_VERSION {
            return Err(RecordError::UnsupportedVersion(v));
        }
        let sig = sig.ok_or_else(|| RecordError::Malformed("missing field `sig`".into()))?;
        if deps.len() > MAX_DEPS || !deps.windows(2).all(|w| w[0] < w[1]) {
            return Err(RecordError::BadDeps);
        }
        // Step 7 (the envelope re-written is the input) holds by now: the input is
        // canonical, no field is unknown, and each envelope field has one written form
        // (integers, strings, lowercase hex of fixed length). What remains is to find the
        // signed bytes: the input without `"sig":"…",`, which the canonical key order puts
        // just before `"v"`, as checked here.
        let unsigned = unsigned_bytes(bytes, &sig, v).ok_or(RecordError::NotCanonical)?;
        let verify = || author.verify(RECORD_DOMAIN, &unsigned, &sig);
        if signing == Signing::Now {
            verify()?;
        }
        let Value::Object(mut fields) = value else {
            unreachable!("checked to be an object above")
        };
        let body = fields.remove("body").unwrap_or(Value::Null);
        let head = Head {
            coop,
            kind,
            author,
            at,
            deps,
        };
        match (Self::finish(head, body, sig, bytes, &unsigned), signing) {
            (Ok(record), _) => Ok((record, unsigned)),
            // The signature comes first in the order of checks.
            (Err(e), Signing::Later) => {
                verify()?;
                Err(e)
            }
            (Err(e), _) => Err(e),
        }
    }

    /// The common case, a well-formed record, in one typed pass: the envelope and the body
    /// are read straight into their types and written back canonically; when that gives
    /// the input bytes exactly, every check but the signature's holds (the bytes are
    /// canonical, and each field is in its one written form). Anything else returns
    /// `None`, and [`Record::parse`] goes through the checks one by one, so that a refused
    /// record gets the error the order of checks says.
    fn parse_fast(bytes: &[u8], signing: Signing) -> Option<Result<(Self, Vec<u8>), RecordError>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fast<'a> {
            v: u64,
            coop: String,
            kind: String,
            author: PublicKey,
            at: Timestamp,
            deps: Vec<RecordId>,
            #[serde(borrow)]
            body: &'a serde_json::value::RawValue,
            sig: Signature,
        }
        let fast: Fast<'_> = serde_json::from_slice(bytes).ok()?;
        if fast.v != RECORD_VERSION
            || fast.deps.len() > MAX_DEPS
            || !fast.deps.windows(2).all(|w| w[0] < w[1])
        {
            return None;
        }
        let kind = Kind::from_str(&fast.kind).ok()?;
        let body = Body::from_json_str(kind, fast.body.get()).ok()?;
        let mut written = Vec::with_capacity(bytes.len());
        written.extend_from_slice(b"{\"at\":");
        written.extend_from_slice(fast.at.to_string().as_bytes());
        if fast.at.abs() > crate::canonical::MAX_SAFE_INTEGER {
            return None;
        }
        written.extend_from_slice(b",\"author\":\"");
        crate::keys::push_hex(&mut written, fast.author.as_bytes());
        written.extend_from_slice(b"\",\"body\":");
        crate::canonical::write_at_depth(&body.to_value(), &mut written, 1).ok()?;
        written.extend_from_slice(b",\"coop\":");
        crate::canonical::write_string(&fast.coop, &mut written);
        written.extend_from_slice(b",\"deps\":[");
        for (i, dep) in fast.deps.iter().enumerate() {
            if i > 0 {
                written.push(b',');
            }
            written.push(b'"');
            crate::keys::push_hex(&mut written, dep.as_bytes());
            written.push(b'"');
        }
        written.extend_from_slice(b"],\"kind\":");
        crate::canonical::write_string(&fast.kind, &mut written);
        written.extend_from_slice(b",\"sig\":\"");
        crate::keys::push_hex(&mut written, fast.sig.as_bytes());
        written.extend_from_slice(format!("\",\"v\":{}}}", fast.v).as_bytes());
        if written != bytes {
            return None;
        }
        let coop = match (kind, fast.coop.as_str()) {
            (Kind::CoopGenesis, "") if fast.deps.is_empty() => None,
            (Kind::CoopGenesis, _) | (_, "") => return None,
            (_, coop) => Some(coop.parse().ok()?),
        };
        let unsigned = unsigned_bytes(bytes, &fast.sig, fast.v)?;
        if signing == Signing::Now
            && let Err(e) = fast.author.verify(RECORD_DOMAIN, &unsigned, &fast.sig)
        {
            return Some(Err(e.into()));
        }
        let id = record_id(&unsigned);
        let json = String::from_utf8(written).expect("written from strings");
        Some(Ok((
            Self {
                id,
                coop,
                author: fast.author,
                at: fast.at,
                deps: fast.deps,
                body,
                sig: fast.sig,
                json,
            },
            unsigned,
        )))
    }

    /// Steps 9 to 11 of "Checking a record": the kind, the body and the co-op.
    fn finish(
        head: Head,
        body_value: Value,
        sig: Signature,
        bytes: &[u8],
        unsigned: &[u8],
    ) -> Result<Self, RecordError> {
        let id = record_id(unsigned);
        let kind = Kind::from_str(&head.kind)?;
        let body = Body::from_json_value(kind, &body_value)?;
        if body.to_value() != body_value {
            return Err(RecordError::NotCanonical);
        }
        let coop = match (kind, head.coop.as_str()) {
            (Kind::CoopGenesis, "") => None,
            (Kind::CoopGenesis, _) | (_, "") => return Err(RecordError::WrongCoop),
            (_, coop) => Some(coop.parse().map_err(|_| RecordError::WrongCoop)?),
        };
        if kind == Kind::CoopGenesis && !head.deps.is_empty() {
            return Err(RecordError::BadDeps);
        }
        let json = String::from_utf8(bytes.to_vec()).expect("serde_json accepted it as UTF-8");
        Ok(Self {
            id,
            coop,
            author: head.author,
            at: head.at,
            deps: head.deps,
            body,
            sig,
            json,
        })
    }

    /// The record id.
    pub fn id(&self) -> RecordId {
        self.id
    }
    /// The co-op this record belongs to (its own id for a genesis record).
    pub fn coop(&self) -> CoopId {
        self.coop.unwrap_or(self.id)
    }
    /// The member key that signed it.
    pub fn author(&self) -> PublicKey {
        self.author
    }
    /// The author's claimed time.
    pub fn at(&self) -> Timestamp {
        self.at
    }
    /// The records its author had seen (sorted, distinct).
    pub fn deps(&self) -> &[RecordId] {
        &self.deps
    }
    /// What it says.
    pub fn body(&self) -> &Body {
        &self.body
    }
    /// Its kind.
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
    /// The signature over the signed bytes.
    pub fn sig(&self) -> Signature {
        self.sig
    }
    /// The canonical JSON wire form.
    pub fn json(&self) -> &str {
        &self.json
    }
}

/// The envelope's fields but the body and the signature.
struct Head {
    coop: String,
    kind: String,
    author: PublicKey,
    at: Timestamp,
    deps: Vec<RecordId>,
}

/// The signed bytes of a canonical record: the record without its `"sig":"…",` member,
/// which in canonical order is the last but `"v"`. `None` if the bytes do not end so.
fn unsigned_bytes(bytes: &[u8], sig: &Signature, v: u64) -> Option<Vec<u8>> {
    let tail = format!(",\"v\":{v}}}");
    let cut = format!("\"sig\":\"{sig}\"");
    let end = bytes.len().checked_sub(tail.len())?;
    let start = end.checked_sub(cut.len())?;
    if &bytes[end..] != tail.as_bytes() || &bytes[start..end] != cut.as_bytes() {
        return None;
    }
    // `…,"kind":"…","sig":"…","v":2}` becomes `…,"kind":"…","v":2}`: the comma before
    // `"sig"` goes with it.
    let comma = start.checked_sub(1).filter(|c| bytes[*c] == b',')?;
    let mut out = Vec::with_capacity(bytes.len() - (end - comma));
    out.extend_from_slice(&bytes[..comma]);
    out.extend_from_slice(&bytes[end..]);
    Some(out)
}

/// A record's id: SHA-256 of its signing input.
fn record_id(unsigned: &[u8]) -> RecordId {
    RecordId(
        Sha256::new()
            .chain_update(RECORD_DOMAIN.as_bytes())
            .chain_update([0u8])
            .chain_update(unsigned)
            .finalize()
            .into(),
    )
}

/// When a record's signature is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signing {
    /// Before the body is read (step 8).
    Now,
    /// By the caller, in a batch ([`UnverifiedRecord`]).
    Later,
    /// Never: the record comes from this home's own store.
    Skip,
}

/// A record that passed every check but its signature's: the signature is checked in a
/// batch with others, and only then does the record come out, by
/// [`UnverifiedRecord::verified`].
#[derive(Debug)]
pub struct UnverifiedRecord {
    record: Record,
    /// The signed message (the record without `sig`).
    unsigned: Vec<u8>,
}

impl UnverifiedRecord {
    /// The signature check to make.
    pub fn check(&self) -> SigCheck<'_> {
        SigCheck {
            key: &self.record.author,
            domain: Some(RECORD_DOMAIN),
            message: &self.unsigned,
            sig: &self.record.sig,
        }
    }

    /// The claimed time, readable before the signature is checked (to hold back records
    /// from the future without waiting for the batch).
    pub fn at(&self) -> Timestamp {
        self.record.at
    }

    /// The record's id (its signature not yet checked).
    pub fn id(&self) -> RecordId {
        self.record.id
    }

    /// The co-op it names (its signature not yet checked).
    pub fn coop(&self) -> CoopId {
        self.record.coop()
    }

    /// The record, given the verdict on [`UnverifiedRecord::check`].
    pub fn verified(self, verdict: Result<(), KeyError>) -> Result<Record, RecordError> {
        verdict?;
        Ok(self.record)
    }
}

/// Parses and verifies many records: parsed on every core, their signatures checked in
/// batches ([`crate::verify::verify_many`]). Results come back in input order; each is
/// exactly what [`Record::from_json`] returns for that input.
pub fn parse_many(machine: &dyn Machine, inputs: &[&[u8]]) -> Vec<Result<Record, RecordError>> {
    let parsed = crate::parallel::map(machine, inputs, |bytes| Record::from_json_deferred(bytes));
    verify_deferred(machine, parsed)
}

/// Checks the signatures of records parsed by [`Record::from_json_deferred`] in batches;
/// errors pass through.
pub fn verify_deferred(
    machine: &dyn Machine,
    parsed: Vec<Result<UnverifiedRecord, RecordError>>,
) -> Vec<Result<Record, RecordError>> {
    let checks: Vec<SigCheck<'_>> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok().map(UnverifiedRecord::check))
        .collect();
    let mut verdicts = crate::verify::verify_many(machine, &checks).into_iter();
    parsed
        .into_iter()
        .map(|p| {
            let unverified = p?;
            let verdict = verdicts.next().expect("one verdict per check");
            unverified.verified(verdict)
        })
        .collect()
}

/// [`parse_many`] for records from this home's own store: [`Record::from_trusted_json`].
pub fn parse_many_trusted(
    machine: &dyn Machine,
    inputs: &[&[u8]],
) -> Vec<Result<Record, RecordError>> {
    crate::parallel::map(machine, inputs, |bytes| Record::from_trusted_json(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed fast path accepts every valid record of the test vectors with exactly the
    /// record the check-by-check path gives, and never accepts an invalid one.
    #[test]
    fn the_fast_path_agrees_with_the_checks_one_by_one() {
        let vectors: Vec<Value> =
            serde_json::from_str(include_str!("../../../tests/vectors/records.json"))
                .expect("json");
        let mut fast_valid = 0;
        let valid = vectors.iter().filter(|v| v["valid"] == true).count();
        for v in vectors {
            let text = v["record"].as_str().expect("record").as_bytes();
            let slow = Record::parse_slow(text, Signing::Now);
            match Record::parse_fast(text, Signing::Now) {
                Some(Ok(fast)) => {
                    assert_eq!(
                        fast,
                        slow.clone().expect("valid both ways"),
                        "{}",
                        v["name"]
                    );
                    fast_valid += 1;
                }
                Some(Err(e)) => {
                    assert!(matches!(e, RecordError::Signature(_)), "{}: {e}", v["name"]);
                    assert_eq!(slow.expect_err("invalid both ways"), e, "{}", v["name"]);
                }
                None => assert!(
                    slow.is_err(),
                    "{} is valid but not on the fast path",
                    v["name"]
                ),
            }
        }
        assert!(valid >= 9, "the vectors hold {valid} valid records");
        assert_eq!(fast_valid, valid, "every valid record takes the fast path");
    }
    use crate::membership::MemberUpdate;

    fn draft() -> Draft {
        Draft {
            coop: Some(RecordId([3; 32])),
            at: 1_700_000_000_000,
            deps: vec![RecordId([2; 32]), RecordId([1; 32])],
            body: Body::MemberUpdate(MemberUpdate {
                name: Some("Asha".into()),
                contact: None,
            }),
        }
    }

    #[test]
    fn signed_record_round_trips_through_its_wire_form() {
        let key = SecretKey::from_seed([5; 32]);
        let record = draft().sign(&key).expect("signs");
        let back = Record::from_json(record.json().as_bytes()).expect("verifies");
        assert_eq!(back, record);
        assert_eq!(back.deps(), &[RecordId([1; 32]), RecordId([2; 32])]);
        assert_eq!(back.author(), key.public());
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let record = draft().sign(&SecretKey::from_seed([5; 32])).expect("signs");
        let tampered = record.json().replace("Asha", "Ashb");
        assert!(matches!(
            Record::from_json(tampered.as_bytes()),
            Err(RecordError::Signature(KeyError::BadSignature))
        ));
        let spaced = record.json().replacen(',', ", ", 1);
        assert_eq!(
            Record::from_json(spaced.as_bytes()),
            Err(RecordError::NotCanonical)
        );
    }

    #[test]
    fn parsing_many_in_parallel_agrees_with_one_at_a_time() {
        let key = SecretKey::from_seed([5; 32]);
        let mut texts: Vec<String> = (0..200)
            .map(|i| {
                Draft { at: i, ..draft() }
                    .sign(&key)
                    .expect("signs")
                    .json()
                    .to_owned()
            })
            .collect();
        texts[17] = texts[17].replace("Asha", "Ashb");
        texts[150] = "not json".into();
        let inputs: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        let one_by_one: Vec<_> = inputs.iter().map(|b| Record::from_json(b)).collect();
        assert_eq!(
            parse_many(&crate::parallel::testing::MACHINE, &inputs),
            one_by_one
        );
        assert!(one_by_one[17].is_err() && one_by_one[150].is_err() && one_by_one[0].is_ok());
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let huge = vec![b'['; MAX_RECORD_BYTES + 1];
        assert_eq!(
            Record::from_json(&huge),
            Err(RecordError::TooLarge(MAX_RECORD_BYTES + 1))
        );
    }
}
