//! Forks: two different changes by one device with one sequence number.
//!
//! A copy of a home (a backup put back, a disk image, a cloned VM) writes under the same
//! device key and sequence numbers as the original, so a co-op can receive two changes
//! that both claim to be, say, the 7th change of one device. An Automerge document holds
//! one chain per actor, so only one of them can be in it. Which one is decided by the set
//! of changes alone (docs/protocol.md "Forks"), never by which arrived first, so that every
//! laptop ends with the same document:
//!
//! - Changes that share a device and a sequence number are the candidates of that *slot*.
//! - A change is *shadowed* if one of its deps is shadowed, or if another candidate of its
//!   slot that is not shadowed through its deps has a smaller hash.
//! - The document holds exactly the changes that are not shadowed.
//!
//! Shadowed changes stay in the change log as evidence, and the records they carry are
//! carried again in new changes by a device that may write (records are signed by their
//! member, not by the device, so nothing they say is lost or altered).

use std::collections::{HashMap, HashSet};

use automerge::ChangeHash;
use sangam_model::PublicKey;

/// What the rule needs of a change: its hash, its slot and its deps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMeta {
    /// The change hash.
    pub hash: ChangeHash,
    /// The device that signed it (its actor).
    pub device: PublicKey,
    /// Its sequence number among the device's changes.
    pub seq: u64,
    /// The changes it depends on.
    pub deps: Vec<ChangeHash>,
}

/// A device with two or more changes under one sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// The forked device.
    pub device: PublicKey,
    /// The sequence number claimed twice.
    pub seq: u64,
    /// The candidate kept in the document (none when every candidate is shadowed
    /// through its deps).
    pub kept: Option<ChangeHash>,
    /// The other candidates, sorted.
    pub others: Vec<ChangeHash>,
}

/// The changes the fork rule shadows among `changes` (given in any order; deps outside
/// the set are ignored), and the forks found. Empty when no slot has two candidates.
pub fn shadowed(changes: &[ChangeMeta]) -> (HashSet<ChangeHash>, Vec<Fork>) {
    let mut slots: HashMap<(PublicKey, u64), Vec<ChangeHash>> = HashMap::new();
    for meta in changes {
        slots
            .entry((meta.device, meta.seq))
            .or_default()
            .push(meta.hash);
    }
    let mut forked: Vec<((PublicKey, u64), Vec<ChangeHash>)> = slots
        .into_iter()
        .filter(|(_, candidates)| candidates.len() > 1)
        .collect();
    if forked.is_empty() {
        return (HashSet::new(), Vec::new());
    }
    forked.sort();
    for (_, candidates) in &mut forked {
        candidates.sort();
    }
    let order = topological(changes);
    let deps: HashMap<ChangeHash, &[ChangeHash]> = changes
        .iter()
        .map(|m| (m.hash, m.deps.as_slice()))
        .collect();
    // The slots depend on each other only through deps (a candidate's past holds earlier
    // slots), so recomputing until nothing moves settles within one round per fork.
    let mut through_deps: HashSet<ChangeHash> = HashSet::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let losers: HashSet<ChangeHash> = forked
            .iter()
            .flat_map(|(_, candidates)| {
                let kept = candidates.iter().find(|c| !through_deps.contains(*c));
                candidates.iter().filter(move |c| Some(*c) != kept)
            })
            .copied()
            .collect();
        let mut shadow: HashSet<ChangeHash> = HashSet::new();
        let mut next_through: HashSet<ChangeHash> = HashSet::new();
        for hash in &order {
            let dep_shadowed = deps[hash].iter().any(|d| shadow.contains(d));
            if dep_shadowed {
                next_through.insert(*hash);
            }
            if dep_shadowed || losers.contains(hash) {
                shadow.insert(*hash);
            }
        }
        if next_through == through_deps || rounds > forked.len() + 1 {
            let forks = forked
                .iter()
                .map(|((device, seq), candidates)| {
                    let kept = candidates.iter().find(|c| !shadow.contains(*c)).copied();
                    Fork {
                        device: *device,
                        seq: *seq,
                        kept,
                        others: candidates
                            .iter()
                            .filter(|c| Some(**c) != kept)
                            .copied()
                            .collect(),
                    }
                })
                .collect();
            return (shadow, forks);
        }
        through_deps = next_through;
    }
}

/// The hashes of `changes`, each after those of its deps that are in the set.
fn topological(changes: &[ChangeMeta]) -> Vec<ChangeHash> {
    let index: HashMap<ChangeHash, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, m)| (m.hash, i))
        .collect();
    let mut done = vec![false; changes.len()];
    let mut out = Vec::with_capacity(changes.len());
    for start in 0..changes.len() {
        // Depth-first without recursion: a history can be far deeper than the stack.
        let mut stack = vec![(start, false)];
        while let Some((at, expanded)) = stack.pop() {
            if done[at] {
                continue;
            }
            if expanded {
                done[at] = true;
                out.push(changes[at].hash);
                continue;
            }
            stack.push((at, true));
            for dep in &changes[at].deps {
                if let Some(&d) = index.get(dep)
                    && !done[d]
                {
                    stack.push((d, false));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    fn meta(hash: u8, device: u8, seq: u64, deps: &[u8]) -> ChangeMeta {
        ChangeMeta {
            hash: h(hash),
            device: PublicKey::from_bytes([device; 32]),
            seq,
            deps: deps.iter().map(|d| h(*d)).collect(),
        }
    }

    #[test]
    fn no_fork_shadows_nothing() {
        let changes = [meta(1, 1, 1, &[]), meta(2, 1, 2, &[1]), meta(3, 2, 1, &[2])];
        assert_eq!(shadowed(&changes), (HashSet::new(), vec![]));
    }

    #[test]
    fn the_smaller_hash_is_kept_and_the_other_branch_is_shadowed_in_any_order() {
        // Device 1 forks at seq 2: 5 (kept) and 9; device 2 built on 9.
        let changes = vec![
            meta(1, 1, 1, &[]),
            meta(9, 1, 2, &[1]),
            meta(5, 1, 2, &[1]),
            meta(7, 2, 1, &[9]),
            meta(8, 1, 3, &[9]),
        ];
        let expected: HashSet<ChangeHash> = [h(9), h(7), h(8)].into();
        let mut permuted = changes.clone();
        for _ in 0..changes.len() {
            permuted.rotate_left(1);
            let (shadow, forks) = shadowed(&permuted);
            assert_eq!(shadow, expected);
            assert_eq!(forks.len(), 1);
            assert_eq!(forks[0].kept, Some(h(5)));
            assert_eq!(forks[0].others, vec![h(9)]);
        }
    }

    #[test]
    fn a_candidate_shadowed_through_its_deps_does_not_win_its_slot() {
        // Device 1 forks at seq 2 (3 kept over 4). Device 2 wrote 2 on 4, then, after
        // learning of the fork, 5 with the same seq on 3: 5 is kept, though 2 has the
        // smaller hash, because 2 is shadowed through its deps.
        let changes = [
            meta(1, 1, 1, &[]),
            meta(3, 1, 2, &[1]),
            meta(4, 1, 2, &[1]),
            meta(2, 2, 1, &[4]),
            meta(5, 2, 1, &[3]),
        ];
        let (shadow, forks) = shadowed(&changes);
        assert_eq!(shadow, [h(4), h(2)].into());
        let second = forks
            .iter()
            .find(|f| f.device == PublicKey::from_bytes([2; 32]))
            .expect("device 2's slot");
        assert_eq!(second.kept, Some(h(5)));
    }
}
