//! Invites: a member issues a ticket; a newcomer joins with it over `sangam/join/1`.
//!
//! The inviter's home is the authority on an invite: it keeps the SHA-256 of the secret,
//! the expiry and how many uses are left, and decides every request under the node's lock,
//! so two newcomers racing for a last use cannot both get it. What the ticket itself says
//! (its expiry) is only shown to people.

use std::time::Duration;

use sangam_model::body::{MemberAdmit, Method};
use sangam_model::{Admission, Body, CoopId, CoopState, PublicKey, RecordId};
use sangam_net::{Invite, JoinAnswer, JoinOutcome, JoinRequest, Net, NetError, PeerAddr, Purpose};
use sangam_replica::{ChangeHash, RawChange};
use sangam_store::InviteRow;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::error::damaged;
use crate::governance::{EffectDraft, ProposalDraft};
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};

/// The home setting holding the address `sangam serve` listens on, put in invites.
const SERVE_ADDR_SETTING: &str = "serve.addr";

/// How long the members have to vote on a newcomer who asked to join.
const ADMISSION_VOTE: Duration = Duration::from_secs(7 * 24 * 3600);

/// An invite just issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct InviteDto {
    /// The ticket to hand the newcomer.
    pub ticket: String,
    /// The same ticket as a `sangam:` link, which opens the join flow in the newcomer's
    /// window when pasted into a chat or an email and clicked.
    pub link: String,
    /// Co-op id.
    pub coop: String,
    /// Until when it may be used, ms since the epoch.
    pub expires_at: i64,
    /// How many newcomers it may bring in.
    pub uses: u32,
}

/// Where a newcomer stands after asking to join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum JoinStatus {
    /// Admitted: the co-op is in this home.
    Member,
    /// The bylaws put admissions to a vote; it is open.
    Pending,
}

/// What joining did, on the newcomer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct JoinDto {
    /// Co-op id.
    pub coop: String,
    /// A member now (holding the co-op), or waiting on the members' vote.
    pub status: JoinStatus,
    /// The co-op's name, once it is here.
    pub name: Option<String>,
    /// The proposal to admit this member, when pending.
    pub proposal: Option<String>,
    /// Changes received.
    pub received: usize,
}

