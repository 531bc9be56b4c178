//! Bundles: a co-op's signed changes carried in a file, and importing changes from
//! outside (a bundle, or an inviter's laptop).

use sangam_model::body::DeviceAdd;
use sangam_model::{Body, CoopId, Standing};
use sangam_replica::{Admitted, Bundle, ChangeHash, Replica, Trust};

use crate::ApiError;
use crate::dto::*;
use crate::events::Origin;
use crate::home::Home;
use crate::node::{Node, device_label};
use crate::problem::{ProblemKey, problem};

impl Node {
    /// Writes the co-op's changes (all, or those not in the past of `since`) as a bundle.
    pub(crate) fn export_bundle(
        &mut self,
        coop: CoopId,
        since: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExportDto), ApiError> {
        let since_heads = match since {
            None => Vec::new(),
            Some(bytes) => {
                let previous = Bundle::decode(bytes).map_err(|e| {
                    ApiError::from(problem(ProblemKey::EarlierBundleUnusable).with("detail", e))
                })?;
                if previous.coop != coop {
                    return Err(problem(ProblemKey::EarlierBundleElsewhere).into());
                }
                previous.heads
            }
        };
        let heads = self.replica(coop)?.heads();
        let changes = self.stored_changes_since(coop, &since_heads)?;
        let bundle = Bundle {
            coop,
            heads,
            changes,
        };
        let bytes = bundle.encode();
        let dto = ExportDto {
            coop: coop.to_string(),
            changes: bundle.changes.len(),
            heads: bundle.heads.iter().map(|h| h.to_string()).collect(),
            bytes: bytes.len(),
        };
        Ok((bytes, dto))
    }

    /// Verifies and applies a bundle. A co-op new to this home is kept only if its records
    /// admit this home's member key; this device is then bound to the member with a
    /// `device.add`. Nothing is stored unless the whole import commits.
    pub(crate) fn import_bundle(&mut self, bytes: &[u8]) -> Result<ImportDto, ApiError> {
        let bundle = Bundle::decode(bytes)?;
        self.import_changes(bundle.coop, bundle.changes, Origin::Bundle)
    }

    /// Verifies and applies changes of `coop` from `origin` (a bundle, or an inviter's
    /// laptop), as [`Node::import_bundle`] describes.
    pub(crate) fn import_changes(
        &mut self,
        coop: CoopId,
        incoming: Vec<sangam_replica::RawChange>,
        origin: Origin,
    ) -> Result<ImportDto, ApiError> {
        self.write_unit(|node| node.import_changes_locked(coop, incoming, origin))
    }

    fn import_changes_locked(
        &mut self,
        coop: CoopId,
        incoming: Vec<sangam_replica::RawChange>,
        origin: Origin,
    ) -> Result<ImportDto, ApiError> {
        let known = self.store.coops()?.iter().any(|row| row.id == coop);
        let (member, _) = self.member()?;
        let mut replica = if known {
            self.replicas
                .remove(&coop)
                .map_or_else(|| self.load_replica(coop), Ok)?
        } else {
            Replica::new(coop, self.device.public())
        };
        let admitted: Admitted = replica.admit(
            incoming,
            Trust::Verify {
                now: self.clock.now(),
            },
        );
        let rejections: Vec<sangam_store::Rejection> = admitted
            .rejected
            .iter()
            .map(sangam_store::Rejection::from)
            .collect();
        let changes = admitted.to_store();
        let state = replica.state();
        let joined = !known;
        let admits_me = state
            .member(&member.public())
            .is_some_and(|m| m.standing == Standing::Active);
        if joined {
            let Some(genesis) = state.genesis.as_ref() else {
                return Err(problem(ProblemKey::BundleWithoutGenesis).into());
            };
            if !admits_me {
                return Err(problem(ProblemKey::BundleNotAdmitted)
                    .with("coop", &genesis.name)
                    .with("member", member.public())
                    .into());
            }
        }
        let binds_me = admits_me
            && !replica.device_is_active(&self.device.public())
            && !state.devices.iter().any(|d| d.key == self.device.public());
        self.persist(&mut replica, origin, &changes, &rejections)?;
        let name = state
            .genesis
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default();
        self.replicas.insert(coop, replica);
        // Forks are settled before this home writes: the replica may hold a change the
        // log does not (admitted on a voucher that failed) or one the fork rule shadows,
        // and a change built on it could never be replayed or sent.
        self.settle_forks(coop)?;
        // A member's new device binds itself with its first change (the newcomer bootstrap).
        if binds_me {
            let add = Body::DeviceAdd(DeviceAdd {
                device: self.device.public(),
                name: device_label(),
            });
            self.write(coop, add)?;
        }
        let dto = ImportDto {
            coop: coop.to_string(),
            name,
            joined,
            applied: admitted.applied.len(),
            duplicates: admitted.duplicates,
            rejected: admitted
                .rejected
                .iter()
                .map(|r| RejectedDto {
                    change: r.hash.map(|h| h.to_string()),
                    reason: r.reason.to_string(),
                })
                .collect(),
        };
        Ok(dto)
    }

    /// The stored changes of `coop` not in the past of `since` (all for `&[]`), each after
    /// its deps, read from the change log: rebuilding them from the Automerge document
    /// would cost far more time and memory on a large co-op.
    pub(crate) fn stored_changes_since(
        &mut self,
        coop: CoopId,
        since: &[ChangeHash],
    ) -> Result<Vec<sangam_replica::RawChange>, ApiError> {
        let past = self.replica(coop)?.past_of(since);
        Ok(self
            .store
            .changes_with_hashes(coop)?
            .into_iter()
            .filter(|row| !past.contains(&row.hash))
            .map(|row| row.change)
            .collect())
    }
}

// Bundles, as the handle offers them.
impl Home {
    /// The co-op's changes as a bundle: all of them, or those not in the earlier bundle
    /// `since`.
    pub fn export_bundle(
        &self,
        coop: CoopId,
        since: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExportDto), ApiError> {
        self.node().export_bundle(coop, since)
    }

    /// Verifies and applies a bundle. A co-op new to this home is kept only if its records
    /// admit this home's member key; nothing is stored unless the whole import commits.
    pub fn import_bundle(&self, bytes: &[u8]) -> Result<ImportDto, ApiError> {
        self.node().import_bundle(bytes)
    }
}
