//! Turning what a member types into ids. Core finds co-ops, members, proposals and
//! listings by one rule (`sangam_core::find`: the whole id, or a unique prefix of at
//! least 4 hex characters); here the CLI adds the case of no `--coop`, and says which
//! command lists what was not found.

use anyhow::{Result, anyhow, bail};
use sangam_core::{CoopId, ErrorCode, Home, PublicKey, RecordId};

/// A not-found error, with the command that lists the candidates.
fn hint(e: sangam_core::ApiError, list: &str) -> anyhow::Error {
    match e.code {
        ErrorCode::NotFound => anyhow!("{} (see `{list}`)", e.message),
        _ => crate::show::api(e),
    }
}

/// `--coop`: its id or prefix, or the only co-op when none is given.
pub fn coop(home: &Home, selector: Option<&str>) -> Result<CoopId> {
    if let Some(text) = selector {
        return home
            .find_coop(text)
            .map_err(|e| hint(e, "sangam coop list"));
    }
    let coops = home.coops().map_err(crate::show::api)?;
    match coops.as_slice() {
        [] => bail!(
            "this home has no co-op yet: create one with `sangam coop create NAME`, or import a bundle"
        ),
        [only] => only
            .id
            .parse()
            .map_err(|_| anyhow!("a stored co-op id did not parse")),
        _ => bail!(
            "this home holds several co-ops: choose one with --coop ID (see `sangam coop list`)"
        ),
    }
}

/// A member by key or prefix.
pub fn member(home: &Home, coop: CoopId, text: &str) -> Result<PublicKey> {
    home.find_member(coop, text)
        .map_err(|e| hint(e, "sangam member list"))
}

/// A listing by id or prefix.
pub fn listing(home: &Home, coop: CoopId, text: &str) -> Result<RecordId> {
    home.find_listing(coop, text)
        .map_err(|e| hint(e, "sangam listing list"))
}

/// A proposal by id or prefix.
pub fn proposal(home: &Home, coop: CoopId, text: &str) -> Result<RecordId> {
    home.find_proposal(coop, text)
        .map_err(|e| hint(e, "sangam proposal list"))
}

/// A call for nominations by id or prefix.
pub fn call(home: &Home, coop: CoopId, text: &str) -> Result<RecordId> {
    home.find_call(coop, text)
        .map_err(|e| hint(e, "sangam nomination list"))
}
