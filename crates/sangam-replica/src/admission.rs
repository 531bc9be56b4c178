//! What comes into a replica and what it says back: how far a change is trusted, the
//! stateless checks made before any lock (size, decoding, signature, records), and the
//! verdicts (admitted, refused and why, a local write refused).

use std::collections::{HashMap, HashSet};

use automerge::{Change, ChangeHash, ScalarValue};
use sangam_machine::SYSTEM;
use sangam_model::record::UnverifiedRecord;
use sangam_model::verify::{SigCheck, verify_many};
use sangam_model::{CoopId, PublicKey, Record, RecordError, RecordId, Refusal, Timestamp};

use crate::change::{MAX_CHANGE_BYTES, RawChange, SignedChange, signing_input};

/// Rounds of looking for a device's newest change that verifies before the rest of its
/// changes are checked one by one (each round is one batch; an honest batch needs one).
const VOUCH_ROUNDS: usize = 3;

/// Most records one change may carry.
pub const MAX_RECORDS_PER_CHANGE: usize = 1024;

/// Largest op counter a change may use: half of what Automerge decodes (it refuses a
/// change starting past `u32::MAX`). A local change starts one past the largest counter
/// admitted, so a change that ran its counters up to Automerge's limit would make every
/// later change of every laptop holding it one that peers cannot decode; the other half
/// is room for the co-op's own writes.
pub const MAX_OP_COUNTER: u64 = 1 << 31;

/// How far in the future a record's claimed time may be before it is held back.
pub const MAX_CLOCK_SKEW_MS: Timestamp = 10 * 60 * 1000;

/// Whether signatures are checked: always for anything from outside; a home reloading its
/// own change log (every entry of which was verified when admitted) may skip them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Check every signature, and hold back records dated more than
    /// [`MAX_CLOCK_SKEW_MS`] after `now` (this laptop's clock): a close claiming a time past
    /// its deadline is not accepted before the deadline has really passed here.
    Verify {
        /// The receiver's clock, ms since the epoch.
        now: Timestamp,
    },
    /// The changes come from this home's own store.
    OwnStore,
}

/// Why a change was not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Larger than [`MAX_CHANGE_BYTES`].
    #[error("change is {0} bytes, more than the {MAX_CHANGE_BYTES} allowed")]
    TooLarge(usize),
    /// Not an Automerge change.
    #[error("change does not decode: {0}")]
    Undecodable(crate::DecodeError),
    /// The actor id is not a 32-byte device key.
    #[error("change actor is not a device key")]
    BadActor,
    /// The device signature does not verify.
    #[error("change signature does not verify for device {0}")]
    BadSignature(String),
    /// Deps that are not here: the hashes a sync session asks the peer for.
    #[error("change depends on {} change(s) that are not known", .0.len())]
    MissingDeps(Vec<automerge::ChangeHash>),
    /// The device's sequence numbers skip or repeat.
    #[error("change sequence number {got} does not follow the device's {last}")]
    BadSequence {
        /// The change's sequence number.
        got: u64,
        /// The device's last admitted one.
        last: u64,
    },
    /// An op other than putting a new record.
    #[error("change contains an operation that is not a new record: {0}")]
    ForeignOp(&'static str),
    /// More records than allowed.
    #[error("change carries more than {MAX_RECORDS_PER_CHANGE} records")]
    TooManyRecords,
    /// A change with no records.
    #[error("change carries no records")]
    Empty,
    /// Op counters past [`MAX_OP_COUNTER`].
    #[error("change numbers its operations past 2^31 (from {0})")]
    OpCounter(u64),
    /// A record that does not parse or verify.
    #[error("record in change is invalid: {0}")]
    Record(#[from] RecordError),
    /// The map key is not the record's id.
    #[error("record stored under a key that is not its id")]
    KeyMismatch,
    /// The record belongs to another co-op.
    #[error("record belongs to another co-op")]
    WrongCoop,
    /// The record claims a time still in the future here; offer it again later.
    #[error("record is dated {0} ms in the future by this laptop's clock; try again later")]
    FromTheFuture(Timestamp),
    /// The record names deps outside the change's causal past.
    #[error("record depends on {0}, which is not in the change's past")]
    DepOutsidePast(String),
    /// The record is not valid where it was written.
    #[error("record refused: {0}")]
    Refused(Refusal),
    /// The device was not active where the change was written.
    #[error("device {0} is not an active device of a current member")]
    DeviceNotAllowed(String),
}

/// A change that was not admitted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Its hash, if it decoded.
    pub hash: Option<ChangeHash>,
    /// Why.
    pub reason: Rejection,
}

