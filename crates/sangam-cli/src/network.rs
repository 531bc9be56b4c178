//! `sangam serve`, `invite`, `join`, `sync`, `peers`, `relay` and `lan`: this home on the
//! network: serving, joining, one sync, the peers met, and how they are reached.

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand};
use sangam_core::{
    ErrorCode, Event, Home, InviteDto, JoinDecision, JoinDto, JoinStatus, Origin, PeerDto,
    PeerPath, ProposalDto, Relays, ServeInfo, ServeOptions, SyncReport,
};

use crate::output::Output;
use crate::show::{api, outln, print, qr, runtime, say, table, when};
use crate::{resolve, words};

#[derive(Args)]
pub struct ServeArgs {
    /// Listen on this address (default: every interface, a random port).
    #[arg(long, value_name = "IP:PORT")]
    pub bind: Option<std::net::SocketAddr>,
    /// A peer to keep a live session with: its address from `sangam serve`, or its
    /// device key (dialled where it was last seen, or found on the LAN); repeat.
    #[arg(long = "peer", value_name = "ADDRESS")]
    pub peers: Vec<String>,
}

#[derive(Args)]
pub struct InviteArgs {
    /// How long the ticket stays good, e.g. 24h, 7d or 30m.
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub expires_in: String,
    /// How many newcomers may join with it.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub uses: u32,
    /// Print the ticket without its QR code.
    #[arg(long)]
    pub no_qr: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct JoinArgs {
    /// The invite ticket.
    pub ticket: String,
    /// The name you go by (needed when this home has no identity yet).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct SyncArgs {
    /// The peer's address (printed by `sangam serve`) or device key; default: every
    /// remembered peer.
    #[arg(long, value_name = "ADDRESS")]
    pub peer: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args)]
pub struct PeersArgs {
    #[command(flatten)]
    pub out: Output,
}

#[derive(Subcommand)]
pub enum RelayCommand {
    /// `URL`: propose the co-op's own relay for every member's laptop (an `iroh-relay`
    /// server); `default`: propose n0's public relays. Either is a yes/no proposal (prints
    /// its id), and the relay changes when the members pass it. `off` / `on`: whether this
    /// laptop uses relays at all (off: LAN and direct connections only), its own choice.
    Set {
        /// A URL such as https://relay.example.org, `default`, `off` or `on`.
        value: String,
    },
    /// Show which relays this laptop uses.
    Show,
}

#[derive(Subcommand)]
pub enum LanCommand {
    /// `on` (the default): announce this laptop and find others in the room with no
    /// address typed; `off`: only remembered, typed or relayed addresses.
    Set {
        /// `on` or `off`.
        value: String,
    },
    /// Show the LAN discovery setting.
    Show,
}

