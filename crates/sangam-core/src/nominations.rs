//! Nominations: calling for candidates, putting members forward, a nominee's answer, and
//! opening the election from the call once it closed (its candidates fixed by the model's
//! rule, docs/protocol.md "Nominations").

use serde::Serialize;

use sangam_model::body::NominationReply;
use sangam_model::body::{Method, Nominated, Nomination, NominationAnswer, NominationCall};
use sangam_model::governance::CallView;
use sangam_model::{Body, CoopId, CoopState, PublicKey, RecordId, Refusal, Timestamp};

use crate::ApiError;
use crate::ProposalDto;
use crate::find::pick;
use crate::governance::ProposalDraft;
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, Thing, problem};

/// What a new call for nominations says: the record's body as the member writes it.
pub type CallDraft = NominationCall;

/// A call for nominations, with everyone nominated on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NominationCallDto {
    /// The `nomination.call` record's id.
    pub id: String,
    /// What is elected.
    pub title: String,
    /// Why, and what the seats are for.
    pub text: String,
    /// How the election will count.
    pub method: Method,
    /// How many are elected.
    pub seats: u32,
    /// When nominations close (ms since the epoch).
    pub closes_at: Timestamp,
    /// Whether nominations and answers are still taken (by this laptop's clock).
    pub open: bool,
    /// Who called it (member key).
    pub caller: String,
    /// Their name.
    pub caller_name: String,
    /// Everyone nominated, in the order first nominated.
    pub nominees: Vec<NomineeDto>,
    /// The election opened from it, if one was.
    pub election: Option<String>,
    /// Whether this home's member is nominated on it and has not answered yet.
    pub you_must_answer: bool,
}

impl NominationCallDto {
    /// Whether to remind this home's member at `now`: they were nominated, have not
    /// answered, and nominations close within [`crate::dto::REMINDER_BEFORE_MS`].
    pub fn needs_reminder(&self, now: Timestamp) -> bool {
        self.you_must_answer
            && self.closes_at > now
            && self.closes_at - now <= crate::dto::REMINDER_BEFORE_MS
    }
}

/// One member nominated on a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NomineeDto {
    /// Their member key.
    pub member: String,
    /// Their name.
    pub name: String,
    /// The names of those who nominated them, in order.
    pub by: Vec<String>,
    /// Their latest answer, if any: only `accept` stands.
    pub answer: Option<NominationReply>,
}

fn name_in(state: &CoopState, key: &PublicKey) -> String {
    state
        .member(key)
        .map_or_else(|| key.short(), |m| m.name.clone())
}

fn call_dto(
    view: &CallView<'_>,
    state: &CoopState,
    now: Timestamp,
    me: Option<PublicKey>,
) -> NominationCallDto {
    NominationCallDto {
        you_must_answer: now < view.call.closes_at
            && view
                .nominees
                .iter()
                .any(|n| Some(n.member) == me && n.answer.is_none()),
        id: view.id.to_string(),
        title: view.call.title.clone(),
        text: view.call.text.clone(),
        method: view.call.method,
        seats: view.call.seats,
        closes_at: view.call.closes_at,
        open: now < view.call.closes_at,
        caller: view.caller.to_string(),
        caller_name: name_in(state, &view.caller),
        nominees: view
            .nominees
            .iter()
            .map(|n| NomineeDto {
                member: n.member.to_string(),
                name: name_in(state, &n.member),
                by: n.by.iter().map(|k| name_in(state, k)).collect(),
                answer: n.answer,
            })
            .collect(),
        election: view.election.map(|id| id.to_string()),
    }
}

/// The candidates' names as the election's options: each member's name, with the start
/// of their key where two would read alike.
fn option_names(state: &CoopState, candidates: &[PublicKey]) -> Vec<String> {
    let names: Vec<String> = candidates.iter().map(|k| name_in(state, k)).collect();
    let folded: Vec<String> = names
        .iter()
        .map(|n| sangam_model::field::fold_name(n))
        .collect();
    names
        .iter()
        .zip(candidates)
        .enumerate()
        .map(|(i, (name, key))| {
            if folded.iter().filter(|f| **f == folded[i]).count() > 1 {
                format!("{name} ({})", key.short())
            } else {
                name.clone()
            }
        })
        .collect()
}

impl Node {
    fn call_view_dto(&mut self, coop: CoopId, id: RecordId) -> Result<NominationCallDto, ApiError> {
        let now = self.now();
        let me = self.member().ok().map(|(key, _)| key.public());
        let state = self.state(coop)?;
        let fold = self.replica(coop)?.fold();
        let view = fold.call_view(&id).ok_or_else(|| no_call(id))?;
        Ok(call_dto(&view, &state, now, me))
    }

