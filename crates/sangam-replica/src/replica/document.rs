//! The replica's Automerge document: changes built without it, loaded when first needed,
//! and admitted changes applied to it in a way whose cost does not grow with the document.
//!
//! Automerge 0.12 keeps every op's value in one raw byte column. A document loaded from
//! saved bytes (or filled by one batch into an empty document) holds that column as a
//! single slab; each op spliced into the middle of it splits the slab with
//! `Vec::split_off`, which copies the suffix into a new allocation while the prefix keeps
//! the whole old one. A batch of n ops lands in ascending order, so it copies and keeps
//! about n × (column size) / 2 bytes: 2,000 records into a loaded 8,000-record document
//! took 2.7 GB (docs/automerge-raw-column.md has the reduction, with only Automerge). So:
//! - a local write never touches the document (`crate::local_change`);
//! - into an empty document everything goes in one batch (one splice at its end);
//! - into a loaded one, changes of one op each go one at a time in descending order of
//!   their key, so each split copies only the gap to the one before; anything larger
//!   rebuilds the document from all its changes in one batch;
//! - the slabs' leftover capacity is shed now and then by cloning the document.

use automerge::legacy::Key;
use automerge::{ActorId, Automerge, Change};

use super::Replica;

/// Changes of one op each applied one at a time; above this, the document is rebuilt.
const SINGLE_APPLIES: usize = 64;
/// Single applies after which the document is cloned to shed its slabs' spare capacity.
const COMPACT_EVERY: usize = 32;

impl Replica {
    /// Loads the saved document the replica was restored with, if it is not yet, and says
    /// whether the document is whole. One that fails to load leaves it lacking the changes
    /// the snapshot held (their bytes are in the caller's store, not here): the caller
    /// restores the replica without the snapshot ([`Replica::needs_rebuild`] says so too),
    /// and [`Replica::save_document`] refuses to save it.
    pub fn load_saved_document(&mut self) -> bool {
        self.load_document();
        !self.document_lost
    }

    pub(super) fn load_document(&mut self) {
        self.read_saved_document();
        if let Some(bytes) = self.unloaded.take() {
            match crate::contain::load_document(&bytes) {
                Some(doc) => {
                    let heads = doc.get_heads();
                    debug_assert!(
                        heads.iter().all(|h| self.changes.contains_key(h)),
                        "restore keeps only a snapshot whose heads are admitted"
                    );
                    self.doc = doc.with_actor(ActorId::from(self.device.as_bytes()));
                }
                None => self.document_lost = true,
            }
        }
        if !self.document_lost {
            self.fill_document_from_log();
        }
    }

    /// Puts an admitted change among those waiting for the document.
    pub(super) fn queue(&mut self, change: Change) {
        self.pending_at.insert(change.hash(), self.pending.len());
        self.pending.push(change);
    }

    /// Applies the admitted changes still waiting to the document (loading it first).
    pub(super) fn flush(&mut self) {
        self.load_document();
        if self.pending.is_empty() {
            return;
        }
        self.pending_at.clear();
        let pending = std::mem::take(&mut self.pending);
        let expect = "admitted changes have their deps and were decoded once already";
        if self.doc.get_heads().is_empty() {
            // Into an empty document: one run of ops at its end, one splice.
            self.doc.apply_changes(pending).expect(expect);
        } else if pending.len() <= SINGLE_APPLIES && pending.iter().all(|c| c.len() == 1) {
            self.apply_singly(pending);
        } else {
            self.rebuild_with(pending);
        }
    }

    /// Applies changes of one op each, one at a time, the last key first (see the module
    /// docs). A change whose dep comes later waits in Automerge's queue and goes in with it.
    fn apply_singly(&mut self, mut pending: Vec<Change>) {
        pending.sort_by_cached_key(|c| std::cmp::Reverse(first_key(c)));
        for change in pending {
            self.doc
                .apply_changes([change])
                .expect("admitted changes were decoded once already");
            self.applied_singly += 1;
        }
        if self.applied_singly >= COMPACT_EVERY {
            // A clone allocates each slab at its length: what splits kept is let go.
            self.doc = self.doc.clone();
            self.applied_singly = 0;
        }
    }

    /// Replaces the document with one holding its changes and `pending`, applied in one
    /// batch to an empty document.
    fn rebuild_with(&mut self, pending: Vec<Change>) {
        let mut changes = self.doc.get_changes(&[]);
        changes.extend(pending);
        let mut doc = Automerge::new().with_actor(ActorId::from(self.device.as_bytes()));
        doc.apply_changes(changes)
            .expect("admitted changes have their deps and were decoded once already");
        self.doc = doc;
        self.applied_singly = 0;
    }
}

/// The map key of a change's first op (its record's id), for ordering single applies.
fn first_key(change: &Change) -> String {
    match change.decode().operations.first().map(|op| &op.key) {
        Some(Key::Map(key)) => key.to_string(),
        _ => String::new(),
    }
}
