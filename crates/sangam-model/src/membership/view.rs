//! The authority view: who is a member, which devices act for whom, and the bylaws in
//! force, as of one set of authority records (a context, or all of them). Records of
//! every area are judged against it; the fold builds and caches it, and each kind's
//! rules say what it does to it.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::body::Bylaws;
use crate::fold::Refusal;
use crate::id::{RecordId, Timestamp};
use crate::keys::PublicKey;
use crate::record::Record;

/// A member's standing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A current member.
    Active,
    /// Left the co-op.
    Left,
    /// Removed from the co-op.
    Removed,
}

/// A member as the authority view sees them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberEntry {
    /// Their standing.
    pub standing: Standing,
    /// The name they were admitted with.
    pub admitted_name: String,
    /// The record that admitted them (the genesis for the founder, the close of the
    /// proposal for an admission by vote).
    pub admitted_by: RecordId,
    /// Claimed time of that record.
    pub admitted_at: Timestamp,
}

/// A device bound to a member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceEntry {
    /// Whose device.
    pub member: PublicKey,
    /// Its label.
    pub name: String,
    /// Whether its member revoked it.
    pub revoked: bool,
}

/// Who may act, as of one causal context.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The genesis record, once in the context.
    pub genesis: Option<Arc<Record>>,
    /// The bylaws in force: the genesis's, or the latest amendment passed.
    pub bylaws: Option<Bylaws>,
    /// Members by key.
    pub members: HashMap<PublicKey, MemberEntry>,
    /// Devices by key.
    pub devices: HashMap<PublicKey, DeviceEntry>,
    /// Records that were valid where written but voided here, with why.
    pub void: BTreeMap<RecordId, Refusal>,
    /// The co-op's relay as the latest passed settings effect set it (`Some(None)`: n0's
    /// public relays); `None` while no proposal has set it.
    pub relay: Option<Option<String>>,
}

impl View {
    /// Whether `member` is a current member.
    pub fn is_active(&self, member: &PublicKey) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.standing == Standing::Active)
    }

    /// The member an active device acts for, if the device is bound, not revoked, and its
    /// member is current.
    pub fn active_device(&self, device: &PublicKey) -> Option<PublicKey> {
        let entry = self.devices.get(device)?;
        (!entry.revoked && self.is_active(&entry.member)).then_some(entry.member)
    }

    /// The current members, ascending by key.
    pub fn active_members(&self) -> Vec<PublicKey> {
        let mut keys: Vec<PublicKey> = self
            .members
            .iter()
            .filter(|(_, m)| m.standing == Standing::Active)
            .map(|(k, _)| *k)
            .collect();
        keys.sort();
        keys
    }

    pub(crate) fn active_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.standing == Standing::Active)
            .count()
    }

    /// Admits `member` by the record `by` (a `member.admit`, or the close of a passed
    /// proposal); void if a record ordered before it admitted the key.
    pub(crate) fn admit(
        &mut self,
        member: PublicKey,
        name: &str,
        by: &Record,
    ) -> Option<&'static str> {
        match self.members.entry(member) {
            Entry::Occupied(_) => Some("the member was admitted by a concurrent record"),
            Entry::Vacant(slot) => {
                slot.insert(MemberEntry {
                    standing: Standing::Active,
                    admitted_name: name.to_owned(),
                    admitted_by: by.id(),
                    admitted_at: by.at(),
                });
                None
            }
        }
    }

    /// Removes `member`; void if they already left or were removed, or are the last
    /// current member (a co-op never has no members).
    pub(crate) fn remove(&mut self, member: PublicKey) -> Option<&'static str> {
        if !self.is_active(&member) {
            Some("the member had already left or been removed")
        } else if self.active_count() == 1 {
            Some("the last member cannot be removed")
        } else {
            self.set_standing(member, Standing::Removed);
            None
        }
    }

    pub(crate) fn set_standing(&mut self, member: PublicKey, standing: Standing) {
        if let Some(entry) = self.members.get_mut(&member) {
            entry.standing = standing;
        }
    }
}
