//! Home settings (relays, LAN discovery) and what this home remembers of its peers.

use sangam_model::{CoopId, PublicKey};
use sangam_net::{NetConfig, PeerAddr, Relays};
use serde::Serialize;

use crate::ApiError;
use crate::dto::PeerPath;
use crate::dto::{NetworkDto, ProposalDto};
use crate::home::Home;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};

/// A peer device this home has synced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PeerDto {
    /// Device key (hex).
    pub device: String,
    /// The member the device belongs to, if known.
    pub member_name: Option<String>,
    /// How it was reached last time.
    pub path: PeerPath,
    /// When it last synced, ms since the epoch.
    pub last_synced: i64,
    /// Its address at the time (to dial it again).
    pub addr: String,
}

/// The home setting that holds the relay choice.
const RELAY_SETTING: &str = "relay";
/// The home setting that turns LAN discovery (mDNS) on or off.
const LAN_SETTING: &str = "lan";
/// The home setting that keeps the window's home serving after the window is closed.
const KEEP_SERVING_SETTING: &str = "keep_serving";

/// How long a relay proposal stays open: a week, so members who meet weekly can vote.
const RELAY_VOTE: std::time::Duration = std::time::Duration::from_secs(7 * 86_400);

impl Node {
    /// The relays this laptop uses: none when it was told `off`; else the co-op's own
    /// relay when its settings name one (the first such co-op in this home, by id), else
    /// n0's public relays.
    pub(crate) fn relays(&mut self) -> Result<Relays, ApiError> {
        if !self.switch(RELAY_SETTING)? {
            return Ok(Relays::Disabled);
        }
        let mut coops: Vec<CoopId> = self
            .store()
            .coops()?
            .into_iter()
            .map(|row| row.id)
            .collect();
        coops.sort();
        for coop in coops {
            if let Some(url) = self.state(coop)?.relay {
                return Ok(Relays::Custom(url));
            }
        }
        Ok(Relays::Default)
    }

    /// Whether this laptop uses relays at all: `off` leaves LAN and direct connections
    /// only (a home-level choice, not shared with the co-op).
    pub(crate) fn set_relays_used(&self, used: bool) -> Result<(), ApiError> {
        self.set_switch(RELAY_SETTING, used)
    }

    /// Proposes the co-op's relay for every member's laptop: the URL of the co-op's own
    /// `iroh-relay`, or `None` for n0's public relays. The relay carries every laptop's
    /// traffic, so it changes only when the members pass the proposal (a yes/no vote
    /// under the bylaws' quorum and threshold, open for a week).
    pub(crate) fn propose_coop_relay(
        &mut self,
        coop: CoopId,
        url: Option<&str>,
    ) -> Result<crate::ProposalDto, ApiError> {
        let relay = url.map(|u| u.trim().to_owned());
        if let Some(url) = &relay {
            sangam_model::body::check_relay_url(url)
                .map_err(|e| ApiError::from(problem(ProblemKey::BadRelay).with("detail", e)))?;
        }
        let (title, text) = match &relay {
            Some(url) => (
                "Use the co-op's own relay".to_owned(),
                format!(
                    "Every member's laptop reaches the others through the relay at {url} \
                     when they are not on the same network."
                ),
            ),
            None => (
                "Use n0's public relays".to_owned(),
                "Every member's laptop reaches the others through n0's public relays when \
                 they are not on the same network."
                    .to_owned(),
            ),
        };
        let closes_at = crate::node::time_after(self.now(), RELAY_VOTE)
            .ok_or_else(|| ApiError::from(problem(ProblemKey::ClockTooLate)))?;
        self.propose(
            coop,
            crate::ProposalDraft {
                title,
                text,
                method: sangam_model::body::Method::YesNo,
                options: vec![],
                seats: None,
                template: None,
                quorum_pct: None,
                threshold: None,
                closes_at,
                effect: Some(crate::EffectDraft::Relay(relay)),
            },
        )
    }

    /// A home switch that is on unless turned off.
    fn switch(&self, name: &str) -> Result<bool, ApiError> {
        Ok(self.store().setting(name)?.as_deref() != Some("off"))
    }

    /// Turns a home switch `on` or `off`.
    fn set_switch(&self, name: &str, on: bool) -> Result<(), ApiError> {
        Ok(self
            .store()
            .set_setting(name, if on { "on" } else { "off" })?)
    }

    /// Whether this home finds and announces devices on the local network (mDNS).
    pub(crate) fn lan(&self) -> Result<bool, ApiError> {
        self.switch(LAN_SETTING)
    }

    /// Turns LAN discovery on or off.
    pub(crate) fn set_lan(&self, on: bool) -> Result<(), ApiError> {
        self.set_switch(LAN_SETTING, on)
    }

    /// Whether closing the window leaves the home serving: a laptop left at a meetup with
    /// its window closed still syncs for the room.
    pub(crate) fn keep_serving(&self) -> Result<bool, ApiError> {
        self.switch(KEEP_SERVING_SETTING)
    }

    /// Turns keeping serving after the window closes on or off.
    pub(crate) fn set_keep_serving(&self, on: bool) -> Result<(), ApiError> {
        self.set_switch(KEEP_SERVING_SETTING, on)
    }

