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

pub use build::BuildError;
pub use check::{Verified, verify};
pub use file::{
    Counts, Elector, Hash32, Heads, MAX_REPORT_BYTES, REPORT_DOMAIN, REPORT_FORMAT, Report,
    ReportClass, ReportError, TallyFile,
};
