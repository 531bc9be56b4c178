//! What a home says of itself, as a code and its values, never as words: the window words
//! each in the member's language (its i18n tables, `activity.*` and `notice.*`), the CLI
//! in English ([`std::fmt::Display`] here). Ids are hex; an `error` is the English message
//! of what failed, for a member to pass on.

use serde::Serialize;

use crate::dto::short;

/// What serving is doing that no other event says: dialling a peer, a peer out of reach,
/// changes stored from a device, a frame refused. For a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Activity {
    /// This laptop serves the co-op now (the window's first line).
    Serving,
    /// A relay answered: invites made from now on carry the address.
    RelayReached {
        /// This home's address with the relay.
        address: String,
    },
    /// The relayed address could not be stored.
    RelayNotStored {
        /// Why.
        error: String,
    },
    /// Another process on this home wrote to co-ops, and serving picked it up.
    LocalWrites {
        /// How many co-ops.
        coops: usize,
    },
    /// The home could not be read.
    HomeUnreadable {
        /// Why.
        error: String,
    },
    /// A snapshot could not be saved.
    SnapshotNotSaved {
        /// Why.
        error: String,
    },
    /// Serving keeps a live session with a device.
    LiveSession {
        /// The device (hex).
        device: String,
    },
    /// A live session ended (closed, or quiet too long) and is being redialled.
    LiveSessionEnded {
        /// The device (hex).
        device: String,
        /// How long a session may stay quiet, in ms.
        idle_ms: u64,
    },
    /// A device could not be reached; serving keeps trying.
    Unreachable {
        /// The device (hex).
        device: String,
        /// Why.
        error: String,
    },
    /// A device is not one of the co-op's: serving stopped dialling it.
    NotOfTheCoop {
        /// The device (hex).
        device: String,
    },
    /// A peer's address could not be remembered.
    AddressNotRemembered {
        /// The device (hex).
        device: String,
        /// Why.
        error: String,
    },
    /// What a device sent could not be stored.
    NotStored {
        /// The device (hex).
        device: String,
        /// Why.
        error: String,
    },
    /// Changes from a device were stored.
    Stored {
        /// The device (hex).
        device: String,
        /// How many changes.
        changes: usize,
    },
    /// A co-op could not be sent to a newcomer.
    NotSentToNewcomer {
        /// The co-op (hex).
        coop: String,
        /// Why.
        error: String,
    },
    /// Events came faster than a log could take them; some were not shown.
    Missed {
        /// How many.
        events: u64,
    },
}

/// Something the home did by itself that a member should hear of: a fork found and
/// mended, a new device key, stored changes skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Notice {
    /// A device wrote two different changes under one number (a copy of its home was
    /// used): both are kept, and their records count.
    Fork {
        /// The device (hex).
        device: String,
        /// The number both changes carry.
        seq: u64,
    },
    /// Another copy of this home wrote as this device: this laptop writes as a new one.
    NewDevice {
        /// The device the copies shared (hex).
        old: String,
        /// The co-op the other copy's writing was found in (hex).
        found_in: String,
        /// The device this laptop writes as now (hex).
        new: String,
    },
    /// A fork could not be mended yet.
    NotMended {
        /// The co-op (hex).
        coop: String,
        /// Why.
        error: String,
    },
    /// Stored changes that do not replay were skipped.
    Skipped {
        /// The co-op (hex).
        coop: String,
        /// How many.
        changes: usize,
        /// Why the first does not replay.
        first: String,
    },
    /// A file of the home could be read by other users of this computer, and it holds
    /// the member's secret keys: it is private to them now.
    MadePrivate {
        /// The file.
        path: String,
    },
    /// So many updates arrived at once that the window reloaded its screen.
    Reloaded {
        /// How many updates were not shown one by one.
        missed: u64,
    },
    /// This laptop could not serve the co-op.
    CannotServe {
        /// Why.
        error: String,
    },
}

