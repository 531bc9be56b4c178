//! Helpers for this crate's unit tests: a temp home, a bare commit, member rows.

use std::path::PathBuf;

use sangam_model::{CoopId, CoopState};

use crate::{ChangeSource, Commit, MemberChanges, MemberRow};

/// The test kit's co-op name (its genesis body).
pub(crate) const COOP_NAME: &str = "River Bakery";

/// A temp dir and the path of a home file inside it (created on first open).
pub(crate) fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().expect("tmp");
    let path = dir.path().join("home.sqlite3");
    (dir, path)
}

/// A commit to `coop` from `source` that carries nothing: fill in what a test needs.
pub(crate) fn commit_of(coop: CoopId, source: ChangeSource) -> Commit<'static> {
    Commit {
        coop,
        coop_name: COOP_NAME,
        coop_currency: "",
        reads: None,
        source,
        changes: &[],
        rejections: &[],
        members: MemberChanges::default(),
        listings: &[],
        books: Default::default(),
    }
}

/// Every member of `state` as a projection row.
pub(crate) fn member_rows(state: &CoopState) -> Vec<MemberRow> {
    state.members.iter().map(MemberRow::from).collect()
}
