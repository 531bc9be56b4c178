//! Rebuilding a replica from its home's change log, on top of a saved document.

use std::collections::HashSet;

use automerge::{ActorId, ChangeHash};
use sangam_model::{CoopId, PublicKey};

use super::{Replica, SavedDocument};
use crate::admission::{Admitted, Trust};
use crate::change::{RawChange, SignedChange};

/// How many stored changes [`Replica::restore`] admits at a time.
const RESTORE_SLICE: usize = 4096;

impl Replica {
    /// Rebuilds a replica from this home's stored changes, using a saved document as a
    /// head start. The returned [`Admitted::applied`] carries hashes and signatures only,
    /// not the bytes (the caller's store has them). The returned flag says whether the
    /// saved document is used; one that fails to load, or whose heads are not all in the
    /// change log, is not (and the caller should write a fresh one): the change log is the
    /// source of truth, and the document never holds a change the log lacks.
    ///
    /// A saved document with known heads is not loaded here: only a sync or a snapshot
    /// needs the document, and a write does not ([`Replica::write`]).
    pub fn restore(
        coop: CoopId,
        device: PublicKey,
        snapshot: Option<SavedDocument>,
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
        snapshot: Option<SavedDocument>,
        changes: Vec<RawChange>,
        exclude: HashSet<ChangeHash>,
    ) -> (Self, Admitted, bool) {
        let mut replica = Self::new(coop, device);
        replica.exclude = exclude;
        // A snapshot saved before its heads were kept is loaded to learn them, on a thread
        // of its own while the change log is replayed into the fold.
        let (known_heads, loading) = match snapshot {
            None => (None, None),
            Some(SavedDocument {
                bytes,
                heads: Some(heads),
            }) => (Some((bytes, heads)), None),
            Some(SavedDocument { bytes, heads: None }) => (
                None,
                Some(std::thread::spawn(move || {
                    crate::contain::load_document(&bytes)
                })),
            ),
        };
        replica.replaying_onto_snapshot = known_heads.is_some() || loading.is_some();
        // In slices, so only one slice's decoded changes and parsed records are held at a
        // time next to what the fold keeps. The store's order puts deps first.
        let mut admitted = Admitted::default();
        let mut kept_bytes: Vec<(ChangeHash, Vec<u8>)> = Vec::new();
        // What the snapshot holds, once all its heads have been admitted (the log puts a
        // change after its deps, so its whole past is in by then): from then on only the
        // bytes of changes it lacks are kept.
        let mut held: Option<HashSet<ChangeHash>> = None;
        let mut changes = changes.into_iter();
        loop {
            let slice: Vec<RawChange> = changes.by_ref().take(RESTORE_SLICE).collect();
            if slice.is_empty() {
                break;
            }
            let part = replica.admit(slice, Trust::OwnStore);
            // The caller has the bytes in its store: keep hashes and signatures only (and,
            // until it is known what the snapshot holds, the bytes apart).
            for change in part.applied {
                if replica.replaying_onto_snapshot
                    && !held
                        .as_ref()
                        .is_some_and(|held| held.contains(&change.hash))
                {
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
            if let (None, Some((_, heads))) = (&held, &known_heads)
                && heads.iter().all(|h| replica.changes.contains_key(h))
            {
                let past = replica.past_of(heads);
                kept_bytes.retain(|(hash, _)| !past.contains(hash));
                held = Some(past);
            }
        }
        replica.replaying_onto_snapshot = false;
        let loaded = loading.and_then(|thread| thread.join().unwrap_or(None));
        let snapshot_heads = match (&known_heads, &loaded) {
            (Some((_, heads)), _) => Some(heads.clone()),
            (None, Some(doc)) => Some(doc.get_heads()),
            (None, None) => None,
        };
        // A snapshot holding a change the log lacks would put it in the document, and
        // every later write would build on something no peer can get: dropped.
        let usable = snapshot_heads
            .as_ref()
            .is_some_and(|heads| heads.iter().all(|h| replica.changes.contains_key(h)));
        let in_doc = match (&snapshot_heads, usable) {
            (Some(heads), true) => held.unwrap_or_else(|| replica.past_of(heads)),
            _ => HashSet::new(),
        };
        if usable {
            if let Some((bytes, _)) = known_heads {
                replica.unloaded = Some(bytes);
            } else if let Some(doc) = loaded {
                replica.doc = doc.with_actor(ActorId::from(device.as_bytes()));
            }
        }
        // What the snapshot lacks (all of it, if it is not used) waits for the document.
        for (hash, bytes) in kept_bytes {
            if in_doc.contains(&hash) {
                continue;
            }
            let change = crate::contain::decode_change(&bytes)
                .expect("decoded once already when it was admitted");
            replica.queue(change);
        }
        (replica, admitted, usable)
    }

    /// The document saved whole, with its heads, to restore from later; `None` when it
    /// must be rebuilt from the change log first ([`Replica::needs_rebuild`]: the saved
    /// document it was restored with did not load, or it holds a change it must not).
    pub fn save_document(&mut self) -> Option<SavedDocument> {
        if !self.load_saved_document() || self.needs_rebuild() {
            // A document lacking what the snapshot held, or holding a change the log
            // lacks (one admitted on a voucher that turned out bad) or that the fork rule
            // shadows: saved, it would disagree with the log.
            return None;
        }
        let bytes = self.save();
        Some(SavedDocument {
            bytes,
            heads: Some(self.doc.get_heads()),
        })
    }
}
