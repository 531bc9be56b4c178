//! The fold: from a set of signed records to the co-op's state.
//!
//! The result depends only on the set, never on arrival order:
//! - each record is judged in its own causal context (the authority records its `deps`
//!   reach), so a verdict is fixed once the record's past is known;
//! - authority records are applied in the order (depth, id), which is a topological order
//!   that every peer computes alike;
//! - a record whose `deps` are not all present waits, and is judged once they arrive.
//!
//! The rules themselves are listed in docs/protocol.md ("Membership", "Governance").

mod scope;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::body::{Body, Bylaws, Effect};
use crate::context::Context;
use crate::keys::PublicKey;
use crate::record::{CoopId, Record, RecordId, Timestamp};
use scope::{Scope, about_device, about_member};
pub use view::{DeviceEntry, MemberEntry, View};

/// Why a record does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// It belongs to another co-op.
    #[error("record belongs to another co-op")]
    WrongCoop,
    /// A second genesis in one co-op.
    #[error("a co-op has exactly one genesis record")]
    SecondGenesis,
    /// Its past does not reach the co-op's genesis.
    #[error("record does not depend on the co-op's genesis")]
    NoGenesis,
    /// The author was not a current member where the record was written.
    #[error("author {0} was not a current member when this was written")]
    NotAMember(String),
    /// The bylaws require a passed proposal for this.
    #[error("the bylaws require a passed proposal to {0}")]
    NeedsProposal(&'static str),
    /// The member key is a current member already.
    #[error("{0} is already a member")]
    AlreadyMember(String),
    /// The member key left or was removed once.
    #[error("{0} already joined this co-op once (a member who left rejoins with a new key)")]
    AlreadyKnown(String),
    /// The target is not a current member.
    #[error("{0} is not a current member")]
    TargetNotMember(String),
    /// Removing oneself: use `member.leave`.
    #[error("a member cannot remove themselves; leave instead")]
    RemoveSelf,
    /// The device key is already bound, or was revoked.
    #[error("device {0} is already bound or was revoked")]
    DeviceTaken(String),
    /// The device is not the author's, or is already revoked.
    #[error("device {0} is not an active device of the author")]
    NotOwnDevice(String),
    /// The only current member may not leave: a co-op never has no members.
    #[error("the last member cannot leave the co-op")]
    LastMember,
    /// The proposal is unknown, invalid, or not in the record's past.
    #[error("proposal {0} is not known where this was written")]
    UnknownProposal(String),
    /// The proposal was already closed where this was written.
    #[error("the proposal was already closed")]
    ProposalClosed,
    /// The proposal was withdrawn.
    #[error("the proposal was withdrawn")]
    ProposalWithdrawn,
    /// The author may not vote on this proposal.
    #[error("{0} is not in this proposal's electorate")]
    NotInElectorate(String),
    /// The answer does not fit the proposal's method or options.
    #[error("invalid choice: {0}")]
    BadChoice(String),
    /// A proxy that cannot stand.
    #[error("invalid proxy: {0}")]
    BadProxy(&'static str),
    /// The electorate is not exactly the current members.
    #[error("the electorate must be exactly the current members when the proposal opens")]
    ElectorateMismatch,
    /// The deadline is not after the opening.
    #[error("the deadline must be after the proposal opens")]
    BadDeadline,
    /// A close before the deadline while someone has not voted.
    #[error(
        "before the deadline a proposal closes only when every elector has voted or is represented"
    )]
    DeadlineNotPassed,
    /// A close names something that is not a valid ballot or proxy of the proposal in its
    /// past.
    #[error(
        "the close names {0}, which is not a valid ballot or proxy of this proposal in its past"
    )]
    NamesUnknown(String),
    /// Only the proposer withdraws.
    #[error("only the proposer may withdraw a proposal")]
    NotProposer,
    /// Withdrawal after a ballot.
    #[error("a proposal cannot be withdrawn once someone has voted")]
    AlreadyVotedOn,
    /// Quorum or threshold below what the bylaws require.
    #[error("a proposal's quorum and threshold may not be below the bylaws'")]
    BelowBylaws,
    /// An effect this proposal cannot carry.
    #[error("invalid effect: {0}")]
    BadEffect(&'static str),
    /// Valid where written, but voided by a concurrent record ordered before it.
    #[error("void: {0}")]
    Void(&'static str),
}

/// A member's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A current member.
    Active,
    /// Left the co-op.
    Left,
    /// Removed from the co-op.
    Removed,
}

