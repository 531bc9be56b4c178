//! Vote reports: exporting a closed proposal's signed report, and verifying a report file
//! with nothing but its bytes (docs/protocol.md "Reports"). What a report says comes out
//! of the same verification whether this home wrote it or an auditor opened it.

use sangam_model::body::Method;
use sangam_model::fold::Placed;
use sangam_model::governance::Status;
use sangam_model::report::{Hash32, Report, Verified};
use sangam_model::{Body, CoopId, CoopState, PublicKey, RecordId};

mod dto;
pub(crate) mod page;
mod words;

pub use dto::*;

use crate::governance::{choice_text, tally_dto};
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};
use crate::{ApiError, VoterDto};

/// Verifies a report file: needs no home and no network.
pub fn verify_report(bytes: &[u8]) -> ReportDto {
    match sangam_model::report::verify(&sangam_machine::SYSTEM, bytes) {
        Ok(verified) => ReportDto {
            verified: true,
            class: None,
            reason: None,
            summary: Some(summary(&verified)),
        },
        Err(e) => ReportDto {
            verified: false,
            class: Some(e.class.as_str().to_owned()),
            reason: Some(e.reason),
            summary: None,
        },
    }
}

/// A report file written by this home. Its page for people is rendered from `dto` when
/// asked for, in the words of whoever asks (`page::render_in`).
pub struct ExportedReport {
    /// The report file's bytes.
    pub json: Vec<u8>,
    /// What it says (verified).
    pub dto: ReportDto,
}

impl Node {
    /// The signed report of a closed or withdrawn proposal.
    pub(crate) fn export_report(
        &mut self,
        coop: CoopId,
        proposal: RecordId,
    ) -> Result<ExportedReport, ApiError> {
        let (key, _) = self.member()?;
        let now = self.now();
        let replica = self.replica(coop)?;
        let fold = replica.fold();
        let tally = fold.tally(proposal).map_err(|_| {
            ApiError::from(problem(ProblemKey::NotAProposal).with("id", proposal.short()))
        })?;
        if tally.status == Status::Provisional {
            return Err(problem(ProblemKey::ReportOfOpen).into());
        }
        let heads = replica.heads().into_iter().map(|h| Hash32(h.0)).collect();
        let report = Report::build(replica.fold(), proposal, heads, now, &key)
            .map_err(|e| ApiError::from(problem(ProblemKey::ReportNotBuilt).with("detail", e)))?;
        let json = report.to_json();
        // What this home says of its own report is what any verifier says.
        let dto = verify_report(&json);
        if !dto.verified {
            return Err(problem(ProblemKey::ReportDoesNotVerify)
                .with("detail", dto.reason.unwrap_or_default())
                .into());
        }
        Ok(ExportedReport { json, dto })
    }
}

