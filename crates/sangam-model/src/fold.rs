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

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::body::{Admission, Body, Bylaws, Genesis, Kind};
use crate::context::Context;
use crate::keys::PublicKey;
use crate::record::{CoopId, Record, RecordId, Timestamp};

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
    /// The only current member may not leave: a co-op never has no members.
    #[error("the last member cannot leave the co-op")]
    LastMember,
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
            Body::MemberAdmit(admit) => match self.members.entry(admit.member) {
                Entry::Occupied(_) => Some("the member was admitted by a concurrent record"),
                Entry::Vacant(slot) => {
                    slot.insert(MemberEntry {
                        standing: Standing::Active,
                        admitted_name: admit.name.clone(),
                        admitted_by: record.id(),
                        admitted_at: record.at(),
                    });
                    None
                }
            },
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
            Body::DeviceAdd(add) => match self.devices.entry(add.device) {
                Entry::Occupied(_) => Some("the device was bound by a concurrent record"),
                Entry::Vacant(slot) => {
                    slot.insert(DeviceEntry {
                        member: author,
                        name: add.name.clone(),
                        revoked: false,
                    });
                    None
                }
            },
            Body::DeviceRevoke(revoke) => {
                if let Some(device) = self
                    .devices
                    .get_mut(&revoke.device)
                    .filter(|d| d.member == author)
                {
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

/// Who may act as of one causal context, answered from the fold's indexes: most queries
/// look at a handful of records about one key. Only a member with a leave or removal in
/// scope needs the whole view (concurrent exits resolve in fold order), which is rare.
struct Scope<'a> {
    fold: &'a Fold,
    context: &'a Context,
    earlier: &'a [Placed],
}

impl Scope<'_> {
    /// Valid records in scope: those of `ids`, plus those in `earlier` that `about` selects.
    fn valid<'s>(
        &'s self,
        ids: Option<&'s Vec<RecordId>>,
        about: impl Fn(&Record) -> bool + 's,
    ) -> impl Iterator<Item = &'s Placed> + 's {
        let placed = ids
            .into_iter()
            .flatten()
            .filter(|id| self.context.contains(id))
            .filter_map(|id| self.fold.placed.get(id));
        let earlier = self
            .earlier
            .iter()
            .filter(move |p| self.context.contains(&p.record.id()) && about(&p.record));
        placed.chain(earlier).filter(|p| p.verdict.is_ok())
    }

    fn genesis(&self) -> Option<&Genesis> {
        if !self.context.contains(&self.fold.coop) {
            return None;
        }
        let placed = self.fold.placed.get(&self.fold.coop).or_else(|| {
            self.earlier
                .iter()
                .find(|p| p.record.id() == self.fold.coop)
        })?;
        match placed.record.body() {
            Body::CoopGenesis(g) => Some(g),
            _ => None,
        }
    }

    fn standing(&self, member: &PublicKey) -> Option<Standing> {
        let mut known = false;
        let mut exits = false;
        for p in self.valid(self.fold.by_member.get(member), |r| {
            about_member(r).contains(member)
        }) {
            match p.record.body() {
                Body::CoopGenesis(_) | Body::MemberAdmit(_) => known = true,
                Body::MemberLeave(_) | Body::MemberRemove(_) => exits = true,
                _ => {}
            }
        }
        match (known, exits) {
            (false, _) => None,
            (true, false) => Some(Standing::Active),
            (true, true) => self.full_view().members.get(member).map(|m| m.standing),
        }
    }

    fn is_active(&self, member: &PublicKey) -> bool {
        self.standing(member) == Some(Standing::Active)
    }

    fn full_view(&self) -> View {
        let in_scope = self.context.iter().filter_map(|id| {
            self.fold
                .placed
                .get(id)
                .or_else(|| self.earlier.iter().find(|p| p.record.id() == *id))
        });
        build_view(in_scope)
    }

    /// The device's owner in scope (the first valid binding in fold order) and whether
    /// that owner revoked it.
    fn device(&self, device: &PublicKey) -> Option<(PublicKey, bool)> {
        let records: Vec<&Placed> = self
            .valid(self.fold.by_device.get(device), |r| {
                about_device(r) == Some(*device)
            })
            .collect();
        let owner = records
            .iter()
            .filter(|p| matches!(p.record.body(), Body::CoopGenesis(_) | Body::DeviceAdd(_)))
            .min_by_key(|p| (p.depth, p.record.id()))?
            .record
            .author();
        let revoked = records.iter().any(|p| {
            matches!(p.record.body(), Body::DeviceRevoke(_)) && p.record.author() == owner
        });
        Some((owner, revoked))
    }

    fn active_device(&self, device: &PublicKey) -> Option<PublicKey> {
        let (owner, revoked) = self.device(device)?;
        (!revoked && self.is_active(&owner)).then_some(owner)
    }

    /// Judges `record` as written in this scope (the record's own causal context).
    fn judge(&self, record: &Record) -> Result<(), Refusal> {
        let coop = self.fold.coop;
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
        let bylaws = self.genesis().ok_or(Refusal::NoGenesis)?.bylaws;
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
                if self.standing(&admit.member).is_some() {
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
            Body::MemberLeave(_) => {
                if self.full_view().active_count() <= 1 {
                    return Err(Refusal::LastMember);
                }
            }
            Body::DeviceAdd(add) => {
                if self.device(&add.device).is_some() {
                    return Err(Refusal::DeviceTaken(add.device.short()));
                }
            }
            Body::DeviceRevoke(revoke) => {
                if self.device(&revoke.device) != Some((author, false)) {
                    return Err(Refusal::NotOwnDevice(revoke.device.short()));
                }
            }
            Body::MemberUpdate(_) => {}
        }
        Ok(())
    }
}

/// The member keys whose standing a record can change.
fn about_member(record: &Record) -> Vec<PublicKey> {
    match record.body() {
        Body::CoopGenesis(_) | Body::MemberLeave(_) => vec![record.author()],
        Body::MemberAdmit(a) => vec![a.member],
        Body::MemberRemove(r) => vec![r.member],
        _ => vec![],
    }
}

/// The device key a record binds or revokes.
fn about_device(record: &Record) -> Option<PublicKey> {
    match record.body() {
        Body::CoopGenesis(g) => Some(g.device),
        Body::DeviceAdd(d) => Some(d.device),
        Body::DeviceRevoke(d) => Some(d.device),
        _ => None,
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
    /// Authority records by the member key whose standing they change.
    by_member: HashMap<PublicKey, Vec<RecordId>>,
    /// Authority records by the device key they bind or revoke.
    by_device: HashMap<PublicKey, Vec<RecordId>>,
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
            for member in about_member(&placed.record) {
                self.by_member.entry(member).or_default().push(id);
            }
            if let Some(device) = about_device(&placed.record) {
                self.by_device.entry(device).or_default().push(id);
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
        Placed {
            record,
            context,
            depth,
            verdict,
        }
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
            let (Ok(()), Body::MemberUpdate(update)) = (&placed.verdict, placed.record.body())
            else {
                continue;
            };
            if let Some(member) = members.get_mut(&placed.record.author()) {
                if let Some(name) = &update.name {
                    member.name = name.clone();
                }
                if let Some(contact) = &update.contact {
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
            members: members.into_values().collect(),
            devices,
            void: view.void.clone(),
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
