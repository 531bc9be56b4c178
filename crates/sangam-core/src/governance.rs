//! Proposals, votes, proxies and closing: the governance use cases.

use sangam_model::body::{
    Admission, Ballot, Choice, Effect, Fraction, MemberAdmit, MemberRemove, Method, ProposalClose,
    ProposalOpen, ProposalWithdraw, ProxyGrant, ProxyRevoke, Vote,
};
use sangam_model::governance::{Status, Tally};
use sangam_model::{Body, CoopId, PublicKey, RecordId, Timestamp};

use crate::{ApiError, ErrorCode, Node, ProposalDto, ProposalSummaryDto, TallyDto, parse_key};

/// What a new proposal says; defaults come from the bylaws.
#[derive(Debug, Clone, Default)]
pub struct ProposalInput {
    /// Title.
    pub title: String,
    /// Full text.
    pub text: String,
    /// Method name: `yes-no`, `consent`, `choice`, `approval`, `ranked` or `score`.
    pub method: String,
    /// Options for choice methods.
    pub options: Vec<String>,
    /// Quorum percent; the bylaws' when `None`.
    pub quorum_pct: Option<u8>,
    /// Threshold `N/D`; the bylaws' when `None`.
    pub threshold: Option<String>,
    /// Deadline, ms since the epoch.
    pub closes_at: Timestamp,
    /// Effect: `admit=KEY:NAME`, `remove=KEY` or `admission=proposal|any_member`.
    pub effect: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

fn parse_method(text: &str) -> Result<Method, ApiError> {
    Ok(match text.trim().replace('_', "-").as_str() {
        "yes-no" | "yesno" => Method::YesNo,
        "consent" => Method::Consent,
        "choice" => Method::Choice,
        "approval" => Method::Approval,
        "ranked" => Method::Ranked,
        "score" => Method::Score,
        other => {
            return Err(invalid(format!(
                "unknown method {other:?}: use yes-no, consent, choice, approval, ranked or score"
            )));
        }
    })
}

fn parse_fraction(text: &str) -> Result<Fraction, ApiError> {
    let bad = || invalid(format!("threshold {text:?} must look like 1/2 or 2/3"));
    let (num, den) = text.trim().split_once('/').ok_or_else(bad)?;
    let fraction = Fraction {
        num: num.trim().parse().map_err(|_| bad())?,
        den: den.trim().parse().map_err(|_| bad())?,
    };
    if fraction.den == 0 || fraction.num == 0 || fraction.num > fraction.den {
        return Err(bad());
    }
    Ok(fraction)
}

/// Reads a ballot from the words a member typed, for the proposal's method.
pub fn parse_choice(
    method: Method,
    options: &[String],
    words: &[String],
) -> Result<Choice, ApiError> {
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if words == ["abstain"] {
        return Ok(Choice::Vote(Vote::Abstain));
    }
    let vote = |allowed: &[Vote]| -> Result<Choice, ApiError> {
        let names: Vec<&str> = allowed.iter().map(|v| v.as_str()).collect();
        match words.as_slice() {
            [one] => allowed
                .iter()
                .find(|v| v.as_str() == one.to_lowercase())
                .map(|v| Choice::Vote(*v))
                .ok_or_else(|| invalid(format!("answer one of: {}", names.join(", ")))),
            _ => Err(invalid(format!("answer one of: {}", names.join(", ")))),
        }
    };
    let choice = match method {
        Method::YesNo => vote(&[Vote::Yes, Vote::No, Vote::Abstain])?,
        Method::Consent => vote(&[Vote::Agree, Vote::Abstain, Vote::Disagree, Vote::Block])?,
        Method::Choice => match words.as_slice() {
            [one] => Choice::Option((*one).to_owned()),
            _ => return Err(invalid("name exactly one option (or abstain)")),
        },
        Method::Approval => Choice::Approve(words.iter().map(|w| (*w).to_owned()).collect()),
        Method::Ranked => Choice::Rank(words.iter().map(|w| (*w).to_owned()).collect()),
        Method::Score => {
            let mut scores = std::collections::BTreeMap::new();
            for word in &words {
                let (name, score) = word
                    .rsplit_once('=')
                    .ok_or_else(|| invalid(format!("{word:?}: give scores as OPTION=0..5")))?;
                let score: u8 = score.parse().map_err(|_| {
                    invalid(format!("{word:?}: a score is a whole number from 0 to 5"))
                })?;
                scores.insert(name.to_owned(), score);
            }
            Choice::Scores(scores)
        }
    };
    choice.check(method, options).map_err(|e| {
        let listed = if options.is_empty() {
            String::new()
        } else {
            format!(" (options: {})", options.join(", "))
        };
        invalid(format!("{e}{listed}"))
    })?;
    Ok(choice)
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Provisional => "provisional",
        Status::Closed => "closed",
        Status::Withdrawn => "withdrawn",
    }
}

