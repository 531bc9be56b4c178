//! Governance bodies: opening, answering, proxying, closing and withdrawing a proposal,
//! with the methods, answers and effects they name and their field rules.
//! docs/protocol.md ("Governance") describes each one for other implementations; the two
//! must agree.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::field::{FieldError, Fields, check_name, check_text, fold_name};
use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::membership::{
    Bylaws, CoopSettings, Fraction, MemberAdmit, MemberRemove, MembershipFieldError,
};

/// Words an option may not be: they name outcomes and answers.
pub const RESERVED_OPTIONS: &[&str] = &["passed", "failed", "no_quorum", "tie", "abstain"];
/// Most options a proposal may offer.
pub const MAX_OPTIONS: usize = 64;
/// Longest proposal text, in characters.
pub const MAX_PROPOSAL_CHARS: usize = 20_000;

/// A governance body field that breaks its rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GovernanceFieldError {
    /// A name or free-text field (title, option, an effect's name or reason).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A bylaws effect whose bylaws break the genesis's range rules.
    #[error(transparent)]
    Bylaws(#[from] MembershipFieldError),
    /// Proposal text longer than [`MAX_PROPOSAL_CHARS`].
    #[error("text must be at most {MAX_PROPOSAL_CHARS} characters")]
    TextLength,
    /// A quorum above 100%.
    #[error("quorum must be at most 100%")]
    Quorum,
    /// A threshold outside 0 < N <= D.
    #[error("threshold must be a fraction N/D with 0 < N <= D")]
    Threshold,
    /// An option method with fewer than 2 or more than [`MAX_OPTIONS`] options.
    #[error("a {} vote needs 2 to {MAX_OPTIONS} options", .0.as_str())]
    OptionCount(Method),
    /// The same option twice.
    #[error("options must be distinct")]
    DuplicateOption,
    /// Options on a yes/no or consent proposal.
    #[error("a {} vote takes no options", .0.as_str())]
    NoOptions(Method),
    /// An electorate that is not strictly ascending.
    #[error("the electorate must be distinct keys in ascending order")]
    Electorate,
    /// An option that is one of [`RESERVED_OPTIONS`].
    #[error("{0:?} is a reserved word and cannot be an option")]
    ReservedOption(String),
    /// An approval or ranking naming more than [`MAX_OPTIONS`] options.
    #[error("at most {MAX_OPTIONS} options")]
    TooManyNamed,
    /// A close whose named ballots or proxies are not strictly ascending.
    #[error("named ballots and proxies must be distinct and ascending")]
    NamedUnsorted,
}

/// Why an answer does not fit a proposal's method and options.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChoiceError {
    /// A name that is not among the proposal's options.
    #[error("{0:?} is not an option")]
    NotAnOption(String),
    /// An approval or ranking naming one option twice.
    #[error("an option is named twice")]
    NamedTwice,
    /// An approval or ranking naming nothing.
    #[error("name at least one option (or abstain)")]
    NoneNamed,
    /// A score above 5.
    #[error("scores run from 0 to 5")]
    ScoreRange,
    /// An answer of another method's form.
    #[error("this answer does not fit a {} vote", .0.as_str())]
    WrongMethod(Method),
}

/// How a proposal is decided.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Yes / no / abstain, with quorum and threshold.
    YesNo,
    /// Agree / abstain / disagree / block.
    Consent,
    /// One option (plurality).
    Choice,
    /// Any number of options.
    Approval,
    /// Options in order of preference (instant runoff).
    Ranked,
    /// 0 to 5 per option.
    Score,
}

impl Method {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::YesNo => "yes_no",
            Method::Consent => "consent",
            Method::Choice => "choice",
            Method::Approval => "approval",
            Method::Ranked => "ranked",
            Method::Score => "score",
        }
    }

    /// Whether the method chooses among named options.
    pub fn has_options(self) -> bool {
        !matches!(self, Method::YesNo | Method::Consent)
    }
}

/// An answer in a yes/no or consent vote (`abstain` is allowed in every method).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Vote {
    Yes,
    No,
    Abstain,
    Agree,
    Disagree,
    Block,
}

impl Vote {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
            Vote::Agree => "agree",
            Vote::Disagree => "disagree",
            Vote::Block => "block",
        }
    }
}

