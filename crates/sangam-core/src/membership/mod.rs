//! Membership use cases: the identity, founding and showing a co-op, members, devices,
//! and the record log.

use sangam_model::body::{Genesis, MemberAdmit, MemberLeave, MemberRemove, MemberUpdate};
use sangam_model::{Body, Bylaws, CoopId, CoopState, PublicKey, SecretKey, Standing};
use sangam_replica::Replica;

use crate::dto::*;
use crate::events::Origin;
pub(crate) mod projection;

pub(crate) use projection::{DeviceRead, coop_reads, device_reads, json};

use crate::ApiError;
use crate::error::damaged;
use crate::forms::CoopForm;
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};

impl Node {
    /// Creates this home's member identity.
    pub(crate) fn create_identity(&mut self, name: &str) -> Result<IdentityDto, ApiError> {
        self.create_identity_from(SecretKey::from_seed(self.random_seed()), name)
    }

    /// Sets this home's member identity to `key` (a new one, or one restored).
    pub(crate) fn create_identity_from(
        &mut self,
        key: SecretKey,
        name: &str,
    ) -> Result<IdentityDto, ApiError> {
        sangam_model::body::check_name("name", name.trim())
            .map_err(|e| ApiError::from(problem(ProblemKey::BadField).with("detail", e)))?;
        if self.store.member_key()?.is_some() {
            return Err(problem(ProblemKey::IdentityExists).into());
        }
        self.store
            .set_member_key(&key, name.trim(), self.clock.now())?;
        self.identity()
    }

    /// This home's identity.
    pub(crate) fn identity(&self) -> Result<IdentityDto, ApiError> {
        let (key, name) = self.member()?;
        Ok(IdentityDto {
            member: key.public().to_string(),
            name,
            device: self.device.public().to_string(),
        })
    }

    pub(crate) fn member(&self) -> Result<(SecretKey, String), ApiError> {
        self.store
            .member_key()?
            .map(|m| (m.key, m.name))
            .ok_or_else(|| problem(ProblemKey::NoIdentity).into())
    }

