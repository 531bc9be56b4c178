//! Causal contexts: the authority records in a record's (or an Automerge change's) past.
//!
//! Whether an author may do something is judged in the context the author wrote in, never by
//! the receiver's "now" (DESIGN.md "The co-op's documents"). A context is the set of
//! authority records (genesis, admissions, removals, devices) causally before the thing
//! being judged. Most records extend their parent's context unchanged, so contexts are
//! shared behind an `Arc`; the set itself is persistent, so adding one authority record
//! to a context of thousands shares all but a path of the tree.

use std::sync::Arc;

use imbl::OrdSet;

use crate::id::RecordId;

/// A set of authority record ids, cheap to clone and to compare by identity.
#[derive(Clone, Default, Debug)]
pub struct Context(Arc<OrdSet<RecordId>>);

impl Context {
    /// The empty context (before genesis).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Whether `id` is in this context.
    pub fn contains(&self, id: &RecordId) -> bool {
        self.0.contains(id)
    }

    /// How many authority records are in it.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = &RecordId> {
        self.0.iter()
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
        let mut set = (*base.0).clone();
        for id in missing {
            set.insert(id);
        }
        Context(Arc::new(set))
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
}
