//! The reduction behind docs/automerge-raw-column.md, using Automerge alone.
//!
//! A root map of `KEYS` string values (record-sized, under random keys) is saved and
//! loaded; then `BATCH` one-key changes made elsewhere are applied to the loaded
//! document, in one `apply_changes` call and, for comparison, one call each in descending
//! key order. Prints the time and the process's peak resident memory after each step.
//!
//! `cargo run --release -p sangam-replica --example raw_column_splits -- [KEYS] [BATCH]
//! [VALUE_BYTES] [batch|descending]` (defaults 8000 2000 600 batch).

use std::num::NonZeroU64;
use std::time::Instant;

use automerge::legacy::{Key, ObjectId, Op, OpType, SortedVec};
use automerge::{ActorId, Automerge, Change, ExpandedChange, ScalarValue};

/// The process's peak resident set so far, in MB (Linux).
fn peak_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A 64-hex-digit key spread like a SHA-256 (a record id).
fn key(n: u64) -> String {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xdead_beef;
    (0..4)
        .map(|_| {
            x ^= x >> 33;
            x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
            x ^= x >> 33;
            format!("{x:016x}")
        })
        .collect()
}

/// A change by `actor` putting one string at the root: what any transaction makes.
fn put(
    actor: &ActorId,
    seq: u64,
    start_op: u64,
    deps: Vec<automerge::ChangeHash>,
    n: u64,
    len: usize,
) -> Change {
    let value: String = std::iter::repeat_with(|| key(n))
        .flat_map(|k| k.chars().collect::<Vec<_>>())
        .take(len)
        .collect();
    Change::from(ExpandedChange {
        operations: vec![Op {
            action: OpType::Put(ScalarValue::Str(value.into())),
            obj: ObjectId::Root,
            key: Key::Map(key(n).into()),
            pred: SortedVec::new(),
            insert: false,
        }],
        actor_id: actor.clone(),
        hash: None,
        seq,
        start_op: NonZeroU64::new(start_op).expect("counters start at 1"),
        time: 0,
        message: None,
        deps,
        extra_bytes: Vec::new(),
        author: None,
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (keys, batch, len) = (number(0, 8_000), number(1, 2_000), number(2, 600) as usize);
    let descending = args.get(3).is_some_and(|a| a == "descending");

    // The document: one writer's chain of one-key changes, saved and loaded again.
    let writer = ActorId::from([1u8; 32]);
    let mut doc = Automerge::new();
    let mut deps = Vec::new();
    let mut history = Vec::new();
    for n in 0..keys {
        let change = put(&writer, n + 1, n + 1, deps, n, len);
        deps = vec![change.hash()];
        history.push(change);
    }
    doc.apply_changes(history).expect("a chain applies");
    let saved = doc.save();
    drop(doc);
    let started = Instant::now();
    let mut doc = Automerge::load(&saved).expect("loads");
    println!(
        "loaded {keys} keys ({} saved bytes) in {:?}; peak {} MB",
        saved.len(),
        started.elapsed(),
        peak_mb()
    );

    // Concurrent one-key changes by other writers, on top of the saved heads.
    let mut incoming: Vec<Change> = (0..batch)
        .map(|i| {
            let mut actor = [2u8; 32];
            actor[..8].copy_from_slice(&i.to_be_bytes());
            put(
                &ActorId::from(actor),
                1,
                keys + 1,
                deps.clone(),
                keys + i,
                len,
            )
        })
        .collect();
    let started = Instant::now();
    if descending {
        incoming.sort_by_cached_key(|c| {
            std::cmp::Reverse(format!("{:?}", c.decode().operations[0].key))
        });
        for change in incoming {
            doc.apply_changes([change]).expect("applies");
        }
    } else {
        doc.apply_changes(incoming).expect("applies");
    }
    println!(
        "applied {batch} one-key changes ({}) in {:?}; peak {} MB",
        if descending {
            "one call each, descending keys"
        } else {
            "one call"
        },
        started.elapsed(),
        peak_mb()
    );
}
