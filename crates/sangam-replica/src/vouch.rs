//! Signed heads: which changes of a batch a later change of the same device vouches for.
//!
//! A device's signature on a change covers the change's hash, and the hash covers the
//! hashes of its deps, so one verified signature fixes every byte of the change's causal
//! past. docs/protocol.md "Change signature" makes that a rule: a change is authentic if
//! its own signature verifies, or if it is an ancestor, through deps and by hash, of a
//! change *by the same device* whose signature verifies (and which is admitted: see
//! [`crate::Replica::admit_checked`]). Another device's change in that past is not vouched
//! for: a device speaks only for itself.
//!
//! Here the batch is a graph; a pass in reverse causal order carries, for each change,
//! the set of devices that have a vouching change above it (a bit set over the batch's
//! devices with two or more changes, the most active first, at most
//! [`MAX_TRACKED_DEVICES`]; a device past that, or with one change, has each change checked
//! on its own).

use std::collections::HashMap;

use automerge::{Change, ChangeHash};

/// Devices a batch tracks for vouching (16 words of bits per change).
pub const MAX_TRACKED_DEVICES: usize = 1024;

/// The batch as a graph: each change's tracked device and its parents within the batch.
pub(crate) struct Graph {
    /// Index of the change's device among the tracked ones.
    device: Vec<Option<u32>>,
    /// Parents (deps) that are in the batch.
    parents: Vec<Vec<u32>>,
    /// Children before parents.
    reverse_causal: Vec<u32>,
    /// 64-bit words per change in the bit sets.
    words: usize,
}

impl Graph {
    /// The graph of `changes`, whose devices are `devices` (`None`: no usable actor id).
    pub(crate) fn new(changes: &[&Change], devices: &[Option<[u8; 32]>]) -> Self {
        let n = changes.len();
        let at: HashMap<ChangeHash, u32> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.hash(), i as u32))
            .collect();
        let parents: Vec<Vec<u32>> = changes
            .iter()
            .map(|c| c.deps().iter().filter_map(|d| at.get(d).copied()).collect())
            .collect();
        let mut counts: HashMap<[u8; 32], usize> = HashMap::new();
        for device in devices.iter().flatten() {
            *counts.entry(*device).or_default() += 1;
        }
        let mut busy: Vec<([u8; 32], usize)> = counts
            .into_iter()
            .filter(|(_, count)| *count >= 2)
            .collect();
        busy.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        busy.truncate(MAX_TRACKED_DEVICES);
        let tracked: HashMap<[u8; 32], u32> = busy
            .iter()
            .enumerate()
            .map(|(i, (device, _))| (*device, i as u32))
            .collect();
        let device = devices
            .iter()
            .map(|d| d.as_ref().and_then(|d| tracked.get(d).copied()))
            .collect();
        // Kahn's order over the batch: a change after all of its parents in the batch.
        let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (child, ps) in parents.iter().enumerate() {
            for p in ps {
                children[*p as usize].push(child as u32);
            }
        }
        let mut causal: Vec<u32> = (0..n as u32)
            .filter(|i| waiting[*i as usize] == 0)
            .collect();
        let mut next = 0;
        while next < causal.len() {
            let at = causal[next] as usize;
            next += 1;
            for child in &children[at] {
                waiting[*child as usize] -= 1;
                if waiting[*child as usize] == 0 {
                    causal.push(*child);
                }
            }
        }
        causal.reverse();
        Self {
            device,
            parents,
            reverse_causal: causal,
            words: tracked.len().div_ceil(64),
        }
    }

    /// Whether each change is vouched for by one of `vouchers` of its own device that has
    /// it in its causal past (never by itself).
    pub(crate) fn covered(&self, vouchers: &[bool]) -> Vec<bool> {
        let n = self.parents.len();
        let mut covered = vec![false; n];
        if self.words == 0 {
            return covered;
        }
        let w = self.words;
        let mut above = vec![0u64; n * w];
        let mut carry = vec![0u64; w];
        for &at in &self.reverse_causal {
            let at = at as usize;
            carry.copy_from_slice(&above[at * w..(at + 1) * w]);
            if let Some(device) = self.device[at] {
                let (word, bit) = (device as usize / 64, device % 64);
                covered[at] = carry[word] & (1 << bit) != 0;
                if vouchers[at] {
                    carry[word] |= 1 << bit;
                }
            }
            for parent in &self.parents[at] {
                let parent = *parent as usize;
                for (into, from) in above[parent * w..(parent + 1) * w].iter_mut().zip(&carry) {
                    *into |= from;
                }
            }
        }
        covered
    }
}
