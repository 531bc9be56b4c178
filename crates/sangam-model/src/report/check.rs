//! "Verifying a report", every step in the order docs/protocol.md gives: the first that
//! fails is the verdict. The exporter's signature comes last, so the reason names what was
//! changed rather than only that something was.

use std::collections::{HashMap, HashSet};

use super::build::{causal_past, proposal_named};
use super::file::{Elector, Hash32, TallyFile};
use super::{REPORT_DOMAIN, Report, ReportClass, ReportError};
use crate::fold::{Fold, Placed};
use crate::governance::Tally;
use crate::id::RecordId;
use crate::kinds::Body;
use crate::parallel::Machine;
use crate::record::{Record, RecordError};

/// A report that verified, with the fold of its records for showing what it says.
#[derive(Debug)]
pub struct Verified {
    /// The report as read.
    pub report: Report,
    /// Its id: SHA-256 of the exporter's signing input.
    pub id: Hash32,
    /// Its records, judged.
    pub fold: Fold,
    /// The proposal's tally, equal to the report's.
    pub tally: Tally,
}

impl Verified {
    /// The proposal's own records (its opening, ballots, proxy records, closes and
    /// withdrawals), in fold order.
    pub fn own_records(&self) -> Vec<&Placed> {
        let proposal = self.report.proposal;
        self.fold
            .ordered()
            .into_iter()
            .filter(|p| {
                p.record.id() == proposal || proposal_named(p.record.body()) == Some(proposal)
            })
            .collect()
    }
}

/// Verifies a report file: Ok with what it says, or the first reason it fails. Its
/// records' signatures are checked in batches, spread over `machine`'s cores.
pub fn verify(machine: &dyn Machine, bytes: &[u8]) -> Result<Verified, ReportError> {
    let report = Report::parse(bytes)?;
    let records = parse_records(machine, &report)?;
    let by_id = index(&records)?;
    check_coop(&records, &report)?;
    let proposal = report.proposal;
    match by_id.get(&proposal).map(|i| records[*i].body()) {
        Some(Body::ProposalOpen(_)) => {}
        _ => {
            return Err(ReportError::new(
                ReportClass::NoProposal,
                format!(
                    "the report is about proposal {}, which is not among its records",
                    proposal.short()
                ),
            ));
        }
    }
    check_complete(&records, &by_id, proposal)?;
    check_related(&records, &by_id, proposal)?;

    let mut fold = Fold::new(report.coop);
    for record in records {
        fold.add(record);
    }
    let placed = fold
        .get(&proposal)
        .expect("every record's past is in the report");
    if let Err(refusal) = &placed.verdict {
        return Err(ReportError::new(
            ReportClass::RefusedProposal,
            format!("the proposal was not valid where it was written: {refusal}"),
        ));
    }
    check_electorate(&fold, placed, &report.electorate)?;
    let tally = fold.tally(proposal).expect("the proposal is valid");
    check_tally(&report.tally, &TallyFile::from(&tally))?;
    if fold.heads() != report.heads.records {
        return Err(ReportError::new(
            ReportClass::Heads,
            "the record heads the report names are not those of its records",
        ));
    }
    let Some(sig) = report.sig else {
        return Err(ReportError::new(
            ReportClass::Unsigned,
            "the report is not signed by its exporter",
        ));
    };
    if report
        .exporter
        .verify(REPORT_DOMAIN, &report.signed_message(), &sig)
        .is_err()
    {
        return Err(ReportError::new(
            ReportClass::BadReportSignature,
            "the exporter's signature does not match the report: it was changed after it \
             was exported",
        ));
    }
    let id = report.id();
    Ok(Verified {
        report,
        id,
        fold,
        tally,
    })
}

