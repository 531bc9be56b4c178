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
    /// An election's seats missing, zero, or more than its candidates.
    #[error("a {} election fills 1 to as many seats as it has candidates", .0.as_str())]
    Seats(Method),
    /// Seats on a proposal that elects nobody.
    #[error("a {} vote fills no seats", .0.as_str())]
    NoSeats(Method),
    /// A close whose named ballots or proxies are not strictly ascending.
    #[error("named ballots and proxies must be distinct and ascending")]
    NamedUnsorted,
    /// A template with more than [`MAX_TEMPLATE_QUESTIONS`] questions.
    #[error("a template asks at most {MAX_TEMPLATE_QUESTIONS} questions")]
    Questions,
    /// A template's vote that runs no day, or more than a year.
    #[error("a template's vote runs 1 to 365 days")]
    Days,
    /// A nominated election whose candidates are not one distinct key per option.
    #[error("a nominated election names one distinct candidate per option")]
    Candidates,
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
    /// An approval for k seats approving more than k candidates.
    #[error("approve at most {0} candidates (one per seat)")]
    TooManyApproved(u32),
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
    /// Candidates in order of preference, electing `seats` of them by Meek STV.
    Stv,
    /// Candidates in order of preference, electing `seats` of them by Scottish STV.
    ScottishStv,
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
            Method::Stv => "stv",
            Method::ScottishStv => "scottish_stv",
        }
    }

    /// Whether the method is a single transferable vote: a ranking electing `seats`.
    pub fn is_stv(self) -> bool {
        matches!(self, Method::Stv | Method::ScottishStv)
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
    /// Whether this choice is well-formed for `method` and `options` (and, for approval
    /// for k seats, approves at most `seats`).
    pub fn check(
        &self,
        method: Method,
        options: &[String],
        seats: Option<u32>,
    ) -> Result<(), ChoiceError> {
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
            (Method::Approval, Choice::Approve(list))
            | (Method::Ranked | Method::Stv | Method::ScottishStv, Choice::Rank(list)) => {
                if list.is_empty() {
                    return Err(ChoiceError::NoneNamed);
                }
                if let (Method::Approval, Some(k)) = (method, seats)
                    && list.len() > k as usize
                {
                    return Err(ChoiceError::TooManyApproved(k));
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
    /// Options for choice, approval, ranked and score; the candidates of an election
    /// (empty otherwise).
    #[serde(default)]
    pub options: Vec<String>,
    /// An election's seats: required by `stv` and `scottish_stv`, and makes `approval`
    /// approval for k seats (each member approves up to k, the k most approved win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
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
    /// The template it was written from (a starter's id, such as `client_project`): for
    /// people, who see its questions with the proposer's answers; it changes no rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The call for nominations this election's candidates come from, and who they are:
    /// option `i` is candidate `i` (docs/protocol.md "Nominations").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominated: Option<Nominated>,
}

/// An election's candidates as its call for nominations gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nominated {
    /// The `nomination.call` record.
    pub call: RecordId,
    /// The candidates, in the order of the options that name them: exactly those the
    /// call gives in the opening's causal past.
    pub candidates: Vec<PublicKey>,
}

/// `nomination.call`: a call for candidates for an election of `seats` by `method`,
/// open for nominations and answers until `closes_at`; its author then opens the
/// election from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominationCall {
    /// What is elected ("Board 2027").
    pub title: String,
    /// Why, and what the seats are for.
    pub text: String,
    /// How the election counts: `stv`, `scottish_stv` or `approval`.
    pub method: Method,
    /// How many are elected.
    pub seats: u32,
    /// When nominations close (ms since the epoch): nominations and answers are written
    /// before it, the election opened after it.
    pub closes_at: i64,
}

/// `nomination`: the author puts `nominee` (themself or another current member) forward
/// on a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nomination {
    /// The `nomination.call` record.
    pub call: RecordId,
    /// The member put forward.
    pub nominee: PublicKey,
}

/// `template.add`: a proposal template the co-op keeps, which any member may add: a
/// title to start from, headed questions the proposer answers, and defaults. The first
/// valid one of an id (by depth, then record id) is the co-op's; a later one of the same
/// id in its past is refused.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateAdd {
    /// Its id, recorded by the proposals written from it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for, in a line.
    pub purpose: String,
    /// The title a proposal starts with.
    pub title: String,
    /// The questions the proposer answers, in order.
    pub questions: Vec<String>,
    /// The voting method.
    pub method: Method,
    /// An election's seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// How many days the vote runs.
    pub days: u32,
}

/// Most questions a co-op's template asks.
pub const MAX_TEMPLATE_QUESTIONS: usize = 20;

/// What a nominee says of their nomination.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationReply {
    /// They stand.
    Accept,
    /// They do not stand.
    Decline,
    /// They stood, and no longer do.
    Withdraw,
}

impl NominationReply {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            NominationReply::Accept => "accept",
            NominationReply::Decline => "decline",
            NominationReply::Withdraw => "withdraw",
        }
    }
}

