//! What a window's forms send: plain typed inputs, read here into the drafts the use cases
//! take. Keys arrive as hex text and are checked here, so every front end gets the same
//! words for the same mistake.

use serde::Deserialize;

use sangam_model::PublicKey;
use sangam_model::body::{Admission, Fraction, Method};

use crate::ApiError;
use crate::governance::{BooksChange, EffectDraft, ProposalDraft};
use crate::problem::{ProblemKey, Thing, problem};

/// A new co-op: its name, currency and founding bylaws.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct CoopForm {
    /// Name.
    pub name: String,
    /// Default currency (ISO code, e.g. `INR`).
    pub currency: String,
    /// Who admits newcomers.
    pub admission: Admission,
    /// Default quorum, percent of the members.
    pub quorum_pct: u8,
    /// Default threshold: share of yes among yes + no needed to pass.
    pub threshold: Fraction,
}

/// A new proposal as a form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct ProposalForm {
    /// Short title.
    pub title: String,
    /// The full text members vote on.
    pub text: String,
    /// How it is decided.
    pub method: Method,
    /// The options, for the methods that choose among options (empty otherwise); an
    /// election's candidates.
    pub options: Vec<String>,
    /// An election's seats (STV; approval for k seats); none for other proposals.
    #[serde(default)]
    #[ts(optional)]
    pub seats: Option<u32>,
    /// The template it was written from (a starter's id); none for a blank proposal.
    #[serde(default)]
    #[ts(optional)]
    pub template: Option<String>,
    /// Quorum, percent; the bylaws' when absent.
    pub quorum_pct: Option<u8>,
    /// Threshold; the bylaws' when absent.
    pub threshold: Option<Fraction>,
    /// Deadline, ms since the epoch.
    pub closes_at: i64,
    /// What passing does, if anything.
    pub effect: Option<EffectForm>,
}

/// What a passed proposal does, as a form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EffectForm {
    /// Admits a newcomer's member key under a name.
    Admit {
        /// The newcomer's member key (hex).
        member: String,
        /// The name they go by.
        name: String,
    },
    /// Removes a member.
    Remove {
        /// The member's key (hex).
        member: String,
    },
    /// Changes who admits newcomers.
    Admission {
        /// The new rule.
        admission: Admission,
    },
    /// Withdraws a marketplace listing (moderation).
    WithdrawListing {
        /// The listing's id (hex).
        listing: String,
    },
    /// Names who keeps the books; none named: any member.
    Treasurers {
        /// Their member keys (hex).
        members: Vec<String>,
    },
    /// The most an entry may move in a commodity without a vote.
    ApprovalOver {
        /// The amount as typed ("500"); empty lifts the limit.
        amount: String,
        /// The commodity ("EUR").
        commodity: String,
    },
    /// The surplus' shares set aside before patronage.
    Funds {
        /// For the reserve, percent.
        reserve_pct: u8,
        /// For the education fund, percent.
        education_pct: u8,
    },
}

/// A member or device key typed or pasted into a form, for `what`.
pub fn key_from_text(text: &str, what: Thing) -> Result<PublicKey, ApiError> {
    text.trim().parse().map_err(|_| {
        problem(ProblemKey::NotAKey)
            .about(what)
            .with("text", text.trim())
            .into()
    })
}

impl TryFrom<ProposalForm> for ProposalDraft {
    type Error = ApiError;

    /// With amounts read with a decimal point.
    fn try_from(form: ProposalForm) -> Result<Self, ApiError> {
        ProposalDraft::from_form(form, crate::DecimalMark::Point)
    }
}

impl ProposalDraft {
    /// The draft a form describes, its amounts read with `mark` (the co-op's on this
    /// laptop: [`crate::Home::propose_form`]).
    pub fn from_form(form: ProposalForm, mark: crate::DecimalMark) -> Result<Self, ApiError> {
        let effect = match form.effect {
            None => None,
            Some(EffectForm::Admit { member, name }) => Some(EffectDraft::Admit {
                member: key_from_text(&member, Thing::NewcomerKey)?,
                name,
            }),
            Some(EffectForm::Remove { member }) => Some(EffectDraft::Remove {
                member: key_from_text(&member, Thing::MemberToRemove)?,
            }),
            Some(EffectForm::Admission { admission }) => Some(EffectDraft::Admission(admission)),
            Some(EffectForm::WithdrawListing { listing }) => Some(EffectDraft::WithdrawListing {
                listing: listing
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::from(problem(ProblemKey::NotAListingId)))?,
            }),
            Some(EffectForm::Treasurers { members }) => {
                Some(EffectDraft::Books(BooksChange::Treasurers(
                    members
                        .iter()
                        .map(|m| key_from_text(m, Thing::Treasurer))
                        .collect::<Result<_, _>>()?,
                )))
            }
            Some(EffectForm::ApprovalOver { amount, commodity }) => {
                let commodity = commodity.trim().to_ascii_uppercase();
                let limit = match amount.trim() {
                    "" => None,
                    a => Some(
                        crate::money::parse_money_marked(&format!("{a} {commodity}"), None, mark)?
                            .0,
                    ),
                };
                Some(EffectDraft::Books(BooksChange::ApprovalOver {
                    commodity,
                    limit,
                }))
            }
            Some(EffectForm::Funds {
                reserve_pct,
                education_pct,
            }) => Some(EffectDraft::Books(BooksChange::Funds {
                reserve_pct,
                education_pct,
            })),
        };
        // Blank option lines (a trailing newline in a textarea) are not options.
        let options = form
            .options
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect();
        Ok(ProposalDraft {
            title: form.title,
            text: form.text,
            method: form.method,
            options,
            seats: form.seats,
            template: form.template,
            quorum_pct: form.quorum_pct,
            threshold: form.threshold,
            closes_at: form.closes_at,
            effect,
        })
    }
}

impl crate::home::Home {
    /// Opens the proposal a form describes, its amounts read with the co-op's decimal mark
    /// on this laptop.
    pub fn propose_form(
        &self,
        coop: sangam_model::CoopId,
        form: ProposalForm,
    ) -> Result<crate::ProposalDto, ApiError> {
        let mut node = self.node();
        let mark = node.decimal_mark(coop)?;
        node.propose(coop, ProposalDraft::from_form(form, mark)?)
    }
}
