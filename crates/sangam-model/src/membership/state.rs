//! The co-op's state as every peer with the same records sees it: the final authority
//! view with each member's latest profile and the latest settings, and the questions
//! about members and devices that callers ask of the fold.

use std::collections::BTreeMap;

use super::body::{Bylaws, Genesis};
use super::view::Standing;
use crate::context::Context;
use crate::fold::{Fold, Refusal, Scope};
use crate::id::{CoopId, RecordId, Timestamp};
use crate::keys::PublicKey;
use crate::kinds::Body;

/// A member of the co-op, with their latest profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Member key.
    pub key: PublicKey,
    /// Display name (latest update).
    pub name: String,
    /// Contact line, if given.
    pub contact: Option<String>,
    /// Current standing.
    pub standing: Standing,
    /// The admitting record.
    pub admitted_by: RecordId,
    /// When, as claimed by the admitting record.
    pub admitted_at: Timestamp,
}

/// A device bound to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Device key.
    pub key: PublicKey,
    /// Its member.
    pub member: PublicKey,
    /// Its label.
    pub name: String,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// The co-op as every peer with the same records sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoopState {
    /// Co-op id.
    pub coop: CoopId,
    /// The genesis body, once known.
    pub genesis: Option<Genesis>,
    /// The bylaws in force: the genesis's, or the latest amendment a passed proposal made.
    pub bylaws: Option<Bylaws>,
    /// Everyone ever admitted, by key.
    pub members: Vec<Member>,
    /// Every bound device.
    pub devices: Vec<Device>,
    /// Records voided by concurrent ones.
    pub void: BTreeMap<RecordId, Refusal>,
    /// The co-op's own relay, if its settings name one (else n0's public relays).
    pub relay: Option<String>,
}

impl CoopState {
    /// Current members only.
    pub fn active_members(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|m| m.standing == Standing::Active)
    }

    /// A member by key.
    pub fn member(&self, key: &PublicKey) -> Option<&Member> {
        self.members.iter().find(|m| m.key == *key)
    }
}

impl Fold {
    /// The co-op's state from every placed record.
    pub fn state(&self) -> CoopState {
        let view = self.final_view();
        let index = &self.index.membership;
        let mut members: BTreeMap<PublicKey, Member> = view
            .members
            .iter()
            .map(|(key, entry)| {
                let member = Member {
                    key: *key,
                    name: entry.admitted_name.clone(),
                    contact: None,
                    standing: entry.standing,
                    admitted_by: entry.admitted_by,
                    admitted_at: entry.admitted_at,
                };
                (*key, member)
            })
            .collect();
        // Profile updates: the last valid one in fold order wins, per field (kept up to
        // date as records are placed, so this is no scan of every record).
        for (author, profile) in &index.profiles {
            if let Some(member) = members.get_mut(author) {
                if let Some((_, name)) = &profile.name {
                    member.name = name.clone();
                }
                if let Some((_, contact)) = &profile.contact {
                    member.contact = Some(contact.clone());
                }
            }
        }
        let mut devices: Vec<Device> = view
            .devices
            .iter()
            .map(|(key, d)| Device {
                key: *key,
                member: d.member,
                name: d.name.clone(),
                revoked: d.revoked,
            })
            .collect();
        devices.sort_by_key(|d| (d.member, d.key));
        let genesis = view.genesis.as_deref().and_then(|g| match g.body() {
            Body::CoopGenesis(body) => Some(body.clone()),
            _ => None,
        });
        CoopState {
            coop: self.coop(),
            genesis,
            bylaws: view.bylaws.clone(),
            members: members.into_values().collect(),
            devices,
            void: view.void.clone(),
            relay: view.relay.clone().flatten(),
        }
    }

    /// The verdict on a placed record in the final state: refused where written, voided
    /// by a concurrent record, or counted.
    pub fn standing_of(&self, id: &RecordId, state: &CoopState) -> Option<Result<(), Refusal>> {
        let placed = self.get(id)?;
        Some(match (&placed.verdict, state.void.get(id)) {
            (Err(e), _) | (Ok(()), Some(e)) => Err(e.clone()),
            (Ok(()), None) => Ok(()),
        })
    }

    /// The bylaws in force where `record` was written.
    pub fn bylaws_at(&self, record: &RecordId) -> Bylaws {
        let context = self
            .get(record)
            .map(|p| Context::join([&p.context], [*record]));
        let context = context.unwrap_or_default();
        Scope {
            fold: self,
            context: &context,
            earlier: &[],
        }
        .bylaws()
        .unwrap_or_default()
    }

    /// The member an active device acts for now (after every authority record placed):
    /// the view [`Fold::state`] shows, read without building the whole state.
    pub fn active_device_now(&self, device: &PublicKey) -> Option<PublicKey> {
        self.final_view().active_device(device)
    }

    /// The member a device is bound to now, revoked or not (as in [`CoopState::devices`]).
    pub fn device_member_now(&self, device: &PublicKey) -> Option<PublicKey> {
        self.final_view().devices.get(device).map(|d| d.member)
    }

    /// The member an active device acts for in `context`, counting `earlier` records not
    /// yet inserted (the records of a change being admitted).
    pub fn active_device(
        &self,
        context: &Context,
        earlier: &[crate::fold::Placed],
        device: &PublicKey,
    ) -> Option<PublicKey> {
        Scope {
            fold: self,
            context,
            earlier,
        }
        .active_device(device)
    }
}
