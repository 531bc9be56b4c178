//! The report file, typed ([`Report`]), and its JSON form: reading it strictly (steps 1–4 of "Verifying a report"),
//! writing it, and the exporter's signing input.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical::{self, MAX_SAFE_INTEGER};
use crate::governance::{Status, Tally};
use crate::id::RecordId;
use crate::keys::{PublicKey, Signature, domain_separated};
use crate::record::{CoopId, Timestamp};

/// The report format this build writes and reads.
pub const REPORT_FORMAT: &str = "sangam/report/1";

/// The domain tag of the exporter's signature.
pub const REPORT_DOMAIN: &str = "sangam/report/1";

/// The largest report file read; larger input is refused before it is parsed.
pub const MAX_REPORT_BYTES: usize = 256 << 20;

/// A vote report, as its file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The co-op.
    pub coop: CoopId,
    /// The proposal reported on.
    pub proposal: RecordId,
    /// The evidence: each record's wire form.
    pub records: Vec<String>,
    /// The electors, in the proposal's order, with the record that admitted each.
    pub electorate: Vec<Elector>,
    /// The result the records give.
    pub tally: TallyFile,
    /// The exporter's document heads (a claim) and the heads of the records (checked).
    pub heads: Heads,
    /// When it was exported (the exporter's claim).
    pub exported_at: Timestamp,
    /// Who exported it.
    pub exporter: PublicKey,
    /// The exporter's signature; `None` only in a report that will be refused.
    pub sig: Option<Signature>,
}

/// The class of the first failing step of "Verifying a report".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReportClass {
    /// Step 1: more than [`MAX_REPORT_BYTES`].
    TooLarge,
    /// Steps 2 and 4: not JSON, cut short, or not a report's shape.
    Malformed,
    /// Step 3: another format.
    UnsupportedFormat,
    /// Step 5: a record's signature does not verify.
    BadSignature,
    /// Step 5: a record fails another check.
    BadRecord,
    /// Step 6: the same record twice.
    DuplicateRecord,
    /// Step 7: no genesis of this co-op, or a record of another.
    WrongCoop,
    /// Step 8: the proposal is not among the records.
    NoProposal,
    /// Step 9: a record the others need is left out.
    Incomplete,
    /// Step 10: a record that does not belong.
    UnrelatedRecord,
    /// Step 11: the proposal was not valid where written.
    RefusedProposal,
    /// Step 12: the electorate list is not the proposal's.
    Electorate,
    /// Step 13: the tally is not what the records give.
    Tally,
    /// Step 14: the record heads are not the records'.
    Heads,
    /// Step 15: no exporter's signature.
    Unsigned,
    /// Step 16: the exporter's signature does not verify.
    BadReportSignature,
}

impl ReportClass {
    /// The class as docs/protocol.md names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::Malformed => "malformed",
            Self::UnsupportedFormat => "unsupported_format",
            Self::BadSignature => "bad_signature",
            Self::BadRecord => "bad_record",
            Self::DuplicateRecord => "duplicate_record",
            Self::WrongCoop => "wrong_coop",
            Self::NoProposal => "no_proposal",
            Self::Incomplete => "incomplete",
            Self::UnrelatedRecord => "unrelated_record",
            Self::RefusedProposal => "refused_proposal",
            Self::Electorate => "electorate",
            Self::Tally => "tally",
            Self::Heads => "heads",
            Self::Unsigned => "unsigned",
            Self::BadReportSignature => "bad_report_signature",
        }
    }
}

/// Why a report does not verify: the first failing step's class and, in words, what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ReportError {
    /// Which step failed.
    pub class: ReportClass,
    /// What is wrong, for a member.
    pub reason: String,
}

impl ReportError {
    pub(crate) fn new(class: ReportClass, reason: impl Into<String>) -> Self {
        Self {
            class,
            reason: reason.into(),
        }
    }
}

/// Counts by answer or option, as the file writes them.
pub type Counts = BTreeMap<String, u64>;

/// One elector and the record that admitted them, in the view of the proposal's context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elector {
    /// The genesis, the `member.admit`, or the close whose passed effect admitted them.
    pub admitted_by: RecordId,
    /// The elector's member key.
    pub member: PublicKey,
}

/// What the exporter held and what the records' heads are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heads {
    /// The exporter's Automerge document heads (change hashes), ascending: a claim.
    pub document: Vec<Hash32>,
    /// The report's records that no record of the report cites, ascending.
    pub records: Vec<RecordId>,
}