impl std::fmt::Display for Activity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Serving => write!(f, "this laptop serves the co-op now"),
            Self::RelayReached { address } => write!(
                f,
                "a relay answered; invites made from now on carry it\naddress: {address}"
            ),
            Self::RelayNotStored { error } => {
                write!(f, "could not record the relayed address: {error}")
            }
            Self::LocalWrites { coops } => write!(f, "picked up local writes in {coops} co-op(s)"),
            Self::HomeUnreadable { error } => write!(f, "could not read the home: {error}"),
            Self::SnapshotNotSaved { error } => write!(f, "could not save a snapshot: {error}"),
            Self::LiveSession { device } => {
                write!(f, "keeping a live session with device {}", short(device))
            }
            Self::LiveSessionEnded { device, idle_ms } => write!(
                f,
                "live session with {} ended (the peer closed it or went quiet for {idle_ms} ms); redialling",
                short(device)
            ),
            Self::Unreachable { device, error } => write!(
                f,
                "cannot reach device {}: {error}; will keep trying",
                short(device)
            ),
            Self::NotOfTheCoop { device } => write!(
                f,
                "device {} is not one of the co-op's; stopped dialling it",
                short(device)
            ),
            Self::AddressNotRemembered { device, error } => write!(
                f,
                "could not remember device {}'s address: {error}",
                short(device)
            ),
            Self::NotStored { device, error } => write!(f, "device {}: {error}", short(device)),
            Self::Stored { device, changes } => write!(
                f,
                "stored {changes} change(s) from device {}",
                short(device)
            ),
            Self::NotSentToNewcomer { coop, error } => write!(
                f,
                "cannot send co-op {} to a newcomer: {error}",
                short(coop)
            ),
            Self::Missed { events } => write!(f, "({events} events not shown: too many at once)"),
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fork { device, seq } => write!(
                f,
                "device {} wrote two different changes numbered {seq} (a copy of its home was used): both are kept, and their records count",
                short(device)
            ),
            Self::NewDevice { old, found_in, new } => write!(
                f,
                "another copy of this home wrote as device {} (found in co-op {}): this laptop now writes as device {}",
                short(old),
                short(found_in),
                short(new)
            ),
            Self::NotMended { coop, error } => write!(
                f,
                "co-op {}: could not mend this home yet: {error}",
                short(coop)
            ),
            Self::Skipped {
                coop,
                changes,
                first,
            } => write!(
                f,
                "co-op {}: {changes} stored change(s) do not replay and were skipped (first: {first})",
                short(coop)
            ),
            Self::MadePrivate { path } => write!(
                f,
                "{path} could be read by other users of this computer, and it holds your secret keys: it is now private to you"
            ),
            Self::Reloaded { missed } => write!(
                f,
                "{missed} updates arrived at once; the screen was reloaded"
            ),
            Self::CannotServe { error } => {
                write!(f, "this laptop could not serve the co-op: {error}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON the window reads: the code under `what`, the values beside it.
    #[test]
    fn crosses_as_a_code_and_its_values() {
        let stored = Activity::Stored {
            device: "ab".repeat(32),
            changes: 3,
        };
        assert_eq!(
            serde_json::to_value(&stored).expect("json"),
            serde_json::json!({"what": "stored", "device": "ab".repeat(32), "changes": 3})
        );
        assert_eq!(
            stored.to_string(),
            "stored 3 change(s) from device abababab"
        );
        assert_eq!(
            serde_json::to_value(Activity::Serving).expect("json"),
            serde_json::json!({"what": "serving"})
        );
        let fork = Notice::Fork {
            device: "cd".repeat(32),
            seq: 7,
        };
        assert_eq!(
            serde_json::to_value(&fork).expect("json"),
            serde_json::json!({"what": "fork", "device": "cd".repeat(32), "seq": 7})
        );
        assert!(
            fork.to_string()
                .starts_with("device cdcdcdcd wrote two different changes numbered 7")
        );
    }
}