/// What a ballot says.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Choice {
    /// yes/no/abstain or agree/abstain/disagree/block (abstain in any method).
    Vote(Vote),
    /// One option (choice).
    Option(String),
    /// Approved options (approval).
    Approve(Vec<String>),
    /// Options in order of preference (ranked).
    Rank(Vec<String>),
    /// 0 to 5 per option (score).
    Scores(BTreeMap<String, u8>),
}

impl Choice {
    /// Whether this choice is well-formed for `method` and `options`.
    pub fn check(&self, method: Method, options: &[String]) -> Result<(), ChoiceError> {
        let known = |o: &String| {
            if options.contains(o) {
                Ok(())
            } else {
                Err(ChoiceError::NotAnOption(o.clone()))
            }
        };
        let distinct = |list: &[String]| {
            let set: BTreeSet<&String> = list.iter().collect();
            if set.len() == list.len() {
                Ok(())
            } else {
                Err(ChoiceError::NamedTwice)
            }
        };
        match (method, self) {
            (_, Choice::Vote(Vote::Abstain)) => Ok(()),
            (Method::YesNo, Choice::Vote(Vote::Yes | Vote::No)) => Ok(()),
            (Method::Consent, Choice::Vote(Vote::Agree | Vote::Disagree | Vote::Block)) => Ok(()),
            (Method::Choice, Choice::Option(o)) => known(o),
            (Method::Approval, Choice::Approve(list)) | (Method::Ranked, Choice::Rank(list)) => {
                if list.is_empty() {
                    return Err(ChoiceError::NoneNamed);
                }
                list.iter().try_for_each(known)?;
                distinct(list)
            }
            (Method::Score, Choice::Scores(scores)) => {
                scores.keys().try_for_each(known)?;
                if scores.values().any(|s| *s > 5) {
                    return Err(ChoiceError::ScoreRange);
                }
                Ok(())
            }
            (method, _) => Err(ChoiceError::WrongMethod(method)),
        }
    }
}

/// What a passed proposal does by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Effect {
    /// Admits a member.
    Admit(MemberAdmit),
    /// Removes a member.
    Remove(MemberRemove),
    /// Replaces the bylaws.
    Bylaws(Bylaws),
    /// Sets how the co-op's laptops reach each other (its own relay, or n0's).
    Settings(CoopSettings),
    /// Withdraws a member's marketplace listing (moderation by the members' vote).
    WithdrawListing(ListingWithdrawal),
}

/// A listing the members withdraw by passing a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingWithdrawal {
    /// The listing (its `listing.post` record id).
    pub listing: RecordId,
}

/// `proposal.open`: puts a question to the members current at opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalOpen {
    /// Short title.
    pub title: String,
    /// The full text voters sign against.
    pub text: String,
    /// How it is decided.
    pub method: Method,
    /// Options for choice, approval, ranked and score (empty otherwise).
    #[serde(default)]
    pub options: Vec<String>,
    /// Share of the electorate (percent) that must take part.
    pub quorum_pct: u8,
    /// Share of yes (or agree) among yes + no needed to pass.
    pub threshold: Fraction,
    /// Deadline (ms since the epoch); closes are valid after it.
    pub closes_at: i64,
    /// Everyone who may vote: exactly the current members where the proposal was opened,
    /// ascending.
    pub electorate: Vec<PublicKey>,
    /// What passing does, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    /// An earlier proposal this one revises (ballots never carry over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revises: Option<RecordId>,
}

/// `ballot`: a member's vote on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The proposal's record id (which covers its text, options and electorate).
    pub proposal: RecordId,
    /// The voter's own sequence number for this proposal: the highest counts.
    pub seq: u64,
    /// The vote.
    pub choice: Choice,
}

/// `proxy.grant`: the author lets `holder` vote for them on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyGrant {
    /// The proposal.
    pub proposal: RecordId,
    /// Who votes for the author.
    pub holder: PublicKey,
    /// The author's sequence number for this proposal (shared with ballots).
    pub seq: u64,
}

/// `proxy.revoke`: the author takes back their proxy on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyRevoke {
    /// The proposal.
    pub proposal: RecordId,
    /// The author's sequence number for this proposal (shared with ballots).
    pub seq: u64,
}

/// `proposal.close`: ends a vote, naming the ballots and proxies its author saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalClose {
    /// The proposal.
    pub proposal: RecordId,
    /// Ballot record ids counted, ascending.
    pub ballots: Vec<RecordId>,
    /// Proxy grant and revoke record ids counted, ascending.
    #[serde(default)]
    pub proxies: Vec<RecordId>,
}