    /// Founds a co-op with this home's member as its first member.
    pub(crate) fn create_coop(
        &mut self,
        name: &str,
        currency: &str,
        bylaws: Bylaws,
    ) -> Result<CoopDto, ApiError> {
        let (member, founder_name) = self.member()?;
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&self.random_seed()[..16]);
        let genesis = Genesis {
            name: name.trim().to_owned(),
            currency: currency.trim().to_uppercase(),
            bylaws,
            founder_name,
            device: self.device.public(),
            nonce: nonce.iter().map(|b| format!("{b:02x}")).collect(),
        };
        let now = self.clock.now();
        let (mut replica, _, change) = Replica::found(genesis, &member, &self.device, now)?;
        let coop = replica.coop();
        self.write_unit(|node| node.persist(&mut replica, Origin::Local, &[change], &[]))?;
        self.replicas.insert(coop, replica);
        self.coop_show(coop)
    }

    /// A co-op in detail: from its replica when it is loaded, else as its last commit
    /// left it (kept by the store), else from a replay (an older home's co-op, whose
    /// details are then kept).
    pub(crate) fn coop_show(&mut self, coop: CoopId) -> Result<CoopDto, ApiError> {
        let mut details = match self.kept_reads(coop)? {
            Some((details, _)) => details,
            None => self.reads_from_replica(coop)?.0,
        };
        details.decimal_mark = self.decimal_mark(coop)?;
        Ok(details)
    }

    /// The co-op's details and devices as the store keeps them, when its replica is not
    /// loaded (a loaded one answers as cheaply, and is newer if another process wrote).
    fn kept_reads(&mut self, coop: CoopId) -> Result<Option<(CoopDto, Vec<DeviceRead>)>, ApiError> {
        if self.replicas.contains_key(&coop) || self.is_lent(coop) {
            return Ok(None);
        }
        let Some((details, devices)) = self.store.coop_reads(coop)? else {
            return Ok(None);
        };
        // Written by this version's commits; one that does not parse is read again.
        Ok(serde_json::from_str(&details)
            .ok()
            .zip(serde_json::from_str(&devices).ok()))
    }

    /// The co-op's details and devices from its replica (loaded if need be), kept for the
    /// next process when the store had none.
    fn reads_from_replica(&mut self, coop: CoopId) -> Result<(CoopDto, Vec<DeviceRead>), ApiError> {
        let replica = self.replica(coop)?;
        let state = replica.state();
        let reads = (coop_reads(replica, &state)?, device_reads(&state));
        if !self.store.has_coop_reads(coop)? {
            let (details, devices) = (json(&reads.0)?, json(&reads.1)?);
            self.store.save_coop_reads(
                coop,
                &sangam_store::CoopReads {
                    details: &details,
                    devices: Some(&devices),
                },
            )?;
        }
        Ok(reads)
    }

    /// The co-op's state as folded from its records.
    pub(crate) fn state(&mut self, coop: CoopId) -> Result<CoopState, ApiError> {
        Ok(self.replica(coop)?.state())
    }

    /// Members, from the projection (no replay needed).
    pub(crate) fn members(&self, coop: CoopId) -> Result<Vec<MemberDto>, ApiError> {
        members_in(&self.store, coop)
    }

    /// Admits a member key.
    pub(crate) fn admit(
        &mut self,
        coop: CoopId,
        key: PublicKey,
        name: &str,
    ) -> Result<MemberDto, ApiError> {
        let name = name.trim().to_owned();
        self.write(coop, Body::MemberAdmit(MemberAdmit { member: key, name }))?;
        self.member_dto(coop, &key)
    }

    fn member_dto(&self, coop: CoopId, key: &PublicKey) -> Result<MemberDto, ApiError> {
        self.members(coop)?
            .into_iter()
            .find(|m| m.key == key.to_string())
            .ok_or_else(|| damaged("member not found after writing"))
    }

    /// This home's member leaves the co-op.
    pub(crate) fn leave(&mut self, coop: CoopId) -> Result<(), ApiError> {
        self.write(coop, Body::MemberLeave(MemberLeave {}))
    }

    /// Removes another member (when the bylaws let any member do so).
    pub(crate) fn remove(
        &mut self,
        coop: CoopId,
        key: PublicKey,
        reason: &str,
    ) -> Result<(), ApiError> {
        self.write(
            coop,
            Body::MemberRemove(MemberRemove {
                member: key,
                reason: reason.trim().to_owned(),
            }),
        )
    }

    /// Changes this member's display name and/or contact line.
    pub(crate) fn update_profile(
        &mut self,
        coop: CoopId,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> Result<MemberDto, ApiError> {
        if name.is_none() && contact.is_none() {
            return Err(problem(ProblemKey::NothingToUpdate).into());
        }
        let (member, _) = self.member()?;
        let update = MemberUpdate {
            name: name.map(|n| n.trim().to_owned()),
            contact: contact.map(|c| c.trim().to_owned()),
        };
        self.write(coop, Body::MemberUpdate(update))?;
        self.member_dto(coop, &member.public())
    }

    /// Revokes one of this member's devices (a lost laptop).
    pub(crate) fn revoke_device(&mut self, coop: CoopId, key: PublicKey) -> Result<(), ApiError> {
        if key == self.device.public() {
            return Err(problem(ProblemKey::RevokeOwnDevice).into());
        }
        self.write(
            coop,
            Body::DeviceRevoke(sangam_model::body::DeviceRevoke { device: key }),
        )
    }

    /// Devices bound in the co-op.
    pub(crate) fn devices(&mut self, coop: CoopId) -> Result<Vec<DeviceDto>, ApiError> {
        let this = self.device.public().to_string();
        let devices = match self.kept_reads(coop)? {
            Some((_, devices)) => devices,
            None => self.reads_from_replica(coop)?.1,
        };
        let forks = self.store.forks(coop)?;
        let members: std::collections::HashMap<String, (String, bool)> = self
            .store
            .members(coop)?
            .into_iter()
            .map(|m| (m.key.to_string(), (m.name, m.standing == Standing::Active)))
            .collect();
        Ok(devices
            .into_iter()
            .map(|d| {
                let (member_name, member_active) =
                    members.get(&d.member).cloned().unwrap_or_default();
                DeviceDto {
                    this_device: d.key == this,
                    forked_at: forks
                        .iter()
                        .filter(|f| f.device.to_string() == d.key)
                        .map(|f| f.found_at)
                        .min(),
                    key: d.key,
                    member: d.member,
                    member_name,
                    member_active,
                    name: d.name,
                    revoked: d.revoked,
                }
            })
            .collect())
    }

    /// The co-op's records, newest first (deepest in the causal order first).
    pub(crate) fn log(&mut self, coop: CoopId) -> Result<Vec<LogEntryDto>, ApiError> {
        let replica = self.replica(coop)?;
        let state = replica.state();
        let fold = replica.fold();
        let name_of = |key: &PublicKey| state.member(key).map(|m| m.name.clone());
        let entries: Vec<LogEntryDto> = fold
            .ordered()
            .into_iter()
            .rev()
            .map(|placed| {
                let record = &placed.record;
                let status = match fold.standing_of(&record.id(), &state) {
                    Some(Ok(())) | None => RecordStatus::Valid,
                    Some(Err(e)) => RecordStatus::Refused {
                        reason: e.to_string(),
                    },
                };
                LogEntryDto {
                    id: record.id().to_string(),
                    kind: record.kind(),
                    author: record.author().to_string(),
                    author_name: name_of(&record.author()),
                    at: record.at(),
                    body: record.body().to_value(),
                    status,
                }
            })
            .collect();
        Ok(entries)
    }
}

