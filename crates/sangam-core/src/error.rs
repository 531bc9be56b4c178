//! The one error type callers above core see.

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

/// An error with a message a member can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind.
    pub code: ErrorCode,
    /// What happened and, where possible, what to do (in English: the CLI's words).
    pub message: String,
    /// When the co-op's rules refused a record: which rule, as a code and its value, for
    /// a front end to word in the member's language (the window does).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refusal: Option<sangam_model::Refusal>,
}

impl ApiError {
    /// An error of `code` with `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            refusal: None,
        }
    }

    /// The co-op's rules refused a record: `refusal` says which.
    pub fn refused(refusal: sangam_model::Refusal) -> Self {
        Self {
            code: ErrorCode::Refused,
            message: refusal.to_string(),
            refusal: Some(refusal),
        }
    }
}

impl From<sangam_store::StoreError> for ApiError {
    fn from(e: sangam_store::StoreError) -> Self {
        if matches!(e, sangam_store::StoreError::Busy) {
            return Self::new(
                ErrorCode::Busy,
                format!("{e}; nothing was written, try again"),
            );
        }
        Self::new(
            ErrorCode::Storage,
            format!("could not use the home database: {e}"),
        )
    }
}

impl From<sangam_replica::WriteError> for ApiError {
    fn from(e: sangam_replica::WriteError) -> Self {
        match e {
            sangam_replica::WriteError::Record(e) => {
                Self::new(ErrorCode::InvalidInput, e.to_string())
            }
            sangam_replica::WriteError::Refused(refusal) => Self::refused(refusal),
            other => Self::new(ErrorCode::Refused, other.to_string()),
        }
    }
}

impl From<sangam_replica::BundleError> for ApiError {
    fn from(e: sangam_replica::BundleError) -> Self {
        Self::new(
            ErrorCode::BadBundle,
            format!("cannot import: {e}; nothing was changed"),
        )
    }
}
