//! Proposals, votes, proxies and closing: the governance use cases.

use sangam_count::{Action, TieBrokenBy};
use sangam_model::body::{
    Admission, Ballot, Choice, CoopSettings, Effect, Fraction, MemberAdmit, MemberRemove, Method,
    ProposalClose, ProposalOpen, ProposalWithdraw, ProxyGrant, ProxyRevoke,
};
use sangam_model::governance::Tally;
use sangam_model::{Body, CoopId, PublicKey, RecordId, Timestamp};

use crate::dto::ProposalStatus;
use crate::dto::{ElectionDto, ElectionRoundDto, ElectionTieDto, RoundAction, TieFor};
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};
use crate::published::CoopReads;
use crate::{ApiError, EffectDto, ProposalDto, ProposalSummaryDto, TallyDto};

/// What a new proposal says; what it leaves out comes from the bylaws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    /// Short title.
    pub title: String,
    /// The full text members vote on.
    pub text: String,
    /// How it is decided.
    pub method: Method,
    /// The options, for the methods that choose among options; an election's candidates.
    pub options: Vec<String>,
    /// An election's seats (STV; approval for k seats).
    pub seats: Option<u32>,
    /// The template it was written from (a starter's id), for people.
    pub template: Option<String>,
    /// Share of the electorate (percent) who must take part; the bylaws' when `None`.
    pub quorum_pct: Option<u8>,
    /// Share of yes among yes + no needed; the bylaws' when `None`.
    pub threshold: Option<Fraction>,
    /// Deadline.
    pub closes_at: Timestamp,
    /// What passing does, if anything.
    pub effect: Option<EffectDraft>,
}

/// What a passed proposal does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EffectDraft {
    /// Admits a newcomer's member key under a name.
    Admit {
        /// The newcomer's member key.
        member: PublicKey,
        /// The name they go by.
        name: String,
    },
    /// Removes a member.
    Remove {
        /// The member's key.
        member: PublicKey,
    },
    /// Changes who admits newcomers (the rest of the bylaws stay as they are).
    Admission(Admission),
    /// Sets the co-op's relay for every laptop (`None`: n0's public relays).
    Relay(Option<String>),
    /// Withdraws a marketplace listing (moderation).
    WithdrawListing {
        /// The listing.
        listing: RecordId,
    },
    /// Changes one part of the books' bylaws (the rest of the bylaws stay as they are).
    Books(BooksChange),
}

/// One change to the books' bylaws ("Ledger" in docs/protocol.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BooksChange {
    /// Who keeps the books (opens accounts, posts entries): these members; none named
    /// means any current member.
    Treasurers(Vec<PublicKey>),
    /// The most an entry may move in `commodity` (minor units) without a passed proposal
    /// approving it; `None` lifts the limit.
    ApprovalOver {
        /// The commodity.
        commodity: String,
        /// The limit in minor units.
        limit: Option<i64>,
    },
    /// The shares of a surplus set aside before patronage, in percent.
    Funds {
        /// For the indivisible reserve.
        reserve_pct: u8,
        /// For the education fund.
        education_pct: u8,
    },
}

impl BooksChange {
    /// The books' bylaws `ledger` with this change made, or why it cannot be.
    fn apply(
        &self,
        mut ledger: sangam_model::ledger::LedgerBylaws,
        state: &sangam_model::CoopState,
    ) -> Result<sangam_model::ledger::LedgerBylaws, ApiError> {
        match self {
            BooksChange::Treasurers(keys) => {
                if let Some(stranger) = keys.iter().find(|k| {
                    state
                        .member(k)
                        .is_none_or(|m| m.standing != sangam_model::Standing::Active)
                }) {
                    return Err(problem(ProblemKey::TreasurerNotMember)
                        .with("member", stranger.short())
                        .into());
                }
                let mut keys = keys.clone();
                keys.sort();
                keys.dedup();
                ledger.treasurers = keys;
            }
            BooksChange::ApprovalOver { commodity, limit } => match limit {
                Some(limit) if *limit < 0 => {
                    return Err(problem(ProblemKey::NegativeApprovalLimit).into());
                }
                Some(limit) => {
                    ledger.approval_over.insert(commodity.clone(), *limit);
                }
                None => {
                    ledger.approval_over.remove(commodity);
                }
            },
            BooksChange::Funds {
                reserve_pct,
                education_pct,
            } => {
                if u16::from(*reserve_pct) + u16::from(*education_pct) > 100 {
                    return Err(problem(ProblemKey::FundsOverHundred)
                        .with("reserve", reserve_pct)
                        .with("education", education_pct)
                        .into());
                }
                ledger.reserve_pct = *reserve_pct;
                ledger.education_pct = *education_pct;
            }
        }
        Ok(ledger)
    }
}