/// `sangam serve`: runs until Ctrl-C, printing what happens as it happens.
pub fn serve(home: &Home, coop_arg: Option<&str>, args: ServeArgs) -> Result<()> {
    let options = ServeOptions {
        coop: resolve::coop(home, coop_arg)?,
        bind: args.bind,
        peers: args.peers,
        relays: None,
    };
    let ready = |info: &ServeInfo| say(&render_serving(info));
    // What happens is printed as it happens, in the one order of the home's events.
    let watch = |event: &Event| {
        if let Some(line) = event_line(event) {
            say(&line);
        }
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    runtime()?
        .block_on(home.run_serve(options, ready, watch, stop))
        .map_err(api)
}

/// `sangam invite`.
pub fn invite(home: &Home, coop_arg: Option<&str>, args: InviteArgs) -> Result<()> {
    let span = words::duration(&args.expires_in, "--expires-in")?;
    let coop = resolve::coop(home, coop_arg)?;
    let invite = home.create_invite(coop, span, args.uses).map_err(api)?;
    print(args.out, &invite, || render_invite(&invite, !args.no_qr))
}

/// `sangam join`.
pub fn join(home: &Home, args: JoinArgs) -> Result<()> {
    let joined = runtime()?
        .block_on(home.join(&args.ticket, args.name.as_deref()))
        .map_err(|e| match e.code {
            ErrorCode::NoIdentity => {
                anyhow::anyhow!("{}: give the name you go by with --name", e.message)
            }
            _ => api(e),
        })?;
    print(args.out, &joined, || render_joined(&joined))
}

/// `sangam sync`: the failures go to stderr as warnings, what moved to stdout.
pub fn sync(home: &Home, coop_arg: Option<&str>, args: SyncArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let report = runtime()?
        .block_on(home.sync_now(coop, args.peer.as_deref(), None))
        .map_err(|e| match e.code {
            ErrorCode::NotFound => anyhow::anyhow!(
                "{}: give --peer ADDRESS (printed by `sangam serve` on the other laptop)",
                e.message
            ),
            _ => api(e),
        })?;
    for failure in &report.failures {
        let _ = writeln!(std::io::stderr(), "warning: {failure}");
    }
    let json = serde_json::json!({"received": report.received, "sent": report.sent, "frames": report.frames});
    print(args.out, &json, || render_synced(&report))
}

/// `sangam peers`.
pub fn peers(home: &Home, coop_arg: Option<&str>, args: PeersArgs) -> Result<()> {
    let peers = home.peers(resolve::coop(home, coop_arg)?).map_err(api)?;
    print(args.out, &peers, || render_peers(&peers))
}

/// `sangam relay …`.
pub fn relay(home: &Home, coop_arg: Option<&str>, command: RelayCommand) -> Result<()> {
    match command {
        RelayCommand::Set { value } => match value.trim() {
            "off" | "on" => {
                let used = value.trim() == "on";
                home.set_relays_used(used).map_err(api)?;
                outln(render_relays_used(used))
            }
            value => {
                let url = (value != "default").then_some(value);
                let coop = resolve::coop(home, coop_arg)?;
                let proposal = home.propose_coop_relay(coop, url).map_err(api)?;
                outln(&render_relay_proposed(&proposal))
            }
        },
        RelayCommand::Show => outln(&render_relays(home.relays().map_err(api)?)),
    }
}

/// `sangam lan …`.
pub fn lan(home: &Home, command: LanCommand) -> Result<()> {
    match command {
        LanCommand::Set { value } => {
            let on = match value.trim() {
                "on" => true,
                "off" => false,
                _ => anyhow::bail!("give `on` or `off`"),
            };
            home.set_lan(on).map_err(api)?;
            outln(&format!("LAN discovery {}.", value.trim()))
        }
        LanCommand::Show => outln(render_lan(home.lan().map_err(api)?)),
    }
}

fn render_serving(info: &ServeInfo) -> String {
    format!(
        "address: {}\ndevice:  {}\nServing; stop with Ctrl-C.",
        info.address, info.device
    )
}

/// The log line for an event, if `serve` shows it: sessions, joins, refusals and
/// notices. Records and tallies are left to the other commands (a big sync would print
/// a line per record).
fn event_line(event: &Event) -> Option<String> {
    Some(match event {
        Event::PeerConnected { device, path, .. } => {
            format!(
                "synced with device {} ({})",
                device.short(),
                path_name(*path)
            )
        }
        Event::JoinDecided {
            name,
            device,
            decision,
            ..
        } => {
            let outcome = match decision {
                JoinDecision::Welcomed => "welcomed".to_owned(),
                JoinDecision::PutToVote { proposal } => {
                    format!("admission put to a vote ({proposal})")
                }
                JoinDecision::Refused { reason } => format!("refused: {reason}"),
            };
            format!(
                "join request from {name} (device {}): {outcome}",
                device.short()
            )
        }
        Event::ChangeRefused {
            origin: Origin::Peer { device },
            reason,
            ..
        } => format!("refused a change from device {}: {reason}", device.short()),
        Event::Notice { notice } => format!("note: {notice}"),
        Event::Activity { activity } => activity.to_string(),
        _ => return None,
    })
}

/// How a peer was reached, as one word.
fn path_name(path: PeerPath) -> &'static str {
    match path {
        PeerPath::Lan => "lan",
        PeerPath::Direct => "direct",
        PeerPath::Relay => "relay",
    }
}

fn render_invite(invite: &InviteDto, with_qr: bool) -> String {
    let mut text = String::new();
    if with_qr {
        text.push_str(&qr(&invite.ticket));
        text.push('\n');
    }
    text.push_str(&format!(
        "{}\n\nGood for {} newcomer(s) until {}. On the newcomer's laptop:\n  sangam join {} --name NAME",
        invite.ticket,
        invite.uses,
        when(invite.expires_at),
        invite.ticket
    ));
    text
}

fn render_joined(joined: &JoinDto) -> String {
    match joined.status {
        JoinStatus::Member => format!(
            "Joined {:?} ({} change(s) received). You are a member; `sangam serve` keeps you in sync.",
            joined.name.clone().unwrap_or_default(),
            joined.received
        ),
        JoinStatus::Pending => format!(
            "Asked to join. The co-op's bylaws put admissions to a vote: proposal {}.\nRun the same `sangam join` again once it has passed.",
            joined.proposal.clone().unwrap_or_default()
        ),
    }
}

fn render_synced(report: &SyncReport) -> String {
    format!(
        "Synced: received {} change(s), sent {}.",
        report.received, report.sent
    )
}

fn render_peers(peers: &[PeerDto]) -> String {
    if peers.is_empty() {
        return "No peers yet: `sangam sync --peer ADDRESS`, or run `sangam serve`.".into();
    }
    table(
        &["DEVICE", "MEMBER", "HOW", "LAST SYNCED"],
        peers.iter().map(|p| {
            vec![
                p.device[..16].to_owned(),
                p.member_name.clone().unwrap_or_default(),
                path_name(p.path).to_owned(),
                when(p.last_synced),
            ]
        }),
    )
}

fn render_relays_used(used: bool) -> &'static str {
    if used {
        "This laptop uses relays again."
    } else {
        "This laptop uses no relay: LAN and direct connections only."
    }
}

fn render_relay_proposed(proposal: &ProposalDto) -> String {
    format!(
        "{}\nProposed: {}. The co-op's relay changes for every laptop when the \
         members pass it (sangam vote {} yes; sangam close once decided).",
        proposal.id,
        proposal
            .effect
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_default(),
        &proposal.id[..8],
    )
}

fn render_lan(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn render_relays(relays: Relays) -> String {
    match relays {
        Relays::Disabled => "off (LAN and direct connections only)".to_owned(),
        Relays::Default => "default (n0's public relays)".to_owned(),
        Relays::Custom(url) => url,
    }
}
