//! Membership: who is in the co-op, with which devices, under which bylaws
//! (docs/protocol.md "Kinds" and "Membership rules").
//!
//! This area owns the genesis, `member.*`, `device.*` and `coop.settings` kinds: their
//! bodies and field rules (`body`), their rules where written and their effect on
//! the authority view (`rules`), the fold's indexes by member and by device and of
//! profiles and settings (`index`), the authority view itself (`view`), which every
//! area's records are judged against, and the co-op's state built from it (`state`).
//!
//! It depends on the core (ids, keys, records, the fold machinery) and on no other area;
//! governance depends on it, since a passed proposal admits, removes or amends the
//! bylaws through it.

mod body;
mod index;
mod rules;
mod state;
mod view;

pub use crate::field::{CurrencyError, check_currency};
pub(crate) use body::check_usable;
pub use body::{
    Admission, Bylaws, CoopSettings, DeviceAdd, DeviceRevoke, Fraction, Genesis, MAX_RELAY_URL,
    MemberAdmit, MemberLeave, MemberRemove, MemberUpdate, MembershipFieldError, VotingDefaults,
    check_relay_url,
};
pub(crate) use index::Index;
pub use state::{CoopState, Device, Member};
pub use view::{DeviceEntry, MemberEntry, Standing, View};