/// A record placed in the fold: its past is known and it has been judged.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The record.
    pub record: Arc<Record>,
    /// Authority records in its causal past (not including itself).
    pub context: Context,
    /// Its context plus itself if it is an authority record: what its children inherit.
    pub after: Context,
    /// 1 + the greatest depth among its deps (genesis has depth 0).
    pub depth: u64,
    /// Whether it counts where it was written.
    pub verdict: Result<(), Refusal>,
}

/// A member's latest profile fields, each with the fold order of the record that set it.
#[derive(Debug, Default)]
struct Profile {
    name: Option<((u64, RecordId), String)>,
    contact: Option<((u64, RecordId), String)>,
}

/// How many full views [`Fold`] keeps; most records share their neighbours' context.
const VIEW_CACHE: usize = 8;

/// The co-op's records, judged. Add records in any order; the state is the same.
#[derive(Debug)]
pub struct Fold {
    coop: CoopId,
    placed: HashMap<RecordId, Placed>,
    /// Records waiting for deps, by the first missing dep.
    waiting: HashMap<RecordId, Vec<Record>>,
    waiting_count: usize,
    /// Authority records placed, for the final view.
    authority: Vec<RecordId>,
    /// Placed records no placed record cites.
    pub(crate) heads: BTreeSet<RecordId>,
    /// Authority records by the member key whose standing they change.
    by_member: HashMap<PublicKey, Vec<RecordId>>,
    /// Authority records by the device key they bind or revoke.
    by_device: HashMap<PublicKey, Vec<RecordId>>,
    /// Ballots, proxies, closes and withdrawals by proposal.
    pub(crate) by_proposal: HashMap<RecordId, Vec<RecordId>>,
    /// Closes and withdrawals by proposal: what ends a vote.
    pub(crate) ends: HashMap<RecordId, Vec<RecordId>>,
    /// Valid proposals in fold order (depth, id), so listing them reads no other record.
    pub(crate) proposals: BTreeSet<(u64, RecordId)>,
    /// Closes of proposals that would amend the bylaws.
    amendments: Vec<RecordId>,
    /// Each author's latest valid name and contact, with the (depth, id) that set them.
    profiles: HashMap<PublicKey, Profile>,
    /// The latest valid co-op settings, with the (depth, id) that set them.
    settings: Option<((u64, RecordId), crate::body::CoopSettings)>,
    /// Full views of recent contexts.
    views: Mutex<Vec<(Context, Arc<View>)>>,
    /// The view of every authority record, with how many there were when it was built:
    /// authority records are only ever added, so the count says whether it is current.
    final_view: Mutex<Option<(usize, Arc<View>)>>,
}

