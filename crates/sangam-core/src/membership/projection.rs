//! Membership's projection delta: the co-op's details and devices as the store keeps them
//! for fast reads. Below the node (which persists them) and knowing nothing of it.

use sangam_model::{Body, CoopState};
use sangam_replica::Replica;

use crate::ApiError;
use crate::dto::CoopDto;
use crate::error::damaged;

/// A device as the store keeps it. Its member's name and standing (from the members'
/// projection), which device this laptop is, and forks, are added on reading: so the kept
/// devices change only with authority records, not with every profile update.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeviceRead {
    pub(crate) key: String,
    pub(crate) member: String,
    pub(crate) name: String,
    pub(crate) revoked: bool,
}

/// The co-op's details from its replica and its folded state (`decimal_mark`, this
/// home's setting, is the caller's).
pub(crate) fn coop_reads(replica: &Replica, state: &CoopState) -> Result<CoopDto, ApiError> {
    let coop = replica.coop();
    let genesis = state
        .genesis
        .clone()
        .ok_or_else(|| damaged("the co-op has no genesis record"))?;
    // The bylaws in force, amendments included.
    let bylaws = state.bylaws.clone().unwrap_or(genesis.bylaws.clone());
    let founder = state
        .members
        .iter()
        .find(|m| m.admitted_by == coop)
        .map(|m| m.key.to_string());
    let (records, changes, heads) = (
        replica.fold().len(),
        replica.change_count(),
        replica.heads().iter().map(|h| h.to_string()).collect(),
    );
    Ok(CoopDto {
        id: coop.to_string(),
        name: genesis.name,
        currency: genesis.currency,
        admission: bylaws.admission,
        quorum_pct: bylaws.voting.quorum_pct,
        threshold: bylaws.voting.threshold,
        treasurers: bylaws
            .ledger
            .treasurers
            .iter()
            .map(|k| k.to_string())
            .collect(),
        approval_over: bylaws
            .ledger
            .approval_over
            .iter()
            .map(|(c, limit)| crate::money::money_text(i128::from(*limit), c))
            .collect(),
        reserve_pct: bylaws.ledger.reserve_pct,
        education_pct: bylaws.ledger.education_pct,
        founder: founder.unwrap_or_default(),
        members: state.active_members().count(),
        devices: state.devices.len(),
        records,
        changes,
        heads,
        decimal_mark: crate::DecimalMark::Point,
    })
}

/// The co-op's devices from its folded state.
pub(crate) fn device_reads(state: &CoopState) -> Vec<DeviceRead> {
    state
        .devices
        .iter()
        .map(|d| DeviceRead {
            key: d.key.to_string(),
            member: d.member.to_string(),
            name: d.name.clone(),
            revoked: d.revoked,
        })
        .collect()
}

/// Whether `changes` may have changed the co-op's devices: an authority record (a device
/// bound or revoked, a member admitted or removed) or a close (whose effect may remove one).
pub(crate) fn devices_touched(replica: &Replica, changes: &[sangam_replica::SignedChange]) -> bool {
    let fold = replica.fold();
    changes.iter().any(|change| {
        replica.records_in(&change.hash).iter().any(|id| {
            fold.get(id).is_some_and(|p| {
                p.record.kind().is_authority() || matches!(p.record.body(), Body::ProposalClose(_))
            })
        })
    })
}

/// A value as the JSON the store keeps.
pub(crate) fn json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| damaged(format!("cannot keep a read: {e}")))
}
