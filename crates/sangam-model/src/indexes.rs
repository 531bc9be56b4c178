//! Each area's state inside the fold: its indexes over the placed records, one field per
//! area. The fold keeps them; each kind's rules (in its area) keep them up to date.

use crate::{governance, ledger, market, membership};

/// Each area's indexes over the placed records, kept up to date as records are placed so
/// that judging reads a handful of records, never all of them.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Indexes {
    pub(crate) membership: membership::Index,
    pub(crate) governance: governance::Index,
    pub(crate) market: market::Index,
    pub(crate) ledger: ledger::Index,
}
