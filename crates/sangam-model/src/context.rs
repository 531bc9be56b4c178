//! Causal contexts: the authority records in a record's (or an Automerge change's) past.
//!
//! Whether an author may do something is judged in the context the author wrote in, never by
//! the receiver's "now" (DESIGN.md "The co-op's documents"). A context is the set of
//! authority records (genesis, admissions, removals, devices) causally before the thing
//! being judged. Most records extend their parent's context unchanged, so contexts are
//! shared behind an `Arc`; the set itself is persistent, so adding one authority record
//! to a context of thousands shares all but a path of the tree.

use std::sync::{Arc, OnceLock};

use imbl::OrdSet;

use crate::id::RecordId;

/// A set of authority record ids, cheap to clone and to compare by identity.
#[derive(Clone, Default)]
pub struct Context(Arc<Inner>);

enum Inner {
    Set(OrdSet<RecordId>),
    /// Known only by where to find it: a record's context in a saved replica's part that
    /// is read when first needed ([`Context::deferred`]).
    Deferred {
        resolve: Box<dyn Fn() -> Context + Send + Sync>,
        resolved: OnceLock<Context>,
    },
}

impl Default for Inner {
    fn default() -> Self {
        Inner::Set(OrdSet::new())
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Inner::Deferred { resolved, .. } if resolved.get().is_none() => {
                write!(f, "Context(not read yet)")
            }
            _ => f.debug_set().entries(self.set().iter()).finish(),
        }
    }
}

impl Context {
    /// The empty context (before genesis).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The context of exactly `ids`.
    pub fn of(ids: impl IntoIterator<Item = RecordId>) -> Self {
        Context(Arc::new(Inner::Set(ids.into_iter().collect())))
    }

    /// A context that `resolve` gives when it is first looked at: for a record whose
    /// context is kept elsewhere and costs a read of more than the caller may need.
    pub fn deferred(resolve: impl Fn() -> Context + Send + Sync + 'static) -> Self {
        Context(Arc::new(Inner::Deferred {
            resolve: Box::new(resolve),
            resolved: OnceLock::new(),
        }))
    }

    fn set(&self) -> &OrdSet<RecordId> {
        match &*self.0 {
            Inner::Set(set) => set,
            Inner::Deferred { resolve, resolved } => resolved.get_or_init(resolve).set(),
        }
    }

    /// Whether `id` is in this context.
    pub fn contains(&self, id: &RecordId) -> bool {
        self.set().contains(id)
    }

    /// How many authority records are in it.
    pub fn len(&self) -> usize {
        self.set().len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.set().is_empty()
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = &RecordId> {
        self.set().iter()
    }

    /// Whether both are the same shared set (a cheap identity test, not equality).
    pub fn same(&self, other: &Context) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The union of `parents` plus `extra`, sharing an existing set whenever the union adds
    /// nothing to it.
    pub fn join<'a>(
        parents: impl IntoIterator<Item = &'a Context>,
        extra: impl IntoIterator<Item = RecordId>,
    ) -> Context {
        let mut distinct: Vec<&Context> = Vec::new();
        for parent in parents {
            if !distinct.iter().any(|d| d.same(parent)) {
                distinct.push(parent);
            }
        }
        // Start from the largest parent: in a mostly linear history it holds all others.
        distinct.sort_by_key(|c| std::cmp::Reverse(c.len()));
        let base = distinct.first().map(|c| (*c).clone()).unwrap_or_default();
        let mut missing: Vec<RecordId> = Vec::new();
        for other in distinct.iter().skip(1) {
            missing.extend(other.iter().filter(|id| !base.contains(id)));
        }
        missing.extend(extra.into_iter().filter(|id| !base.contains(id)));
        if missing.is_empty() {
            return base;
        }
        let mut set = base.set().clone();
        for id in missing {
            set.insert(id);
        }
        Context(Arc::new(Inner::Set(set)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> RecordId {
        RecordId::from_bytes([n; 32])
    }

    #[test]
    fn join_shares_when_nothing_is_added() {
        let a = Context::join([], [id(1), id(2)]);
        let same = Context::join([&a, &a.clone()], [id(1)]);
        assert!(same.same(&a));
        let b = Context::join([&a], [id(3)]);
        assert!(!b.same(&a));
        assert_eq!(
            b.iter().copied().collect::<Vec<_>>(),
            vec![id(1), id(2), id(3)]
        );
        let sub = Context::join([], [id(2)]);
        assert!(Context::join([&sub, &b], []).same(&b));
    }

    #[test]
    fn a_deferred_context_is_read_once_and_only_when_looked_at() {
        let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = reads.clone();
        let deferred = Context::deferred(move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Context::of([id(1), id(2)])
        });
        let shared = deferred.clone();
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert!(shared.contains(&id(2)) && !deferred.contains(&id(3)));
        let joined = Context::join([&deferred], [id(3)]);
        assert_eq!(joined.len(), 3);
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
