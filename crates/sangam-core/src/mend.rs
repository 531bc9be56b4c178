//! Mending what a fork left (docs/protocol.md "Forks"): recording it, a new device key
//! when this home's own key was used elsewhere, and carrying shadowed records again.

use sangam_model::body::DeviceAdd;
use sangam_model::{Body, CoopId, SecretKey, Standing};

use crate::ApiError;
use crate::events::{Event, Origin};
use crate::node::{Node, device_label};

impl Node {
    /// Mends what a fork left (docs/protocol.md "Forks"), in one write unit: records the
    /// forks so members see them; when this home's own device key was used by another
    /// copy of the home, takes a new device key and binds it; then carries the records of
    /// shadowed changes into new changes, so no record is lost whichever branch won.
    pub(crate) fn mend(&mut self, coop: CoopId) -> Result<(), ApiError> {
        let Some(replica) = self.replicas.get(&coop) else {
            return Ok(());
        };
        let (_, forks) = replica.fork_verdict();
        let rekey = replica.own_device_elsewhere(&forks);
        if forks.is_empty() && !rekey && replica.stranded_records().is_empty() {
            return Ok(());
        }
        self.write_unit(|node| {
            let now = node.clock.now();
            for fork in &forks {
                if node.store.record_fork(coop, fork, now)? {
                    // The store unmarked the books: checked against the fold on next read.
                    node.books_checked.remove(&coop);
                    node.notice(crate::Notice::Fork {
                        device: fork.device.to_string(),
                        seq: fork.seq,
                    });
                    node.announce.push(Event::ForkFound {
                        coop: coop.to_string(),
                        device: fork.device.to_string(),
                        seq: fork.seq,
                    });
                }
            }
            if rekey {
                node.rekey(coop)?;
            }
            node.carry_stranded(coop)
        })
    }

    /// Gives this home a new device key, because a copy of the home writes under the old
    /// one: the old key is not revoked (the other copy may be the member's real laptop),
    /// only never used here again. The new key is bound with a `device.add` in every
    /// co-op where this member is active.
    fn rekey(&mut self, found_in: CoopId) -> Result<(), ApiError> {
        let old = self.device.public();
        let new = SecretKey::from_seed(self.random_seed());
        self.store.replace_device_key(&new, self.clock.now())?;
        self.device = new.clone();
        self.recall_all();
        for replica in self.replicas.values_mut() {
            replica.switch_device(new.public());
        }
        self.notice(crate::Notice::NewDevice {
            old: old.to_string(),
            found_in: found_in.to_string(),
            new: new.public().to_string(),
        });
        let (member, _) = self.member()?;
        let coops: Vec<CoopId> = self.store.coops()?.into_iter().map(|row| row.id).collect();
        for coop in coops {
            let active = self
                .replica(coop)?
                .state()
                .member(&member.public())
                .is_some_and(|m| m.standing == Standing::Active);
            if active && !self.replica(coop)?.device_is_active(&new.public()) {
                self.write(
                    coop,
                    Body::DeviceAdd(DeviceAdd {
                        device: new.public(),
                        name: device_label(),
                    }),
                )?;
            }
        }
        Ok(())
    }

    /// Carries the records of shadowed changes that this co-op's document lacks into new
    /// changes of this device (when it may write).
    fn carry_stranded(&mut self, coop: CoopId) -> Result<(), ApiError> {
        loop {
            let now = self.clock.now();
            let device = self.device.clone();
            let carried = match self.replica(coop)?.carry(&device, now) {
                Ok(Some(change)) => change,
                Ok(None) | Err(sangam_replica::WriteError::DeviceNotAllowed) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let mut replica = self.take_replica(coop);
            self.persist(&mut replica, Origin::Local, &[carried], &[])?;
            self.put_replica(replica);
        }
    }

    /// After an admission: replays the co-op by the fork rule when the document holds a
    /// change the rule shadows, then mends what the fork left.
    pub(crate) fn settle_forks(&mut self, coop: CoopId) -> Result<(), ApiError> {
        let Some(replica) = self.replicas.get(&coop) else {
            return Ok(());
        };
        if replica.needs_rebuild() {
            self.forget(coop);
            self.replica(coop)?;
            return Ok(());
        }
        self.mend(coop)
    }
}
