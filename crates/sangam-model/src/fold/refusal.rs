//! Why a record does not count: one verdict type for every area.
//!
//! Refusals are shown to members and kept with each record's verdict, and several are
//! shared across areas (a proposal's admit effect is refused as "already a member" just
//! as a `member.admit` is), so they form one enum here, below the areas, grouped by the
//! part of docs/protocol.md that states them. An area adds its variants here; a variant
//! carries text, never an area's type, so this module depends on no area.

use std::borrow::Cow;

/// Why a record does not count. Kept with each verdict in the saved fold, so it
/// serializes; the texts a rule names are `Cow`, borrowed when judged and owned when read
/// back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[non_exhaustive]
pub enum Refusal {
    // "Judging where written", steps 1 to 4: every kind.
    /// It belongs to another co-op.
    #[error("record belongs to another co-op")]
    WrongCoop,
    /// A second genesis in one co-op.
    #[error("a co-op has exactly one genesis record")]
    SecondGenesis,
    /// Its past does not reach the co-op's genesis.
    #[error("record does not depend on the co-op's genesis")]
    NoGenesis,
    /// The author was not a current member where the record was written.
    #[error("author {0} was not a current member when this was written")]
    NotAMember(String),
    // "Kinds" and "Membership rules".
    /// The bylaws require a passed proposal for this.
    #[error("the bylaws require a passed proposal to {0}")]
    NeedsProposal(Cow<'static, str>),
    /// The member key is a current member already.
    #[error("{0} is already a member")]
    AlreadyMember(String),
    /// The member key left or was removed once.
    #[error("{0} already joined this co-op once (a member who left rejoins with a new key)")]
    AlreadyKnown(String),
    /// The target is not a current member.
    #[error("{0} is not a current member")]
    TargetNotMember(String),
    /// Removing oneself: use `member.leave`.
    #[error("a member cannot remove themselves; leave instead")]
    RemoveSelf,
    /// The device key is already bound, or was revoked.
    #[error("device {0} is already bound or was revoked")]
    DeviceTaken(String),
    /// The device is not the author's, or is already revoked.
    #[error("device {0} is not an active device of the author")]
    NotOwnDevice(String),
    /// The only current member may not leave: a co-op never has no members.
    #[error("the last member cannot leave the co-op")]
    LastMember,
    // "Governance".
    /// The proposal is unknown, invalid, or not in the record's past.
    #[error("proposal {0} is not known where this was written")]
    UnknownProposal(String),
    /// The proposal was already closed where this was written.
    #[error("the proposal was already closed")]
    ProposalClosed,
    /// The proposal was withdrawn.
    #[error("the proposal was withdrawn")]
    ProposalWithdrawn,
    /// The author may not vote on this proposal.
    #[error("{0} is not in this proposal's electorate")]
    NotInElectorate(String),
    /// The answer does not fit the proposal's method or options.
    #[error("invalid choice: {0}")]
    BadChoice(String),
    /// A proxy that cannot stand.
    #[error("invalid proxy: {0}")]
    BadProxy(Cow<'static, str>),
    /// The electorate is not exactly the current members.
    #[error("the electorate must be exactly the current members when the proposal opens")]
    ElectorateMismatch,
    /// The deadline is not after the opening.
    #[error("the deadline must be after the proposal opens")]
    BadDeadline,
    /// A close before the deadline while someone has not voted.
    #[error(
        "before the deadline a proposal closes only when every elector has voted or is represented"
    )]
    DeadlineNotPassed,
    /// A close names something that is not a valid ballot or proxy of the proposal in its
    /// past.
    #[error(
        "the close names {0}, which is not a valid ballot or proxy of this proposal in its past"
    )]
    NamesUnknown(String),
    /// Only the proposer withdraws.
    #[error("only the proposer may withdraw a proposal")]
    NotProposer,
    /// Withdrawal after a ballot.
    #[error("a proposal cannot be withdrawn once someone has voted")]
    AlreadyVotedOn,
    /// Quorum or threshold below what the bylaws require.
    #[error("a proposal's quorum and threshold may not be below the bylaws'")]
    BelowBylaws,
    /// An effect this proposal cannot carry.
    #[error("invalid effect: {0}")]
    BadEffect(Cow<'static, str>),
    // "Nominations".
    /// A call for nominations that is unknown, invalid, or not in the record's past.
    #[error("call for nominations {0} is not known where this was written")]
    UnknownCall(String),
    /// A nomination or an answer written when nominations had closed.
    #[error("nominations for this election had closed")]
    NominationsClosed,
    /// An election opened from a call before its nominations closed.
    #[error("an election opens from its call only once nominations have closed")]
    NominationsOpen,
    /// An answer by someone nobody nominated on the call.
    #[error("{0} was not nominated on this call")]
    NotNominated(String),
    /// An election whose candidates are not those its call gives.
    #[error(
        "the election's candidates must be exactly those who accepted their nomination, in the order they were first nominated"
    )]
    CandidatesMismatch,
    /// A co-op template whose id an earlier one in the record's past has.
    #[error("the co-op already keeps a template {0:?}")]
    TemplateExists(String),
    /// An election from a call that already opened one, or by someone other than the caller.
    #[error("only the caller opens the election from a call, once")]
    NotTheCall,
    /// A listing that is not a valid `listing.post` in the record's past.
    #[error("listing {0} is not known where this was written")]
    UnknownListing(String),
    /// An account that is not a valid `ledger.account` in the entry's past.
    #[error("account {0} is not known where this was written")]
    UnknownAccount(String),
    /// An entry to reverse that is not a valid `ledger.entry` in the record's past.
    #[error("entry {0} is not known where this was written")]
    UnknownEntry(String),
    /// A reversal whose postings are not the reversed entry's, negated.
    #[error("a reversal must post exactly the reversed entry's amounts, negated")]
    NotAReversal,
    /// A reversal of an entry already reversed in its past.
    #[error("entry {0} is already reversed")]
    AlreadyReversed(String),
    /// A reversal of a reversal (to undo a reversal, post the entry again).
    #[error("a reversal cannot be reversed: post the entry again instead")]
    ReversesAReversal,
    /// An entry to an account closed in its past, or a second close.
    #[error("account {0} was closed")]
    ClosedAccount(String),
    /// The bylaws name treasurers and the author is not one.
    #[error("the bylaws name treasurers, and {0} is not one of them")]
    NotATreasurer(String),
    /// An entry over the bylaws' limit without a passed proposal approving it.
    #[error("the bylaws require a passed proposal for an entry moving over {0}")]
    NeedsApproval(String),
    /// `approved_by` names a proposal not closed as passed in the entry's past.
    #[error("proposal {0} had not passed where this was written")]
    NotPassed(String),
    /// A revision or status change by someone other than the listing's author.
    #[error("only the listing's author may change it")]
    NotListingAuthor,
    /// `coop.settings`: the co-op's relay is set by a passed proposal.
    #[error("the co-op's relay is changed only by a passed proposal")]
    SettingsByProposal,
    // "Void rules": any authority kind.
    /// Valid where written, but voided by a concurrent record ordered before it.
    #[error("void: {0}")]
    Void(Cow<'static, str>),
}
