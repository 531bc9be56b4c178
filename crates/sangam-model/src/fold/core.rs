//! What one write is judged by, saved apart from the rest of a fold.
//!
//! A saved fold ([`super::SavedFold`]) holds every record's place: opening it costs a
//! pass over 100,000 places before one new record can be judged. A new record needs far
//! less: the heads it cites (their depths and contexts), the authority records its rules
//! read (their bodies, depths and verdicts), the areas' indexes and the view of every
//! authority record. [`Fold::save_core`] keeps exactly that; [`Fold::open_core`] opens a
//! fold from it over the rest ([`crate::layered::Far`]), which is read whole the first
//! time a lookup needs a record only it holds, or an authority record's own context.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{Fold, Placed, Refusal, SavedFoldError, View};
use crate::body::Bylaws;
use crate::context::Context;
use crate::indexes::Indexes;
use crate::keys::PublicKey;
use crate::layered::{Far, Layered};
use crate::membership::{DeviceEntry, MemberEntry};
use crate::record::{CoopId, Record, RecordId};

/// A fold's core, saved to be opened without the rest of it ([`Fold::open_core`]).
#[derive(Serialize, Deserialize)]
pub struct FoldCore<'a> {
    /// The heads, each with its contexts.
    #[serde(borrow)]
    heads: Vec<CorePlaced<'a>>,
    /// The heads' distinct contexts, each as its ids ascending.
    contexts: Vec<Vec<RecordId>>,
    /// Every authority record, in the order they were placed.
    #[serde(borrow)]
    authority: Vec<CorePlaced<'a>>,
    /// Records waiting for a dep, by the first dep missing, as their JSON.
    #[serde(borrow)]
    waiting: Vec<(RecordId, Vec<Cow<'a, str>>)>,
    /// The indexes but the books' entries (counted in `entries_in_rest`), which are
    /// read from the rest when a reader asks for them.
    indexes: Cow<'a, Indexes>,
    entries_in_rest: u64,
    /// The view of every authority record.
    #[serde(borrow)]
    view: SavedView<'a>,
    /// How many records are placed.
    records: u64,
}

#[derive(Serialize, Deserialize)]
struct CorePlaced<'a> {
    #[serde(borrow)]
    json: Cow<'a, str>,
    depth: u64,
    verdict: Result<(), Refusal>,
    /// Its context and its children's, by their place in [`FoldCore::contexts`]; `None`
    /// for an authority record that is not a head (read from the rest if asked).
    contexts: Option<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
struct SavedView<'a> {
    #[serde(borrow)]
    genesis: Option<Cow<'a, str>>,
    /// As JSON: the bylaws' optional fields are left out when empty, which a format
    /// without field names cannot read back.
    bylaws: Option<String>,
    members: Vec<(PublicKey, MemberEntry)>,
    devices: Vec<(PublicKey, DeviceEntry)>,
    void: Vec<(RecordId, Refusal)>,
    relay: Option<Option<String>>,
}

impl FoldCore<'_> {
    /// How many records the saved fold had placed.
    pub fn records(&self) -> u64 {
        self.records
    }
}

impl Fold {
    /// The fold's core as saved for a later process (reads every authority record and
    /// the heads; the view of all authority records is built if it is not current).
    pub fn save_core(&self) -> FoldCore<'_> {
        let mut contexts: Vec<Context> = Vec::new();
        let mut number = |context: &Context| -> u32 {
            let at = contexts
                .iter()
                .position(|c| c.same(context) || c.iter().eq(context.iter()))
                .unwrap_or_else(|| {
                    contexts.push(context.clone());
                    contexts.len() - 1
                });
            at as u32
        };
        let mut heads = Vec::with_capacity(self.heads.len());
        for id in &self.heads {
            let placed = self.placed.get(id).expect("a head is placed");
            let context = number(&placed.context);
            let after = number(&placed.after);
            heads.push(core_placed(placed, Some((context, after))));
        }
        // Each context is written as its ids; numbering borrowed `contexts` mutably.
        let contexts: Vec<Vec<RecordId>> = contexts
            .iter()
            .map(|c| c.iter().copied().collect())
            .collect();
        let authority = self
            .authority
            .iter()
            .map(|id| core_placed(self.placed.get(id).expect("authority is placed"), None))
            .collect();
        let mut waiting: Vec<(RecordId, Vec<Cow<'_, str>>)> = self
            .waiting
            .iter()
            .map(|(missing, records)| {
                (
                    *missing,
                    records.iter().map(|r| Cow::Borrowed(r.json())).collect(),
                )
            })
            .collect();
        waiting.sort_by_key(|(missing, _)| *missing);
        let view = self.final_view();
        let mut members: Vec<(PublicKey, MemberEntry)> =
            view.members.iter().map(|(k, m)| (*k, m.clone())).collect();
        members.sort_by_key(|(k, _)| *k);
        let mut devices: Vec<(PublicKey, DeviceEntry)> =
            view.devices.iter().map(|(k, d)| (*k, d.clone())).collect();
        devices.sort_by_key(|(k, _)| *k);
        let view = SavedView {
            genesis: view
                .genesis
                .as_ref()
                .map(|g| Cow::Owned(g.json().to_owned())),
            bylaws: view
                .bylaws
                .as_ref()
                .map(|b| serde_json::to_string(b).expect("bylaws serialize")),
            members,
            devices,
            void: view.void.iter().map(|(k, r)| (*k, r.clone())).collect(),
            relay: view.relay.clone(),
        };
        let indexes = Indexes {
            membership: self.index.membership.clone(),
            governance: self.index.governance.clone(),
            market: self.index.market.clone(),
            ledger: self.index.ledger.without_entries(),
        };
        // Those in a rest not read yet, and those placed since (counted without reading).
        let entries = self.index.ledger.entries_in_rest + self.index.ledger.entries.len();
        FoldCore {
            heads,
            contexts,
            authority,
            waiting,
            indexes: Cow::Owned(indexes),
            entries_in_rest: entries as u64,
            view,
            records: self.placed.len() as u64,
        }
    }

