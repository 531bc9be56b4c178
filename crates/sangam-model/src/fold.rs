//! The fold: from a set of signed records to the co-op's state.
//!
//! The result depends only on the set, never on arrival order:
//! - each record is judged in its own causal context (the authority records its `deps`
//!   reach), so a verdict is fixed once the record's past is known;
//! - authority records are applied in the order (depth, id), which is a topological order
//!   that every peer computes alike;
//! - a record whose `deps` are not all present waits, and is judged once they arrive.
//!
//! The rules themselves are listed in docs/protocol.md ("Membership").

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::body::{Admission, Body, Bylaws, Kind};
use crate::context::Context;
use crate::keys::PublicKey;
use crate::record::{CoopId, Record, RecordId, Timestamp};

/// How many views [`Fold`] keeps cached; most records share their neighbours' context.
const VIEW_CACHE: usize = 16;

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
    /// The member key is already in the co-op, or left or was removed.
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

/// A member as the authority view sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    /// Their standing.
    pub standing: Standing,
    /// The name they were admitted with.
    pub admitted_name: String,
    /// The record that admitted them (the genesis for the founder).
    pub admitted_by: RecordId,
    /// Claimed time of that record.
    pub admitted_at: Timestamp,
}

/// A device bound to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEntry {
    /// Whose device.
    pub member: PublicKey,
    /// Its label.
    pub name: String,
    /// Whether its member revoked it.
    pub revoked: bool,
}

/// Who may act, as of one causal context.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The genesis record, once in the context.
    pub genesis: Option<Arc<Record>>,
    /// Members by key.
    pub members: HashMap<PublicKey, MemberEntry>,
    /// Devices by key.
    pub devices: HashMap<PublicKey, DeviceEntry>,
    /// Records that were valid where written but voided here, with why.
    pub void: BTreeMap<RecordId, Refusal>,
}

impl View {
    /// Whether `member` is a current member.
    pub fn is_active(&self, member: &PublicKey) -> bool {
        self.members
            .get(member)
            .is_some_and(|m| m.standing == Standing::Active)
    }

    /// The member an active device acts for, if the device is bound, not revoked, and its
    /// member is current.
    pub fn active_device(&self, device: &PublicKey) -> Option<PublicKey> {
        let entry = self.devices.get(device)?;
        (!entry.revoked && self.is_active(&entry.member)).then_some(entry.member)
    }

    /// The bylaws, once genesis is known.
    pub fn bylaws(&self) -> Option<Bylaws> {
        match self.genesis.as_deref().map(Record::body) {
            Some(Body::CoopGenesis(g)) => Some(g.bylaws),
            _ => None,
        }
    }