fn tally_dto(open: &ProposalOpen, tally: Tally) -> TallyDto {
    let ids = |v: Vec<RecordId>| v.into_iter().map(|id| id.to_string()).collect();
    TallyDto {
        proposal: tally.proposal.to_string(),
        title: open.title.clone(),
        method: open.method.as_str().to_owned(),
        status: status_label(tally.status).to_owned(),
        outcome: tally.outcome.label(),
        counts: tally.counts,
        rounds: tally.rounds,
        electorate_size: tally.electorate_size,
        ballots_counted: tally.ballots_counted,
        represented: tally.represented,
        quorum_pct: open.quorum_pct,
        quorum_met: tally.quorum_met,
        threshold: format!("{}/{}", open.threshold.num, open.threshold.den),
        closes_at: open.closes_at,
        counted: ids(tally.counted),
        proxies: ids(tally.proxies),
        late: ids(tally.late),
        closes: ids(tally.closes),
        contested: ids(tally.contested),
    }
}

fn describe(effect: &Effect) -> String {
    match effect {
        Effect::Admit(a) => format!("admit {} ({})", a.name, a.member.short()),
        Effect::Remove(r) => format!("remove member {}", r.member.short()),
        Effect::Bylaws(b) => format!(
            "set the bylaws: admission by {}",
            match b.admission {
                Admission::AnyMember => "any member",
                Admission::Proposal => "proposal",
            }
        ),
    }
}

impl Node {
    /// Opens a proposal to the current members. Returns it with its (empty) tally.
    pub fn propose(&mut self, coop: CoopId, input: ProposalInput) -> Result<ProposalDto, ApiError> {
        let method = parse_method(&input.method)?;
        let state = self.state(coop)?;
        let bylaws = state.bylaws.unwrap_or_default();
        let threshold = match &input.threshold {
            Some(text) => parse_fraction(text)?,
            None => bylaws.voting.threshold,
        };
        let effect = input
            .effect
            .as_deref()
            .map(|e| self.parse_effect(coop, e, bylaws))
            .transpose()?;
        let electorate: Vec<PublicKey> = {
            let mut keys: Vec<PublicKey> = state.active_members().map(|m| m.key).collect();
            keys.sort();
            keys
        };
        let options = if method.has_options() {
            input.options.iter().map(|o| o.trim().to_owned()).collect()
        } else {
            if !input.options.is_empty() {
                return Err(invalid(format!(
                    "a {} vote takes no --option",
                    method.as_str()
                )));
            }
            vec![]
        };
        let open = ProposalOpen {
            title: input.title.trim().to_owned(),
            text: input.text,
            method,
            options,
            quorum_pct: input.quorum_pct.unwrap_or(bylaws.voting.quorum_pct),
            threshold,
            closes_at: input.closes_at,
            electorate,
            effect,
            revises: None,
        };
        let id = self.write_returning(coop, Body::ProposalOpen(open))?;
        self.proposal_show(coop, &id.to_string())
    }