impl Fold {
    /// An empty fold for the co-op `coop`.
    pub fn new(coop: CoopId) -> Self {
        Self {
            coop,
            placed: HashMap::new(),
            waiting: HashMap::new(),
            waiting_count: 0,
            authority: Vec::new(),
            heads: Default::default(),
            by_member: HashMap::new(),
            by_device: HashMap::new(),
            by_proposal: HashMap::new(),
            ends: HashMap::new(),
            proposals: BTreeSet::new(),
            amendments: Vec::new(),
            profiles: HashMap::new(),
            settings: None,
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
        let verdict = Scope {
            fold: self,
            context: &context,
            earlier,
        }
        .judge(record);
        Ok(placed(Arc::new(record.clone()), context, depth, verdict))
    }

    /// Adds records judged by [`Fold::judge_new`].
    pub fn insert(&mut self, placed: Placed) {
        let id = placed.record.id();
        if placed.record.kind().is_authority() {
            self.authority.push(id);
            for member in about_member(&placed.record) {
                self.by_member.entry(member).or_default().push(id);
            }
            if let Some(device) = about_device(&placed.record) {
                self.by_device.entry(device).or_default().push(id);
            }
        }
        if let (Ok(()), Body::ProposalOpen(_)) = (&placed.verdict, placed.record.body()) {
            self.proposals.insert((placed.depth, id));
        }
        if let Some(proposal) = proposal_of(&placed.record) {
            self.by_proposal.entry(proposal).or_default().push(id);
            if matches!(
                placed.record.body(),
                Body::ProposalClose(_) | Body::ProposalWithdraw(_)
            ) {
                self.ends.entry(proposal).or_default().push(id);
            }
            if let Body::ProposalClose(_) = placed.record.body() {
                // A close may carry its proposal's effect: index it where it matters.
                match self.proposal(&proposal).and_then(|p| p.effect.as_ref()) {
                    Some(Effect::Admit(a)) => self.by_member.entry(a.member).or_default().push(id),
                    Some(Effect::Remove(r)) => self.by_member.entry(r.member).or_default().push(id),
                    Some(Effect::Bylaws(_)) => self.amendments.push(id),
                    None => {}
                }
            }
        }
        if let (Ok(()), Body::MemberUpdate(update)) = (&placed.verdict, placed.record.body()) {
            let order = (placed.depth, id);
            let profile = self.profiles.entry(placed.record.author()).or_default();
            let newer = |slot: &Option<((u64, RecordId), String)>| {
                slot.as_ref().is_none_or(|(o, _)| *o < order)
            };
            if let Some(name) = &update.name
                && newer(&profile.name)
            {
                profile.name = Some((order, name.clone()));
            }
            if let Some(contact) = &update.contact
                && newer(&profile.contact)
            {
                profile.contact = Some((order, contact.clone()));
            }
        }
        if let (Ok(()), Body::CoopSettings(settings)) = (&placed.verdict, placed.record.body()) {
            let order = (placed.depth, id);
            if self.settings.as_ref().is_none_or(|(o, _)| *o < order) {
                self.settings = Some((order, settings.clone()));
            }
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
        let verdict = Scope {
            fold: self,
            context: &context,
            earlier: &[],
        }
        .judge(&record);
        placed(record, context, depth, verdict)
    }

    /// The member an active device acts for in `context`, counting `earlier` records not
    /// yet inserted (the records of a change being admitted).
    pub fn active_device(
        &self,
        context: &Context,
        earlier: &[Placed],
        device: &PublicKey,
    ) -> Option<PublicKey> {
        Scope {
            fold: self,
            context,
            earlier,
        }
        .active_device(device)
    }

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
        let view = Arc::new(view::build_view(self, in_scope));
        if cacheable {
            let mut views = self.views.lock().expect("the view cache is never poisoned");
            if views.len() >= VIEW_CACHE {
                views.remove(0);
            }
            views.push((context.clone(), view.clone()));
        }
        view
    }

    /// The bylaws in force where `record` was written.
    pub fn bylaws_at(&self, record: &RecordId) -> Bylaws {
        let context = self
            .placed
            .get(record)
            .map(|p| Context::join([&p.context], [*record]));
        let context = context.unwrap_or_default();
        Scope {
            fold: self,
            context: &context,
            earlier: &[],
        }
        .bylaws()
        .unwrap_or_default()
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

    /// Every placed record in the order the fold applies them: (depth, id).
    pub fn ordered(&self) -> Vec<&Placed> {
        let mut all: Vec<&Placed> = self.placed.values().collect();
        all.sort_by_key(|p| (p.depth, p.record.id()));
        all
    }

    /// The co-op's state from every placed record.
    pub fn state(&self) -> CoopState {
        let view = self.final_view();
        let mut members: BTreeMap<PublicKey, Member> = view
            .members
            .iter()
            .map(|(key, entry)| {
                let member = Member {
                    key: *key,
                    name: entry.admitted_name.clone(),
                    contact: None,
                    standing: entry.standing,
                    admitted_by: entry.admitted_by,
                    admitted_at: entry.admitted_at,
                };
                (*key, member)
            })
            .collect();
        // Profile updates: the last valid one in fold order wins, per field (kept up to
        // date as records are placed, so this is no scan of every record).
        for (author, profile) in &self.profiles {
            if let Some(member) = members.get_mut(author) {
                if let Some((_, name)) = &profile.name {
                    member.name = name.clone();
                }
                if let Some((_, contact)) = &profile.contact {
                    member.contact = Some(contact.clone());
                }
            }
        }
        let mut devices: Vec<Device> = view
            .devices
            .iter()
            .map(|(key, d)| Device {
                key: *key,
                member: d.member,
                name: d.name.clone(),
                revoked: d.revoked,
            })
            .collect();
        devices.sort_by_key(|d| (d.member, d.key));
        let genesis = view.genesis.as_deref().and_then(|g| match g.body() {
            Body::CoopGenesis(body) => Some(body.clone()),
            _ => None,
        });
        CoopState {
            coop: self.coop,
            genesis,
            bylaws: view.bylaws,
            members: members.into_values().collect(),
            devices,
            void: view.void.clone(),
            relay: self
                .settings
                .as_ref()
                .and_then(|(_, settings)| settings.relay.clone()),
        }
    }

    /// The view of all authority records, rebuilt only when one was added: most records
    /// (ballots, profile updates, ledger entries) leave it as it was.
    fn final_view(&self) -> Arc<View> {
        let mut cached = self.final_view.lock().unwrap_or_else(|p| p.into_inner());
        match cached.as_ref() {
            Some((count, view)) if *count == self.authority.len() => view.clone(),
            _ => {
                let view = Arc::new(view::build_view(
                    self,
                    self.authority.iter().filter_map(|id| self.placed.get(id)),
                ));
                *cached = Some((self.authority.len(), view.clone()));
                view
            }
        }
    }

    /// The verdict on a placed record in the final state: refused where written, voided
    /// by a concurrent record, or counted.
    pub fn standing_of(&self, id: &RecordId, state: &CoopState) -> Option<Result<(), Refusal>> {
        let placed = self.placed.get(id)?;
        Some(match (&placed.verdict, state.void.get(id)) {
            (Err(e), _) | (Ok(()), Some(e)) => Err(e.clone()),
            (Ok(()), None) => Ok(()),
        })
    }
}

/// The proposal a governance record is about.
fn proposal_of(record: &Record) -> Option<RecordId> {
    match record.body() {
        Body::Ballot(b) => Some(b.proposal),
        Body::ProxyGrant(g) => Some(g.proposal),
        Body::ProxyRevoke(r) => Some(r.proposal),
        Body::ProposalClose(c) => Some(c.proposal),
        Body::ProposalWithdraw(w) => Some(w.proposal),
        _ => None,
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
fn placed(
    record: Arc<Record>,
    context: Context,
    depth: u64,
    verdict: Result<(), Refusal>,
) -> Placed {
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

/// A member of the co-op, with their latest profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Member key.
    pub key: PublicKey,
    /// Display name (latest update).
    pub name: String,
    /// Contact line, if given.
    pub contact: Option<String>,
    /// Current standing.
    pub standing: Standing,
    /// The admitting record.
    pub admitted_by: RecordId,
    /// When, as claimed by the admitting record.
    pub admitted_at: Timestamp,
}

/// A device bound to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Device key.
    pub key: PublicKey,
    /// Its member.
    pub member: PublicKey,
    /// Its label.
    pub name: String,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// The co-op as every peer with the same records sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoopState {
    /// Co-op id.
    pub coop: CoopId,
    /// The genesis body, once known.
    pub genesis: Option<crate::body::Genesis>,
    /// The bylaws in force: the genesis's, or the latest amendment a passed proposal made.
    pub bylaws: Option<Bylaws>,
    /// Everyone ever admitted, by key.
    pub members: Vec<Member>,
    /// Every bound device.
    pub devices: Vec<Device>,
    /// Records voided by concurrent ones.
    pub void: BTreeMap<RecordId, Refusal>,
    /// The co-op's own relay, if its settings name one (else n0's public relays).
    pub relay: Option<String>,
}

impl CoopState {
    /// Current members only.
    pub fn active_members(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|m| m.standing == Standing::Active)
    }

    /// A member by key.
    pub fn member(&self, key: &PublicKey) -> Option<&Member> {
        self.members.iter().find(|m| m.key == *key)
    }
}
