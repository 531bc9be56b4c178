//! Signed vote reports (docs/protocol.md "Reports"): one file with the records that decided
//! a proposal, everything needed to judge them, the tally they give and the exporter's
//! signature, which anyone can check offline.
//!
//! - [`Report`] is the file, typed: [`Report::parse`] reads it (steps 1–4 of "Verifying a
//!   report") and [`Report::to_json`] writes it;
//! - [`Report::build`] (in `build`) gathers a proposal's evidence from a fold and signs it;
//! - [`verify`] (in `check`) runs every step and returns what a verified report says, or
//!   the first reason it fails, in words a member understands, with its class.

mod build;
mod check;
mod file;

use std::collections::BTreeMap;

pub use build::BuildError;
pub use check::{Verified, verify};
pub use file::{Elector, Hash32, Heads, TallyFile};

use crate::id::RecordId;
use crate::keys::{PublicKey, Signature};
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