    fn parse_effect(
        &mut self,
        coop: CoopId,
        text: &str,
        bylaws: sangam_model::Bylaws,
    ) -> Result<Effect, ApiError> {
        let (what, value) = text.split_once('=').ok_or_else(|| {
            invalid("an effect looks like admit=KEY:NAME, remove=KEY or admission=proposal")
        })?;
        match what.trim() {
            "admit" => {
                let (key, name) = value
                    .split_once(':')
                    .ok_or_else(|| invalid("admit=KEY:NAME needs the newcomer's key and name"))?;
                Ok(Effect::Admit(MemberAdmit {
                    member: parse_key(key, "the member key")?,
                    name: name.trim().to_owned(),
                }))
            }
            "remove" => Ok(Effect::Remove(MemberRemove {
                member: self.resolve_member(coop, value)?,
                reason: String::new(),
            })),
            "admission" => {
                let admission = match value.trim() {
                    "proposal" => Admission::Proposal,
                    "any_member" | "any-member" => Admission::AnyMember,
                    other => {
                        return Err(invalid(format!(
                            "admission={other:?}: use proposal or any_member"
                        )));
                    }
                };
                Ok(Effect::Bylaws(sangam_model::Bylaws {
                    admission,
                    ..bylaws
                }))
            }
            other => Err(invalid(format!(
                "unknown effect {other:?}: use admit, remove or admission"
            ))),
        }
    }

