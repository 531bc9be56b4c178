//! Gathering a report from a fold: the proposal's own records, their causal past, the
//! electorate with its admissions, the tally and the heads, signed by the exporter.

use std::collections::{BTreeSet, HashSet};

use super::file::{Elector, Hash32, Heads, TallyFile};
use super::{REPORT_DOMAIN, Report};
use crate::fold::{Fold, Placed};
use crate::id::RecordId;
use crate::keys::SecretKey;
use crate::kinds::Body;
use crate::record::Timestamp;

/// Why no report can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No valid proposal with that id in the fold.
    #[error("{0} is not a valid proposal of this co-op")]
    UnknownProposal(String),
}

/// The proposal a record of the proposal's own kinds names, if it is one.
pub(crate) fn proposal_named(body: &Body) -> Option<RecordId> {
    match body {
        Body::Ballot(b) => Some(b.proposal),
        Body::ProxyGrant(g) => Some(g.proposal),
        Body::ProxyRevoke(r) => Some(r.proposal),
        Body::ProposalClose(c) => Some(c.proposal),
        Body::ProposalWithdraw(w) => Some(w.proposal),
        _ => None,
    }
}

/// Every record reachable from `from` by `deps` (inclusive), by looking records up with
/// `get`; ids it cannot find are skipped.
pub(crate) fn causal_past<'a>(
    from: impl IntoIterator<Item = RecordId>,
    get: impl Fn(&RecordId) -> Option<&'a [RecordId]>,
) -> HashSet<RecordId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<RecordId> = from.into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(deps) = get(&id) {
            stack.extend(deps.iter().filter(|d| !seen.contains(d)));
        }
    }
    seen
}

impl Report {
    /// The report of `proposal` from every record `fold` holds, signed by `exporter`.
    /// `document_heads` are the exporter's document heads, named as a claim.
    pub fn build(
        fold: &Fold,
        proposal: RecordId,
        document_heads: Vec<Hash32>,
        exported_at: Timestamp,
        exporter: &SecretKey,
    ) -> Result<Report, BuildError> {
        let unknown = || BuildError::UnknownProposal(proposal.short());
        let open_placed = fold.get(&proposal).ok_or_else(unknown)?;
        let open = fold.proposal(&proposal).ok_or_else(unknown)?;
        let tally = fold.tally(proposal).map_err(|_| unknown())?;
        // Own records whatever their verdict: a refused ballot is evidence too.
        let own = fold
            .ordered()
            .into_iter()
            .filter(|p| proposal_named(p.record.body()) == Some(proposal))
            .map(|p| p.record.id())
            .chain([proposal]);
        let evidence = causal_past(own, |id| fold.get(id).map(|p| p.record.deps()));
        let mut placed: Vec<&Placed> = evidence.iter().filter_map(|id| fold.get(id)).collect();
        placed.sort_by_key(|p| (p.depth, p.record.id()));
        let cited: HashSet<RecordId> = placed
            .iter()
            .flat_map(|p| p.record.deps().iter().copied())
            .collect();
        let record_heads: BTreeSet<RecordId> = placed
            .iter()
            .map(|p| p.record.id())
            .filter(|id| !cited.contains(id))
            .collect();
        let view = fold.view_of(&open_placed.context, &[]);
        let electorate = open
            .electorate
            .iter()
            .map(|member| Elector {
                member: *member,
                admitted_by: view
                    .members
                    .get(member)
                    .map(|m| m.admitted_by)
                    .expect("a valid proposal's electors are members in its context"),
            })
            .collect();
        let mut document = document_heads;
        document.sort();
        document.dedup();
        let mut report = Report {
            coop: fold.coop(),
            proposal,
            records: placed.iter().map(|p| p.record.json().to_owned()).collect(),
            electorate,
            tally: TallyFile::from(&tally),
            heads: Heads {
                document,
                records: record_heads.into_iter().collect(),
            },
            exported_at,
            exporter: exporter.public(),
            sig: None,
        };
        report.sig = Some(exporter.sign(REPORT_DOMAIN, &report.signed_message()));
        Ok(report)
    }
}
