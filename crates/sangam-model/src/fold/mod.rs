//! The fold: from a set of signed records to the co-op's state.
//!
//! The result depends only on the set, never on arrival order:
//! - each record is judged in its own causal context (the authority records its `deps`
//!   reach), so a verdict is fixed once the record's past is known;
//! - authority records are applied in the order (depth, id), which is a topological order
//!   that every peer computes alike;
//! - a record whose `deps` are not all present waits, and is judged once they arrive.
//!
//! This module is the machinery only: placing, waiting, contexts, order and a cache of
//! authority views. What each kind means (its rule where written, its indexes, its effect
//! on a view) belongs to its area: the fold asks it through the [`Rulebook`] the areas
//! give every fold they make (`crate::areas`), and never names an area. The rules themselves are listed in docs/protocol.md ("Membership", "Governance").

mod core;
mod record_ref;
mod refusal;
mod saved;
mod scope;
mod view;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::context::Context;
use crate::indexes::Indexes;
use crate::record::{CoopId, Record, RecordId};
pub use core::FoldCore;
pub use record_ref::{RecordRef, RecordSource, SourceError};
pub use refusal::Refusal;
pub use saved::{SavedFold, SavedFoldError, bodies_here};

// The authority view and the co-op's state are membership's; they are re-exported here,
// where callers have always found them.
pub use crate::membership::{CoopState, Device, DeviceEntry, Member, MemberEntry, Standing, View};

/// A record placed in the fold: its past is known and it has been judged.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The record (its body read from the home's log when first needed, if the fold was
    /// opened saved).
    pub record: RecordRef,
    /// Authority records in its causal past (not including itself).
    pub context: Context,
    /// Its context plus itself if it is an authority record: what its children inherit.
    pub after: Context,
    /// 1 + the greatest depth among its deps (genesis has depth 0).
    pub depth: u64,
    /// Whether it counts where it was written.
    pub verdict: Result<(), Refusal>,
}

/// One causal context as seen from the fold, for judging a record there: the questions
/// it answers are in `scope.rs` and the areas' own modules.
pub(crate) struct Scope<'a> {
    pub(crate) fold: &'a Fold,
    pub(crate) context: &'a Context,
    /// Records of the change being admitted, not yet in the fold.
    pub(crate) earlier: &'a [Placed],
}

/// What the fold asks of the areas. The machinery here never names an area:
/// `crate::areas` answers for every kind of the kinds table, and gives its answers to
/// each fold it makes ([`Fold::new`]).
pub(crate) trait Rulebook: Send + Sync + std::fmt::Debug {
    /// Judges `record` where written ("Judging where written"), in `scope`.
    fn judge(&self, scope: &Scope<'_>, record: &Record) -> Result<(), Refusal>;
    /// Notes `placed` (valid or not) in its area's indexes.
    fn index(&self, placed: &Placed, fold: &mut Fold);
    /// The authority view that `valid`, valid records in fold order, give.
    fn view(&self, fold: &Fold, valid: &[&Placed]) -> View;
}

/// How many full views [`Fold`] keeps; most records share their neighbours' context.
const VIEW_CACHE: usize = 8;

/// The co-op's records, judged. Add records in any order; the state is the same.
#[derive(Debug)]
pub struct Fold {
    coop: CoopId,
    placed: crate::layered::Layered<RecordId, Placed>,
    /// Records waiting for deps, by the first missing dep.
    waiting: HashMap<RecordId, Vec<Record>>,
    waiting_count: usize,
    /// Authority records placed, for the final view.
    authority: Vec<RecordId>,
    /// Placed records no placed record cites.
    pub(crate) heads: BTreeSet<RecordId>,
    /// Each area's indexes.
    pub(crate) index: Indexes,
    /// What each kind means: its rule where written, its indexes, its effect on a view.
    rules: &'static dyn Rulebook,
    /// Full views of recent contexts.
    views: Mutex<Vec<(Context, Arc<View>)>>,
    /// The view of every authority record, with how many there were when it was built:
    /// authority records are only ever added, so the count says whether it is current.
    final_view: Mutex<Option<(usize, Arc<View>)>>,
}

impl Fold {
    /// An empty fold for the co-op `coop`, whose records mean what `rules` says (the
    /// areas give theirs: [`Fold::new`]).
    pub(crate) fn with_rules(coop: CoopId, rules: &'static dyn Rulebook) -> Self {
        Self {
            rules,
            coop,
            placed: Default::default(),
            waiting: HashMap::new(),
            waiting_count: 0,
            authority: Vec::new(),
            heads: Default::default(),
            index: Indexes::default(),
            views: Mutex::new(Vec::new()),
            final_view: Mutex::new(None),
        }
    }