    /// Resolves a proposal by unique id prefix.
    pub fn resolve_proposal(&mut self, coop: CoopId, prefix: &str) -> Result<RecordId, ApiError> {
        let prefix = prefix.trim().to_lowercase();
        let prefix = prefix.as_str();
        let fold = self.replica(coop)?.fold();
        let matches: Vec<RecordId> = fold
            .proposals()
            .map(|(p, _)| p.record.id())
            .filter(|id| !prefix.is_empty() && id.to_string().starts_with(prefix))
            .collect();
        match matches.as_slice() {
            [id] => Ok(*id),
            [] => Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no proposal id starts with {prefix:?} (see `sangam proposal list`)"),
            )),
            _ => Err(ApiError::new(
                ErrorCode::Ambiguous,
                format!("several proposals start with {prefix:?}: give more of the id"),
            )),
        }
    }

    /// Proposals, newest first; `open` / `closed` filter by status.
    pub fn proposals(
        &mut self,
        coop: CoopId,
        filter: Option<&str>,
    ) -> Result<Vec<ProposalSummaryDto>, ApiError> {
        let state = self.state(coop)?;
        let fold = self.replica(coop)?.fold();
        let mut out = Vec::new();
        for (placed, open) in fold.proposals().rev() {
            let Ok(tally) = fold.tally(placed.record.id()) else {
                continue;
            };
            let status = status_label(tally.status);
            let keep = match filter {
                Some("open") => tally.status == Status::Provisional,
                Some("closed") => tally.status != Status::Provisional,
                _ => true,
            };
            if !keep {
                continue;
            }
            let author = placed.record.author();
            out.push(ProposalSummaryDto {
                id: placed.record.id().to_string(),
                title: open.title.clone(),
                method: open.method.as_str().to_owned(),
                status: status.to_owned(),
                outcome: tally.outcome.label(),
                closes_at: open.closes_at,
                author: author.to_string(),
                author_name: state.member(&author).map(|m| m.name.clone()),
                ballots_counted: tally.ballots_counted,
                electorate_size: tally.electorate_size,
            });
        }
        Ok(out)
    }

    /// A proposal with its tally and this member's latest vote.
    pub fn proposal_show(&mut self, coop: CoopId, id: &str) -> Result<ProposalDto, ApiError> {
        let id = self.resolve_proposal(coop, id)?;
        let me = self.member()?.0.public();
        let fold = self.replica(coop)?.fold();
        let placed = fold.get(&id).expect("resolved ids are placed");
        let Body::ProposalOpen(open) = placed.record.body() else {
            unreachable!("resolve_proposal returns proposals only")
        };
        let tally = fold
            .tally(id)
            .map_err(|e| ApiError::new(ErrorCode::NotFound, e.to_string()))?;
        let my_vote = fold
            .latest_ballot(&id, &me)
            .map(|(_, b)| serde_json::to_value(&b.choice).expect("choices serialize"));
        Ok(ProposalDto {
            id: id.to_string(),
            title: open.title.clone(),
            text: open.text.clone(),
            method: open.method.as_str().to_owned(),
            options: open.options.clone(),
            author: placed.record.author().to_string(),
            opened_at: placed.record.at(),
            electorate: open.electorate.iter().map(|k| k.to_string()).collect(),
            effect: open.effect.as_ref().map(describe),
            revises: open.revises.map(|r| r.to_string()),
            tally: tally_dto(open, tally),
            my_vote,
        })
    }

    /// The tally of a proposal.
    pub fn tally(&mut self, coop: CoopId, id: &str) -> Result<TallyDto, ApiError> {
        Ok(self.proposal_show(coop, id)?.tally)
    }

    fn open_proposal(
        &mut self,
        coop: CoopId,
        id: &str,
    ) -> Result<(RecordId, ProposalOpen), ApiError> {
        let id = self.resolve_proposal(coop, id)?;
        let fold = self.replica(coop)?.fold();
        let open = fold
            .proposal(&id)
            .cloned()
            .expect("resolved ids are valid proposals");
        Ok((id, open))
    }

    /// Casts (or changes) this member's vote.
    pub fn vote(&mut self, coop: CoopId, id: &str, words: &[String]) -> Result<TallyDto, ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, open) = node.open_proposal(coop, id)?;
            let choice = parse_choice(open.method, &open.options, words)?;
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_act_seq(&proposal, &me);
            node.write(
                coop,
                Body::Ballot(Ballot {
                    proposal,
                    seq,
                    choice,
                }),
            )?;
            node.tally(coop, &proposal.to_string())
        })
    }

    /// Gives this member's proxy on one proposal to another member.
    pub fn proxy(&mut self, coop: CoopId, id: &str, holder: &str) -> Result<(), ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, _) = node.open_proposal(coop, id)?;
            let holder = node.resolve_member(coop, holder)?;
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_act_seq(&proposal, &me);
            node.write(
                coop,
                Body::ProxyGrant(ProxyGrant {
                    proposal,
                    holder,
                    seq,
                }),
            )
        })
    }

    /// Takes back this member's proxy on one proposal.
    pub fn proxy_revoke(&mut self, coop: CoopId, id: &str) -> Result<(), ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, _) = node.open_proposal(coop, id)?;
            let me = node.member()?.0.public();
            let seq = node.replica(coop)?.fold().next_act_seq(&proposal, &me);
            node.write(coop, Body::ProxyRevoke(ProxyRevoke { proposal, seq }))
        })
    }

    /// Closes a proposal, naming the latest ballot of each voter and the latest proxy act
    /// of each grantor this home has seen.
    pub fn close(&mut self, coop: CoopId, id: &str) -> Result<TallyDto, ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, _) = node.open_proposal(coop, id)?;
            let fold = node.replica(coop)?.fold();
            let tally = fold
                .tally(proposal)
                .map_err(|e| ApiError::new(ErrorCode::NotFound, e.to_string()))?;
            let acts = fold.latest_proxy_acts(&proposal);
            // Name only ballots and proxies the close's own deps reach: a record never cites
            // what is not in its past (with very many heads, some may be left for a later
            // close).
            let named: Vec<RecordId> = tally.counted.iter().chain(&acts).copied().collect();
            let reached = fold.reached_by_new_record(&named);
            let ballots: Vec<RecordId> = tally
                .counted
                .into_iter()
                .filter(|id| reached.contains(id))
                .collect();
            let proxies: Vec<RecordId> =
                acts.into_iter().filter(|id| reached.contains(id)).collect();
            node.write(
                coop,
                Body::ProposalClose(ProposalClose {
                    proposal,
                    ballots,
                    proxies,
                }),
            )?;
            node.tally(coop, &proposal.to_string())
        })
    }

    /// Withdraws this member's own proposal before anyone votes.
    pub fn withdraw(&mut self, coop: CoopId, id: &str) -> Result<(), ApiError> {
        let (proposal, _) = self.open_proposal(coop, id)?;
        self.write(coop, Body::ProposalWithdraw(ProposalWithdraw { proposal }))
    }
}