/// A 32-byte hash in hex (a change hash: the model names no Automerge type).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash32(pub [u8; 32]);

crate::keys::hex_type!(Hash32, 32);

/// The tally as the file writes it (docs/protocol.md "The file").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyFile {
    /// Voters whose own ballot counted.
    pub ballots_counted: u64,
    /// The valid closes.
    pub closes: Vec<RecordId>,
    /// Ballots some closes name and others do not.
    pub contested: Vec<RecordId>,
    /// The counted ballots.
    pub counted: Vec<RecordId>,
    /// Totals by answer or option.
    #[serde(deserialize_with = "unique_counts")]
    pub counts: Counts,
    /// How many electors.
    pub electorate_size: u64,
    /// Late ballots.
    pub late: Vec<RecordId>,
    /// The outcome's word or the winning option.
    pub outcome: String,
    /// The grants kept.
    pub proxies: Vec<RecordId>,
    /// Whether quorum was met.
    pub quorum_met: bool,
    /// Grants kept, counted.
    pub represented: u64,
    /// Ranked choice's rounds.
    #[serde(deserialize_with = "unique_rounds")]
    pub rounds: Vec<Counts>,
    /// `provisional`, `closed` or `withdrawn`.
    pub status: String,
    /// An election's count, round by round (absent for every other method, so reports
    /// written before elections read and verify as they did).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_election"
    )]
    pub election: Option<sangam_count::Count>,
}

impl From<&Tally> for TallyFile {
    fn from(t: &Tally) -> Self {
        Self {
            ballots_counted: t.ballots_counted as u64,
            closes: t.closes.clone(),
            contested: t.contested.clone(),
            counted: t.counted.clone(),
            counts: t.counts.clone(),
            electorate_size: t.electorate_size as u64,
            late: t.late.clone(),
            outcome: t.outcome.label(),
            proxies: t.proxies.clone(),
            quorum_met: t.quorum_met,
            represented: t.represented as u64,
            rounds: t.rounds.clone(),
            status: status_word(t.status).to_owned(),
            election: t.election.clone(),
        }
    }
}

/// `election`, when written, is a count: `"election": null` is refused rather than read
/// as absent, so no two files with one signature differ there.
fn present_election<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<sangam_count::Count>, D::Error> {
    sangam_count::Count::deserialize(deserializer).map(Some)
}

/// A status as the file writes it.
pub(crate) fn status_word(status: Status) -> &'static str {
    match status {
        Status::Provisional => "provisional",
        Status::Closed => "closed",
        Status::Withdrawn => "withdrawn",
    }
}

/// Only the top level's `format`, read before anything else.
#[derive(Deserialize)]
struct FormatOnly {
    format: Option<String>,
}

/// The file's top level, in the order Sangam writes it (the signature does not depend on
/// it: it covers the canonical form).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportJson {
    format: String,
    coop: RecordId,
    proposal: RecordId,
    exporter: PublicKey,
    exported_at: i64,
    tally: TallyFile,
    electorate: Vec<Elector>,
    heads: Heads,
    records: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sig: Option<Signature>,
}