/// What an admission did.
#[derive(Debug, Default)]
pub struct Admitted {
    /// Newly admitted changes, in admission order (each after its deps).
    pub applied: Vec<SignedChange>,
    /// Changes already present.
    pub duplicates: usize,
    /// Changes refused.
    pub rejected: Vec<Rejected>,
    /// Authentic changes kept out of the document by the fork rule ([`crate::fork`]), each
    /// after its deps: stored as evidence, their records carried again by
    /// [`Replica::carry`].
    pub shadowed: Vec<SignedChange>,
}

impl Admitted {
    /// What goes into the change log: the admitted changes, then the shadowed ones kept as
    /// evidence (they may build on admitted ones; an admitted change never builds on a
    /// shadowed one, so this order keeps each after its deps).
    pub fn to_store(&self) -> Vec<SignedChange> {
        self.applied.iter().chain(&self.shadowed).cloned().collect()
    }
}

/// Why a local write was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The record could not be built.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The rules refuse it.
    #[error("{0}")]
    Refused(Refusal),
    /// This device may not write to the co-op.
    #[error("this device is not an active device of a current member of the co-op")]
    DeviceNotAllowed,
    /// The replica holds a change its log does not keep (admitted on a later change's
    /// signature, then found bad): a change built on it could never be replayed or sent,
    /// so the replica must be replayed from the log before anything is written.
    #[error("this laptop must reread the co-op from its log before writing; try again")]
    MustReplay,
}

/// Changes checked as far as they can be without a replica: size, decoding, device
/// signature and record parsing (the costly part, done on every core). Made outside any
/// lock, then admitted with [`Replica::admit_checked`].
pub struct Checked {
    pub(crate) coop: CoopId,
    pub(crate) trust: Trust,
    pub(crate) items: Vec<(Change, RawChange, Precheck)>,
    pub(crate) refused: Vec<Rejected>,
    pub(crate) duplicates: usize,
    /// Changes whose own signature was not checked: a later change of their device in
    /// this batch vouches for them ([`crate::vouch`]), if it is admitted.
    pub(crate) vouched: HashMap<ChangeHash, PublicKey>,
    /// The changes that vouch, with their device.
    pub(crate) vouchers: HashMap<ChangeHash, PublicKey>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Checked({} changes)", self.items.len())
    }
}

impl Checked {
    /// Checks `incoming` for `coop`, skipping the changes `known` says are there already.
    pub fn new(
        coop: CoopId,
        incoming: Vec<RawChange>,
        trust: Trust,
        known: &dyn Fn(&ChangeHash) -> bool,
    ) -> Self {
        let mut refused = Vec::new();
        let mut duplicates = 0;
        let mut decoded: Vec<(Change, RawChange)> = Vec::new();
        let mut batch_seen = HashSet::new();
        for raw in incoming {
            if raw.bytes.len() > MAX_CHANGE_BYTES {
                refused.push(Rejected {
                    hash: None,
                    reason: Rejection::TooLarge(raw.bytes.len()),
                });
                continue;
            }
            match crate::contain::decode_change(&raw.bytes) {
                Ok(change) => {
                    let hash = change.hash();
                    if known(&hash) || !batch_seen.insert(hash) {
                        duplicates += 1;
                    } else {
                        decoded.push((change, raw));
                    }
                }
                Err(e) => refused.push(Rejected {
                    hash: None,
                    reason: Rejection::Undecodable(e),
                }),
            }
        }
        // What needs no state (signatures, record parsing) is checked up front, on every
        // core: it is most of the cost of a big sync.
        let mut vouched = HashMap::new();
        let mut vouchers = HashMap::new();
        let prechecked = match trust {
            Trust::OwnStore => sangam_model::parallel::map(&SYSTEM, &decoded, |(change, _)| {
                let device = actor(change)?;
                Ok((device, records_in(coop, change)))
            }),
            Trust::Verify { now } => {
                let batch = check_batch(coop, &decoded, now);
                for (at, (change, _)) in decoded.iter().enumerate() {
                    if let Ok((device, _)) = &batch.prechecks[at] {
                        if batch.vouched[at] {
                            vouched.insert(change.hash(), *device);
                        }
                        if batch.vouchers[at] {
                            vouchers.insert(change.hash(), *device);
                        }
                    }
                }
                batch.prechecks
            }
        };
        let items = decoded
            .into_iter()
            .zip(prechecked)
            .map(|((change, raw), pre)| (change, raw, pre))
            .collect();
        Self {
            coop,
            trust,
            items,
            refused,
            duplicates,
            vouched,
            vouchers,
        }
    }
}

