//! The fold kept between processes, so a process that writes one record does not replay
//! the co-op's whole history first.
//!
//! A replay costs every record parsed and judged: about 20 µs and 4 KB a record, two
//! seconds and 450 MB at 100,000 records, before one new record can be judged. What
//! judging needs is far less: each placed record's deps, depth, verdict and context, the
//! areas' indexes, and the bodies of the few records a rule looks at. So a saved fold
//! ([`SavedFold`]) keeps each record's place and verdict, the indexes, and the bodies of
//! authority records only (every view is built from them); every other body stays in
//! the home's change log and is read from there the first time a rule or a reader asks
//! for it ([`RecordRef`], through a [`RecordSource`]). Contexts are not saved: they are
//! rebuilt from the deps, in fold order, as the replay would.
//!
//! A saved fold is the home's own state, written by this build: it is trusted as the
//! change log is, and tests and debug builds check it against a replay
//! ([`Fold::differences`]).

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::record_ref::{RecordRef, RecordSource};
use super::{Fold, Refusal, context_of, placed};
use crate::indexes::Indexes;
use crate::kinds::Kind;
use crate::record::{CoopId, Record, RecordError, RecordId};

/// Why a saved fold cannot be opened (the caller replays the log instead).
#[derive(Debug, thiserror::Error)]
pub enum SavedFoldError {
    /// A kind this build does not know.
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    /// A record saved before one of its deps.
    #[error("record {record} is saved before its dep {dep}")]
    DepAfter {
        /// The record (short id).
        record: String,
        /// The dep (short id).
        dep: String,
    },
    /// A saved body that does not parse.
    #[error("saved record {id} does not parse: {source}")]
    Record {
        /// The record (short id).
        id: String,
        /// Why.
        #[source]
        source: RecordError,
    },
    /// A saved body whose id is not the one it is saved under.
    #[error("saved record {0} has another id")]
    OtherId(String),
    /// A saved core that does not fit together (or with the rest it was saved with).
    #[error("the saved core does not fit: {0}")]
    Core(&'static str),
}

/// A fold saved to be opened by a later process ([`Fold::save`], [`Fold::open_saved`]).
/// It borrows from the fold it was saved from, and owns what it was read back into.
#[derive(Serialize, Deserialize)]
pub struct SavedFold<'a> {
    /// Every placed record, in fold order (depth, id): its deps come before it.
    #[serde(borrow)]
    records: Vec<SavedPlaced<'a>>,
    /// Records waiting for deps, as their JSON.
    #[serde(borrow)]
    waiting: Vec<Cow<'a, str>>,
    indexes: Cow<'a, Indexes>,
}

#[derive(Serialize, Deserialize)]
struct SavedPlaced<'a> {
    id: RecordId,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    deps: Cow<'a, [RecordId]>,
    verdict: Result<(), Refusal>,
    /// Where the source finds the body.
    at: u32,
    /// The body itself, for authority records (every view reads them) and any record the
    /// source could not be told where to find.
    #[serde(borrow)]
    json: Option<Cow<'a, str>>,
}