    /// The co-op folded.
    pub fn coop(&self) -> CoopId {
        self.coop
    }

    /// Adds a record. Records whose deps are missing wait for them.
    pub fn add(&mut self, record: Record) {
        if self.placed.contains_key(&record.id()) {
            return;
        }
        let mut ready = vec![record];
        while let Some(record) = ready.pop() {
            if self.placed.contains_key(&record.id()) {
                continue;
            }
            if let Some(missing) = record.deps().iter().find(|d| !self.placed.contains_key(d)) {
                let waiters = self.waiting.entry(*missing).or_default();
                if !waiters.iter().any(|w| w.id() == record.id()) {
                    waiters.push(record);
                    self.waiting_count += 1;
                }
                continue;
            }
            let id = record.id();
            let placed = self.judge(Arc::new(record));
            self.insert(placed);
            if let Some(waiters) = self.waiting.remove(&id) {
                self.waiting_count -= waiters.len();
                ready.extend(waiters);
            }
        }
    }

    /// Judges `record` (whose deps must all be placed, or be among `earlier`) without
    /// adding it. Used to admit a change before applying it.
    pub fn judge_new(&self, record: &Record, earlier: &[Placed]) -> Result<Placed, Missing> {
        self.judge_owned(record.clone(), earlier)
    }

    /// [`Fold::judge_new`] taking the record, for callers that have no further use for it
    /// (admission: one copy of each record fewer).
    pub fn judge_owned(&self, record: Record, earlier: &[Placed]) -> Result<Placed, Missing> {
        let mut parents = Vec::with_capacity(record.deps().len());
        for dep in record.deps() {
            let placed = earlier
                .iter()
                .find(|p| p.record.id() == *dep)
                .or_else(|| self.placed.get(dep))
                .ok_or(Missing(*dep))?;
            parents.push(placed);
        }
        let (context, depth) = context_of(&parents);
        let scope = Scope {
            fold: self,
            context: &context,
            earlier,
        };
        let verdict = self.rules.judge(&scope, &record);
        Ok(placed(Arc::new(record).into(), context, depth, verdict))
    }

    /// Adds records judged by [`Fold::judge_new`].
    pub fn insert(&mut self, placed: Placed) {
        self.rules.index(&placed, self);
        self.place(placed);
    }

    /// Places a judged record whose area indexes already note it.
    fn place(&mut self, placed: Placed) {
        let id = placed.record.id();
        if placed.record.kind().is_authority() {
            self.authority.push(id);
        }
        // A record is placed only after its deps, so nothing placed cites it yet.
        for dep in placed.record.deps() {
            self.heads.remove(dep);
        }
        self.heads.insert(id);
        self.placed.insert(id, placed);
    }

    fn judge(&self, record: Arc<Record>) -> Placed {
        let parents: Vec<&Placed> = record
            .deps()
            .iter()
            .filter_map(|d| self.placed.get(d))
            .collect();
        let (context, depth) = context_of(&parents);
        let scope = Scope {
            fold: self,
            context: &context,
            earlier: &[],
        };
        let verdict = self.rules.judge(&scope, &record);
        placed(record.into(), context, depth, verdict)
    }

    /// A placed record's depth (0 if unknown).
    pub(crate) fn depth_of(&self, id: &RecordId) -> u64 {
        self.placed.get(id).map_or(0, |p| p.depth)
    }

    /// Every placed record reachable from `deps` (inclusive) down to depth `floor`.
    pub(crate) fn ancestors(&self, deps: &[RecordId], floor: u64) -> HashSet<RecordId> {
        let mut seen = HashSet::new();
        let mut stack: Vec<RecordId> = deps.to_vec();
        while let Some(id) = stack.pop() {
            let Some(placed) = self.placed.get(&id) else {
                continue;
            };
            if placed.depth < floor || !seen.insert(id) {
                continue;
            }
            stack.extend(placed.record.deps().iter().copied());
        }
        seen
    }