    /// The endpoint configuration for this home. LAN discovery follows the home's setting,
    /// except on an endpoint bound to loopback, which nobody on the LAN could reach.
    pub(crate) fn net_config(
        &self,
        relays: Relays,
        bind: Option<std::net::SocketAddr>,
    ) -> NetConfig {
        let reachable = bind.is_none_or(|b| !b.ip().is_loopback());
        NetConfig {
            secret: *self.device_secret().to_seed(),
            relays,
            bind,
            direct: true,
            lan: reachable && self.lan().unwrap_or(true),
        }
    }

    /// Reads a `--peer`: an address as `sangam serve` prints it, or a device key (64 hex
    /// characters), dialled at the address remembered for that device, else found by its
    /// key alone (on the LAN, by mDNS).
    pub(crate) fn peer_addr(&mut self, coop: CoopId, text: &str) -> Result<PeerAddr, ApiError> {
        let text = text.trim();
        if let Ok(device) = text.parse::<PublicKey>() {
            let remembered = self
                .store()
                .peers(coop)?
                .into_iter()
                .find(|row| row.device == device)
                .and_then(|row| serde_json::from_str::<PeerAddr>(&row.addr_json).ok())
                .filter(|addr| !addr.addrs.is_empty());
            return remembered
                .or_else(|| sangam_net::device_addr(&device))
                .ok_or_else(|| problem(ProblemKey::NotADeviceKey).with("text", text).into());
        }
        sangam_net::addr_from_text(text).map_err(|_| {
            let shown: String = text.trim().chars().take(80).collect();
            problem(ProblemKey::BadAddress).with("text", shown).into()
        })
    }

    /// Remembered peers of `coop` that left an address to dial (not those that only
    /// dialled us).
    pub(crate) fn dialable_peers(&mut self, coop: CoopId) -> Result<Vec<PeerAddr>, ApiError> {
        Ok(self
            .store()
            .peers(coop)?
            .into_iter()
            .filter_map(|row| serde_json::from_str::<PeerAddr>(&row.addr_json).ok())
            .filter(|a| !a.addrs.is_empty())
            .collect())
    }

    /// Peers seen for a co-op.
    pub(crate) fn peers(&mut self, coop: CoopId) -> Result<Vec<PeerDto>, ApiError> {
        let state = self.state(coop)?;
        let rows = self.store().peers(coop)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let member = state
                    .devices
                    .iter()
                    .find(|d| d.key == row.device)
                    .map(|d| d.member);
                PeerDto {
                    device: row.device.to_string(),
                    member_name: member
                        .and_then(|m| state.member(&m))
                        .map(|m| m.name.clone()),
                    path: row.path.into(),
                    last_synced: row.last_synced,
                    addr: serde_json::from_str::<PeerAddr>(&row.addr_json)
                        .map(|a| sangam_net::addr_to_text(&a))
                        .unwrap_or(row.addr_json),
                }
            })
            .collect())
    }
}

// The network settings, as the handle offers them.
impl Home {
    /// The network settings a window shows for `coop`.
    pub fn network(&self, coop: CoopId) -> Result<NetworkDto, ApiError> {
        let mut node = self.node();
        Ok(NetworkDto {
            lan: node.lan()?,
            keep_serving: node.keep_serving()?,
            relays_used: node.relays()? != Relays::Disabled,
            coop_relay: node.state(coop)?.relay,
        })
    }

    /// The relays this laptop uses.
    pub fn relays(&self) -> Result<Relays, ApiError> {
        self.node().relays()
    }

    /// Whether this laptop uses relays at all (a home-level choice).
    pub fn set_relays_used(&self, used: bool) -> Result<(), ApiError> {
        self.node().set_relays_used(used)
    }

    /// Proposes the co-op's relay for every member's laptop (`None`: n0's public relays);
    /// it changes when the proposal passes.
    pub fn propose_coop_relay(
        &self,
        coop: CoopId,
        url: Option<&str>,
    ) -> Result<ProposalDto, ApiError> {
        self.node().propose_coop_relay(coop, url)
    }

    /// Whether this home finds and announces devices on the local network.
    pub fn lan(&self) -> Result<bool, ApiError> {
        self.node().lan()
    }

    /// Turns LAN discovery on or off.
    pub fn set_lan(&self, on: bool) -> Result<(), ApiError> {
        self.node().set_lan(on)
    }

    /// Whether closing the window leaves this home serving.
    pub fn keeps_serving(&self) -> Result<bool, ApiError> {
        self.node().keep_serving()
    }

    /// Turns keeping serving after the window closes on or off.
    pub fn set_keep_serving(&self, on: bool) -> Result<(), ApiError> {
        self.node().set_keep_serving(on)
    }

    /// Peers seen for a co-op.
    pub fn peers(&self, coop: CoopId) -> Result<Vec<PeerDto>, ApiError> {
        self.node().peers(coop)
    }
}

#[cfg(test)]
mod tests {
    use crate::Home;

    /// Keeping serving after the window closes is on for a new home, and turning it off
    /// is remembered by the next process, apart from the LAN switch beside it.
    #[test]
    fn keep_serving_is_on_until_turned_off_and_is_remembered() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let (home, coop) = crate::home::founded(dir.path());
        assert!(home.keeps_serving().expect("reads"));
        assert!(home.network(coop).expect("network").keep_serving);
        home.set_keep_serving(false).expect("off");
        drop(home);
        let home = Home::open(dir.path()).expect("reopens");
        assert!(!home.keeps_serving().expect("reads"));
        let network = home.network(coop).expect("network");
        assert!(!network.keep_serving);
        assert!(network.lan, "a switch of its own");
        home.set_keep_serving(true).expect("on");
        assert!(home.keeps_serving().expect("reads"));
    }
}