    /// Opens a fold of `coop` from its saved core, over `rest`: the places of every
    /// record it had when saved, read the first time a lookup needs them.
    pub fn open_core(
        coop: CoopId,
        core: FoldCore<'_>,
        rest: Arc<dyn Far<RecordId, Placed>>,
    ) -> Result<Fold, SavedFoldError> {
        let mut fold = Fold::new(coop);
        fold.placed = Layered::over(rest.clone());
        for saved in core.authority {
            let record = parse(&saved.json)?;
            let id = record.id();
            let from_rest = |after: bool| {
                let rest = rest.clone();
                Context::deferred(move || {
                    let placed = rest.map().get(&id).unwrap_or_else(|| {
                        panic!(
                            "authority record {} is in the saved core but not in the rest of the saved fold",
                            id.short()
                        )
                    });
                    if after {
                        placed.after.clone()
                    } else {
                        placed.context.clone()
                    }
                })
            };
            fold.authority.push(id);
            fold.placed.pin(
                id,
                Placed {
                    record: Arc::new(record).into(),
                    context: from_rest(false),
                    after: from_rest(true),
                    depth: saved.depth,
                    verdict: saved.verdict,
                },
            );
        }
        let contexts: Vec<Context> = core.contexts.into_iter().map(Context::of).collect();
        let context_at = |at: u32| {
            contexts
                .get(at as usize)
                .cloned()
                .ok_or(SavedFoldError::Core("a head names a context not saved"))
        };
        for saved in core.heads {
            let record = parse(&saved.json)?;
            let id = record.id();
            let (context, after) = saved
                .contexts
                .ok_or(SavedFoldError::Core("a head saved without its contexts"))?;
            fold.heads.insert(id);
            fold.placed.pin(
                id,
                Placed {
                    record: Arc::new(record).into(),
                    context: context_at(context)?,
                    after: context_at(after)?,
                    depth: saved.depth,
                    verdict: saved.verdict,
                },
            );
        }
        for (missing, records) in core.waiting {
            let records = records
                .iter()
                .map(|json| parse(json))
                .collect::<Result<Vec<Record>, _>>()?;
            fold.waiting_count += records.len();
            fold.waiting.insert(missing, records);
        }
        fold.index = core.indexes.into_owned();
        fold.index.ledger.entries_in_rest = core.entries_in_rest as usize;
        if fold.placed.len() as u64 != core.records {
            return Err(SavedFoldError::Core(
                "the saved core and the rest of the fold count their records differently",
            ));
        }
        let view = Arc::new(View {
            genesis: match core.view.genesis {
                Some(json) => Some(Arc::new(parse(&json)?)),
                None => None,
            },
            bylaws: match core.view.bylaws {
                Some(json) => Some(
                    serde_json::from_str::<Bylaws>(&json)
                        .map_err(|_| SavedFoldError::Core("the saved bylaws do not parse"))?,
                ),
                None => None,
            },
            members: core.view.members.into_iter().collect::<HashMap<_, _>>(),
            devices: core.view.devices.into_iter().collect::<HashMap<_, _>>(),
            void: core.view.void.into_iter().collect::<BTreeMap<_, _>>(),
            relay: core.view.relay,
        });
        // A new record citing every head is judged in the context of every authority
        // record: the saved view is that context's, so its judging builds no view.
        let every: BTreeSet<&RecordId> = fold.authority.iter().collect();
        let whole = contexts
            .iter()
            .find(|c| c.len() == every.len() && c.iter().all(|id| every.contains(id)));
        if let Some(whole) = whole {
            fold.views = Mutex::new(vec![(whole.clone(), view.clone())]);
        }
        fold.final_view = Mutex::new(Some((fold.authority.len(), view)));
        Ok(fold)
    }

    /// The places of every record, for a fold opened with nothing left unread: what a
    /// fold opened from its core reads as its rest.
    pub fn into_places(self) -> crate::id::IdMap<RecordId, Placed> {
        self.placed.into_near()
    }

    /// Whether the rest of a fold opened from its core has been read.
    pub fn rest_is_read(&self) -> bool {
        !self.placed.far_is_unread()
    }
}

fn core_placed(placed: &Placed, contexts: Option<(u32, u32)>) -> CorePlaced<'_> {
    CorePlaced {
        json: Cow::Borrowed(placed.record.json()),
        depth: placed.depth,
        verdict: placed.verdict.clone(),
        contexts,
    }
}

fn parse(json: &str) -> Result<Record, SavedFoldError> {
    Record::from_trusted_json(json.as_bytes()).map_err(|source| SavedFoldError::Record {
        id: "in the saved core".into(),
        source,
    })
}