/// What can be checked of a change without the replica's state: who signed it (once the
/// signature holds, when verifying), then the records it puts. The sequence check comes
/// between the two, so a record's error is reported only for a change in sequence.
pub(crate) type Precheck = Result<(PublicKey, Result<Vec<Record>, Rejection>), Rejection>;

/// A change's device and its records, parsed, signatures not yet checked.
type Parsed = (
    Result<PublicKey, Rejection>,
    Result<Vec<UnverifiedRecord>, Rejection>,
);

/// The stateless verdicts on a batch from outside.
struct BatchChecks {
    prechecks: Vec<Precheck>,
    /// Admitted on a later change's signature (their own not checked).
    vouched: Vec<bool>,
    /// Vouching for earlier changes of their device.
    vouchers: Vec<bool>,
}

/// Parses every change's records on every core, then checks signatures in batches: every
/// record's, and the device signature of each device's newest changes in the batch, which
/// vouch for that device's changes in their past ([`crate::vouch`]); what no verified
/// change vouches for is checked on its own.
fn check_batch(coop: CoopId, decoded: &[(Change, RawChange)], now: Timestamp) -> BatchChecks {
    let n = decoded.len();
    let parsed: Vec<Parsed> = sangam_model::parallel::map(&SYSTEM, decoded, |(change, _)| {
        (actor(change), records_deferred(coop, change, now))
    });
    let inputs: Vec<[u8; 64]> = decoded
        .iter()
        .map(|(change, _)| signing_input(coop, &change.hash()))
        .collect();
    let device_check = |at: usize| -> Option<SigCheck<'_>> {
        let device = parsed[at].0.as_ref().ok()?;
        Some(crate::change::device_check(
            device,
            &inputs[at],
            &decoded[at].1.sig,
        ))
    };
    let changes: Vec<&Change> = decoded.iter().map(|(change, _)| change).collect();
    let devices: Vec<Option<[u8; 32]>> = parsed
        .iter()
        .map(|(device, _)| device.as_ref().ok().map(|d| *d.as_bytes()))
        .collect();
    let graph = crate::vouch::Graph::new(&changes, &devices);
    let mut records_ok: Vec<bool> = parsed
        .iter()
        .map(|(device, records)| device.is_ok() && records.is_ok())
        .collect();
    let mut device_sig: Vec<Option<bool>> = vec![None; n];
    let mut record_verdicts: Vec<Vec<Result<(), sangam_model::keys::KeyError>>> =
        vec![Vec::new(); n];
    let mut vouchers = vec![false; n];
    let mut covered = vec![false; n];
    for round in 0..VOUCH_ROUNDS {
        let candidates: Vec<bool> = (0..n)
            .map(|at| records_ok[at] && !covered[at] && device_sig[at].is_none())
            .collect();
        if !candidates.contains(&true) {
            break;
        }
        let under = graph.covered(&candidates);
        let heads: Vec<usize> = (0..n).filter(|&at| candidates[at] && !under[at]).collect();
        let mut checks: Vec<SigCheck<'_>> =
            heads.iter().filter_map(|&at| device_check(at)).collect();
        // Every record's signature goes into the first round's batch.
        let mut record_owners: Vec<usize> = Vec::new();
        if round == 0 {
            for (at, (_, records)) in parsed.iter().enumerate() {
                if let (true, Ok(records)) = (records_ok[at], records) {
                    for record in records {
                        checks.push(record.check());
                        record_owners.push(at);
                    }
                }
            }
        }
        let verdicts = verify_many(&SYSTEM, &checks);
        let (device_verdicts, record_part) = verdicts.split_at(heads.len());
        for (at, verdict) in record_owners.iter().zip(record_part) {
            record_verdicts[*at].push(verdict.clone());
            if verdict.is_err() {
                records_ok[*at] = false;
            }
        }
        for (&at, verdict) in heads.iter().zip(device_verdicts) {
            device_sig[at] = Some(verdict.is_ok());
            vouchers[at] = verdict.is_ok() && records_ok[at];
        }
        covered = graph.covered(&vouchers);
    }
    // The rest on their own: changes no verified change of their device vouches for.
    let rest: Vec<usize> = (0..n)
        .filter(|&at| parsed[at].0.is_ok() && device_sig[at].is_none() && !covered[at])
        .collect();
    let checks: Vec<SigCheck<'_>> = rest.iter().filter_map(|&at| device_check(at)).collect();
    for (&at, verdict) in rest.iter().zip(verify_many(&SYSTEM, &checks)) {
        device_sig[at] = Some(verdict.is_ok());
    }
    let vouched: Vec<bool> = (0..n)
        .map(|at| covered[at] && device_sig[at].is_none())
        .collect();
    let prechecks = parsed
        .into_iter()
        .zip(record_verdicts)
        .zip(&device_sig)
        .map(|(((device, records), verdicts), sig)| {
            let device = device?;
            if *sig == Some(false) {
                return Err(Rejection::BadSignature(device.short()));
            }
            let records = records.and_then(|records| {
                // Every record of a change whose device and records passed was in the first
                // round's batch; should that ever not hold, a record is checked alone rather
                // than paired with another's verdict.
                let verdicts = if verdicts.len() == records.len() {
                    verdicts
                } else {
                    records
                        .iter()
                        .map(|r| sangam_model::verify::verify_one(&r.check()))
                        .collect()
                };
                records
                    .into_iter()
                    .zip(verdicts)
                    .map(|(record, verdict)| record.verified(verdict).map_err(Rejection::from))
                    .collect()
            });
            Ok((device, records))
        })
        .collect();
    BatchChecks {
        prechecks,
        vouched,
        vouchers,
    }
}

