//! Rebuilding a replica from its home's change log, on top of a saved document.

use std::collections::HashSet;

use automerge::{ActorId, ChangeHash};
use sangam_model::{CoopId, PublicKey};

use super::{RESTORE_SLICE, Replica};
use crate::admission::{Admitted, Trust};
use crate::change::{RawChange, SignedChange};

impl Replica {
    /// Rebuilds a replica from this home's stored changes, using a saved document as a
    /// head start when it loads. The returned [`Admitted::applied`] carries hashes and
    /// signatures only, not the bytes (the caller's store has them). A snapshot that fails to load is ignored (and the caller
    /// should write a fresh one): the change log is the source of truth.
    pub fn restore(
        coop: CoopId,
        device: PublicKey,
        snapshot: Option<Vec<u8>>,
        changes: Vec<RawChange>,
    ) -> (Self, Admitted, bool) {
        Self::restore_excluding(coop, device, snapshot, changes, HashSet::new())
    }

    /// Like [`Replica::restore`], shadowing the changes in `exclude` as they come: the
    /// replay that follows a [`Replica::needs_rebuild`], with the verdict of
    /// [`Replica::fork_verdict`] (and no snapshot, which may hold the other branch).
    pub fn restore_excluding(
        coop: CoopId,
        device: PublicKey,
        snapshot: Option<Vec<u8>>,
        changes: Vec<RawChange>,
        exclude: HashSet<ChangeHash>,
    ) -> (Self, Admitted, bool) {
        let mut replica = Self::new(coop, device);
        replica.exclude = exclude;
        // Loading the document is about a third of a full load: it runs on a thread of its
        // own while the change log is replayed into the fold. The saved bytes are dropped
        // as soon as the document is loaded from them.
        let loading =
            snapshot.map(|s| std::thread::spawn(move || crate::contain::load_document(&s)));
        replica.replaying_onto_snapshot = loading.is_some();
        // In slices, so only one slice's decoded changes and parsed records are held at a
        // time next to what the fold keeps. The store's order puts deps first.
        let mut admitted = Admitted::default();
        let mut kept_bytes: Vec<(ChangeHash, Vec<u8>)> = Vec::new();
        let mut changes = changes.into_iter();
        loop {
            let slice: Vec<RawChange> = changes.by_ref().take(RESTORE_SLICE).collect();
            if slice.is_empty() {
                break;
            }
            let part = replica.admit(slice, Trust::OwnStore);
            // The caller has the bytes in its store: keep hashes and signatures only (and,
            // until the snapshot is in, the bytes apart).
            for change in part.applied {
                if replica.replaying_onto_snapshot {
                    kept_bytes.push((change.hash, change.bytes));
                }
                admitted.applied.push(SignedChange {
                    bytes: Vec::new(),
                    ..change
                });
            }
            admitted.duplicates += part.duplicates;
            admitted.rejected.extend(part.rejected);
            admitted.shadowed.extend(part.shadowed);
        }
        replica.replaying_onto_snapshot = false;
        let loaded = loading.and_then(|thread| thread.join().unwrap_or(None));
        let used_snapshot = loaded.is_some();
        let in_doc = match &loaded {
            Some(doc) => replica.past_of(&doc.get_heads()),
            None => HashSet::new(),
        };
        if let Some(doc) = loaded {
            replica.doc = doc.with_actor(ActorId::from(device.as_bytes()));
        }
        // What the snapshot lacks (all of it, if it did not load) waits for the document.
        for (hash, bytes) in kept_bytes {
            if in_doc.contains(&hash) {
                continue;
            }
            let change = crate::contain::decode_change(&bytes)
                .expect("decoded once already when it was admitted");
            replica.pending_at.insert(hash, replica.pending.len());
            replica.pending.push(change);
        }
        (replica, admitted, used_snapshot)
    }
}