/// Which proposals a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProposalFilter {
    /// All of them.
    #[default]
    All,
    /// Those still open.
    Open,
    /// Those closed or withdrawn.
    Ended,
}

/// A ballot's choice as a member would type it.
pub fn choice_text(choice: &Choice) -> String {
    match choice {
        Choice::Vote(vote) => vote.as_str().to_owned(),
        Choice::Option(option) => option.clone(),
        Choice::Approve(options) | Choice::Rank(options) => options.join(" "),
        Choice::Scores(scores) => scores
            .iter()
            .map(|(option, score)| format!("{option}={score}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

pub(crate) fn tally_dto(open: &ProposalOpen, tally: Tally) -> TallyDto {
    let ids = |v: Vec<RecordId>| v.into_iter().map(|id| id.to_string()).collect();
    TallyDto {
        proposal: tally.proposal.to_string(),
        title: open.title.clone(),
        method: open.method,
        status: tally.status,
        outcome: (&tally.outcome).into(),
        counts: tally.counts,
        rounds: tally.rounds,
        electorate_size: tally.electorate_size,
        ballots_counted: tally.ballots_counted,
        represented: tally.represented,
        quorum_pct: open.quorum_pct,
        quorum_met: tally.quorum_met,
        threshold: open.threshold,
        closes_at: open.closes_at,
        counted: ids(tally.counted),
        proxies: ids(tally.proxies),
        late: ids(tally.late),
        closes: ids(tally.closes),
        contested: ids(tally.contested),
        election: tally.election.map(|count| election_dto(open, count)),
    }
}

fn election_dto(open: &ProposalOpen, count: sangam_count::Count) -> ElectionDto {
    let name = |c: usize| open.options.get(c).cloned().unwrap_or_default();
    let names = |list: Vec<usize>| list.into_iter().map(name).collect();
    let text = |d: Option<sangam_count::Decimal>| d.map(|d| d.to_string());
    ElectionDto {
        seats: count.seats as u32,
        candidates: open.options.clone(),
        elected: names(count.elected),
        ballots: count.ballots,
        rounds: count
            .rounds
            .into_iter()
            .map(|round| {
                let (action, candidate, surplus) = match round.action {
                    Action::FirstPreferences => (RoundAction::FirstPreferences, None, None),
                    Action::Surplus { from, amount } => (
                        RoundAction::Surplus,
                        Some(name(from)),
                        Some(amount.to_string()),
                    ),
                    Action::Settled => (RoundAction::Settled, None, None),
                    Action::Excluded { candidate } => {
                        (RoundAction::Excluded, Some(name(candidate)), None)
                    }
                    Action::LastSeatsFilled => (RoundAction::LastSeatsFilled, None, None),
                };
                ElectionRoundDto {
                    action,
                    candidate,
                    surplus,
                    quota: round.quota.to_string(),
                    votes: round.votes.into_iter().map(text).collect(),
                    keep: round.keep.into_iter().map(text).collect(),
                    exhausted: round.exhausted.to_string(),
                    elected: names(round.elected),
                }
            })
            .collect(),
        ties: count
            .ties
            .into_iter()
            .map(|tie| ElectionTieDto {
                round: tie.round,
                tie_for: match tie.tie_for {
                    sangam_count::TieFor::Surplus => TieFor::Surplus,
                    sangam_count::TieFor::Exclusion => TieFor::Exclusion,
                    sangam_count::TieFor::Seat => TieFor::Seat,
                },
                among: names(tie.among),
                chosen: name(tie.chosen),
                by_round: match tie.by {
                    TieBrokenBy::EarlierRound { round } => Some(round),
                    TieBrokenBy::Lot => None,
                },
            })
            .collect(),
    }
}

/// What passing a proposal does, as the window and the CLI show it.
pub(crate) fn effect_dto(effect: &Effect) -> EffectDto {
    match effect {
        Effect::Admit(a) => EffectDto::Admit {
            name: a.name.clone(),
            member: a.member.to_string(),
        },
        Effect::Remove(r) => EffectDto::Remove {
            member: r.member.to_string(),
        },
        Effect::Bylaws(b) => EffectDto::Bylaws {
            admission: b.admission,
            treasurers: b.ledger.treasurers.iter().map(|k| k.to_string()).collect(),
            approval_over: b
                .ledger
                .approval_over
                .iter()
                .map(|(commodity, limit)| crate::money::money_text(i128::from(*limit), commodity))
                .collect(),
            reserve_pct: b.ledger.reserve_pct,
            education_pct: b.ledger.education_pct,
        },
        Effect::WithdrawListing(w) => EffectDto::WithdrawListing {
            listing: w.listing.to_string(),
        },
        Effect::Settings(s) => EffectDto::Relay {
            url: s.relay.clone(),
        },
    }
}

impl Node {
    /// Opens a proposal to the current members. Returns it with its (empty) tally.
    pub(crate) fn propose(
        &mut self,
        coop: CoopId,
        draft: ProposalDraft,
    ) -> Result<ProposalDto, ApiError> {
        self.propose_nominated(coop, draft, None)
    }

    /// [`Node::propose`], for an election whose candidates a call for nominations gave.
    pub(crate) fn propose_nominated(
        &mut self,
        coop: CoopId,
        draft: ProposalDraft,
        nominated: Option<sangam_model::governance::Nominated>,
    ) -> Result<ProposalDto, ApiError> {
        if draft.closes_at > crate::node::LATEST_TIME {
            return Err(problem(ProblemKey::DeadlineTooLate).into());
        }
        let state = self.state(coop)?;
        let bylaws = state.bylaws.clone().unwrap_or_default();
        let threshold = draft.threshold.unwrap_or(bylaws.voting.threshold);
        if threshold.den == 0 || threshold.num == 0 || threshold.num > threshold.den {
            return Err(problem(ProblemKey::BadThreshold)
                .with("num", threshold.num)
                .with("den", threshold.den)
                .into());
        }
        let effect = draft
            .effect
            .map(|effect| -> Result<Effect, ApiError> {
                Ok(match effect {
                    EffectDraft::Admit { member, name } => Effect::Admit(MemberAdmit {
                        member,
                        name: name.trim().to_owned(),
                    }),
                    EffectDraft::Remove { member } => Effect::Remove(MemberRemove {
                        member,
                        reason: String::new(),
                    }),
                    EffectDraft::Admission(admission) => Effect::Bylaws(sangam_model::Bylaws {
                        admission,
                        ..bylaws.clone()
                    }),
                    EffectDraft::Relay(relay) => Effect::Settings(CoopSettings { relay }),
                    EffectDraft::WithdrawListing { listing } => {
                        Effect::WithdrawListing(sangam_model::governance::ListingWithdrawal {
                            listing,
                        })
                    }
                    EffectDraft::Books(change) => Effect::Bylaws(sangam_model::Bylaws {
                        ledger: change.apply(bylaws.ledger.clone(), &state)?,
                        ..bylaws.clone()
                    }),
                })
            })
            .transpose()?;
        let electorate: Vec<PublicKey> = {
            let mut keys: Vec<PublicKey> = state.active_members().map(|m| m.key).collect();
            keys.sort();
            keys
        };
        let options = if draft.method.has_options() {
            draft.options.iter().map(|o| o.trim().to_owned()).collect()
        } else {
            if !draft.options.is_empty() {
                return Err(problem(ProblemKey::NoOptions)
                    .with("method", draft.method.as_str())
                    .into());
            }
            vec![]
        };
        let open = ProposalOpen {
            title: draft.title.trim().to_owned(),
            text: draft.text,
            method: draft.method,
            options,
            seats: draft.seats,
            quorum_pct: draft.quorum_pct.unwrap_or(bylaws.voting.quorum_pct),
            threshold,
            closes_at: draft.closes_at,
            electorate,
            effect,
            revises: None,
            template: draft
                .template
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            nominated,
        };
        let id = self.write_returning(coop, Body::ProposalOpen(open))?;
        self.proposal_show(coop, id)
    }

    /// A proposal with its tally and this member's latest vote.
    pub(crate) fn proposal_show(
        &mut self,
        coop: CoopId,
        id: RecordId,
    ) -> Result<ProposalDto, ApiError> {
        let me = self.member()?.0.public();
        let state = self.state(coop)?;
        let fold = self.replica(coop)?.fold();
        let (placed, open, tally) = proposal_in(fold, id)?;
        let my_vote = fold.latest_ballot(&id, &me).map(|(_, b)| b.choice.clone());
        let voters = open
            .electorate
            .iter()
            .map(|member| crate::dto::VoterDto {
                member: member.to_string(),
                name: state.member(member).map(|m| m.name.clone()),
                choice: fold
                    .latest_ballot(&id, member)
                    .map(|(_, b)| b.choice.clone()),
            })
            .collect();
        let name = |k: &PublicKey| {
            state
                .member(k)
                .map_or_else(|| k.short(), |m| m.name.clone())
        };
        let candidates = match &open.nominated {
            None => Vec::new(),
            Some(nominated) => {
                let nominees = fold
                    .call_view(&nominated.call)
                    .map(|v| v.nominees)
                    .unwrap_or_default();
                nominated
                    .candidates
                    .iter()
                    .zip(&open.options)
                    .map(|(key, option)| crate::dto::CandidateDto {
                        option: option.clone(),
                        member: key.to_string(),
                        nominated_by: nominees
                            .iter()
                            .find(|n| n.member == *key)
                            .map(|n| n.by.iter().map(name).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            }
        };
        Ok(ProposalDto {
            id: id.to_string(),
            title: open.title.clone(),
            text: open.text.clone(),
            method: open.method,
            options: open.options.clone(),
            seats: open.seats,
            template: open.template.clone(),
            author: placed.record.author().to_string(),
            opened_at: placed.record.at(),
            electorate: open.electorate.iter().map(|k| k.to_string()).collect(),
            effect: open.effect.as_ref().map(effect_dto),
            revises: open.revises.map(|r| r.to_string()),
            tally: tally_dto(open, tally),
            my_vote,
            voters,
            candidates,
        })
    }

    /// The tally of a proposal.
    /// An STV election's counted ballots as a BLT ballot file, for counting with another
    /// counter: each counted ranking with its weight (1 plus the proxies its voter holds),
    /// abstentions as empty ballots.
    pub(crate) fn election_blt(&mut self, coop: CoopId, id: RecordId) -> Result<String, ApiError> {
        let fold = self.replica(coop)?.fold();
        let (_, open, tally) = proposal_in(fold, id)?;
        let Some(seats) = open.seats.filter(|_| open.method.is_stv()) else {
            return Err(problem(ProblemKey::NotAnElection)
                .with("id", id.short())
                .into());
        };
        let mut held: std::collections::HashMap<PublicKey, u64> = Default::default();
        for grant in &tally.proxies {
            if let Some(Body::ProxyGrant(g)) = fold.get(grant).map(|p| p.record.body()) {
                *held.entry(g.holder).or_default() += 1;
            }
        }
        let mut ballots = Vec::with_capacity(tally.counted.len());
        for ballot in &tally.counted {
            let Some(placed) = fold.get(ballot) else {
                continue;
            };
            let Body::Ballot(b) = placed.record.body() else {
                continue;
            };
            let ranking = match &b.choice {
                Choice::Rank(names) => names
                    .iter()
                    .filter_map(|n| open.options.iter().position(|o| o == n))
                    .collect(),
                _ => Vec::new(),
            };
            let weight = 1 + held.get(&placed.record.author()).copied().unwrap_or(0);
            ballots.push(sangam_count::Ballot { weight, ranking });
        }
        let election = sangam_count::Election {
            title: open.title.clone(),
            candidates: open.options.clone(),
            seats: seats as usize,
            withdrawn: Default::default(),
            ballots,
        };
        sangam_count::blt::write(&election)
            .map_err(|e| problem(ProblemKey::BadBallotFile).with("detail", e).into())
    }

    pub(crate) fn tally(&mut self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        Ok(self.proposal_show(coop, id)?.tally)
    }

    /// One proposal's line in the list and its tally.
    pub(crate) fn read_one(
        &mut self,
        coop: CoopId,
        id: RecordId,
    ) -> Result<(ProposalSummaryDto, TallyDto), ApiError> {
        let state = self.state(coop)?;
        let me = self.member().ok().map(|(key, _)| key.public());
        let fold = self.replica(coop)?.fold();
        let (placed, open, tally) = proposal_in(fold, id)?;
        Ok((
            summary(fold, placed, open, &tally, &state, me.as_ref()),
            tally_dto(open, tally),
        ))
    }

    /// Every proposal of the co-op and its tally, as a window reads them.
    pub(crate) fn read_model(&mut self, coop: CoopId) -> Result<CoopReads, ApiError> {
        let state = self.state(coop)?;
        let me = self.member().ok().map(|(key, _)| key.public());
        let fold = self.replica(coop)?.fold();
        let mut reads = CoopReads::default();
        // One tally per proposal serves both its line and its tally.
        for (placed, open) in fold.proposals().rev() {
            let id = placed.record.id();
            if let Ok(tally) = fold.tally(id) {
                reads
                    .proposals
                    .push(summary(fold, placed, open, &tally, &state, me.as_ref()));
                reads.tallies.insert(id, tally_dto(open, tally));
            }
        }
        Ok(reads)
    }

    fn open_proposal(
        &mut self,
        coop: CoopId,
        id: RecordId,
    ) -> Result<(RecordId, ProposalOpen), ApiError> {
        let fold = self.replica(coop)?.fold();
        let open = fold.proposal(&id).cloned().ok_or_else(|| no_proposal(id))?;
        Ok((id, open))
    }

    /// Casts (or changes) this member's vote.
    pub(crate) fn vote(
        &mut self,
        coop: CoopId,
        id: RecordId,
        choice: Choice,
    ) -> Result<TallyDto, ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, open) = node.open_proposal(coop, id)?;
            choice
                .check(open.method, &open.options, open.seats)
                .map_err(|e| {
                    let said = if open.options.is_empty() {
                        problem(ProblemKey::BadField)
                    } else {
                        problem(ProblemKey::BadChoice).with("options", open.options.join(", "))
                    };
                    ApiError::from(said.with("detail", e))
                })?;
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
            node.tally(coop, proposal)
        })
    }

    /// Gives this member's proxy on one proposal to another member.
    pub(crate) fn proxy(
        &mut self,
        coop: CoopId,
        id: RecordId,
        holder: PublicKey,
    ) -> Result<(), ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, _) = node.open_proposal(coop, id)?;
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
    pub(crate) fn proxy_revoke(&mut self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
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
    pub(crate) fn close(&mut self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        // One write unit: what the new record cites is read under the write lock.
        self.write_unit(|node| {
            let (proposal, _) = node.open_proposal(coop, id)?;
            let fold = node.replica(coop)?.fold();
            let tally = fold
                .tally(proposal)
                .map_err(|e| ApiError::from(problem(ProblemKey::NotCounted).with("detail", e)))?;
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
            node.tally(coop, proposal)
        })
    }

    /// Withdraws this member's own proposal before anyone votes.
    pub(crate) fn withdraw(&mut self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
        let (proposal, _) = self.open_proposal(coop, id)?;
        self.write(coop, Body::ProposalWithdraw(ProposalWithdraw { proposal }))
    }
}

/// A valid proposal of the fold, its body and its tally.
fn proposal_in(
    fold: &sangam_model::Fold,
    id: RecordId,
) -> Result<(&sangam_model::fold::Placed, &ProposalOpen, Tally), ApiError> {
    let (placed, open) = match (fold.get(&id), fold.proposal(&id)) {
        (Some(placed), Some(open)) => (placed, open),
        _ => return Err(no_proposal(id)),
    };
    let tally = fold
        .tally(id)
        .map_err(|e| ApiError::from(problem(ProblemKey::NotCounted).with("detail", e)))?;
    Ok((placed, open, tally))
}

fn no_proposal(id: RecordId) -> ApiError {
    problem(ProblemKey::NotAProposal)
        .with("id", id.short())
        .into()
}

/// A proposal's line in a list, for `me` (this home's member, if it has one).
fn summary(
    fold: &sangam_model::Fold,
    placed: &sangam_model::fold::Placed,
    open: &ProposalOpen,
    tally: &Tally,
    state: &sangam_model::CoopState,
    me: Option<&PublicKey>,
) -> ProposalSummaryDto {
    let author = placed.record.author();
    let id = placed.record.id();
    ProposalSummaryDto {
        id: placed.record.id().to_string(),
        title: open.title.clone(),
        method: open.method,
        status: tally.status,
        outcome: (&tally.outcome).into(),
        closes_at: open.closes_at,
        author: author.to_string(),
        author_name: state.member(&author).map(|m| m.name.clone()),
        ballots_counted: tally.ballots_counted,
        electorate_size: tally.electorate_size,
        you_may_vote: me.is_some_and(|me| open.electorate.binary_search(me).is_ok()),
        you_answered: me.is_some_and(|me| fold.has_answered(&id, me)),
    }
}

// Governance, as the handle offers it.
impl Home {
    /// Opens a proposal to the current members.
    pub fn propose(&self, coop: CoopId, draft: ProposalDraft) -> Result<ProposalDto, ApiError> {
        self.node().propose(coop, draft)
    }

    /// Proposals, newest first, as of the last commit (after the first read of a co-op,
    /// this never waits for a write or a sync in progress).
    pub fn proposals(
        &self,
        coop: CoopId,
        filter: ProposalFilter,
    ) -> Result<Vec<ProposalSummaryDto>, ApiError> {
        let reads = self.reads(coop)?;
        Ok(reads
            .proposals
            .into_iter()
            .filter(|p| match filter {
                ProposalFilter::All => true,
                ProposalFilter::Open => p.status == ProposalStatus::Provisional,
                ProposalFilter::Ended => p.status != ProposalStatus::Provisional,
            })
            .collect())
    }

    /// A proposal with its tally and this member's latest vote.
    pub fn proposal(&self, coop: CoopId, id: RecordId) -> Result<ProposalDto, ApiError> {
        self.node().proposal_show(coop, id)
    }

    /// An STV election's counted ballots as a BLT ballot file (sangam-count's `blt`).
    pub fn election_blt(&self, coop: CoopId, id: RecordId) -> Result<String, ApiError> {
        self.node().election_blt(coop, id)
    }

    /// A proposal's tally: provisional until closed (read as [`Home::proposals`] is).
    pub fn tally(&self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        match self.reads(coop)?.tallies.remove(&id) {
            Some(tally) => Ok(tally),
            None => self.node().tally(coop, id),
        }
    }

    /// Casts (or changes) this member's vote; returns the new tally.
    pub fn vote(&self, coop: CoopId, id: RecordId, choice: Choice) -> Result<TallyDto, ApiError> {
        self.node().vote(coop, id, choice)
    }

    /// Gives this member's proxy on one proposal to another member.
    pub fn proxy(&self, coop: CoopId, id: RecordId, holder: PublicKey) -> Result<(), ApiError> {
        self.node().proxy(coop, id, holder)
    }

    /// Takes back this member's proxy on one proposal.
    pub fn proxy_revoke(&self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
        self.node().proxy_revoke(coop, id)
    }

    /// Closes a proposal, naming the ballots and proxies this home has seen.
    pub fn close(&self, coop: CoopId, id: RecordId) -> Result<TallyDto, ApiError> {
        self.node().close(coop, id)
    }

    /// Withdraws this member's own proposal before anyone votes.
    pub fn withdraw(&self, coop: CoopId, id: RecordId) -> Result<(), ApiError> {
        self.node().withdraw(coop, id)
    }
}