    fn active_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.standing == Standing::Active)
            .count()
    }

    /// Judges `record` as written in this view (the record's own causal context).
    fn judge(&self, coop: CoopId, record: &Record) -> Result<(), Refusal> {
        if record.coop() != coop {
            return Err(Refusal::WrongCoop);
        }
        if let Body::CoopGenesis(_) = record.body() {
            return if record.id() == coop {
                Ok(())
            } else {
                Err(Refusal::SecondGenesis)
            };
        }
        let bylaws = self.bylaws().ok_or(Refusal::NoGenesis)?;
        let author = record.author();
        if !self.is_active(&author) {
            return Err(Refusal::NotAMember(author.short()));
        }
        match record.body() {
            Body::CoopGenesis(_) => unreachable!("handled above"),
            Body::MemberAdmit(admit) => {
                if bylaws.admission == Admission::Proposal {
                    return Err(Refusal::NeedsProposal("admit a member"));
                }
                if self.members.contains_key(&admit.member) {
                    return Err(Refusal::AlreadyKnown(admit.member.short()));
                }
            }
            Body::MemberRemove(remove) => {
                if bylaws.admission == Admission::Proposal {
                    return Err(Refusal::NeedsProposal("remove a member"));
                }
                if remove.member == author {
                    return Err(Refusal::RemoveSelf);
                }
                if !self.is_active(&remove.member) {
                    return Err(Refusal::TargetNotMember(remove.member.short()));
                }
            }
            Body::DeviceAdd(add) => {
                if self.devices.contains_key(&add.device) {
                    return Err(Refusal::DeviceTaken(add.device.short()));
                }
            }
            Body::DeviceRevoke(revoke) => {
                let own = self
                    .devices
                    .get(&revoke.device)
                    .is_some_and(|d| d.member == author && !d.revoked);
                if !own {
                    return Err(Refusal::NotOwnDevice(revoke.device.short()));
                }
            }
            Body::MemberLeave(_) | Body::MemberUpdate(_) => {}
        }
        Ok(())
    }

    /// Applies a record that was valid where written. Conflicts with records ordered
    /// before it (concurrent ones) void it instead; the rule is in docs/protocol.md.
    fn apply(&mut self, record: &Arc<Record>) {
        let author = record.author();
        let void = match record.body() {
            Body::CoopGenesis(g) => {
                self.genesis = Some(record.clone());
                self.members.insert(
                    author,
                    MemberEntry {
                        standing: Standing::Active,
                        admitted_name: g.founder_name.clone(),
                        admitted_by: record.id(),
                        admitted_at: record.at(),
                    },
                );
                self.devices.insert(
                    g.device,
                    DeviceEntry {
                        member: author,
                        name: "founding device".into(),
                        revoked: false,
                    },
                );
                None
            }
            Body::MemberAdmit(admit) => {
                if self.members.contains_key(&admit.member) {
                    Some("the member was admitted by a concurrent record")
                } else {
                    self.members.insert(
                        admit.member,
                        MemberEntry {
                            standing: Standing::Active,
                            admitted_name: admit.name.clone(),
                            admitted_by: record.id(),
                            admitted_at: record.at(),
                        },
                    );
                    None
                }
            }
            Body::MemberLeave(_) => {
                if !self.is_active(&author) {
                    Some("the member had already left or been removed")
                } else if self.active_count() == 1 {
                    Some("the last member cannot leave")
                } else {
                    self.set_standing(author, Standing::Left);
                    None
                }
            }
            Body::MemberRemove(remove) => {
                if !self.is_active(&author) {
                    Some("the remover was removed by a concurrent record ordered first")
                } else if !self.is_active(&remove.member) {
                    Some("the member had already left or been removed")
                } else {
                    self.set_standing(remove.member, Standing::Removed);
                    None
                }
            }
            Body::DeviceAdd(add) => {
                if self.devices.contains_key(&add.device) {
                    Some("the device was bound by a concurrent record")
                } else {
                    self.devices.insert(
                        add.device,
                        DeviceEntry {
                            member: author,
                            name: add.name.clone(),
                            revoked: false,
                        },
                    );
                    None
                }
            }
            Body::DeviceRevoke(revoke) => {
                if let Some(device) = self.devices.get_mut(&revoke.device) {
                    device.revoked = true;
                }
                None
            }
            Body::MemberUpdate(_) => None,
        };
        if let Some(why) = void {
            self.void.insert(record.id(), Refusal::Void(why));
        }
    }

    fn set_standing(&mut self, member: PublicKey, standing: Standing) {
        if let Some(entry) = self.members.get_mut(&member) {
            entry.standing = standing;
        }
    }
}

/// A record placed in the fold: its past is known and it has been judged.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The record.
    pub record: Arc<Record>,
    /// Authority records in its causal past (not including itself).
    pub context: Context,
    /// 1 + the greatest depth among its deps (genesis has depth 0).
    pub depth: u64,
    /// Whether it counts where it was written.
    pub verdict: Result<(), Refusal>,
}

/// The co-op's records, judged. Add records in any order; the state is the same.
#[derive(Debug, Clone)]
pub struct Fold {
    coop: CoopId,
    placed: HashMap<RecordId, Placed>,
    /// Records waiting for deps, by the first missing dep.
    waiting: HashMap<RecordId, Vec<Record>>,
    waiting_count: usize,
    /// Authority records placed, for the final view.
    authority: Vec<RecordId>,
    /// Placed records no placed record cites.
    heads: std::collections::BTreeSet<RecordId>,
    views: Vec<(Context, Arc<View>)>,
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
            views: Vec::new(),
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
                self.waiting.entry(*missing).or_default().push(record);
                self.waiting_count += 1;
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
    pub fn judge_new(&mut self, record: &Record, earlier: &[Placed]) -> Result<Placed, Missing> {
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
        let view = self.view_with(&context, earlier);
        let verdict = view.judge(self.coop, record);
        Ok(Placed {
            record: Arc::new(record.clone()),
            context,
            depth,
            verdict,
        })
    }

