//! The fork rule's part of a replica ([`crate::fork`]): slots used twice, changes kept
//! out of the document as evidence, and their records carried into new changes.

use std::collections::HashSet;

use automerge::{Change, ChangeHash};
use sangam_model::fold::Placed;
use sangam_model::{PublicKey, Record, SecretKey, Timestamp};

use super::{Replica, Shadow};
use crate::admission::{MAX_RECORDS_PER_CHANGE, Precheck, Rejection, WriteError};
use crate::change::{RawChange, SignedChange};

impl Replica {
    /// Whether `change` claims a sequence number its device already used here (the
    /// change itself is not here: duplicates were set aside before).
    pub(super) fn takes_a_used_slot(&self, change: &Change) -> bool {
        let Ok(actor) = <[u8; 32]>::try_from(change.actor_id().to_bytes()) else {
            return false;
        };
        let used = self.chains.len(&PublicKey::from_bytes(actor));
        change.seq() >= 1 && change.seq() <= used
    }

    /// Keeps an authentic change out of the document, with its records (to be carried).
    pub(super) fn shadow(
        &mut self,
        change: &Change,
        raw: &RawChange,
        pre: Precheck,
    ) -> Result<SignedChange, Rejection> {
        let (device, records) = pre?;
        let records = records?;
        let hash = change.hash();
        self.generation += 1;
        self.shadowed.insert(
            hash,
            Shadow {
                meta: crate::fork::ChangeMeta {
                    hash,
                    device,
                    seq: change.seq(),
                    deps: change.deps().to_vec(),
                },
                records,
            },
        );
        self.shadow_order.push(hash);
        Ok(SignedChange {
            hash,
            bytes: raw.bytes.clone(),
            sig: raw.sig,
        })
    }

    /// Every change known here, admitted or shadowed, as the fork rule sees it.
    fn all_meta(&self) -> Vec<crate::fork::ChangeMeta> {
        let mut metas: Vec<crate::fork::ChangeMeta> = Vec::with_capacity(self.changes.len());
        for (device, chain) in &self.chains.whole() {
            for (at, hash) in chain.iter().enumerate() {
                metas.push(crate::fork::ChangeMeta {
                    hash: *hash,
                    device: *device,
                    seq: at as u64 + 1,
                    deps: self.changes[hash].deps.clone(),
                });
            }
        }
        metas.extend(self.shadowed.values().map(|s| s.meta.clone()));
        metas
    }

    /// The fork rule's verdict over every change known here: the changes it keeps out
    /// of the document, and the forks.
    pub fn fork_verdict(&self) -> (HashSet<ChangeHash>, Vec<crate::fork::Fork>) {
        if self.shadowed.is_empty() {
            return (HashSet::new(), Vec::new());
        }
        crate::fork::shadowed(&self.all_meta())
    }

    /// Whether the document holds a change the fork rule shadows (a fork's kept branch
    /// arrived after the other), or lacks what a saved document that did not load held:
    /// the replica must be replayed from the log with
    /// [`Replica::restore_excluding`] and [`Replica::fork_verdict`].
    pub fn needs_rebuild(&self) -> bool {
        if self.replay || self.document_lost {
            return true;
        }
        let (shadow, _) = self.fork_verdict();
        shadow.iter().any(|h| self.changes.contains_key(h))
    }

    /// Whether a change signed with this replica's device key arrived from outside that
    /// this home never had: a copy of the home writes under the same key, so this home
    /// must take a new device key before it writes again.
    /// `forks` is [`Replica::fork_verdict`]'s second half (asked for once by the caller).
    pub fn own_device_elsewhere(&self, forks: &[crate::fork::Fork]) -> bool {
        self.own_device_elsewhere || forks.iter().any(|fork| fork.device == self.device)
    }

    /// The records of shadowed changes that the document lacks, each after its deps.
    pub fn stranded_records(&self) -> Vec<&Record> {
        let mut seen = HashSet::new();
        self.shadow_order
            .iter()
            .flat_map(|hash| self.shadowed[hash].records.iter())
            .filter(|r| self.fold.get(&r.id()).is_none() && seen.insert(r.id()))
            .collect()
    }

    /// Carries stranded records ([`Replica::stranded_records`]) into one new change signed
    /// by `device`, as many as one change may hold: `None` when none is left that the rules
    /// accept here. Records are signed by their members, so a carried record is exactly the
    /// record that was written; only the change around it is new.
    pub fn carry(
        &mut self,
        device: &SecretKey,
        now: Timestamp,
    ) -> Result<Option<SignedChange>, WriteError> {
        let mut placed: Vec<Placed> = Vec::new();
        for record in self.stranded_records() {
            if placed.len() == MAX_RECORDS_PER_CHANGE {
                break;
            }
            // A record the rules refuse here, or whose deps are nowhere, stays evidence.
            if let Ok(judged) = self.fold.judge_new(record, &placed)
                && judged.verdict.is_ok()
            {
                placed.push(judged);
            }
        }
        if placed.is_empty() {
            return Ok(None);
        }
        self.commit_placed(placed, device, now).map(Some)
    }
}
