//! Membership's rules in the fold: who may admit, remove, leave and bind or revoke
//! devices where a record is written, what each record does to the authority view, and
//! the lookups by member and device that every area's judging relies on
//! (docs/protocol.md "Kinds", "Membership rules").

use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::body::{
    Admission, Bylaws, CoopSettings, DeviceAdd, DeviceRevoke, Genesis, MemberAdmit, MemberLeave,
    MemberRemove, MemberUpdate,
};
use super::index::{Order, about_device, about_member};
use super::view::{DeviceEntry, MemberEntry, Standing, View};
use crate::areas::{Applying, Rules};
use crate::fold::{Fold, Placed, Refusal, Scope};
use crate::keys::PublicKey;
use crate::kinds::Body;
use crate::record::Record;

impl Scope<'_> {
    fn genesis(&self) -> Option<&Genesis> {
        let coop = self.fold.coop();
        if !self.context.contains(&coop) {
            return None;
        }
        match self.placed(&coop)?.record.body() {
            Body::CoopGenesis(g) => Some(g),
            _ => None,
        }
    }

    /// The bylaws in force: the genesis's unless a passed amendment may be in scope.
    pub(crate) fn bylaws(&self) -> Option<Bylaws> {
        let amendments = &self.fold.index.membership.amendments;
        if amendments.iter().any(|id| self.context.contains(id)) {
            return self.full_view().bylaws.clone();
        }
        Some(self.genesis()?.bylaws.clone())
    }

    pub(crate) fn standing(&self, member: &PublicKey) -> Option<Standing> {
        let mut known = false;
        let mut complex = false;
        let index = self.fold.index.membership.by_member.get(member);
        for p in self.valid(index, |r| about_member(r).contains(member)) {
            match p.record.body() {
                Body::CoopGenesis(_) | Body::MemberAdmit(_) => known = true,
                // Exits and vote-decided effects resolve in fold order: ask the full view.
                _ => complex = true,
            }
        }
        match (known, complex) {
            (false, false) => None,
            (true, false) => Some(Standing::Active),
            (_, true) => self.full_view().members.get(member).map(|m| m.standing),
        }
    }

    pub(crate) fn is_active(&self, member: &PublicKey) -> bool {
        self.standing(member) == Some(Standing::Active)
    }

    /// The device's owner in scope (the first valid binding in fold order) and whether
    /// that owner revoked it.
    fn device(&self, device: &PublicKey) -> Option<(PublicKey, bool)> {
        let index = self.fold.index.membership.by_device.get(device);
        let records: Vec<&Placed> = self
            .valid(index, |r| about_device(r) == Some(*device))
            .collect();
        let owner = records
            .iter()
            .filter(|p| matches!(p.record.body(), Body::CoopGenesis(_) | Body::DeviceAdd(_)))
            .min_by_key(|p| (p.depth, p.record.id()))?
            .record
            .author();
        let revoked = records.iter().any(|p| {
            matches!(p.record.body(), Body::DeviceRevoke(_)) && p.record.author() == owner
        });
        Some((owner, revoked))
    }

    pub(crate) fn active_device(&self, device: &PublicKey) -> Option<PublicKey> {
        let (owner, revoked) = self.device(device)?;
        (!revoked && self.is_active(&owner)).then_some(owner)
    }
}

/// Where a valid record stands in fold order.
fn order(placed: &Placed) -> Option<Order> {
    placed
        .verdict
        .is_ok()
        .then(|| (placed.depth, placed.record.id()))
}

impl Rules for Genesis {
    fn moves_members(&self) -> bool {
        true
    }

    // Steps 1 and 2 of judging where written decide a genesis; it has no rule of its own.

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        let author = record.author();
        view.genesis = Some(record.clone());
        view.bylaws = Some(self.bylaws.clone());
        view.members.insert(
            author,
            MemberEntry {
                standing: Standing::Active,
                admitted_name: self.founder_name.clone(),
                admitted_by: record.id(),
                admitted_at: record.at(),
            },
        );
        view.devices.insert(
            self.device,
            DeviceEntry {
                member: author,
                name: "founding device".into(),
                revoked: false,
            },
        );
        None
    }
}

