//! Membership's indexes in the fold: which records can change a key's standing or a
//! device's binding, which can change the bylaws, and each member's latest profile.
//! Judging a record then reads the few records about its author,
//! never every record.

use std::collections::HashMap;

use crate::id::RecordId;
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::record::Record;

/// Where in fold order (depth, id) a value was set: the latest wins.
pub(crate) type Order = (u64, RecordId);

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Index {
    /// Records that can change a member key's standing: its admission, leave or removal,
    /// and closes of proposals whose effect admits or removes it.
    pub(crate) by_member: HashMap<PublicKey, Vec<RecordId>>,
    /// Records that bind or revoke a device key.
    pub(crate) by_device: HashMap<PublicKey, Vec<RecordId>>,
    /// Closes of proposals that would amend the bylaws.
    pub(crate) amendments: Vec<RecordId>,
    /// Each author's latest valid name and contact.
    pub(crate) profiles: HashMap<PublicKey, Profile>,
}

/// A member's latest profile fields, each with the fold order of the record that set it.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Profile {
    pub(crate) name: Option<(Order, String)>,
    pub(crate) contact: Option<(Order, String)>,
}

impl Index {
    /// Notes a membership authority record under the member and device keys it is about.
    pub(crate) fn note(&mut self, record: &Record) {
        for member in about_member(record) {
            self.by_member.entry(member).or_default().push(record.id());
        }
        if let Some(device) = about_device(record) {
            self.by_device.entry(device).or_default().push(record.id());
        }
    }

    /// Notes a close whose proposal, if passed, admits or removes `member`.
    pub(crate) fn note_effect_on(&mut self, member: PublicKey, close: RecordId) {
        self.by_member.entry(member).or_default().push(close);
    }

    /// Notes a close whose proposal, if passed, amends the bylaws.
    pub(crate) fn note_amendment(&mut self, close: RecordId) {
        self.amendments.push(close);
    }
}

/// The member keys whose standing a record can change by itself (a close's effect is
/// noted by governance, which knows the proposal).
pub(crate) fn about_member(record: &Record) -> Vec<PublicKey> {
    match record.body() {
        Body::CoopGenesis(_) | Body::MemberLeave(_) => vec![record.author()],
        Body::MemberAdmit(a) => vec![a.member],
        Body::MemberRemove(r) => vec![r.member],
        _ => vec![],
    }
}

/// The device key a record binds or revokes.
pub(crate) fn about_device(record: &Record) -> Option<PublicKey> {
    match record.body() {
        Body::CoopGenesis(g) => Some(g.device),
        Body::DeviceAdd(d) => Some(d.device),
        Body::DeviceRevoke(d) => Some(d.device),
        _ => None,
    }
}