    /// Adds records judged by [`Fold::judge_new`].
    pub fn insert(&mut self, placed: Placed) {
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

    fn judge(&mut self, record: Arc<Record>) -> Placed {
        let parents: Vec<&Placed> = record
            .deps()
            .iter()
            .filter_map(|d| self.placed.get(d))
            .collect();
        let (context, depth) = context_of(&parents);
        let verdict = self.view(&context).judge(self.coop, &record);
        Placed {
            record,
            context,
            depth,
            verdict,
        }
    }

    /// The authority view of a context (cached by identity).
    pub fn view(&mut self, context: &Context) -> Arc<View> {
        self.view_with(context, &[])
    }

    /// The view of a context that may include `earlier` records not yet inserted (the
    /// records of a change being admitted). Such views are not cached.
    pub fn view_with(&mut self, context: &Context, earlier: &[Placed]) -> Arc<View> {
        if let Some((_, view)) = self.views.iter().find(|(c, _)| c.same(context)) {
            return view.clone();
        }
        let lookup = |id: &RecordId| {
            earlier
                .iter()
                .find(|p| p.record.id() == *id)
                .or_else(|| self.placed.get(id))
        };
        let view = Arc::new(build_view(context.iter().filter_map(lookup)));
        // Views holding records of a change not yet admitted must not outlive the check.
        if earlier.is_empty() {
            if self.views.len() >= VIEW_CACHE {
                self.views.remove(0);
            }
            self.views.push((context.clone(), view.clone()));
        }
        view
    }

    /// The context after a set of placed records (their contexts plus themselves).
    pub fn context_after(&self, records: &[RecordId]) -> Context {
        let placed: Vec<&Placed> = records
            .iter()
            .filter_map(|id| self.placed.get(id))
            .collect();
        context_of(&placed).0
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
        let mut cited = std::collections::HashSet::new();
        for placed in self.placed.values() {
            cited.extend(placed.record.deps().iter().copied());
        }
        let mut heads: Vec<RecordId> = self
            .placed
            .keys()
            .filter(|id| !cited.contains(*id))
            .copied()
            .collect();
        heads.sort();
        heads
    }

    /// Every placed record in the order the fold applies them: (depth, id).
    pub fn ordered(&self) -> Vec<&Placed> {
        let mut all: Vec<&Placed> = self.placed.values().collect();
        all.sort_by_key(|p| (p.depth, p.record.id()));
        all
    }

    /// The co-op's state from every placed record.
    pub fn state(&self) -> CoopState {
        let view = build_view(self.authority.iter().filter_map(|id| self.placed.get(id)));
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
        // Profile updates: the last valid one in fold order wins, per field.
        for placed in self.ordered() {
            if let (Ok(()), Body::MemberUpdate(update)) = (&placed.verdict, placed.record.body()) {
                if let Some(member) = members.get_mut(&placed.record.author()) {
                    if let Some(name) = &update.name {
                        member.name = name.clone();
                    }
                    if let Some(contact) = &update.contact {
                        member.contact = Some(contact.clone());
                    }
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
            members: members.into_values().collect(),
            devices,
            void: view.void.clone(),
        }
    }

    /// Whether a record judged valid where written would be void once added to everything
    /// placed (e.g. the last member leaving). Writers check this so they never sign a
    /// record that cannot take effect.
    pub fn void_if_added(&self, placed: &Placed) -> Option<Refusal> {
        if !placed.record.kind().is_authority() {
            return None;
        }
        let others = self.authority.iter().filter_map(|id| self.placed.get(id));
        build_view(others.chain(std::iter::once(placed))).void.remove(&placed.record.id())
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

/// A dependency that is not (yet) known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("record depends on {0}, which is not known")]
pub struct Missing(pub RecordId);

fn context_of(parents: &[&Placed]) -> (Context, u64) {
    let extra = parents
        .iter()
        .filter(|p| p.record.kind().is_authority())
        .map(|p| p.record.id());
    let context = Context::join(parents.iter().map(|p| &p.context), extra);
    let depth = parents.iter().map(|p| p.depth + 1).max().unwrap_or(0);
    (context, depth)
}

fn build_view<'a>(records: impl Iterator<Item = &'a Placed>) -> View {
    let mut valid: Vec<&Placed> = records.filter(|p| p.verdict.is_ok()).collect();
    valid.sort_by_key(|p| (p.depth, p.record.id()));
    let mut view = View::default();
    for placed in valid {
        view.apply(&placed.record);
    }
    view
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
    /// Everyone ever admitted, by key.
    pub members: Vec<Member>,
    /// Every bound device.
    pub devices: Vec<Device>,
    /// Records voided by concurrent ones.
    pub void: BTreeMap<RecordId, Refusal>,
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

/// Kinds listed for convenience in tests and tools.
pub fn authority_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.iter().copied().filter(|k| k.is_authority())
}
