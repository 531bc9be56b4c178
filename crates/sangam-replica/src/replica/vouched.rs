//! The last rule of signed heads ([`crate::vouch`]): a voucher must itself be admitted.

use std::collections::{HashMap, HashSet};

use automerge::ChangeHash;
use sangam_model::PublicKey;

use super::Replica;
use crate::admission::{Admitted, Rejected, Rejection};
use crate::change::SignedChange;

impl Replica {
    /// A change admitted on a later change's signature counts only if that change was
    /// admitted too. When a voucher was refused (by the rules in its context, say), each
    /// change it vouched for needs another admitted voucher of its device with it in its
    /// past, or its own signature; one that has neither is taken out of `out` with what
    /// builds on it in this batch, and the replica is marked for a replay from the log.
    pub(super) fn confirm_vouched(
        &mut self,
        out: &mut Admitted,
        vouched: &HashMap<ChangeHash, PublicKey>,
        vouchers: &HashMap<ChangeHash, PublicKey>,
    ) {
        let admitted: HashSet<ChangeHash> = out
            .applied
            .iter()
            .chain(&out.shadowed)
            .map(|c| c.hash)
            .collect();
        if vouchers.keys().all(|v| admitted.contains(v)) {
            return;
        }
        let live: Vec<(&ChangeHash, &PublicKey)> = vouchers
            .iter()
            .filter(|(hash, _)| admitted.contains(*hash))
            .collect();
        let orphans: Vec<(&SignedChange, PublicKey)> = out
            .applied
            .iter()
            .filter_map(|c| vouched.get(&c.hash).map(|device| (c, *device)))
            .filter(|(c, device)| {
                !live
                    .iter()
                    .any(|(v, d)| *d == device && self.is_ancestor(c.hash, &[**v]))
            })
            .collect();
        let inputs: Vec<[u8; 64]> = orphans
            .iter()
            .map(|(c, _)| crate::change::signing_input(self.coop, &c.hash))
            .collect();
        let checks: Vec<sangam_model::verify::SigCheck<'_>> = orphans
            .iter()
            .zip(&inputs)
            .map(|((c, device), input)| crate::change::device_check(device, input, &c.sig))
            .collect();
        let mut bad: HashMap<ChangeHash, PublicKey> = HashMap::new();
        for (((c, device), _), verdict) in
            orphans
                .iter()
                .zip(&inputs)
                .zip(sangam_model::verify::verify_many(
                    &sangam_machine::SYSTEM,
                    &checks,
                ))
        {
            if verdict.is_err() {
                bad.insert(c.hash, *device);
            }
        }
        if bad.is_empty() {
            return;
        }
        // `applied` puts each change after its deps: what builds on a bad one follows it.
        let mut out_of_batch: HashSet<ChangeHash> = bad.keys().copied().collect();
        let mut kept = Vec::with_capacity(out.applied.len());
        for change in std::mem::take(&mut out.applied) {
            let lost_deps: Vec<ChangeHash> = self
                .changes
                .get(&change.hash)
                .map(|c| c.deps.clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|d| out_of_batch.contains(d))
                .collect();
            if out_of_batch.contains(&change.hash) || !lost_deps.is_empty() {
                out_of_batch.insert(change.hash);
                let reason = match bad.get(&change.hash) {
                    Some(device) => Rejection::BadSignature(device.short()),
                    None => Rejection::MissingDeps(lost_deps),
                };
                out.rejected.push(Rejected {
                    hash: Some(change.hash),
                    reason,
                });
            } else {
                kept.push(change);
            }
        }
        out.applied = kept;
        self.replay = true;
    }
}
