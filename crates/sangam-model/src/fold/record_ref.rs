//! A placed record's handle: the record itself, or where in the home's change log its
//! body is, read when first needed (a fold opened from its saved core keeps most bodies
//! there).

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use crate::kinds::Kind;
use crate::record::{Record, RecordError, RecordId};

/// Where the bodies a saved fold left out are read from: the home's change log.
pub trait RecordSource: Send + Sync {
    /// The record `id`, held by the change the saving replica numbered `at`.
    fn record(&self, at: u32, id: &RecordId) -> Result<Record, SourceError>;
}

/// Why a body could not be read back from the home's change log.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The saved fold names a change the saved replica did not number.
    #[error("no saved change is numbered {0}")]
    NoSuchChange(u32),
    /// The log could not be read, or the change there does not decode.
    #[error("the change log could not give the change: {0}")]
    Log(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The change holds no record of that id.
    #[error("the change holds no record {0}")]
    NotInChange(String),
    /// The record there does not parse.
    #[error("the record does not parse: {0}")]
    Record(#[from] RecordError),
    /// The record there is of another co-op.
    #[error("the record is of another co-op")]
    OtherCoop,
}

/// A placed record: its body here, or read from the home's log when first needed. It
/// derefs to the [`Record`]; its id, kind and deps are known without reading the body.
#[derive(Clone)]
pub struct RecordRef(Inner);

#[derive(Clone)]
enum Inner {
    Here(Arc<Record>),
    Kept(Arc<Kept>),
}

struct Kept {
    id: RecordId,
    kind: Kind,
    deps: Box<[RecordId]>,
    at: u32,
    source: Arc<dyn RecordSource>,
    body: OnceLock<Arc<Record>>,
}

impl Kept {
    fn record(&self) -> &Arc<Record> {
        self.body.get_or_init(|| {
            let record = self.source.record(self.at, &self.id).unwrap_or_else(|e| {
                // The log is append-only and held this record when the fold was saved:
                // losing it is a damaged home, not an input to refuse.
                panic!(
                    "record {} is in the saved fold but could not be read from the change log: {e}",
                    self.id.short()
                )
            });
            assert_eq!(
                record.id(),
                self.id,
                "the change log gave another record for {}",
                self.id.short()
            );
            Arc::new(record)
        })
    }
}

impl RecordRef {
    /// A record whose body stays in the change numbered `at` until it is first needed.
    pub(crate) fn kept(
        id: RecordId,
        kind: Kind,
        deps: Box<[RecordId]>,
        at: u32,
        source: Arc<dyn RecordSource>,
    ) -> Self {
        Self(Inner::Kept(Arc::new(Kept {
            id,
            kind,
            deps,
            at,
            source,
            body: OnceLock::new(),
        })))
    }

    /// The record's id.
    pub fn id(&self) -> RecordId {
        match &self.0 {
            Inner::Here(r) => r.id(),
            Inner::Kept(k) => k.id,
        }
    }

    /// Its kind.
    pub fn kind(&self) -> Kind {
        match &self.0 {
            Inner::Here(r) => r.kind(),
            Inner::Kept(k) => k.kind,
        }
    }

    /// The records it names as its deps.
    pub fn deps(&self) -> &[RecordId] {
        match &self.0 {
            Inner::Here(r) => r.deps(),
            Inner::Kept(k) => &k.deps,
        }
    }

    /// The record, shared (read from the log first if it is not here yet).
    pub fn shared(&self) -> Arc<Record> {
        match &self.0 {
            Inner::Here(r) => r.clone(),
            Inner::Kept(k) => k.record().clone(),
        }
    }

    /// Whether the body is in memory (it was placed here, or has been read).
    pub fn is_here(&self) -> bool {
        match &self.0 {
            Inner::Here(_) => true,
            Inner::Kept(k) => k.body.get().is_some(),
        }
    }
}

impl Deref for RecordRef {
    type Target = Record;

    fn deref(&self) -> &Record {
        match &self.0 {
            Inner::Here(r) => r,
            Inner::Kept(k) => k.record(),
        }
    }
}

impl From<Arc<Record>> for RecordRef {
    fn from(record: Arc<Record>) -> Self {
        Self(Inner::Here(record))
    }
}

impl fmt::Debug for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Here(r) => r.fmt(f),
            Inner::Kept(k) => match k.body.get() {
                Some(r) => r.fmt(f),
                None => write!(f, "Record({} {}, in the log)", k.id.short(), k.kind),
            },
        }
    }
}
