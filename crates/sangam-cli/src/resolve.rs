//! Turning the id prefixes a member types into ids: one rule for co-ops, members and
//! proposals alike (a unique prefix of the hex id; the only one when none is typed).

use anyhow::{Result, bail};
use sangam_core::{CoopId, Home, ProposalFilter, PublicKey, RecordId};

/// The one item whose id starts with `prefix`, among `candidates` (id text, value).
fn pick<T: Copy>(
    prefix: &str,
    candidates: impl IntoIterator<Item = (String, T)>,
    what: &str,
) -> Result<T> {
    let prefix = prefix.trim().to_lowercase();
    if prefix.is_empty() {
        bail!("give {what} id (or the start of one)");
    }
    let matches: Vec<T> = candidates
        .into_iter()
        .filter(|(id, _)| id.starts_with(&prefix))
        .map(|(_, value)| value)
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no {what} id starts with {prefix:?}"),
        _ => bail!("several {what} ids start with {prefix:?}: give more of the id"),
    }
}

/// `--coop`: a unique id prefix, or the only co-op when none is given.
pub fn coop(home: &Home, selector: Option<&str>) -> Result<CoopId> {
    let coops = home.coops().map_err(crate::api)?;
    match selector {
        Some(prefix) => {
            let ids = coops
                .iter()
                .filter_map(|c| Some((c.id.clone(), c.id.parse::<CoopId>().ok()?)));
            pick(prefix, ids, "co-op")
        }
        None => match coops.as_slice() {
            [] => bail!(
                "this home has no co-op yet: create one with `sangam coop create NAME`, or import a bundle"
            ),
            [only] => only
                .id
                .parse()
                .map_err(|_| anyhow::anyhow!("a stored co-op id did not parse")),
            _ => bail!(
                "this home holds several co-ops: choose one with --coop ID (see `sangam coop list`)"
            ),
        },
    }
}

/// A member by a unique prefix of their key (or the whole key).
pub fn member(home: &Home, coop: CoopId, prefix: &str) -> Result<PublicKey> {
    if let Ok(key) = prefix.trim().parse::<PublicKey>() {
        return Ok(key);
    }
    let members = home.members(coop).map_err(crate::api)?;
    let keys = members
        .iter()
        .filter_map(|m| Some((m.key.clone(), m.key.parse::<PublicKey>().ok()?)));
    pick(prefix, keys, "member")
}

/// A proposal by a unique id prefix.
pub fn listing(home: &Home, coop: CoopId, prefix: &str) -> Result<RecordId> {
    let listings = home
        .listings(coop, &sangam_core::ListingFilter::default())
        .map_err(crate::api)?;
    let ids = listings
        .iter()
        .filter_map(|l| Some((l.id.clone(), l.id.parse::<RecordId>().ok()?)));
    pick(prefix, ids, "listing").map_err(|e| anyhow::anyhow!("{e} (see `sangam listing list`)"))
}

pub fn proposal(home: &Home, coop: CoopId, prefix: &str) -> Result<RecordId> {
    let proposals = home
        .proposals(coop, ProposalFilter::All)
        .map_err(crate::api)?;
    let ids = proposals
        .iter()
        .filter_map(|p| Some((p.id.clone(), p.id.parse::<RecordId>().ok()?)));
    pick(prefix, ids, "proposal").map_err(|e| anyhow::anyhow!("{e} (see `sangam proposal list`)"))
}