/// The co-ops in a home, read from its co-op table.
pub(crate) fn coops_in(store: &sangam_store::Store) -> Result<Vec<CoopSummaryDto>, ApiError> {
    Ok(store
        .coops()?
        .into_iter()
        .map(|row| CoopSummaryDto {
            id: row.id.to_string(),
            name: row.name,
        })
        .collect())
}

/// A co-op's members, read from the member projection (no replay).
pub(crate) fn members_in(
    store: &sangam_store::Store,
    coop: CoopId,
) -> Result<Vec<MemberDto>, ApiError> {
    Ok(store
        .members(coop)?
        .into_iter()
        .map(|m| MemberDto {
            key: m.key.to_string(),
            name: m.name,
            contact: m.contact,
            standing: m.standing,
            admitted_by: m.admitted_by.to_string(),
            admitted_at: m.admitted_at,
        })
        .collect())
}

// The member's identity, the co-ops and their members, as the handle offers them.
impl Home {
    /// Creates this home's member identity.
    pub fn create_identity(&self, name: &str) -> Result<IdentityDto, ApiError> {
        self.node().create_identity(name)
    }

    /// This home's identity.
    pub fn identity(&self) -> Result<IdentityDto, ApiError> {
        self.node().identity()
    }

    /// Founds a co-op with this home's member as its first member, under the default
    /// bylaws (any member admits; quorum 50%; half of yes + no passes).
    pub fn create_coop(&self, name: &str, currency: &str) -> Result<CoopDto, ApiError> {
        self.node()
            .create_coop(name, currency, sangam_model::Bylaws::default())
    }

    /// Founds a co-op under the bylaws a form chose.
    pub fn found_coop(&self, form: &CoopForm) -> Result<CoopDto, ApiError> {
        let bylaws = sangam_model::Bylaws {
            admission: form.admission,
            voting: sangam_model::body::VotingDefaults {
                quorum_pct: form.quorum_pct,
                threshold: form.threshold,
            },
            ..sangam_model::Bylaws::default()
        };
        self.node().create_coop(&form.name, &form.currency, bylaws)
    }