/// The device whose key is the change's actor id (its signature is checked apart).
fn actor(change: &Change) -> Result<PublicKey, Rejection> {
    let actor: [u8; 32] = change
        .actor_id()
        .to_bytes()
        .try_into()
        .map_err(|_| Rejection::BadActor)?;
    Ok(PublicKey::from_bytes(actor))
}

/// The record strings a change puts, checked against the whitelist of allowed ops.
pub(crate) fn record_strings(change: &Change) -> Result<Vec<(String, String)>, Rejection> {
    use automerge::legacy::{Key, ObjectId, OpType};
    if change.len() > MAX_RECORDS_PER_CHANGE {
        return Err(Rejection::TooManyRecords);
    }
    let expanded = change.decode();
    if expanded.operations.is_empty() {
        return Err(Rejection::Empty);
    }
    let mut out = Vec::with_capacity(expanded.operations.len());
    for op in expanded.operations {
        if op.obj != ObjectId::Root || op.insert || !op.pred.is_empty() {
            return Err(Rejection::ForeignOp(
                "only new keys of the root map may be written",
            ));
        }
        let (Key::Map(key), OpType::Put(ScalarValue::Str(json))) = (op.key, op.action) else {
            return Err(Rejection::ForeignOp("only string records may be put"));
        };
        out.push((key.to_string(), json.to_string()));
    }
    Ok(out)
}

/// A record's place and co-op, checked once it is parsed.
fn placed_right(coop: CoopId, key: &str, id: RecordId, of: CoopId) -> Result<(), Rejection> {
    if key != id.to_string() {
        return Err(Rejection::KeyMismatch);
    }
    if of != coop {
        return Err(Rejection::WrongCoop);
    }
    Ok(())
}

/// The records of a change from outside, parsed with their signatures left for the batch;
/// a record dated too far ahead of this laptop's clock holds the change back.
fn records_deferred(
    coop: CoopId,
    change: &Change,
    now: Timestamp,
) -> Result<Vec<UnverifiedRecord>, Rejection> {
    let mut records = Vec::new();
    for (key, json) in record_strings(change)? {
        let record = Record::from_json_deferred(json.as_bytes())?;
        let ahead = record.at().saturating_sub(now);
        if ahead > MAX_CLOCK_SKEW_MS {
            return Err(Rejection::FromTheFuture(ahead));
        }
        placed_right(coop, &key, record.id(), record.coop())?;
        records.push(record);
    }
    Ok(records)
}

/// The records a change from this home's own store puts.
fn records_in(coop: CoopId, change: &Change) -> Result<Vec<Record>, Rejection> {
    let mut records = Vec::new();
    for (key, json) in record_strings(change)? {
        let record = Record::from_trusted_json(json.as_bytes())?;
        placed_right(coop, &key, record.id(), record.coop())?;
        records.push(record);
    }
    Ok(records)
}