impl Report {
    /// Reads a report file: steps 1 to 4 of "Verifying a report".
    pub fn parse(bytes: &[u8]) -> Result<Report, ReportError> {
        if bytes.len() > MAX_REPORT_BYTES {
            return Err(ReportError::new(
                ReportClass::TooLarge,
                format!(
                    "the file is {} bytes, more than the {MAX_REPORT_BYTES} a report may have",
                    bytes.len()
                ),
            ));
        }
        let not_json = |e: serde_json::Error| {
            let why = if e.is_eof() {
                "it ends too early: the file was cut short".to_owned()
            } else {
                e.to_string()
            };
            malformed(format!("the file is not a whole Sangam report: {why}"))
        };
        // The format first: another format may change every other member.
        let peek: FormatOnly = serde_json::from_slice(bytes).map_err(not_json)?;
        match peek.format {
            None => {
                return Err(malformed(
                    "the file is JSON but not a Sangam report: it has no format",
                ));
            }
            Some(format) if format != REPORT_FORMAT => {
                return Err(ReportError::new(
                    ReportClass::UnsupportedFormat,
                    format!("the file is a {format:?} report; this verifier reads {REPORT_FORMAT}"),
                ));
            }
            Some(_) => {}
        }
        let json: ReportJson = serde_json::from_slice(bytes).map_err(not_json)?;
        if has_negative_zero(bytes) {
            // JSON readers disagree on `-0`; canonical JSON has no form for it.
            return Err(malformed("the number -0 has no canonical form"));
        }
        if json.exported_at.abs() > MAX_SAFE_INTEGER {
            return Err(malformed("exported_at is outside ±(2^53 − 1)"));
        }
        for (name, ids) in [
            ("tally.counted", &json.tally.counted),
            ("tally.proxies", &json.tally.proxies),
            ("tally.late", &json.tally.late),
            ("tally.closes", &json.tally.closes),
            ("tally.contested", &json.tally.contested),
            ("heads.records", &json.heads.records),
        ] {
            if !ids.windows(2).all(|w| w[0] < w[1]) {
                return Err(malformed(format!(
                    "{name} is not in strictly ascending order"
                )));
            }
        }
        if !json.heads.document.windows(2).all(|w| w[0] < w[1]) {
            return Err(malformed(
                "heads.document is not in strictly ascending order",
            ));
        }
        let safe = |n: u64| n <= MAX_SAFE_INTEGER as u64;
        let t = &json.tally;
        if ![t.ballots_counted, t.electorate_size, t.represented]
            .into_iter()
            .chain(t.counts.values().copied())
            .chain(t.rounds.iter().flat_map(|r| r.values().copied()))
            .all(safe)
        {
            return Err(malformed("a number in the tally is above 2^53 − 1"));
        }
        Ok(Report {
            coop: json.coop,
            proposal: json.proposal,
            records: json.records,
            electorate: json.electorate,
            tally: json.tally,
            heads: json.heads,
            exported_at: json.exported_at,
            exporter: json.exporter,
            sig: json.sig,
        })
    }

    /// The file's bytes: indented JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out =
            serde_json::to_vec_pretty(&self.json(true)).expect("a report serializes to JSON");
        out.push(b'\n');
        out
    }

    /// The bytes the exporter signs: the domain tag, a zero byte, and the canonical JSON of
    /// the report without `sig`.
    pub fn signing_input(&self) -> Vec<u8> {
        domain_separated(REPORT_DOMAIN, &self.signed_message())
    }

    /// The canonical JSON of the report without `sig`: what the domain tag is put before.
    pub(crate) fn signed_message(&self) -> Vec<u8> {
        let value = serde_json::to_value(self.json(false)).expect("a report is JSON");
        canonical::to_canonical(&value)
            .expect("a parsed report has only safe integers and shallow nesting")
    }

    /// The report id: SHA-256 of the signing input.
    pub fn id(&self) -> Hash32 {
        Hash32(Sha256::digest(self.signing_input()).into())
    }

    fn json(&self, with_sig: bool) -> ReportJson {
        ReportJson {
            format: REPORT_FORMAT.to_owned(),
            coop: self.coop,
            proposal: self.proposal,
            exporter: self.exporter,
            exported_at: self.exported_at,
            tally: self.tally.clone(),
            electorate: self.electorate.clone(),
            heads: self.heads.clone(),
            records: self.records.clone(),
            sig: if with_sig { self.sig } else { None },
        }
    }
}

/// Whether the JSON text has the number `-0` (outside strings). serde reads it as 0, so
/// it is looked for in the text.
fn has_negative_zero(bytes: &[u8]) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-' && bytes.get(i + 1) == Some(&b'0') {
            return true;
        }
    }
    false
}

fn malformed(reason: impl Into<String>) -> ReportError {
    ReportError::new(ReportClass::Malformed, reason)
}

/// A map of counts that refuses a repeated key (serde's maps keep the last silently).
struct UniqueCounts;

impl<'de> Visitor<'de> for UniqueCounts {
    type Value = Counts;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of counts")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, u64>()? {
            if out.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom(format!(
                    "the count {key:?} appears twice"
                )));
            }
        }
        Ok(out)
    }
}

fn unique_counts<'de, D: Deserializer<'de>>(d: D) -> Result<Counts, D::Error> {
    d.deserialize_map(UniqueCounts)
}

fn unique_rounds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Counts>, D::Error> {
    struct Round(Counts);
    impl<'de> Deserialize<'de> for Round {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(UniqueCounts).map(Round)
        }
    }
    let rounds: Vec<Round> = Vec::deserialize(d)?;
    Ok(rounds.into_iter().map(|r| r.0).collect())
}