    /// The co-ops in this home.
    pub fn coops(&self) -> Result<Vec<CoopSummaryDto>, ApiError> {
        crate::membership::coops_in(&self.reader())
    }

    /// A co-op in detail.
    pub fn coop(&self, coop: CoopId) -> Result<CoopDto, ApiError> {
        self.node().coop_show(coop)
    }

    /// Members, current and former, as last committed (this never waits for a write or
    /// a sync in progress).
    pub fn members(&self, coop: CoopId) -> Result<Vec<MemberDto>, ApiError> {
        crate::membership::members_in(&self.reader(), coop)
    }

    /// Admits a newcomer's member key under a name.
    pub fn admit(
        &self,
        coop: CoopId,
        member: PublicKey,
        name: &str,
    ) -> Result<MemberDto, ApiError> {
        self.node().admit(coop, member, name)
    }

    /// This home's member leaves the co-op.
    pub fn leave(&self, coop: CoopId) -> Result<(), ApiError> {
        self.node().leave(coop)
    }

    /// Removes another member (when the bylaws let any member do so).
    pub fn remove(&self, coop: CoopId, member: PublicKey, reason: &str) -> Result<(), ApiError> {
        self.node().remove(coop, member, reason)
    }

    /// Changes this member's display name and/or contact line.
    pub fn update_profile(
        &self,
        coop: CoopId,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> Result<MemberDto, ApiError> {
        self.node().update_profile(coop, name, contact)
    }

    /// Devices bound in the co-op.
    pub fn devices(&self, coop: CoopId) -> Result<Vec<DeviceDto>, ApiError> {
        self.node().devices(coop)
    }

    /// Revokes one of this member's devices (a lost laptop).
    pub fn revoke_device(&self, coop: CoopId, device: PublicKey) -> Result<(), ApiError> {
        self.node().revoke_device(coop, device)
    }
}

#[cfg(test)]
mod tests {
    use sangam_model::CoopId;

    use crate::Home;

    /// The co-op's details and devices, and whether reading them loaded its replica.
    fn shown(home: &Home, coop: CoopId) -> (crate::CoopDto, Vec<crate::DeviceDto>, bool) {
        let details = home.coop(coop).expect("details");
        let devices = home.devices(coop).expect("devices");
        let replayed = home.node().replicas.contains_key(&coop);
        (details, devices, replayed)
    }

    #[test]
    fn a_reopened_home_shows_its_co_op_and_devices_as_a_replay_would_without_one() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let (home, coop) = crate::home::founded(&path);
        let bo = sangam_model::SecretKey::from_seed([7; 32]).public();
        home.admit(coop, bo, "Bo").expect("admit");
        home.update_profile(coop, Some("Asha K"), Some("at the oven"))
            .expect("profile");
        home.set_decimal_mark(coop, crate::DecimalMark::Comma)
            .expect("mark");
        let (details, devices, replayed) = shown(&home, coop);
        assert!(replayed, "the writing process holds its replica");
        assert_eq!((details.members, details.devices), (2, 1));
        drop(home);

        let home = Home::open(&path).expect("reopens");
        assert_eq!(
            shown(&home, coop),
            (details.clone(), devices.clone(), false)
        );
        drop(home);

        // A home from before the reads were kept (or after a fork): one replay, and kept.
        let db = rusqlite::Connection::open(path.join(crate::DB_FILE)).expect("db");
        db.execute("DELETE FROM coop_reads", []).expect("dropped");
        drop(db);
        let home = Home::open(&path).expect("reopens");
        assert_eq!(shown(&home, coop), (details.clone(), devices.clone(), true));
        drop(home);
        let home = Home::open(&path).expect("reopens");
        assert_eq!(shown(&home, coop), (details, devices, false));
    }
}
