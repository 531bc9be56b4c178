//! The change a local write makes, built from its parts without the document: applying a
//! write into a loaded document is what made writes cost gigabytes
//! (docs/automerge-raw-column.md). It is the change a transaction would make.

use automerge::legacy::{Key, ObjectId, Op, OpType, SortedVec};
use automerge::{ActorId, Change, ChangeHash, ExpandedChange, ScalarValue};
use sangam_model::{PublicKey, Record};

/// The change a transaction putting `records` at their ids at the root would make, built
/// from its parts: `start_op` is one past the largest op counter admitted (a transaction
/// on the whole document starts there too), `time` is seconds since the epoch.
pub(crate) fn record_change<'a>(
    device: &PublicKey,
    seq: u64,
    start_op: u64,
    time: i64,
    deps: Vec<ChangeHash>,
    records: impl Iterator<Item = &'a Record>,
) -> Change {
    let operations = records
        .map(|record| Op {
            action: OpType::Put(ScalarValue::Str(record.json().into())),
            obj: ObjectId::Root,
            key: Key::Map(record.id().to_string().into()),
            pred: SortedVec::new(),
            insert: false,
        })
        .collect();
    Change::from(ExpandedChange {
        operations,
        actor_id: ActorId::from(device.as_bytes()),
        hash: None,
        seq,
        start_op: std::num::NonZeroU64::new(start_op).expect("one past a counter is never 0"),
        time,
        message: None,
        deps,
        extra_bytes: Vec::new(),
        author: None,
    })
}