pub(crate) fn secret_hash(secret: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

/// A failure to reach the other laptop, or its refusal in its own words.
pub(crate) fn net_failed(e: NetError) -> ApiError {
    match e {
        NetError::Refused(reason) => problem(ProblemKey::PeerRefused).with("detail", reason),
        other => problem(ProblemKey::NetworkFailed).with("detail", other),
    }
    .into()
}

fn is_active(state: &CoopState, member: &PublicKey) -> bool {
    state.active_members().any(|m| m.key == *member)
}

fn refused(reason: impl Into<String>) -> Result<JoinAnswer, ApiError> {
    Ok(JoinAnswer::Refused {
        reason: reason.into(),
    })
}

impl Node {
    /// Remembers the address a running `sangam serve` listens on; invites carry it.
    pub(crate) fn record_serve_addr(&self, addr: &PeerAddr) -> Result<(), ApiError> {
        Ok(self
            .store()
            .set_setting(SERVE_ADDR_SETTING, &sangam_net::addr_to_json(addr))?)
    }

    /// The address this home serves at, for a ticket to carry; `not_serving` says why
    /// there is none.
    pub(crate) fn serve_addr(&mut self, not_serving: ProblemKey) -> Result<PeerAddr, ApiError> {
        self.store()
            .setting(SERVE_ADDR_SETTING)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or_else(|| problem(not_serving).into())
    }

    /// Issues an invite to `coop`, good for `uses` newcomers until `expires_in` from now.
    /// The ticket points at this home's `sangam serve`, which must be running when the
    /// newcomer joins.
    pub(crate) fn create_invite(
        &mut self,
        coop: CoopId,
        expires_in: Duration,
        uses: u32,
    ) -> Result<InviteDto, ApiError> {
        if uses == 0 {
            return Err(problem(ProblemKey::InviteNoUses).into());
        }
        if expires_in.is_zero() {
            return Err(problem(ProblemKey::InviteNoTime).into());
        }
        let expires_at = crate::node::time_after(self.now(), expires_in)
            .ok_or_else(|| ApiError::from(problem(ProblemKey::InviteTooLong)))?;
        let (member, _) = self.member()?;
        let state = self.state(coop)?;
        if !is_active(&state, &member.public()) {
            return Err(problem(ProblemKey::InviteByNonMember).into());
        }
        let addr = self.serve_addr(ProblemKey::NotServingInvite)?;
        let now = self.now();
        let secret = self.random_seed();
        let row = InviteRow {
            coop,
            created_at: now,
            expires_at,
            uses,
            used: 0,
        };
        self.store().add_invite(&secret_hash(&secret), &row)?;
        let invite = Invite::new(coop, addr, secret, expires_at, self.device_secret());
        let ticket = invite.to_text();
        Ok(InviteDto {
            link: format!("{}{ticket}", sangam_net::LINK_SCHEME),
            ticket,
            coop: coop.to_string(),
            expires_at,
            uses,
        })
    }

    /// Decides a join request from `device`: welcome (admitting the newcomer when the
    /// bylaws let any member admit), pending (a proposal to admit is opened), or refused.
    pub(crate) fn answer_join(&mut self, request: &JoinRequest, device: &PublicKey) -> JoinAnswer {
        // One write unit: the invite's uses are read, the admission written and the use
        // taken under one lock, so a join beside another write neither races it nor uses
        // up the invite when the admission was not stored.
        self.write_unit(|node| node.decide_join(request, device))
            .unwrap_or_else(|e| JoinAnswer::Refused { reason: e.message })
    }

    fn decide_join(
        &mut self,
        request: &JoinRequest,
        device: &PublicKey,
    ) -> Result<JoinAnswer, ApiError> {
        if !request.is_signed_for(device) {
            return refused("the request is not signed by the member key it names");
        }
        let hash = secret_hash(&request.secret);
        let Some(invite) = self.store().invite(&hash)? else {
            return refused(
                "this laptop issued no such invite (it may have been altered or revoked): ask for a new one",
            );
        };
        if invite.coop != request.coop {
            return refused("this invite is for another co-op");
        }
        let name = request.name.trim();
        sangam_model::body::check_name("name", name)
            .map_err(|e| ApiError::from(problem(ProblemKey::BadField).with("detail", e)))?;
        let state = self.state(request.coop)?;
        let is_member = is_active(&state, &request.member);
        let earlier = self
            .store()
            .invite_joins(&hash)?
            .into_iter()
            .find(|j| j.member == request.member);
        if let Some(earlier) = earlier {
            // The same newcomer coming back: after the vote, or to fetch the co-op again.
            return Ok(match (is_member, earlier.proposal) {
                (true, _) => JoinAnswer::Welcome,
                (false, Some(proposal)) => JoinAnswer::Pending {
                    proposal: proposal.to_string(),
                },
                (false, None) => JoinAnswer::Refused {
                    reason: "you are no longer a member of this co-op".into(),
                },
            });
        }
        let now = self.now();
        if now >= invite.expires_at {
            return refused("this invite has expired: ask the inviter for a new one");
        }
        if invite.used >= invite.uses {
            return refused("this invite has already been used: ask the inviter for a new one");
        }
        let (inviter, _) = self.member()?;
        if !is_active(&state, &inviter.public()) {
            return refused("the inviter is no longer a member of this co-op");
        }
        let bylaws = state.bylaws.unwrap_or_default();
        let proposal = if is_member {
            // A member's new laptop: nothing to admit, only its device to bind.
            None
        } else if bylaws.admission == Admission::AnyMember {
            self.write(
                request.coop,
                Body::MemberAdmit(MemberAdmit {
                    member: request.member,
                    name: name.to_owned(),
                }),
            )?;
            None
        } else {
            let vote = i64::try_from(ADMISSION_VOTE.as_millis()).unwrap_or(i64::MAX);
            let opened = self.propose(
                request.coop,
                ProposalDraft {
                    title: format!("Admit {name}"),
                    text: format!(
                        "{name} asked to join with an invite. Their member key is {}.",
                        request.member
                    ),
                    method: Method::YesNo,
                    options: vec![],
                    seats: None,
                    template: None,
                    quorum_pct: None,
                    threshold: None,
                    closes_at: now.saturating_add(vote),
                    effect: Some(EffectDraft::Admit {
                        member: request.member,
                        name: name.to_owned(),
                    }),
                },
            )?;
            Some(
                opened
                    .id
                    .parse::<RecordId>()
                    .map_err(|_| damaged("a proposal id did not parse"))?,
            )
        };
        let taken =
            self.store_mut()
                .use_invite(&hash, &request.member, device, name, proposal, now)?;
        if !taken {
            // An error, not an answer: the unit then rolls back the admission written above.
            return Err(problem(ProblemKey::InviteUsed).into());
        }
        Ok(match proposal {
            None => JoinAnswer::Welcome,
            Some(p) => JoinAnswer::Pending {
                proposal: p.to_string(),
            },
        })
    }

    /// This home's heads of `coop` and every change of it, each after its deps.
    pub(crate) fn everything(
        &mut self,
        coop: CoopId,
    ) -> Result<(Vec<ChangeHash>, Vec<RawChange>), ApiError> {
        let heads = self.replica(coop)?.heads();
        Ok((heads, self.stored_changes_since(coop, &[])?))
    }

    /// The changes of `coop` a peer whose heads are `heads` lacks.
    pub(crate) fn lacking(
        &mut self,
        coop: CoopId,
        heads: &[ChangeHash],
    ) -> Result<Vec<RawChange>, ApiError> {
        self.stored_changes_since(coop, heads)
    }
}

impl Home {
    /// Issues an invite good for `uses` newcomers until `expires_in` from now. It points at
    /// this home while it serves.
    pub fn create_invite(
        &self,
        coop: CoopId,
        expires_in: std::time::Duration,
        uses: u32,
    ) -> Result<InviteDto, ApiError> {
        self.node().create_invite(coop, expires_in, uses)
    }

    /// Joins a co-op with an invite ticket over `net`, creating this home's identity as
    /// `name` if it has none yet. Returns once the co-op is here (or the admission awaits
    /// a vote).
    pub async fn join_over(
        &self,
        net: &Net,
        ticket: &str,
        name: Option<&str>,
    ) -> Result<JoinDto, ApiError> {
        let invite = Invite::from_text(ticket)
            .map_err(|e| ApiError::from(problem(ProblemKey::BadTicket).with("detail", e)))?;
        if invite.purpose == Purpose::Link {
            return Err(problem(ProblemKey::LinkNotInvite).into());
        }
        if invite.inviter_device() == net.id() {
            return Err(problem(ProblemKey::InviteHere).into());
        }
        let request = {
            let mut node = self.node();
            if node.store().member_key()?.is_none() {
                let name =
                    name.ok_or_else(|| ApiError::from(problem(ProblemKey::NoIdentityNoName)))?;
                node.create_identity(name)?;
            }
            let (member, own_name) = node.member()?;
            JoinRequest::new(
                invite.coop,
                invite.secret,
                &member,
                name.map_or(own_name, |n| n.trim().to_owned()),
                &net.id(),
            )
        };
        let coop = invite.coop;
        let outcome = net.join(&invite, request).await.map_err(net_failed)?;
        Ok(match outcome {
            JoinOutcome::Welcome { received } => JoinDto {
                coop: coop.to_string(),
                status: JoinStatus::Member,
                name: self.node().coop_show(coop).ok().map(|c| c.name),
                proposal: None,
                received,
            },
            JoinOutcome::Pending { proposal } => JoinDto {
                coop: coop.to_string(),
                status: JoinStatus::Pending,
                name: None,
                proposal: Some(proposal),
                received: 0,
            },
        })
    }
}