/// `proposal.withdraw`: its author withdraws a proposal nobody has voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalWithdraw {
    /// The proposal.
    pub proposal: RecordId,
}

impl Fields for ProposalOpen {
    type Error = GovernanceFieldError;
    fn check(&self) -> Result<(), GovernanceFieldError> {
        check_name("title", &self.title)?;
        if self.text.chars().count() > MAX_PROPOSAL_CHARS {
            return Err(GovernanceFieldError::TextLength);
        }
        if self.quorum_pct > 100 {
            return Err(GovernanceFieldError::Quorum);
        }
        let t = self.threshold;
        if t.den == 0 || t.num > t.den || t.num == 0 {
            return Err(GovernanceFieldError::Threshold);
        }
        if self.method.has_options() {
            if self.options.len() < 2 || self.options.len() > MAX_OPTIONS {
                return Err(GovernanceFieldError::OptionCount(self.method));
            }
            for option in &self.options {
                check_name("option", option)?;
            }
            // `Oak`, `oak` and `Oak` with a zero-width space read as one option.
            let distinct: BTreeSet<String> = self.options.iter().map(|o| fold_name(o)).collect();
            if distinct.len() != self.options.len() {
                return Err(GovernanceFieldError::DuplicateOption);
            }
        } else if !self.options.is_empty() {
            return Err(GovernanceFieldError::NoOptions(self.method));
        }
        if !self.electorate.windows(2).all(|w| w[0] < w[1]) {
            return Err(GovernanceFieldError::Electorate);
        }
        if let Some(option) = self
            .options
            .iter()
            .find(|o| RESERVED_OPTIONS.contains(&fold_name(o).as_str()))
        {
            return Err(GovernanceFieldError::ReservedOption(option.clone()));
        }
        match &self.effect {
            Some(Effect::Admit(a)) => {
                crate::membership::check_usable(&a.member)?;
                check_name("name", &a.name)?
            }
            Some(Effect::Remove(r)) => check_text("reason", &r.reason)?,
            Some(Effect::Bylaws(b)) => b.check()?,
            Some(Effect::Settings(s)) => s.check()?,
            Some(Effect::WithdrawListing(_)) | None => {}
        }
        Ok(())
    }
}

impl Fields for Ballot {
    type Error = GovernanceFieldError;
    fn check(&self) -> Result<(), GovernanceFieldError> {
        if let Choice::Approve(list) | Choice::Rank(list) = &self.choice
            && list.len() > MAX_OPTIONS
        {
            return Err(GovernanceFieldError::TooManyNamed);
        }
        Ok(())
    }
}

impl Fields for ProxyGrant {
    type Error = GovernanceFieldError;
}

impl Fields for ProxyRevoke {
    type Error = GovernanceFieldError;
}

impl Fields for ProposalClose {
    type Error = GovernanceFieldError;
    fn check(&self) -> Result<(), GovernanceFieldError> {
        let sorted = |ids: &[RecordId]| ids.windows(2).all(|w| w[0] < w[1]);
        if !sorted(&self.ballots) || !sorted(&self.proxies) {
            return Err(GovernanceFieldError::NamedUnsorted);
        }
        Ok(())
    }
}

impl Fields for ProposalWithdraw {
    type Error = GovernanceFieldError;
}

#[cfg(test)]
mod confusable_tests {
    use crate::kinds::{Body, Kind};
    use serde_json::json;

    fn open_with(options: &[&str]) -> serde_json::Value {
        json!({
            "title": "Trees", "text": "", "method": "choice", "options": options,
            "quorum_pct": 0, "threshold": {"num": 1, "den": 2}, "closes_at": 10,
            "electorate": [],
        })
    }

    #[test]
    fn options_that_read_alike_are_one_option_and_reserved_words_are_refused_in_any_case() {
        assert!(Body::from_value(Kind::ProposalOpen, open_with(&["Oak", "Elm"])).is_ok());
        for alike in [["Oak", "oak"], ["Oak", "Oak\u{200b}"], ["Elm", "ELM"]] {
            let err = Body::from_value(Kind::ProposalOpen, open_with(&alike));
            assert!(err.is_err(), "{alike:?} are one option");
        }
        let err = Body::from_value(Kind::ProposalOpen, open_with(&["PASSED", "Oak"]));
        assert!(err.is_err(), "reads like an outcome");
    }
}
