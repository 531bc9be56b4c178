//! The authority view: who is a member, which devices act for whom, and the bylaws in
//! force, after applying a set of valid authority records in fold order (depth, id).
//! Conflicts between concurrent records are settled here, by that order.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::{Fold, Placed, Refusal, Standing};
use crate::body::{Body, Bylaws, Effect};
use crate::governance::Outcome;
use crate::keys::PublicKey;
use crate::record::{Record, RecordId, Timestamp};

/// A member as the authority view sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Proposals whose effect has been considered (at their first close).
    decided: HashSet<RecordId>,
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

    /// Applies a record that was valid where written. Conflicts with records ordered
    /// before it (concurrent ones) void it instead; the rules are in docs/protocol.md.
    fn apply(&mut self, fold: &Fold, placed: &Placed, closes: &HashMap<RecordId, Vec<&Placed>>) {
        let record = &placed.record;
        let author = record.author();
        let void = match record.body() {
            Body::CoopGenesis(g) => {
                self.genesis = Some(record.clone());
                self.bylaws = Some(g.bylaws);
                self.members.insert(
                    author,
                    MemberEntry {
                        standing: Standing::Active,
                        admitted_name: g.founder_name.clone(),
                        admitted_by: record.id(),
                        admitted_at: record.at(),
                    },
                );
                self.devices.insert(
                    g.device,
                    DeviceEntry {
                        member: author,
                        name: "founding device".into(),
                        revoked: false,
                    },
                );
                None
            }
            Body::MemberAdmit(admit) => self.admit(admit.member, &admit.name, record),
            Body::MemberLeave(_) => {
                if !self.is_active(&author) {
                    Some("the member had already left or been removed")
                } else if self.active_count() == 1 {
                    Some("the last member cannot leave")
                } else {
                    self.set_standing(author, Standing::Left);
                    None
                }
            }
            Body::MemberRemove(remove) => {
                if !self.is_active(&author) {
                    Some("the remover was removed by a concurrent record ordered first")
                } else {
                    self.remove(remove.member)
                }
            }
            Body::DeviceAdd(add) => match self.devices.entry(add.device) {
                Entry::Occupied(_) => Some("the device was bound by a concurrent record"),
                Entry::Vacant(slot) => {
                    slot.insert(DeviceEntry {
                        member: author,
                        name: add.name.clone(),
                        revoked: false,
                    });
                    None
                }
            },
            Body::DeviceRevoke(revoke) => {
                if let Some(device) = self
                    .devices
                    .get_mut(&revoke.device)
                    .filter(|d| d.member == author)
                {
                    device.revoked = true;
                }
                None
            }
            Body::ProposalClose(close) => self.decide(fold, close.proposal, record, closes),
            _ => None,
        };
        if let Some(why) = void {
            self.void.insert(record.id(), Refusal::Void(why));
        }
    }

    /// At a proposal's first close in this view: if it passed, its effect happens here.
    fn decide(
        &mut self,
        fold: &Fold,
        proposal: RecordId,
        close: &Record,
        closes: &HashMap<RecordId, Vec<&Placed>>,
    ) -> Option<&'static str> {
        if !self.decided.insert(proposal) {
            return None;
        }
        let Some(Body::ProposalOpen(open)) = fold.get(&proposal).map(|p| p.record.body()) else {
            return None;
        };
        let Some(effect) = &open.effect else {
            return None;
        };
        let named = closes.get(&proposal).map(Vec::as_slice).unwrap_or_default();
        let passed = fold
            .tally_with_closes(proposal, named)
            .is_ok_and(|t| t.outcome == Outcome::Passed);
        if !passed {
            return None;
        }
        match effect {
            Effect::Admit(admit) => self.admit(admit.member, &admit.name, close),
            Effect::Remove(remove) => self.remove(remove.member),
            Effect::Bylaws(bylaws) => {
                self.bylaws = Some(*bylaws);
                None
            }
        }
    }

    fn admit(&mut self, member: PublicKey, name: &str, by: &Record) -> Option<&'static str> {
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

    fn remove(&mut self, member: PublicKey) -> Option<&'static str> {
        if !self.is_active(&member) {
            Some("the member had already left or been removed")
        } else if self.active_count() == 1 {
            Some("the last member cannot be removed")
        } else {
            self.set_standing(member, Standing::Removed);
            None
        }
    }

    fn set_standing(&mut self, member: PublicKey, standing: Standing) {
        if let Some(entry) = self.members.get_mut(&member) {
            entry.standing = standing;
        }
    }
}

/// Applies the valid records among `records` in fold order.
pub(crate) fn build_view<'a>(fold: &Fold, records: impl Iterator<Item = &'a Placed>) -> View {
    let mut valid: Vec<&Placed> = records.filter(|p| p.verdict.is_ok()).collect();
    valid.sort_by_key(|p| (p.depth, p.record.id()));
    // Every close in the set counts towards its proposal's result, whichever comes first.
    let mut closes: HashMap<RecordId, Vec<&Placed>> = HashMap::new();
    for placed in &valid {
        if let Body::ProposalClose(close) = placed.record.body() {
            closes.entry(close.proposal).or_default().push(placed);
        }
    }
    let mut view = View::default();
    for placed in &valid {
        view.apply(fold, placed, &closes);
    }
    view
}
