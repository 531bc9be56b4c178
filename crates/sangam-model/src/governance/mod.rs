//! Governance: proposals, ballots, proxies, closes and withdrawals, and the tally
//! (docs/protocol.md "Governance").
//!
//! This area owns the `proposal.*`, `ballot` and `proxy.*` kinds: their bodies, methods,
//! answers and effects and their field rules (`body`), their rules where written and a
//! passed proposal's effect on the authority view (`rules`), the fold's indexes by
//! proposal (`index`), and the tally (`tally`, with one counting function per method in
//! `count`). It depends on the core and on membership (an effect admits, removes or
//! amends the bylaws through membership's view); membership never depends on it.
//!
//! Which ballots count (docs/protocol.md "Governance"):
//! - until a valid `proposal.close` exists, every valid ballot counts and the tally is
//!   *provisional*;
//! - once closed, exactly the ballots and proxy records named by the valid closes count
//!   (the union over all of them, so several closes resolve alike everywhere); valid
//!   ballots no close names are reported as *late*;
//! - per voter, the ballot with the highest `seq` counts, ties going to the lowest id;
//! - a proxy is the grantor's grant or revoke with the highest `seq`; it counts only if it
//!   is a grant, the grantor has no counted ballot of their own, the holder has one, and
//!   the holder is within the bylaws' cap (grants taken in ascending id order);
//! - quorum counts voters with a counted ballot (abstentions included) plus members
//!   represented by proxy.

mod body;
mod count;
mod index;
mod nominations;
mod queries;
mod rules;
mod tally;
mod templates;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::id::RecordId;
pub use body::{
    Ballot, Choice, ChoiceError, Effect, GovernanceFieldError, ListingWithdrawal, MAX_OPTIONS,
    MAX_PROPOSAL_CHARS, Method, Nominated, Nomination, NominationAnswer, NominationCall,
    NominationReply, ProposalClose, ProposalOpen, ProposalWithdraw, ProxyGrant, ProxyRevoke,
    RESERVED_OPTIONS, TemplateAdd, Vote,
};
pub use count::{Count, Outcome};
pub(crate) use index::Index;
pub use nominations::{CallView, Nominee};
pub(crate) use rules::Deciding;

/// Where a proposal stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open: the tally may still change.
    Provisional,
    /// Closed: the named ballots decide it.
    Closed,
    /// Withdrawn by its author before any ballot.
    Withdrawn,
}

/// A proposal's result, as every peer with the same records computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The proposal's record id.
    pub proposal: RecordId,
    /// Provisional, closed or withdrawn.
    pub status: Status,
    /// What was decided (before the close, what would be decided now).
    pub outcome: Outcome,
    /// Weight per answer or option (first round, for ranked choice).
    pub counts: BTreeMap<String, u64>,
    /// Ranked choice: every round's tallies.
    pub rounds: Vec<BTreeMap<String, u64>>,
    /// An election: its count, round by round (candidates by their place in the
    /// proposal's options).
    pub election: Option<sangam_count::Count>,
    /// Members who may vote.
    pub electorate_size: usize,
    /// Voters whose own ballot counted.
    pub ballots_counted: usize,
    /// Members represented by a proxy holder's ballot.
    pub represented: usize,
    /// Whether quorum was reached.
    pub quorum_met: bool,
    /// The ballot record ids that counted, ascending.
    pub counted: Vec<RecordId>,
    /// The proxy grants that counted, ascending.
    pub proxies: Vec<RecordId>,
    /// Valid ballots that no close names, ascending.
    pub late: Vec<RecordId>,
    /// The valid closes, ascending.
    pub closes: Vec<RecordId>,
    /// Ballots some closes name and others do not: several closers saw different ballot
    /// sets (concurrent closes, or someone withholding). All of them count; this makes the
    /// disagreement visible instead of silent.
    pub contested: Vec<RecordId>,
}

/// Why there is no tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TallyError {
    /// No valid proposal with that id.
    #[error("no valid proposal {0}")]
    UnknownProposal(String),
}
