//! Where the fold meets the areas. The fold machinery ([`crate::fold`]) knows records,
//! contexts and order; what a kind means, it asks through this module only:
//! - [`Rules`]: the hooks a kind gives the fold (its rule where written, its indexes, its
//!   effect on the authority view). Every body in the kinds table implements it in its
//!   area, and [`rules_of`] is generated from that table, so a new kind is registered
//!   there and nowhere else;
//! - [`Indexes`] and [`Applying`]: each area's state inside the fold and inside one view
//!   build, one field per area;
//! - the area types the fold holds or hands out (the authority view and the co-op's
//!   state are membership's).

use std::sync::Arc;

use crate::fold::{Fold, Placed, Refusal, Rulebook, Scope};
use crate::governance;
use crate::id::RecordId;
use crate::kinds::{Body, Kind, kinds_table};
use crate::record::Record;

use crate::membership::{Bylaws, View};

/// What a kind does in the fold. Each method has a default that does nothing, so a kind
/// states only what it adds.
pub(crate) trait Rules {
    /// Step 5 of "Judging where written": the kind's own rule, in the view of the
    /// record's context. Steps 1 to 4 have passed; `bylaws` are those in force there.
    fn judge(&self, _record: &Record, _scope: &Scope<'_>, _bylaws: &Bylaws) -> Result<(), Refusal> {
        Ok(())
    }

    /// Notes a record being placed (valid or not) in its area's indexes.
    fn index(&self, _placed: &Placed, _fold: &mut Fold) {}

    /// The proposal whose tally a record of this kind may move (`own`: the record's id).
    fn proposal_moved(&self, _own: RecordId) -> Option<RecordId> {
        None
    }

    /// Whether a record of this kind may change the members or their devices.
    fn moves_members(&self) -> bool {
        false
    }

    /// Applies a record valid where written to an authority view, in fold order. `Some`
    /// says why a concurrent record ordered first voids it.
    fn apply(
        &self,
        _record: &Arc<Record>,
        _view: &mut View,
        _applying: &mut Applying<'_>,
    ) -> Option<&'static str> {
        None
    }
}

macro_rules! define_rules_of {
    ($($variant:ident($body:ty) = $name:literal, authority: $authority:literal;)*) => {
        /// The body as its kind's [`Rules`].
        pub(crate) fn rules_of(body: &Body) -> &dyn Rules {
            match body { $(Body::$variant(b) => b,)* }
        }
    };
}

kinds_table!(define_rules_of);

/// What a record changes besides the log, as a front end needs to know to refresh: the
/// proposal whose tally it may move, and whether it may change the members or their
/// devices. Each kind says so in its area ([`Rules`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touches {
    /// The proposal whose tally it may move.
    pub proposal: Option<RecordId>,
    /// Whether it may change the members or their devices.
    pub members: bool,
}

impl Body {
    /// What a record with this body and id `own` may change ([`Touches`]).
    pub fn touches(&self, own: RecordId) -> Touches {
        let rules = rules_of(self);
        Touches {
            proposal: rules.proposal_moved(own),
            members: rules.moves_members(),
        }
    }
}

/// The areas, as the fold asks them what each kind means ([`Rulebook`]).
#[derive(Debug)]
struct Areas;

impl Rulebook for Areas {
    fn judge(&self, scope: &Scope<'_>, record: &Record) -> Result<(), Refusal> {
        judge(scope, record)
    }

    fn index(&self, placed: &Placed, fold: &mut Fold) {
        rules_of(placed.record.body()).index(placed, fold);
    }

    fn view(&self, fold: &Fold, valid: &[&Placed]) -> View {
        let mut applying = Applying::new(fold, valid);
        let mut view = View::default();
        for placed in valid {
            let record = placed.record.shared();
            if let Some(why) = rules_of(record.body()).apply(&record, &mut view, &mut applying) {
                view.void.insert(record.id(), Refusal::Void(why.into()));
            }
        }
        view
    }
}

impl Fold {
    /// An empty fold for the co-op `coop`, its records meaning what the areas say.
    pub fn new(coop: crate::record::CoopId) -> Self {
        Fold::with_rules(coop, &Areas)
    }
}

/// Judges `record` where written (docs/protocol.md "Judging where written"). Steps 1 to 4
/// hold for every kind and ask membership who was a member; step 5 is the kind's own.
pub(crate) fn judge(scope: &Scope<'_>, record: &Record) -> Result<(), Refusal> {
    let coop = scope.fold.coop();
    if record.coop() != coop {
        return Err(Refusal::WrongCoop);
    }
    if record.kind() == Kind::CoopGenesis {
        return if record.id() == coop {
            Ok(())
        } else {
            Err(Refusal::SecondGenesis)
        };
    }
    let bylaws = scope.bylaws().ok_or(Refusal::NoGenesis)?;
    let author = record.author();
    if !scope.is_active(&author) {
        return Err(Refusal::NotAMember(author.short()));
    }
    rules_of(record.body()).judge(record, scope, &bylaws)
}

/// What one view build carries besides the view: the fold it reads, and each area's
/// state for the build.
pub(crate) struct Applying<'a> {
    pub(crate) fold: &'a Fold,
    pub(crate) governance: governance::Deciding<'a>,
}

impl<'a> Applying<'a> {
    /// Ready to apply `valid`, the build's valid records in fold order.
    pub(crate) fn new(fold: &'a Fold, valid: &[&'a Placed]) -> Self {
        Self {
            fold,
            governance: governance::Deciding::new(valid),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::kinds::{Body, Kind};
    use crate::record::Record;

    /// Every valid record of the test vectors says what it touches: governance records
    /// their proposal (an opening its own id), membership records and closes the members,
    /// the rest nothing.
    #[test]
    fn each_kind_says_what_its_records_touch() {
        let vectors: Vec<Value> =
            serde_json::from_str(include_str!("../../../tests/vectors/records.json"))
                .expect("json");
        let mut seen = std::collections::HashSet::new();
        for v in vectors.iter().filter(|v| v["valid"] == true) {
            let text = v["record"].as_str().expect("record").as_bytes();
            let record = Record::from_json(text).expect("a valid vector");
            let (id, body) = (record.id(), record.body());
            let touches = body.touches(id);
            seen.insert(body.kind());
            let named = |b: &Body| -> Option<crate::id::RecordId> {
                match b {
                    Body::Ballot(b) => Some(b.proposal),
                    Body::ProxyGrant(g) => Some(g.proposal),
                    Body::ProxyRevoke(r) => Some(r.proposal),
                    Body::ProposalClose(c) => Some(c.proposal),
                    Body::ProposalWithdraw(w) => Some(w.proposal),
                    Body::ProposalOpen(_) => Some(id),
                    _ => None,
                }
            };
            assert_eq!(touches.proposal, named(body), "{:?}", body.kind());
            let members = body.kind().as_str().starts_with("member.")
                || body.kind().as_str().starts_with("device.")
                || matches!(body.kind(), Kind::CoopGenesis | Kind::ProposalClose);
            assert_eq!(touches.members, members, "{:?}", body.kind());
        }
        assert!(seen.contains(&Kind::Ballot) && seen.contains(&Kind::MemberAdmit));
    }
}