fn summary(v: &Verified) -> ReportSummaryDto {
    let state = v.fold.state();
    let name = |key: &PublicKey| state.member(key).map(|m| m.name.clone());
    let tally = &v.tally;
    let own = v.own_records();
    let (open_placed, open) = own
        .iter()
        .find_map(|p| match p.record.body() {
            Body::ProposalOpen(open) => Some((*p, open)),
            _ => None,
        })
        .expect("a verified report holds its proposal");
    let holders: Vec<PublicKey> = own
        .iter()
        .filter(|p| tally.proxies.contains(&p.record.id()))
        .filter_map(|p| match p.record.body() {
            Body::ProxyGrant(g) => Some(g.holder),
            _ => None,
        })
        .collect();
    let weight = |voter: &PublicKey| 1 + holders.iter().filter(|h| *h == voter).count() as u64;
    let counted_choice = |member: &PublicKey| {
        own.iter().find_map(|p| match p.record.body() {
            Body::Ballot(b)
                if p.record.author() == *member && tally.counted.contains(&p.record.id()) =>
            {
                Some(b.choice.clone())
            }
            _ => None,
        })
    };
    let mut ballots: Vec<ReportBallotDto> = own
        .iter()
        .filter_map(|p| match p.record.body() {
            Body::Ballot(b) => Some(ballot(p, b, tally, &state, weight(&p.record.author()))),
            _ => None,
        })
        .collect();
    // In the order they were cast, as their voters claim.
    ballots.sort_by(|a, b| (a.at, a.seq, &a.id).cmp(&(b.at, b.seq, &b.id)));
    let mut electors: Vec<VoterDto> = open
        .electorate
        .iter()
        .map(|m| VoterDto {
            member: m.to_string(),
            name: name(m),
            choice: counted_choice(m),
        })
        .collect();
    electors.sort_by_key(|e| (e.name.as_ref().map(|n| n.to_lowercase()), e.member.clone()));
    let proxies = own
        .iter()
        .filter_map(|p| {
            let holder = match p.record.body() {
                Body::ProxyGrant(g) => Some(g.holder),
                Body::ProxyRevoke(_) => None,
                _ => return None,
            };
            Some(ReportProxyDto {
                id: p.record.id().to_string(),
                grantor: p.record.author().to_string(),
                grantor_name: name(&p.record.author()),
                holder: holder.map(|h| h.to_string()),
                holder_name: holder.and_then(|h| name(&h)),
                kept: tally.proxies.contains(&p.record.id()),
            })
        })
        .collect();
    let closes = own
        .iter()
        .filter_map(|p| match p.record.body() {
            Body::ProposalClose(c) => Some(ReportCloseDto {
                id: p.record.id().to_string(),
                author: p.record.author().to_string(),
                author_name: name(&p.record.author()),
                at: p.record.at(),
                ballots: c.ballots.len(),
                valid: p.verdict.is_ok(),
            }),
            _ => None,
        })
        .collect();
    let report = &v.report;
    ReportSummaryDto {
        report_id: v.id.to_string(),
        coop: report.coop.to_string(),
        coop_name: state
            .genesis
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        title: open.title.clone(),
        text: open.text.clone(),
        opened_by: open_placed.record.author().to_string(),
        opened_by_name: name(&open_placed.record.author()),
        opened_at: open_placed.record.at(),
        effect: open.effect.as_ref().map(crate::governance::effect_dto),
        tally: tally_dto(open, tally.clone()),
        answers: match open.method {
            Method::YesNo => ["yes", "no", "abstain"].map(String::from).to_vec(),
            Method::Consent => ["agree", "disagree", "block", "abstain"]
                .map(String::from)
                .to_vec(),
            _ => open.options.clone(),
        },
        electors,
        ballots,
        proxies,
        closes,
        exporter: report.exporter.to_string(),
        exporter_name: name(&report.exporter),
        exported_at: report.exported_at,
        records: report.records.len(),
        document_heads: report
            .heads
            .document
            .iter()
            .map(|h| h.to_string())
            .collect(),
        record_heads: report.heads.records.iter().map(|h| h.to_string()).collect(),
    }
}

fn ballot(
    p: &Placed,
    b: &sangam_model::governance::Ballot,
    tally: &sangam_model::governance::Tally,
    state: &CoopState,
    weight: u64,
) -> ReportBallotDto {
    let id = p.record.id();
    let fate = if p.verdict.is_err() {
        BallotFate::Refused
    } else if tally.counted.contains(&id) {
        BallotFate::Counted
    } else if tally.late.contains(&id) {
        BallotFate::Late
    } else {
        BallotFate::Superseded
    };
    ReportBallotDto {
        id: id.to_string(),
        voter: p.record.author().to_string(),
        voter_name: state.member(&p.record.author()).map(|m| m.name.clone()),
        choice: b.choice.clone(),
        choice_text: choice_text(&b.choice),
        seq: b.seq,
        at: p.record.at(),
        fate,
        weight: if fate == BallotFate::Counted {
            weight
        } else {
            0
        },
        contested: tally.contested.contains(&id),
        refused: p.verdict.as_ref().err().map(|r| r.to_string()),
    }
}

// Reports, as the handle offers them.
impl Home {
    /// The signed report of a closed (or withdrawn) proposal: the file and what it says,
    /// verified as any verifier would.
    pub fn export_report(&self, coop: CoopId, id: RecordId) -> Result<ExportedReport, ApiError> {
        self.node().export_report(coop, id)
    }
}
