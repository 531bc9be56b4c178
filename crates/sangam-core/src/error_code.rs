//! What kind of failure an error is, for a caller that branches on it.

use serde::Serialize;

/// What kind of failure, for a caller that branches on it (the UI, the CLI's exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// No member identity yet.
    NoIdentity,
    /// A member identity exists already.
    IdentityExists,
    /// No such co-op, member or record.
    NotFound,
    /// A prefix or a missing `--coop` matches several.
    Ambiguous,
    /// Input that does not parse or breaks a field rule.
    InvalidInput,
    /// The co-op's rules refuse this action.
    Refused,
    /// A file that is not a valid bundle.
    BadBundle,
    /// The home on disk could not be read or written.
    Storage,
    /// Another process kept the home's write lock too long; nothing was written, and the
    /// same action may simply be tried again.
    Busy,
    /// The network could not start, or a peer could not be reached or refused us.
    Network,
    /// This needs the home to be serving (an invite points at it) and it has not yet.
    NotServing,
}
