//! Every record body and its field rules, under the one path callers have always used.
//!
//! Bodies belong to their areas ([`crate::membership`], [`crate::governance`]) and kinds
//! are registered in one table (`crate::kinds`); this module only gathers them.

pub use crate::field::{FieldError, Fields, MAX_NAME_CHARS, MAX_TEXT_CHARS, check_name};
pub use crate::governance::{
    Ballot, Choice, ChoiceError, Effect, GovernanceFieldError, MAX_OPTIONS, MAX_PROPOSAL_CHARS,
    Method, Nominated, Nomination, NominationAnswer, NominationCall, NominationReply,
    ProposalClose, ProposalOpen, ProposalWithdraw, ProxyGrant, ProxyRevoke, RESERVED_OPTIONS,
    TemplateAdd, Vote,
};
pub use crate::kinds::{Body, BodyError, InvalidBody, Kind};
pub use crate::membership::{
    Admission, Bylaws, CoopSettings, DeviceAdd, DeviceRevoke, Fraction, Genesis, MAX_RELAY_URL,
    MemberAdmit, MemberLeave, MemberRemove, MemberUpdate, MembershipFieldError, VotingDefaults,
    check_currency, check_relay_url,
};
