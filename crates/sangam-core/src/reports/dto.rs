//! What a vote report says, as the window and the CLI read it (and its page shows it).

use serde::Serialize;

use sangam_model::body::Choice;

use crate::{TallyDto, VoterDto};

/// A report's verdict and, when it verified, what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportDto {
    /// Whether every check held.
    pub verified: bool,
    /// The class of the first check that failed (docs/protocol.md "Verifying a report").
    pub class: Option<String>,
    /// Why it failed, in words.
    pub reason: Option<String>,
    /// What a verified report says.
    pub summary: Option<ReportSummaryDto>,
}

/// What a verified report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportSummaryDto {
    /// The report id: SHA-256 of what the exporter signed (hex).
    pub report_id: String,
    /// The co-op id (hex).
    pub coop: String,
    /// The co-op's name.
    pub coop_name: String,
    /// The proposal's title.
    pub title: String,
    /// The text electors answered.
    pub text: String,
    /// Who opened it (hex) and their name.
    pub opened_by: String,
    /// The proposer's name.
    pub opened_by_name: Option<String>,
    /// When it was opened (the proposer's claim), ms since the epoch.
    pub opened_at: i64,
    /// What passing does, in words.
    pub effect: Option<crate::EffectDto>,
    /// The result.
    pub tally: TallyDto,
    /// The answers or options in the order a member reads them (yes, no, abstain; or the
    /// proposal's options in its order).
    pub answers: Vec<String>,
    /// Every elector and the choice that counted for them.
    pub electors: Vec<VoterDto>,
    /// Every ballot of the proposal in the report.
    pub ballots: Vec<ReportBallotDto>,
    /// Every proxy record of the proposal in the report.
    pub proxies: Vec<ReportProxyDto>,
    /// The closes.
    pub closes: Vec<ReportCloseDto>,
    /// The exporter's member key (hex).
    pub exporter: String,
    /// The exporter's name, when they are a member in the report's records.
    pub exporter_name: Option<String>,
    /// When it was exported (the exporter's claim).
    pub exported_at: i64,
    /// How many records the report holds.
    pub records: usize,
    /// The exporter's document heads (change hashes, hex).
    pub document_heads: Vec<String>,
    /// The report's record heads (hex).
    pub record_heads: Vec<String>,
}

/// What became of a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BallotFate {
    /// It counted.
    Counted,
    /// Valid, but no close names it.
    Late,
    /// The same voter's later ballot replaced it.
    Superseded,
    /// Not valid where it was written.
    Refused,
}

/// One ballot in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportBallotDto {
    /// Record id (hex).
    pub id: String,
    /// The voter (hex) and their name.
    pub voter: String,
    /// The voter's name.
    pub voter_name: Option<String>,
    /// What they chose.
    pub choice: Choice,
    /// The choice in words.
    pub choice_text: String,
    /// Their sequence number on this proposal.
    pub seq: u64,
    /// When they say they voted.
    pub at: i64,
    /// Counted, late, superseded or refused.
    pub fate: BallotFate,
    /// A counted ballot's weight: 1 plus the proxies its voter holds.
    pub weight: u64,
    /// Whether some closes name it and others do not.
    pub contested: bool,
    /// Why it was refused.
    pub refused: Option<String>,
}

/// One proxy grant or revocation in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportProxyDto {
    /// Record id (hex).
    pub id: String,
    /// Who gave or took back their proxy.
    pub grantor: String,
    /// Their name.
    pub grantor_name: Option<String>,
    /// The holder of a grant (none for a revocation).
    pub holder: Option<String>,
    /// The holder's name.
    pub holder_name: Option<String>,
    /// Whether the grant counted.
    pub kept: bool,
}

/// One close in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReportCloseDto {
    /// Record id (hex).
    pub id: String,
    /// Who closed it.
    pub author: String,
    /// Their name.
    pub author_name: Option<String>,
    /// When (their claim).
    pub at: i64,
    /// How many ballots it names.
    pub ballots: usize,
    /// Whether it was valid where written.
    pub valid: bool,
}