/// Step 5: every record passes "Checking a record", signatures checked in batches.
fn parse_records(machine: &dyn Machine, report: &Report) -> Result<Vec<Record>, ReportError> {
    let inputs: Vec<&[u8]> = report.records.iter().map(|r| r.as_bytes()).collect();
    let mut records = Vec::with_capacity(inputs.len());
    for (i, parsed) in crate::record::parse_many(machine, &inputs)
        .into_iter()
        .enumerate()
    {
        match parsed {
            Ok(record) => records.push(record),
            Err(RecordError::Signature(_)) => {
                return Err(ReportError::new(
                    ReportClass::BadSignature,
                    format!(
                        "{} does not match its signature: it was changed after it was signed",
                        describe_raw(i, &report.records[i])
                    ),
                ));
            }
            Err(e) => {
                return Err(ReportError::new(
                    ReportClass::BadRecord,
                    format!(
                        "{} is not a valid record: {e}",
                        describe_raw(i, &report.records[i])
                    ),
                ));
            }
        }
    }
    Ok(records)
}

/// Step 6: no record twice; the records by id.
fn index(records: &[Record]) -> Result<HashMap<RecordId, usize>, ReportError> {
    let mut by_id = HashMap::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if let Some(first) = by_id.insert(record.id(), i) {
            return Err(ReportError::new(
                ReportClass::DuplicateRecord,
                format!(
                    "{} is the same record as record {} of the report",
                    describe(i, record),
                    first + 1
                ),
            ));
        }
    }
    Ok(by_id)
}

/// Step 7: one genesis, this co-op's, and every record of this co-op.
fn check_coop(records: &[Record], report: &Report) -> Result<(), ReportError> {
    let wrong = |reason: String| ReportError::new(ReportClass::WrongCoop, reason);
    let geneses: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.body(), Body::CoopGenesis(_)))
        .collect();
    match geneses.as_slice() {
        [] => {
            return Err(wrong(
                "the report holds no founding record of the co-op".into(),
            ));
        }
        [genesis] if genesis.id() == report.coop => {}
        [genesis] => {
            return Err(wrong(format!(
                "the report's founding record is of co-op {}, not of co-op {} it claims",
                genesis.id().short(),
                report.coop.short()
            )));
        }
        _ => {
            return Err(wrong(
                "the report holds the founding records of several co-ops".into(),
            ));
        }
    }
    for (i, record) in records.iter().enumerate() {
        if !matches!(record.body(), Body::CoopGenesis(_)) && record.coop() != report.coop {
            return Err(wrong(format!(
                "{} belongs to another co-op ({}), not to this one ({})",
                describe(i, record),
                record.coop().short(),
                report.coop.short()
            )));
        }
    }
    Ok(())
}

/// Step 9: what a close counts is there, and every record's deps are.
fn check_complete(
    records: &[Record],
    by_id: &HashMap<RecordId, usize>,
    proposal: RecordId,
) -> Result<(), ReportError> {
    let incomplete = |reason: String| ReportError::new(ReportClass::Incomplete, reason);
    for (i, record) in records.iter().enumerate() {
        if let Body::ProposalClose(close) = record.body()
            && close.proposal == proposal
            && let Some(missing) = close
                .ballots
                .iter()
                .chain(&close.proxies)
                .find(|id| !by_id.contains_key(id))
        {
            return Err(incomplete(format!(
                "{} counts record {}, which the report leaves out: a ballot or proxy was \
                 removed",
                describe(i, record),
                missing.short()
            )));
        }
    }
    for (i, record) in records.iter().enumerate() {
        if let Some(missing) = record.deps().iter().find(|d| !by_id.contains_key(d)) {
            return Err(incomplete(format!(
                "{} was written after record {}, which the report leaves out",
                describe(i, record),
                missing.short()
            )));
        }
    }
    Ok(())
}