impl Fold {
    /// The fold as saved for a later process. `locate` numbers the change holding a
    /// record, for the [`RecordSource`] the fold is opened with.
    pub fn save(&self, locate: impl Fn(&RecordId) -> Option<u32>) -> SavedFold<'_> {
        let records = self
            .ordered()
            .into_iter()
            .map(|p| {
                let id = p.record.id();
                let kind = p.record.kind();
                let at = if kind.is_authority() {
                    None
                } else {
                    locate(&id)
                };
                SavedPlaced {
                    id,
                    kind: Cow::Borrowed(kind.as_str()),
                    deps: Cow::Borrowed(p.record.deps()),
                    verdict: p.verdict.clone(),
                    at: at.unwrap_or(u32::MAX),
                    json: at.is_none().then(|| Cow::Borrowed(p.record.json())),
                }
            })
            .collect();
        let waiting = self
            .waiting
            .values()
            .flatten()
            .map(|r| Cow::Borrowed(r.json()))
            .collect();
        SavedFold {
            records,
            waiting,
            indexes: self.whole_index(),
        }
    }

    /// Opens a saved fold of `coop`, reading the bodies it left out from `source` when
    /// they are first needed. Contexts and depths are rebuilt from the deps, as a replay
    /// builds them.
    pub fn open_saved(
        coop: CoopId,
        saved: SavedFold<'_>,
        source: Arc<dyn RecordSource>,
    ) -> Result<Fold, SavedFoldError> {
        let mut fold = Fold::new(coop);
        fold.placed.reserve(saved.records.len());
        for entry in saved.records {
            let kind: Kind = entry
                .kind
                .parse()
                .map_err(|_| SavedFoldError::UnknownKind(entry.kind.to_string()))?;
            let parents = entry
                .deps
                .iter()
                .map(|d| {
                    fold.placed.get(d).ok_or_else(|| SavedFoldError::DepAfter {
                        record: entry.id.short(),
                        dep: d.short(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (context, depth) = context_of(&parents);
            let record = match entry.json {
                Some(json) => {
                    let record = Record::from_trusted_json(json.as_bytes()).map_err(|source| {
                        SavedFoldError::Record {
                            id: entry.id.short(),
                            source,
                        }
                    })?;
                    if record.id() != entry.id {
                        return Err(SavedFoldError::OtherId(entry.id.short()));
                    }
                    RecordRef::from(Arc::new(record))
                }
                None => RecordRef::kept(
                    entry.id,
                    kind,
                    entry.deps.into_owned().into_boxed_slice(),
                    entry.at,
                    source.clone(),
                ),
            };
            let placed = placed(record, context, depth, entry.verdict);
            fold.place(placed);
        }
        for json in saved.waiting {
            let record = Record::from_trusted_json(json.as_bytes()).map_err(|source| {
                SavedFoldError::Record {
                    id: "waiting".into(),
                    source,
                }
            })?;
            fold.add(record);
        }
        fold.index = saved.indexes.into_owned();
        fold.views = Mutex::new(Vec::new());
        Ok(fold)
    }

    /// How this fold differs from `other` (records, their places, verdicts and contexts,
    /// heads, waiting records, indexes), for checking a saved fold against a replay.
    pub fn differences(&self, other: &Fold) -> Vec<String> {
        let mut out = Vec::new();
        if self.placed.len() != other.placed.len() {
            out.push(format!(
                "{} records placed against {}",
                self.placed.len(),
                other.placed.len()
            ));
        }
        for (id, mine) in self.placed.iter() {
            let Some(theirs) = other.placed.get(id) else {
                out.push(format!("{} is placed in one only", id.short()));
                continue;
            };
            let same_context = |a: &super::Context, b: &super::Context| a.iter().eq(b.iter());
            if mine.depth != theirs.depth
                || mine.verdict != theirs.verdict
                || !same_context(&mine.context, &theirs.context)
                || !same_context(&mine.after, &theirs.after)
                || mine.record.deps() != theirs.record.deps()
            {
                out.push(format!("{} is placed differently", id.short()));
            }
        }
        if self.heads != other.heads {
            out.push("the heads differ".into());
        }
        if self.waiting_count != other.waiting_count {
            out.push("the waiting records differ".into());
        }
        let mut authority = self.authority.clone();
        let mut their_authority = other.authority.clone();
        authority.sort();
        their_authority.sort();
        if authority != their_authority {
            out.push("the authority records differ".into());
        }
        // As JSON values, whose maps compare without regard to order.
        let indexes =
            |f: &Fold| serde_json::to_value(&*f.whole_index()).expect("indexes serialize");
        if indexes(self) != indexes(other) {
            out.push("the indexes differ".into());
        }
        out
    }
}

/// Counts the bodies in memory, for tests and benchmarks that check what was read.
pub fn bodies_here(fold: &Fold) -> usize {
    fold.placed
        .values_in_memory()
        .filter(|p| p.record.is_here())
        .count()
}