impl Rules for MemberAdmit {
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, _: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        if bylaws.admission == Admission::Proposal {
            return Err(Refusal::NeedsProposal("admit a member".into()));
        }
        match scope.standing(&self.member) {
            Some(Standing::Active) => Err(Refusal::AlreadyMember(self.member.short())),
            Some(_) => Err(Refusal::AlreadyKnown(self.member.short())),
            None => Ok(()),
        }
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        view.admit(self.member, &self.name, record)
    }
}

impl Rules for MemberLeave {
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, _: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        if scope.full_view().active_count() <= 1 {
            return Err(Refusal::LastMember);
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        let author = record.author();
        if !view.is_active(&author) {
            Some("the member had already left or been removed")
        } else if view.active_count() == 1 {
            Some("the last member cannot leave")
        } else {
            view.set_standing(author, Standing::Left);
            None
        }
    }
}

impl Rules for MemberRemove {
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, bylaws: &Bylaws) -> Result<(), Refusal> {
        if bylaws.admission == Admission::Proposal {
            return Err(Refusal::NeedsProposal("remove a member".into()));
        }
        if self.member == record.author() {
            return Err(Refusal::RemoveSelf);
        }
        if !scope.is_active(&self.member) {
            return Err(Refusal::TargetNotMember(self.member.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        if !view.is_active(&record.author()) {
            Some("the remover was removed by a concurrent record ordered first")
        } else {
            view.remove(self.member)
        }
    }
}

impl Rules for MemberUpdate {
    fn moves_members(&self) -> bool {
        true
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        let Some(order) = order(placed) else {
            return;
        };
        let profiles = &mut fold.index.membership.profiles;
        let profile = profiles.entry(placed.record.author()).or_default();
        let newer = |slot: &Option<(Order, String)>| slot.as_ref().is_none_or(|(o, _)| *o < order);
        if let Some(name) = &self.name
            && newer(&profile.name)
        {
            profile.name = Some((order, name.clone()));
        }
        if let Some(contact) = &self.contact
            && newer(&profile.contact)
        {
            profile.contact = Some((order, contact.clone()));
        }
    }
}

impl Rules for DeviceAdd {
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, _: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        if scope.device(&self.device).is_some() {
            return Err(Refusal::DeviceTaken(self.device.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        match view.devices.entry(self.device) {
            Entry::Occupied(_) => Some("the device was bound by a concurrent record"),
            Entry::Vacant(slot) => {
                slot.insert(DeviceEntry {
                    member: record.author(),
                    name: self.name.clone(),
                    revoked: false,
                });
                None
            }
        }
    }
}

impl Rules for DeviceRevoke {
    fn moves_members(&self) -> bool {
        true
    }

    fn judge(&self, record: &Record, scope: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        if scope.device(&self.device) != Some((record.author(), false)) {
            return Err(Refusal::NotOwnDevice(self.device.short()));
        }
        Ok(())
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        fold.index.membership.note(&placed.record);
    }

    fn apply(
        &self,
        record: &Arc<Record>,
        view: &mut View,
        _: &mut Applying<'_>,
    ) -> Option<&'static str> {
        // Never void: revoking a device someone else owns in this view changes nothing.
        if let Some(device) = view
            .devices
            .get_mut(&self.device)
            .filter(|d| d.member == record.author())
        {
            device.revoked = true;
        }
        None
    }
}

/// The co-op's relay moves every laptop's traffic, so no member sets it alone: it is a
/// passed proposal's settings effect. A `coop.settings` record is refused where written.
impl Rules for CoopSettings {
    fn judge(&self, _: &Record, _: &Scope<'_>, _: &Bylaws) -> Result<(), Refusal> {
        Err(Refusal::SettingsByProposal)
    }
}
