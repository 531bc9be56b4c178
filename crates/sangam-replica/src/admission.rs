//! What comes into a replica and what it says back: how far a change is trusted, the
//! stateless checks made before any lock (size, decoding, signature, records), and the
//! verdicts (admitted, refused and why, a local write refused).

use std::collections::HashSet;

use automerge::{Change, ChangeHash, ScalarValue};
use sangam_model::{CoopId, PublicKey, Record, RecordError, Refusal, Timestamp};

use crate::change::{MAX_CHANGE_BYTES, RawChange, SignedChange, verify_change};

/// Most records one change may carry.
pub const MAX_RECORDS_PER_CHANGE: usize = 1024;

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
    /// Deps that never arrived.
    #[error("change depends on {0} change(s) that are not known")]
    MissingDeps(usize),
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
        let prechecked = sangam_model::parallel::map(&decoded, |(change, raw)| {
            precheck(coop, change, raw, trust)
        });
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
        }
    }
}

/// What can be checked of a change without the replica's state: who signed it (once the
/// signature holds, when verifying), then the records it puts. The sequence check comes
/// between the two, so a record's error is reported only for a change in sequence.
pub(crate) type Precheck = Result<(PublicKey, Result<Vec<Record>, Rejection>), Rejection>;

fn precheck(coop: CoopId, change: &Change, raw: &RawChange, trust: Trust) -> Precheck {
    let device = change_signer(coop, change, raw, trust)?;
    Ok((device, records_in(coop, change, trust)))
}

/// The device whose key is the change's actor id, once its signature is verified.
fn change_signer(
    coop: CoopId,
    change: &Change,
    raw: &RawChange,
    trust: Trust,
) -> Result<PublicKey, Rejection> {
    let actor: [u8; 32] = change
        .actor_id()
        .to_bytes()
        .try_into()
        .map_err(|_| Rejection::BadActor)?;
    let device = PublicKey::from_bytes(actor);
    let signed = SignedChange {
        hash: change.hash(),
        bytes: Vec::new(),
        sig: raw.sig,
    };
    if matches!(trust, Trust::Verify { .. }) && !verify_change(coop, &signed, &device) {
        return Err(Rejection::BadSignature(device.short()));
    }
    Ok(device)
}

/// The records a change puts, checked against the whitelist of allowed ops.
fn records_in(coop: CoopId, change: &Change, trust: Trust) -> Result<Vec<Record>, Rejection> {
    use automerge::legacy::{Key, ObjectId, OpType};
    if change.len() > MAX_RECORDS_PER_CHANGE {
        return Err(Rejection::TooManyRecords);
    }
    let expanded = change.decode();
    if expanded.operations.is_empty() {
        return Err(Rejection::Empty);
    }
    let mut records = Vec::with_capacity(expanded.operations.len());
    for op in expanded.operations {
        if op.obj != ObjectId::Root || op.insert || !op.pred.is_empty() {
            return Err(Rejection::ForeignOp(
                "only new keys of the root map may be written",
            ));
        }
        let (Key::Map(key), OpType::Put(ScalarValue::Str(json))) = (&op.key, &op.action) else {
            return Err(Rejection::ForeignOp("only string records may be put"));
        };
        let record = match trust {
            Trust::Verify { now } => {
                let record = Record::from_json(json.as_bytes())?;
                let ahead = record.at().saturating_sub(now);
                if ahead > MAX_CLOCK_SKEW_MS {
                    return Err(Rejection::FromTheFuture(ahead));
                }
                record
            }
            Trust::OwnStore => Record::from_trusted_json(json.as_bytes())?,
        };
        if key.as_str() != record.id().to_string() {
            return Err(Rejection::KeyMismatch);
        }
        if record.coop() != coop {
            return Err(Rejection::WrongCoop);
        }
        records.push(record);
    }
    Ok(records)
}