/// `nomination.answer`: a nominee's answer on a call; their highest `seq` counts (equal
/// ones: the lowest record id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominationAnswer {
    /// The `nomination.call` record.
    pub call: RecordId,
    /// The nominee's own sequence number for this call.
    pub seq: u64,
    /// The answer.
    pub answer: NominationReply,
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
        match (self.method, self.seats) {
            (Method::Stv | Method::ScottishStv, None) => {
                return Err(GovernanceFieldError::Seats(self.method));
            }
            (Method::Stv | Method::ScottishStv | Method::Approval, Some(seats))
                if seats == 0 || seats as usize > self.options.len() =>
            {
                return Err(GovernanceFieldError::Seats(self.method));
            }
            (Method::Stv | Method::ScottishStv | Method::Approval, _) => {}
            (_, Some(_)) => return Err(GovernanceFieldError::NoSeats(self.method)),
            (_, None) => {}
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
        if let Some(template) = &self.template {
            check_name("template", template)?;
        }
        if let Some(nominated) = &self.nominated {
            let distinct: BTreeSet<&PublicKey> = nominated.candidates.iter().collect();
            if nominated.candidates.len() != self.options.len()
                || distinct.len() != nominated.candidates.len()
            {
                return Err(GovernanceFieldError::Candidates);
            }
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

impl Fields for NominationCall {
    type Error = GovernanceFieldError;
    fn check(&self) -> Result<(), GovernanceFieldError> {
        check_name("title", &self.title)?;
        if self.text.chars().count() > MAX_PROPOSAL_CHARS {
            return Err(GovernanceFieldError::TextLength);
        }
        match self.method {
            Method::Stv | Method::ScottishStv | Method::Approval if self.seats >= 1 => Ok(()),
            Method::Stv | Method::ScottishStv | Method::Approval => {
                Err(GovernanceFieldError::Seats(self.method))
            }
            other => Err(GovernanceFieldError::NoSeats(other)),
        }
    }
}

impl Fields for Nomination {
    type Error = GovernanceFieldError;
}

impl Fields for TemplateAdd {
    type Error = GovernanceFieldError;
    fn check(&self) -> Result<(), GovernanceFieldError> {
        check_name("id", &self.id)?;
        check_name("name", &self.name)?;
        check_text("purpose", &self.purpose)?;
        check_name("title", &self.title)?;
        if self.questions.len() > MAX_TEMPLATE_QUESTIONS {
            return Err(GovernanceFieldError::Questions);
        }
        for q in &self.questions {
            check_name("question", q)?;
        }
        if self.days == 0 || self.days > 365 {
            return Err(GovernanceFieldError::Days);
        }
        match (self.method, self.seats) {
            (Method::Stv | Method::ScottishStv, None) => {
                Err(GovernanceFieldError::Seats(self.method))
            }
            (Method::Stv | Method::ScottishStv | Method::Approval, Some(0)) => {
                Err(GovernanceFieldError::Seats(self.method))
            }
            (Method::Stv | Method::ScottishStv | Method::Approval, _) => Ok(()),
            (_, Some(_)) => Err(GovernanceFieldError::NoSeats(self.method)),
            (_, None) => Ok(()),
        }
    }
}

impl Fields for NominationAnswer {
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

    fn election(method: &str, seats: Option<u32>) -> serde_json::Value {
        let mut open = open_with(&["Asha", "Bala", "Chitra"]);
        open["method"] = json!(method);
        if let Some(seats) = seats {
            open["seats"] = json!(seats);
        }
        open
    }

    #[test]
    fn an_election_names_its_seats_and_only_elections_do() {
        let valid = |v| Body::from_value(Kind::ProposalOpen, v).is_ok();
        assert!(valid(election("stv", Some(2))));
        assert!(
            valid(election("scottish_stv", Some(3))),
            "as many seats as candidates"
        );
        assert!(
            valid(election("approval", Some(2))),
            "approval for two seats"
        );
        assert!(
            valid(election("approval", None)),
            "approval for one winner, as before"
        );
        assert!(
            !valid(election("stv", None)),
            "an STV election needs its seats"
        );
        assert!(!valid(election("stv", Some(0))));
        assert!(
            !valid(election("scottish_stv", Some(4))),
            "four seats, three candidates"
        );
        assert!(
            !valid(election("ranked", Some(2))),
            "instant runoff fills one seat"
        );
        // A proposal without seats writes no `seats` key: its bytes are as before.
        let open = Body::from_value(Kind::ProposalOpen, open_with(&["Oak", "Elm"])).expect("valid");
        assert!(open.to_value().get("seats").is_none());
    }

    #[test]
    fn approval_for_two_seats_approves_at_most_two() {
        use super::{Choice, ChoiceError, Method};
        let options: Vec<String> = ["Asha", "Bala", "Chitra"].map(String::from).to_vec();
        let approve = |n: usize| Choice::Approve(options[..n].to_vec());
        assert!(
            approve(2)
                .check(Method::Approval, &options, Some(2))
                .is_ok()
        );
        assert_eq!(
            approve(3).check(Method::Approval, &options, Some(2)),
            Err(ChoiceError::TooManyApproved(2))
        );
        assert!(approve(3).check(Method::Approval, &options, None).is_ok());
        let rank = Choice::Rank(vec!["Chitra".into(), "Asha".into()]);
        assert!(rank.check(Method::Stv, &options, Some(2)).is_ok());
        assert!(rank.check(Method::ScottishStv, &options, Some(2)).is_ok());
        assert!(
            approve(1).check(Method::Stv, &options, Some(2)).is_err(),
            "STV takes a ranking"
        );
    }
}
