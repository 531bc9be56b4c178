//! The one error type callers above core see.

use serde::Serialize;

pub use crate::error_code::ErrorCode;
use crate::problem::{Problem, ProblemKey, problem};

/// An error with a message a member can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind.
    pub code: ErrorCode,
    /// What happened and, where possible, what to do, in English (the CLI's words): the
    /// words of `problem` or `refusal`, whichever is set.
    pub message: String,
    /// When the co-op's rules refused a record: which rule, as a code and its value, for
    /// a front end to word in the member's language (the window does).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refusal: Option<sangam_model::Refusal>,
    /// Any other failure: which, as a code and its values, for a front end to word in
    /// the member's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub problem: Option<Problem>,
}

impl ApiError {
    /// `problem`, with its code and its English words.
    pub fn with_problem(problem: Problem) -> Self {
        Self {
            code: problem.key.code(),
            message: problem.english(),
            refusal: None,
            problem: Some(problem),
        }
    }

    /// The same error, said of line `line` of the member's input.
    pub fn on_line(self, line: usize) -> Self {
        match self.problem {
            Some(problem) => Self::with_problem(problem.on_line(line)),
            None => Self {
                message: format!("line {line}: {}", self.message),
                ..self
            },
        }
    }

    /// The co-op's rules refused a record: `refusal` says which.
    pub fn refused(refusal: sangam_model::Refusal) -> Self {
        Self {
            code: ErrorCode::Refused,
            message: refusal.to_string(),
            refusal: Some(refusal),
            problem: None,
        }
    }
}

impl From<sangam_store::StoreError> for ApiError {
    fn from(e: sangam_store::StoreError) -> Self {
        let key = if matches!(e, sangam_store::StoreError::Busy) {
            ProblemKey::Busy
        } else {
            ProblemKey::Database
        };
        problem(key).with("detail", e).into()
    }
}

impl From<sangam_replica::WriteError> for ApiError {
    fn from(e: sangam_replica::WriteError) -> Self {
        use sangam_replica::WriteError;
        match e {
            WriteError::Record(e) => problem(ProblemKey::BadField).with("detail", e).into(),
            WriteError::Refused(refusal) => Self::refused(refusal),
            WriteError::DeviceNotAllowed => problem(ProblemKey::DeviceNotAllowed).into(),
            WriteError::MustReplay => problem(ProblemKey::MustReplay).into(),
            other => problem(ProblemKey::Damaged).with("detail", other).into(),
        }
    }
}

impl From<sangam_replica::BundleError> for ApiError {
    fn from(e: sangam_replica::BundleError) -> Self {
        problem(ProblemKey::BadBundle).with("detail", e).into()
    }
}

impl ApiError {
    /// A fault below the member's action (a task that failed, a window part that refused),
    /// in words for whoever mends it.
    pub fn fault(detail: impl ToString) -> Self {
        problem(ProblemKey::Damaged).with("detail", detail).into()
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::with_problem(problem)
    }
}

/// A damaged home or a fault in Sangam, in words for whoever mends it (English).
pub(crate) fn damaged(detail: impl ToString) -> ApiError {
    problem(ProblemKey::Damaged).with("detail", detail).into()
}