/// Step 10: every record is the proposal's own or in the past of one.
fn check_related(
    records: &[Record],
    by_id: &HashMap<RecordId, usize>,
    proposal: RecordId,
) -> Result<(), ReportError> {
    let own = records
        .iter()
        .filter(|r| proposal_named(r.body()) == Some(proposal))
        .map(|r| r.id())
        .chain([proposal]);
    let past: HashSet<RecordId> = causal_past(own, |id| by_id.get(id).map(|i| records[*i].deps()));
    match records
        .iter()
        .enumerate()
        .find(|(_, r)| !past.contains(&r.id()))
    {
        None => Ok(()),
        Some((i, record)) => {
            let whose = match proposal_named(record.body()) {
                Some(other) => format!(" of another proposal ({})", other.short()),
                None => String::new(),
            };
            Err(ReportError::new(
                ReportClass::UnrelatedRecord,
                format!(
                    "{}{whose} does not belong in this report: it is not a record of this \
                     proposal, and none of them was written after it",
                    describe(i, record)
                ),
            ))
        }
    }
}

/// Step 12: the electors are the proposal's, each with the record that admitted them.
fn check_electorate(fold: &Fold, open: &Placed, listed: &[Elector]) -> Result<(), ReportError> {
    let wrong = |reason: String| ReportError::new(ReportClass::Electorate, reason);
    let Body::ProposalOpen(body) = open.record.body() else {
        unreachable!("step 7 found a proposal.open");
    };
    if let Some(extra) = listed.iter().find(|e| !body.electorate.contains(&e.member)) {
        return Err(wrong(format!(
            "the report lists {} as an elector, but the proposal's electorate does not \
             include them",
            extra.member.short()
        )));
    }
    if let Some(left_out) = body
        .electorate
        .iter()
        .find(|m| !listed.iter().any(|e| e.member == **m))
    {
        return Err(wrong(format!(
            "the report leaves out elector {}",
            left_out.short()
        )));
    }
    if listed.len() != body.electorate.len()
        || listed
            .iter()
            .zip(&body.electorate)
            .any(|(e, m)| e.member != *m)
    {
        return Err(wrong(
            "the report's electors are not listed once each in the proposal's order".into(),
        ));
    }
    let view = fold.view_of(&open.context, &[]);
    for elector in listed {
        let admitted_by = view.members.get(&elector.member).map(|m| m.admitted_by);
        if admitted_by != Some(elector.admitted_by) {
            return Err(wrong(format!(
                "the report says elector {} was admitted by record {}, but the records say {}",
                elector.member.short(),
                elector.admitted_by.short(),
                admitted_by.map_or_else(|| "they were not a member".into(), |id| id.short())
            )));
        }
    }
    Ok(())
}

/// Step 13: the report's tally is what the records give, member by member (in the
/// canonical order of their names).
fn check_tally(said: &TallyFile, computed: &TallyFile) -> Result<(), ReportError> {
    let said = serde_json::to_value(said).expect("a tally is JSON");
    let computed = serde_json::to_value(computed).expect("a tally is JSON");
    let (serde_json::Value::Object(said), serde_json::Value::Object(computed)) = (&said, &computed)
    else {
        unreachable!("a tally is an object");
    };
    // Every member either side has: a tally that says more than its records give (an
    // election's count on a yes/no vote) is as changed as one that says less.
    let mut names: Vec<&String> = computed.keys().chain(said.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let null = serde_json::Value::Null;
        let (s, c) = (
            said.get(name).unwrap_or(&null),
            computed.get(name).unwrap_or(&null),
        );
        if s != c {
            return Err(ReportError::new(
                ReportClass::Tally,
                format!(
                    "the report's tally was changed: it says {name} is {s}, but its records \
                     give {c}"
                ),
            ));
        }
    }
    Ok(())
}

/// "record 7 of the report (a ballot by 8139…)".
fn describe(i: usize, record: &Record) -> String {
    format!(
        "record {} of the report (a {} by {})",
        i + 1,
        record.kind().as_str(),
        record.author().short()
    )
}

/// [`describe`] for a record that did not parse: what it claims, read loosely.
fn describe_raw(i: usize, json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    match (field("kind"), field("author")) {
        (Some(kind), Some(author)) => format!(
            "record {} of the report (a {kind} by {})",
            i + 1,
            author.chars().take(12).collect::<String>()
        ),
        _ => format!("record {} of the report", i + 1),
    }
}