    fn find_call(&mut self, coop: CoopId, text: &str) -> Result<RecordId, ApiError> {
        let fold = self.replica(coop)?.fold();
        let ids = fold.calls().into_iter().map(|c| (c.id.to_string(), c.id));
        pick(text, ids, Thing::Call)
    }
}

fn no_call(id: RecordId) -> ApiError {
    problem(ProblemKey::NotACall).with("id", id.short()).into()
}

impl Home {
    /// Calls for nominations for an election of `draft.seats` by `draft.method`.
    pub fn call_nominations(
        &self,
        coop: CoopId,
        draft: CallDraft,
    ) -> Result<NominationCallDto, ApiError> {
        let mut node = self.node();
        if draft.closes_at > crate::node::LATEST_TIME {
            return Err(problem(ProblemKey::DeadlineTooLate).into());
        }
        let body = Body::NominationCall(NominationCall {
            title: draft.title.trim().to_owned(),
            text: draft.text.trim().to_owned(),
            method: draft.method,
            seats: draft.seats,
            closes_at: draft.closes_at,
        });
        let id = node.write_returning(coop, body)?;
        node.call_view_dto(coop, id)
    }

    /// Every call for nominations of `coop`, newest first.
    pub fn nomination_calls(&self, coop: CoopId) -> Result<Vec<NominationCallDto>, ApiError> {
        let mut node = self.node();
        let now = node.now();
        let me = node.member().ok().map(|(key, _)| key.public());
        let state = node.state(coop)?;
        let fold = node.replica(coop)?.fold();
        Ok(fold
            .calls()
            .iter()
            .map(|view| call_dto(view, &state, now, me))
            .collect())
    }

    /// One call for nominations.
    pub fn nomination_call(
        &self,
        coop: CoopId,
        call: RecordId,
    ) -> Result<NominationCallDto, ApiError> {
        self.node().call_view_dto(coop, call)
    }

    /// A call for nominations by id or prefix.
    pub fn find_call(&self, coop: CoopId, text: &str) -> Result<RecordId, ApiError> {
        self.node().find_call(coop, text)
    }

    /// Puts `nominee` (this member or another) forward on `call`.
    pub fn nominate(
        &self,
        coop: CoopId,
        call: RecordId,
        nominee: PublicKey,
    ) -> Result<NominationCallDto, ApiError> {
        let mut node = self.node();
        node.write(coop, Body::Nomination(Nomination { call, nominee }))?;
        node.call_view_dto(coop, call)
    }

    /// This member's answer to their nomination on `call`.
    pub fn answer_nomination(
        &self,
        coop: CoopId,
        call: RecordId,
        answer: NominationReply,
    ) -> Result<NominationCallDto, ApiError> {
        let mut node = self.node();
        node.write_unit(|node| {
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_answer_seq(&call, &me);
            node.write(
                coop,
                Body::NominationAnswer(NominationAnswer { call, seq, answer }),
            )
        })?;
        node.call_view_dto(coop, call)
    }

    /// Opens the election from `call` (which must have closed), closing at `closes_at`:
    /// its candidates are those who accepted, as the rule gives them now.
    pub fn open_election(
        &self,
        coop: CoopId,
        call: RecordId,
        closes_at: Timestamp,
    ) -> Result<ProposalDto, ApiError> {
        let mut node = self.node();
        node.write_unit(|node| {
            let state = node.state(coop)?;
            let now = node.now();
            let me = node.member()?.0.public();
            let fold = node.replica(coop)?.fold();
            let view = fold.call_view(&call).ok_or_else(|| no_call(call))?;
            let (title, text, method, seats) = (
                view.call.title.clone(),
                view.call.text.clone(),
                view.call.method,
                view.call.seats,
            );
            // What the rules would refuse anyway, said before the candidates are counted.
            if now < view.call.closes_at {
                return Err(ApiError::refused(Refusal::NominationsOpen));
            }
            if view.caller != me || view.election.is_some() {
                return Err(ApiError::refused(Refusal::NotTheCall));
            }
            let fold = node.replica(coop)?.fold();
            let candidates = fold.candidates_for_new_record(&call);
            if candidates.len() < 2 || (candidates.len() as u64) < u64::from(seats) {
                return Err(problem(ProblemKey::TooFewCandidates)
                    .with("count", candidates.len())
                    .with("seats", seats)
                    .into());
            }
            let draft = ProposalDraft {
                title,
                text,
                method,
                options: option_names(&state, &candidates),
                seats: Some(seats),
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at,
                effect: None,
            };
            node.propose_nominated(coop, draft, Some(Nominated { call, candidates }))
        })
    }
}
