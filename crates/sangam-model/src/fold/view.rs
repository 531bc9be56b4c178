//! Building and caching authority views: who is a member, which devices act for whom,
//! and the bylaws in force, after applying a set of valid authority records in fold
//! order (depth, id). Conflicts between concurrent records are settled by that order;
//! what each record does to the view is its kind's (see `crate::areas::Rules::apply`).

use std::sync::Arc;

use super::{Fold, Placed, VIEW_CACHE, View};
use crate::context::Context;

impl Fold {
    /// The full view of `context` (cached when it holds no `earlier` records).
    pub(crate) fn view_of(&self, context: &Context, earlier: &[Placed]) -> Arc<View> {
        let cacheable = earlier.is_empty();
        if cacheable {
            let views = self.views.lock().expect("the view cache is never poisoned");
            if let Some((_, view)) = views.iter().find(|(c, _)| c.same(context)) {
                return view.clone();
            }
        }
        let in_scope = context.iter().filter_map(|id| {
            self.placed
                .get(id)
                .or_else(|| earlier.iter().find(|p| p.record.id() == *id))
        });
        let view = Arc::new(build_view(self, in_scope));
        if cacheable {
            let mut views = self.views.lock().expect("the view cache is never poisoned");
            if views.len() >= VIEW_CACHE {
                views.remove(0);
            }
            views.push((context.clone(), view.clone()));
        }
        view
    }

    /// The view of all authority records, rebuilt only when one was added: most records
    /// (ballots, profile updates, ledger entries) leave it as it was.
    pub(crate) fn final_view(&self) -> Arc<View> {
        let mut cached = self.final_view.lock().unwrap_or_else(|p| p.into_inner());
        match cached.as_ref() {
            Some((count, view)) if *count == self.authority.len() => view.clone(),
            _ => {
                let view = Arc::new(build_view(
                    self,
                    self.authority.iter().filter_map(|id| self.placed.get(id)),
                ));
                *cached = Some((self.authority.len(), view.clone()));
                view
            }
        }
    }
}

/// Applies the valid records among `records` in fold order (what each does is its
/// kind's).
fn build_view<'a>(fold: &'a Fold, records: impl Iterator<Item = &'a Placed>) -> View {
    let mut valid: Vec<&Placed> = records.filter(|p| p.verdict.is_ok()).collect();
    valid.sort_by_key(|p| (p.depth, p.record.id()));
    fold.rules.view(fold, &valid)
}
