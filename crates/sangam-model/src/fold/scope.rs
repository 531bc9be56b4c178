//! Judging a record in its own causal context.
//!
//! A [`Scope`] is one context as seen from the fold: which records are in it, including
//! those of a change being admitted and not yet placed. Areas add the questions they
//! answer from it ("is this key a current member here?", "is this proposal open
//! here?") from their own indexes, so most questions look at a handful of records about
//! one key. Anything needing the whole membership falls back to the full [`View`] of the
//! context, which the fold caches.

use std::sync::Arc;

use super::{Placed, Scope, View};
use crate::record::{Record, RecordId};

impl Scope<'_> {
    /// Valid records in scope: those of `ids` (an area's index entry), plus those in
    /// `earlier` that `about` selects (they are in no index yet).
    pub(crate) fn valid<'s>(
        &'s self,
        ids: Option<&'s Vec<RecordId>>,
        about: impl Fn(&Record) -> bool + 's,
    ) -> impl Iterator<Item = &'s Placed> + 's {
        let placed = ids
            .into_iter()
            .flatten()
            .filter(|id| self.context.contains(id))
            .filter_map(|id| self.fold.get(id));
        let earlier = self
            .earlier
            .iter()
            .filter(move |p| self.context.contains(&p.record.id()) && about(&p.record));
        placed.chain(earlier).filter(|p| p.verdict.is_ok())
    }

    /// The placed record `id`, or the one of that id among `earlier`.
    pub(crate) fn placed(&self, id: &RecordId) -> Option<&Placed> {
        self.fold
            .get(id)
            .or_else(|| self.earlier.iter().find(|p| p.record.id() == *id))
    }

    /// Whether `target` is reachable from `deps` (inclusive) through records placed or
    /// being admitted: the walk stops below `target`'s depth, so it visits only what was
    /// written since.
    pub(crate) fn reaches(&self, target: &RecordId, deps: &[RecordId]) -> bool {
        let Some(floor) = self.placed(target).map(|p| p.depth) else {
            return false;
        };
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<RecordId> = deps.to_vec();
        while let Some(id) = stack.pop() {
            if id == *target {
                return true;
            }
            let Some(placed) = self.placed(&id) else {
                continue;
            };
            if placed.depth <= floor || !seen.insert(id) {
                continue;
            }
            stack.extend(placed.record.deps().iter().copied());
        }
        false
    }

    /// The full authority view of this context.
    pub(crate) fn full_view(&self) -> Arc<View> {
        self.fold.view_of(self.context, self.earlier)
    }
}