    /// A placed record.
    pub fn get(&self, id: &RecordId) -> Option<&Placed> {
        self.placed.get(id)
    }

    /// How many records are placed.
    pub fn len(&self) -> usize {
        self.placed.len()
    }

    /// Whether nothing is placed.
    pub fn is_empty(&self) -> bool {
        self.placed.is_empty()
    }

    /// How many records wait for deps that never arrived.
    pub fn waiting(&self) -> usize {
        self.waiting_count
    }

    /// The record heads: placed records no other placed record depends on. New records
    /// name these as their `deps`.
    pub fn heads(&self) -> Vec<RecordId> {
        self.heads.iter().copied().collect()
    }

    /// The deps for a new record: the heads, or, when there are more than a record may
    /// name, the authority records among them first and then the deepest. A record
    /// citing fewer heads is judged in that smaller context, never a larger one.
    pub fn deps_for_new_record(&self) -> Vec<RecordId> {
        if self.heads.len() <= crate::record::MAX_DEPS {
            return self.heads();
        }
        let mut heads: Vec<&Placed> = self
            .heads
            .iter()
            .filter_map(|id| self.placed.get(id))
            .collect();
        heads.sort_by_key(|p| {
            (
                !p.record.kind().is_authority(),
                std::cmp::Reverse(p.depth),
                p.record.id(),
            )
        });
        heads.truncate(crate::record::MAX_DEPS);
        let mut ids: Vec<RecordId> = heads.iter().map(|p| p.record.id()).collect();
        ids.sort();
        ids
    }

    /// Which of `ids` a new record (citing [`Fold::deps_for_new_record`]) has in its past.
    /// When a new record cites every head, that is all of them; otherwise only the part of
    /// the graph above the shallowest of `ids` is walked.
    pub fn reached_by_new_record(&self, ids: &[RecordId]) -> HashSet<RecordId> {
        let placed: Vec<RecordId> = ids
            .iter()
            .copied()
            .filter(|id| self.get(id).is_some())
            .collect();
        if self.heads.len() <= crate::record::MAX_DEPS {
            return placed.into_iter().collect();
        }
        let floor = placed.iter().map(|id| self.depth_of(id)).min().unwrap_or(0);
        let past = self.ancestors(&self.deps_for_new_record(), floor);
        placed.into_iter().filter(|id| past.contains(id)).collect()
    }

    /// Every placed record, in no particular order (reads the rest of a fold opened from
    /// its saved core).
    pub(crate) fn placed_values(&self) -> impl Iterator<Item = &Placed> {
        self.placed.values()
    }

    /// The areas' indexes whole: a fold opened from its saved core keeps its largest part
    /// (the books' entries) among the rest's records, and this reads them back.
    pub(crate) fn whole_index(&self) -> std::borrow::Cow<'_, Indexes> {
        if self.index.ledger.entries_in_rest == 0 {
            return std::borrow::Cow::Borrowed(&self.index);
        }
        let mut whole = self.index.clone();
        whole.ledger.entries = self.entry_order().into_owned();
        whole.ledger.entries_in_rest = 0;
        std::borrow::Cow::Owned(whole)
    }

    /// Every placed record in the order the fold applies them: (depth, id).
    pub fn ordered(&self) -> Vec<&Placed> {
        let mut all: Vec<&Placed> = self.placed.values().collect();
        all.sort_by_key(|p| (p.depth, p.record.id()));
        all
    }
}

/// A dependency that is not (yet) known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("record depends on {0}, which is not known")]
pub struct Missing(pub RecordId);

fn context_of(parents: &[&Placed]) -> (Context, u64) {
    let context = Context::join(parents.iter().map(|p| &p.after), []);
    let depth = parents.iter().map(|p| p.depth + 1).max().unwrap_or(0);
    (context, depth)
}

/// A judged record with the context its children inherit.
fn placed(record: RecordRef, context: Context, depth: u64, verdict: Result<(), Refusal>) -> Placed {
    let after = if record.kind().is_authority() {
        Context::join([&context], [record.id()])
    } else {
        context.clone()
    };
    Placed {
        record,
        context,
        after,
        depth,
        verdict,
    }
}
