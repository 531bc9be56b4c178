//! `sangam`: a co-op from the terminal. A thin shell over `sangam-core`: it parses
//! arguments, calls one core function, and prints the result (as a table, or JSON with
//! `--json`). Errors go to stderr with a non-zero exit.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use sangam_core::{
    ApiError, Node, ProposalInput, Relays, SharedNode, SyncSummary, SystemClock, addr_to_text,
    files,
};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "sangam",
    version,
    about = "Sangam: an offline-first co-op, from the terminal"
)]
struct Cli {
    /// Home directory holding this install's database (default: the platform data dir).
    #[arg(long, global = true, env = "SANGAM_HOME", value_name = "DIR")]
    home: Option<PathBuf>,
    /// Which co-op, as any unique prefix of its id (needed when a home holds several).
    #[arg(long, global = true, value_name = "ID")]
    coop: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Your member identity.
    #[command(subcommand)]
    Id(IdCommand),
    /// Co-ops in this home.
    #[command(subcommand)]
    Coop(CoopCommand),
    /// Members of the co-op.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Devices bound to members.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Carry a co-op between homes in a file (a USB stick, an email attachment).
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Put a question to the members (prints the proposal id).
    Propose(ProposeArgs),
    /// Proposals of the co-op.
    #[command(subcommand)]
    Proposal(ProposalCommand),
    /// Vote on a proposal, or change your vote: yes/no/abstain; agree/abstain/disagree/block;
    /// option names (choice, approval); options in order of preference (ranked);
    /// NAME=SCORE (score).
    Vote {
        /// The proposal id (any unique prefix).
        id: String,
        /// Your answer.
        #[arg(required = true, num_args = 1..)]
        choice: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// `proxy ID MEMBER` lets MEMBER vote for you on one proposal; `proxy revoke ID` takes it back.
    Proxy {
        /// `ID MEMBER`, or `revoke ID`.
        #[arg(required = true, num_args = 2)]
        args: Vec<String>,
    },
    /// Close a proposal after its deadline (or once everyone has voted), naming the ballots you have.
    Close {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Withdraw your own proposal before anyone votes.
    Withdraw {
        /// The proposal id.
        id: String,
    },
    /// A proposal's tally: provisional until closed.
    Tally {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Run this home as an always-on peer: accept syncs from the co-op's devices, keep live
    /// sessions to --peer addresses, and pass on what other `sangam` commands write here.
    Serve {
        /// Listen on this address (default: every interface, a random port).
        #[arg(long, value_name = "IP:PORT")]
        bind: Option<std::net::SocketAddr>,
        /// A peer to keep a live session with: its address from `sangam serve`, or its
        /// device key (dialled where it was last seen, or found on the LAN); repeat.
        #[arg(long = "peer", value_name = "ADDRESS")]
        peers: Vec<String>,
    },
    /// Invite a newcomer: prints a ticket (and its QR code) for `sangam join`. The
    /// newcomer joins through this home's `sangam serve`, which must be running then.
    Invite {
        /// How long the ticket stays good, e.g. 24h, 7d or 30m.
        #[arg(long, default_value = "24h", value_name = "DURATION")]
        expires_in: String,
        /// How many newcomers may join with it.
        #[arg(long, default_value_t = 1, value_name = "N")]
        uses: u32,
        /// Print the ticket without its QR code.
        #[arg(long)]
        no_qr: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Join a co-op with a ticket from one of its members (`sangam invite` prints one).
    Join {
        /// The invite ticket.
        ticket: String,
        /// The name you go by (needed when this home has no identity yet).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Sync once with a peer and print what moved.
    Sync {
        /// The peer's address (printed by `sangam serve`) or device key; default: every
        /// remembered peer.
        #[arg(long, value_name = "ADDRESS")]
        peer: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Devices this home has synced with: how they were reached and when.
    Peers {
        #[command(flatten)]
        out: Output,
    },
    /// Which relay this home uses to reach peers across the internet.
    #[command(subcommand)]
    Relay(RelayCommand),
    /// Whether this home finds the co-op's other laptops on the local network (mDNS).
    #[command(subcommand)]
    Lan(LanCommand),
    /// The co-op's records, newest first.
    Log {
        #[command(flatten)]
        out: Output,
        /// Show at most this many records.
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Args, Clone, Copy)]
struct Output {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ProposeArgs {
    /// Short title.
    #[arg(long)]
    title: String,
    /// The full text members vote on.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    text: Option<String>,
    /// Read the full text from a file.
    #[arg(long, value_name = "FILE")]
    text_file: Option<PathBuf>,
    /// yes-no, consent, choice, approval, ranked or score.
    #[arg(long)]
    method: String,
    /// An option (choice, approval, ranked, score); repeat for each.
    #[arg(long = "option", value_name = "NAME")]
    options: Vec<String>,
    /// Share of members (percent) who must take part (default: the bylaws').
    #[arg(long, value_name = "PCT")]
    quorum: Option<u8>,
    /// Share of yes among yes + no needed, like 1/2 or 2/3 (default: the bylaws').
    #[arg(long, value_name = "N/D")]
    threshold: Option<String>,
    /// Deadline from now, like 3d, 12h or 90m.
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "closes_at",
        required_unless_present = "closes_at"
    )]
    closes_in: Option<String>,
    /// Deadline as a date and time, like 2026-12-01T18:00:00Z.
    #[arg(long, value_name = "RFC3339")]
    closes_at: Option<String>,
    /// What passing does: admit=KEY:NAME, remove=MEMBER or admission=proposal|any_member.
    #[arg(long)]
    effect: Option<String>,
    #[command(flatten)]
    out: Output,
}

#[derive(Subcommand)]
enum ProposalCommand {
    /// List proposals, newest first.
    List {
        /// Only those still open.
        #[arg(long, conflicts_with = "closed")]
        open: bool,
        /// Only those closed or withdrawn.
        #[arg(long)]
        closed: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Show a proposal, its text and its tally.
    Show {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum RelayCommand {
    /// `URL`: the co-op's own relay for every member's laptop (an `iroh-relay` server);
    /// `default`: n0's public relays for the co-op. Both are written to the co-op and
    /// reach the others with the next sync. `off` / `on`: whether this laptop uses relays
    /// at all (off: LAN and direct connections only).
    Set {
        /// A URL such as https://relay.example.org, `default`, `off` or `on`.
        value: String,
    },
    /// Show which relays this laptop uses.
    Show,
}

#[derive(Subcommand)]
enum LanCommand {
    /// `on` (the default): announce this laptop and find others in the room with no
    /// address typed; `off`: only remembered, typed or relayed addresses.
    Set {
        /// `on` or `off`.
        value: String,
    },
    /// Show the LAN discovery setting.
    Show,
}

#[derive(Subcommand)]
enum IdCommand {
    /// Create your member key; prints its public key to give to a member who admits you.
    New {
        /// Your display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Show your member key and this device's key.
    Show {
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum CoopCommand {
    /// Found a co-op, with you as its first member.
    Create {
        /// The co-op's name.
        name: String,
        /// Default currency for the ledger.
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[command(flatten)]
        out: Output,
    },
    /// List the co-ops in this home.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Show the co-op's name, rules and size.
    Show {
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum MemberCommand {
    /// List members.
    List {
        #[command(flatten)]
        out: Output,
        /// Include members who left or were removed.
        #[arg(long)]
        all: bool,
    },
    /// Admit a newcomer by their member key (`sangam id show` on their laptop).
    Admit {
        /// Their member public key.
        pubkey: String,
        /// Their display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Leave the co-op.
    Leave,
    /// Remove another member (when the bylaws let any member do so).
    Remove {
        /// Their member key, or a unique prefix of it.
        member: String,
        /// Why, for the record.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Change your display name or contact line.
    Update {
        /// New display name.
        #[arg(long)]
        name: Option<String>,
        /// New contact line.
        #[arg(long)]
        contact: Option<String>,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// List devices.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Revoke one of your devices (a lost or stolen laptop).
    Revoke {
        /// The device key.
        device: String,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Write the co-op's signed changes to FILE.
    Export {
        /// Where to write.
        file: PathBuf,
        /// Only what is new since this earlier bundle.
        #[arg(long, value_name = "FILE")]
        since: Option<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
    /// Verify and apply a bundle.
    Import {
        /// The bundle.
        file: PathBuf,
        #[command(flatten)]
        out: Output,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        let _ = writeln!(std::io::stderr(), "error: {error:#}");
        std::process::exit(1);
    }
}

fn default_home() -> Result<PathBuf> {
    let base = dirs::data_dir().context("no data directory on this system; pass --home DIR")?;
    Ok(base.join("sangam"))
}

fn run(cli: Cli) -> Result<()> {
    let home = match cli.home {
        Some(home) => home,
        None => default_home()?,
    };
    let mut node = Node::open(&home, Box::<SystemClock>::default()).map_err(api)?;
    // What the node did by itself (a fork mended, a new device key) goes to stderr, so
    // `--json` output on stdout stays parseable.
    node.notify_to(|text| {
        let _ = writeln!(std::io::stderr(), "note: {text}");
    });
    let coop_arg = cli.coop.as_deref();
    match cli.command {
        Command::Id(IdCommand::New { name, out }) => {
            let id = node.create_identity(&name).map_err(api)?;
            print(out, &id, || {
                format!(
                    "Created your member key.\n  name:   {}\n  member: {}\n  device: {}\nGive the member key to a member of your co-op so they can admit you.",
                    id.name, id.member, id.device
                )
            })
        }
        Command::Id(IdCommand::Show { out }) => {
            let id = node.identity().map_err(api)?;
            print(out, &id, || {
                format!(
                    "name:   {}\nmember: {}\ndevice: {}",
                    id.name, id.member, id.device
                )
            })
        }
        Command::Coop(CoopCommand::Create {
            name,
            currency,
            out,
        }) => {
            let coop = node.create_coop(&name, &currency).map_err(api)?;
            print(out, &coop, || {
                format!("Founded {:?}.\n  id: {}", coop.name, coop.id)
            })
        }
        Command::Coop(CoopCommand::List { out }) => {
            let coops = node.coops().map_err(api)?;
            print(out, &coops, || {
                if coops.is_empty() {
                    return "No co-ops yet: `sangam coop create NAME`, or import a bundle.".into();
                }
                table(
                    &["ID", "NAME"],
                    coops.iter().map(|c| vec![c.id.clone(), c.name.clone()]),
                )
            })
        }
        Command::Coop(CoopCommand::Show { out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let c = node.coop_show(coop).map_err(api)?;
            print(out, &c, || {
                format!(
                    "{}\n  id:        {}\n  currency:  {}\n  admission: {}\n  voting:    quorum {}%, threshold {}\n  members:   {}\n  devices:   {}\n  records:   {} in {} changes",
                    c.name,
                    c.id,
                    c.currency,
                    c.admission,
                    c.quorum_pct,
                    c.threshold,
                    c.members,
                    c.devices,
                    c.records,
                    c.changes
                )
            })
        }
        Command::Member(MemberCommand::List { out, all }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let members: Vec<_> = node
                .members(coop)
                .map_err(api)?
                .into_iter()
                .filter(|m| all || m.standing == "active")
                .collect();
            print(out, &members, || {
                table(
                    &["NAME", "MEMBER KEY", "STANDING", "CONTACT"],
                    members.iter().map(|m| {
                        vec![
                            m.name.clone(),
                            m.key.clone(),
                            m.standing.clone(),
                            m.contact.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        Command::Member(MemberCommand::Admit { pubkey, name, out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let m = node.admit(coop, &pubkey, &name).map_err(api)?;
            print(out, &m, || {
                format!(
                    "Admitted {} ({}). Export a bundle to carry the co-op to their laptop.",
                    m.name, m.key
                )
            })
        }
        Command::Member(MemberCommand::Leave) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            node.leave(coop).map_err(api)?;
            println!("You have left the co-op. Export a bundle so the others learn of it.");
            Ok(())
        }
        Command::Member(MemberCommand::Remove { member, reason }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            node.remove(coop, &member, &reason).map_err(api)?;
            println!("Removed.");
            Ok(())
        }
        Command::Member(MemberCommand::Update { name, contact, out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let m = node
                .update_profile(coop, name.as_deref(), contact.as_deref())
                .map_err(api)?;
            print(out, &m, || match (&name, &contact) {
                (Some(_), _) => format!("Updated: you are now {}.", m.name),
                _ => "Updated your contact line.".to_owned(),
            })
        }
        Command::Device(DeviceCommand::List { out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let devices = node.devices(coop).map_err(api)?;
            print(out, &devices, || {
                table(
                    &["DEVICE KEY", "NAME", "MEMBER", "STATUS"],
                    devices.iter().map(|d| {
                        let mut status = match (d.revoked, d.member_active, d.this_device) {
                            (true, _, _) => "revoked",
                            (false, false, _) => "member left or removed",
                            (false, true, true) => "this device",
                            (false, true, false) => "active",
                        }
                        .to_owned();
                        if let Some(at) = d.forked_at {
                            status.push_str(&format!(
                                ", forked (two copies wrote as it; found {})",
                                when(at)
                            ));
                        }
                        vec![d.key.clone(), d.name.clone(), d.member_name.clone(), status]
                    }),
                )
            })
        }
        Command::Device(DeviceCommand::Revoke { device }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            node.revoke_device(coop, &device).map_err(api)?;
            println!("Device revoked. Its later changes will be refused by every member.");
            Ok(())
        }
        Command::Bundle(BundleCommand::Export { file, since, out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let since = since
                .map(|p| files::read_capped(&p, files::MAX_BUNDLE_FILE, "the --since bundle"))
                .transpose()
                .map_err(api)?;
            let (bytes, dto) = node.export_bundle(coop, since.as_deref()).map_err(api)?;
            write_atomically(&file, &bytes)?;
            print(out, &dto, || {
                format!(
                    "Wrote {} changes ({} bytes) to {}.",
                    dto.changes,
                    dto.bytes,
                    file.display()
                )
            })
        }
        Command::Bundle(BundleCommand::Import { file, out }) => {
            let bytes =
                files::read_capped(&file, files::MAX_BUNDLE_FILE, "the bundle").map_err(api)?;
            let dto = node.import_bundle(&bytes).map_err(api)?;
            print(out, &dto, || {
                let mut text = if dto.joined {
                    format!("Joined {:?} ({}).", dto.name, dto.coop)
                } else {
                    format!("Imported into {:?}.", dto.name)
                };
                text.push_str(&format!(
                    "\n  applied {} new changes, {} already here, {} refused",
                    dto.applied,
                    dto.duplicates,
                    dto.rejected.len()
                ));
                for r in &dto.rejected {
                    text.push_str(&format!(
                        "\n  refused {}: {}",
                        r.change.as_deref().unwrap_or("?"),
                        r.reason
                    ));
                }
                text
            })
        }
        Command::Propose(args) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let text = match (args.text, args.text_file) {
                (Some(text), _) => text,
                (None, Some(file)) => {
                    files::read_text_capped(&file, files::MAX_TEXT_FILE, "the text file")
                        .map_err(api)?
                }
                (None, None) => unreachable!("clap requires one of them"),
            };
            let closes_at = deadline(
                node.now(),
                args.closes_in.as_deref(),
                args.closes_at.as_deref(),
            )?;
            let input = ProposalInput {
                title: args.title,
                text,
                method: args.method,
                options: args.options,
                quorum_pct: args.quorum,
                threshold: args.threshold,
                closes_at,
                effect: args.effect,
            };
            let p = node.propose(coop, input).map_err(api)?;
            if args.out.json {
                return print(args.out, &p, String::new);
            }
            println!("{}", p.id);
            Ok(())
        }
        Command::Proposal(ProposalCommand::List { open, closed, out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let filter = if open {
                Some("open")
            } else if closed {
                Some("closed")
            } else {
                None
            };
            let list = node.proposals(coop, filter).map_err(api)?;
            print(out, &list, || {
                if list.is_empty() {
                    return "No proposals yet: `sangam propose --help`.".into();
                }
                table(
                    &[
                        "ID", "TITLE", "METHOD", "STATUS", "OUTCOME", "VOTED", "CLOSES",
                    ],
                    list.iter().map(|p| {
                        vec![
                            p.id[..12].to_owned(),
                            p.title.clone(),
                            p.method.clone(),
                            p.status.clone(),
                            p.outcome.clone(),
                            format!("{}/{}", p.ballots_counted, p.electorate_size),
                            when(p.closes_at),
                        ]
                    }),
                )
            })
        }
        Command::Proposal(ProposalCommand::Show { id, out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let p = node.proposal_show(coop, &id).map_err(api)?;
            print(out, &p, || {
                let mut text = format!("{}\n  id:      {}\n  method:  {}", p.title, p.id, p.method);
                if !p.options.is_empty() {
                    text.push_str(&format!("\n  options: {}", p.options.join(", ")));
                }
                if let Some(effect) = &p.effect {
                    text.push_str(&format!("\n  effect:  {effect}"));
                }
                text.push_str(&format!(
                    "\n  closes:  {}\n\n{}\n\n{}",
                    when(p.tally.closes_at),
                    p.text,
                    tally_text(&p.tally)
                ));
                if let Some(mine) = &p.my_vote {
                    text.push_str(&format!("\n  your vote: {mine}"));
                }
                text
            })
        }
        Command::Vote { id, choice, out } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let tally = node.vote(coop, &id, &choice).map_err(api)?;
            print(out, &tally, || {
                format!(
                    "Vote recorded. You can change it until the proposal closes.\n{}",
                    tally_text(&tally)
                )
            })
        }
        Command::Proxy { args } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            if args[0] == "revoke" {
                node.proxy_revoke(coop, &args[1]).map_err(api)?;
                println!("Proxy revoked: nobody votes for you on this proposal now.");
            } else {
                node.proxy(coop, &args[0], &args[1]).map_err(api)?;
                println!("Proxy given. Your own ballot, if you cast one, still overrides it.");
            }
            Ok(())
        }
        Command::Close { id, out } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let tally = node.close(coop, &id).map_err(api)?;
            print(out, &tally, || format!("Closed.\n{}", tally_text(&tally)))
        }
        Command::Withdraw { id } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            node.withdraw(coop, &id).map_err(api)?;
            println!("Withdrawn.");
            Ok(())
        }
        Command::Tally { id, out } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let tally = node.tally(coop, &id).map_err(api)?;
            print(out, &tally, || tally_text(&tally))
        }
        Command::Serve { bind, peers } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let relays = node.relays().map_err(api)?;
            let peers = peers
                .iter()
                .map(|p| node.peer_addr(coop, p).map(|a| (coop, a)).map_err(api))
                .collect::<Result<Vec<_>>>()?;
            let config = node.net_config(relays.clone(), bind);
            let shared = SharedNode::new(node);
            runtime()?.block_on(async move {
                let net = shared.start_net(config).await.map_err(api)?;
                if relays != Relays::Disabled {
                    net.online(std::time::Duration::from_secs(10)).await;
                }
                // Invites made on this home point here (recorded before the address is
                // printed, so whoever reads it can invite at once).
                shared.lock().record_serve_addr(&net.addr()).map_err(api)?;
                println!("address: {}", addr_to_text(&net.addr()));
                println!("device:  {}", net.id());
                println!("Serving; stop with Ctrl-C.");
                let _ = std::io::stdout().flush();
                shared.log_to(|line| {
                    println!("{line}");
                    let _ = std::io::stdout().flush();
                });
                let stop = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                shared.serve(&net, peers, stop).await;
                net.shutdown().await;
                Ok::<(), anyhow::Error>(())
            })
        }
        Command::Invite {
            expires_in,
            uses,
            no_qr,
            out,
        } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let span = humantime::parse_duration(expires_in.trim()).with_context(|| {
                format!("--expires-in {expires_in:?}: use a duration like 24h, 7d or 30m")
            })?;
            let invite = node.create_invite(coop, span, uses).map_err(api)?;
            print(out, &invite, || {
                let mut text = String::new();
                if !no_qr {
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
            })
        }
        Command::Join { ticket, name, out } => {
            let relays = node.relays().map_err(api)?;
            let config = node.net_config(relays, None);
            let shared = SharedNode::new(node);
            let joined = runtime()?.block_on(async move {
                let net = shared.start_net(config).await.map_err(api)?;
                let joined = shared.join(&net, &ticket, name.as_deref()).await;
                net.shutdown().await;
                shared
                    .save_snapshots(std::time::Duration::ZERO)
                    .map_err(api)?;
                joined.map_err(api)
            })?;
            print(out, &joined, || match joined.status.as_str() {
                "member" => format!(
                    "Joined {:?} ({} change(s) received). You are a member; `sangam serve` keeps you in sync.",
                    joined.name.clone().unwrap_or_default(),
                    joined.received
                ),
                _ => format!(
                    "Asked to join. The co-op's bylaws put admissions to a vote: proposal {}.\nRun the same `sangam join` again once it has passed.",
                    joined.proposal.clone().unwrap_or_default()
                ),
            })
        }
        Command::Sync { peer, out } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let addrs = match peer {
                Some(p) => vec![node.peer_addr(coop, &p).map_err(api)?],
                None => node.dialable_peers(coop).map_err(api)?,
            };
            if addrs.is_empty() {
                anyhow::bail!(
                    "no peer to sync with: give --peer ADDRESS (printed by `sangam serve` on the other laptop)"
                );
            }
            let relays = node.relays().map_err(api)?;
            let config = node.net_config(relays, None);
            let shared = SharedNode::new(node);
            let results = runtime()?.block_on(async move {
                let net = shared.start_net(config).await.map_err(api)?;
                let mut done = Vec::new();
                for addr in addrs {
                    done.push(net.sync_with(addr, coop, false).await);
                }
                net.shutdown().await;
                shared
                    .save_snapshots(std::time::Duration::ZERO)
                    .map_err(api)?;
                Ok::<_, anyhow::Error>(done)
            })?;
            let mut total = SyncSummary::default();
            let mut failures = Vec::new();
            for result in results {
                match result {
                    Ok(s) => {
                        total.received += s.received;
                        total.sent += s.sent;
                        total.frames += s.frames;
                    }
                    Err(e) => failures.push(e.to_string()),
                }
            }
            for failure in &failures {
                let _ = writeln!(std::io::stderr(), "warning: {failure}");
            }
            if total.frames == 0 && !failures.is_empty() {
                anyhow::bail!("no peer could be synced with");
            }
            let json = serde_json::json!({"received": total.received, "sent": total.sent, "frames": total.frames});
            print(out, &json, || {
                format!(
                    "Synced: received {} change(s), sent {}.",
                    total.received, total.sent
                )
            })
        }
        Command::Peers { out } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let peers = node.peers(coop).map_err(api)?;
            print(out, &peers, || {
                if peers.is_empty() {
                    return "No peers yet: `sangam sync --peer ADDRESS`, or run `sangam serve`."
                        .into();
                }
                table(
                    &["DEVICE", "MEMBER", "HOW", "LAST SYNCED"],
                    peers.iter().map(|p| {
                        vec![
                            p.device[..16].to_owned(),
                            p.member_name.clone().unwrap_or_default(),
                            p.path.clone(),
                            when(p.last_synced),
                        ]
                    }),
                )
            })
        }
        Command::Relay(RelayCommand::Set { value }) => {
            match value.trim() {
                "off" | "on" => {
                    let used = value.trim() == "on";
                    node.set_relays_used(used).map_err(api)?;
                    println!(
                        "{}",
                        if used {
                            "This laptop uses relays again."
                        } else {
                            "This laptop uses no relay: LAN and direct connections only."
                        }
                    );
                }
                "default" => {
                    let coop = node.resolve_coop(coop_arg).map_err(api)?;
                    node.set_coop_relay(coop, None).map_err(api)?;
                    println!(
                        "The co-op uses n0's public relays (the others learn it when they sync)."
                    );
                }
                url => {
                    let coop = node.resolve_coop(coop_arg).map_err(api)?;
                    node.set_coop_relay(coop, Some(url)).map_err(api)?;
                    println!(
                        "The co-op's relay is now {url} (the others learn it when they sync)."
                    );
                }
            }
            Ok(())
        }
        Command::Lan(LanCommand::Set { value }) => {
            node.set_lan(&value).map_err(api)?;
            println!("LAN discovery {}.", value.trim());
            Ok(())
        }
        Command::Lan(LanCommand::Show) => {
            let on = node.lan().map_err(api)?;
            println!("{}", if on { "on" } else { "off" });
            Ok(())
        }
        Command::Relay(RelayCommand::Show) => {
            let text = match node.relays().map_err(api)? {
                Relays::Disabled => "off (LAN and direct connections only)".to_owned(),
                Relays::Default => "default (n0's public relays)".to_owned(),
                Relays::Custom(url) => url,
            };
            println!("{text}");
            Ok(())
        }
        Command::Log { out, limit } => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let mut log = node.log(coop).map_err(api)?;
            if let Some(limit) = limit {
                log.truncate(limit);
            }
            print(out, &log, || {
                table(
                    &["ID", "KIND", "AUTHOR", "WHAT", "STATUS"],
                    log.iter().map(|e| {
                        vec![
                            e.id[..12].to_owned(),
                            e.kind.clone(),
                            e.author_name
                                .clone()
                                .unwrap_or_else(|| e.author[..8].to_owned()),
                            e.summary.clone(),
                            e.status.clone(),
                        ]
                    }),
                )
            })
        }
    }
}

/// The deadline in ms since the epoch, from `--closes-in` or `--closes-at`.
fn deadline(now: i64, closes_in: Option<&str>, closes_at: Option<&str>) -> Result<i64> {
    if let Some(text) = closes_in {
        let span = humantime::parse_duration(text.trim())
            .with_context(|| format!("--closes-in {text:?}: use a duration like 3d, 12h or 90m"))?;
        return Ok(now.saturating_add(i64::try_from(span.as_millis()).unwrap_or(i64::MAX)));
    }
    let text = closes_at.context("give --closes-in or --closes-at")?;
    let at = humantime::parse_rfc3339_weak(text.trim())
        .with_context(|| format!("--closes-at {text:?}: use a time like 2026-12-01T18:00:00Z"))?;
    let ms = at
        .duration_since(std::time::UNIX_EPOCH)
        .context("--closes-at is before 1970")?
        .as_millis();
    Ok(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// A QR code of `text` drawn with Unicode half blocks, light on dark so that phones read
/// it from a dark terminal as well as a light one.
fn qr(text: &str) -> String {
    use qrcode::render::unicode::Dense1x2;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
        // Too long to draw: the text form still works.
        Err(_) => String::new(),
    }
}

/// A timestamp for people: UTC, to the second.
fn when(ms: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(time).to_string()
}

fn tally_text(t: &sangam_core::TallyDto) -> String {
    let counts: Vec<String> = t.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut text = format!(
        "{} ({}): {}\n  counts:  {}\n  voted:   {} of {} ({} by proxy); quorum {}% {}",
        t.title,
        t.status,
        t.outcome,
        counts.join(", "),
        t.ballots_counted,
        t.electorate_size,
        t.represented,
        t.quorum_pct,
        if t.quorum_met { "met" } else { "not met" }
    );
    for (i, round) in t.rounds.iter().enumerate().skip(1) {
        let r: Vec<String> = round.iter().map(|(k, v)| format!("{k} {v}")).collect();
        text.push_str(&format!("\n  round {}: {}", i + 1, r.join(", ")));
    }
    if !t.contested.is_empty() {
        text.push_str(&format!(
            "\n  contested: {} ballot(s) named by some closes and not others",
            t.contested.len()
        ));
    }
    if !t.late.is_empty() {
        text.push_str(&format!("\n  late ballots (not counted): {}", t.late.len()));
    }
    text
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the network runtime")
}

fn api(e: ApiError) -> anyhow::Error {
    anyhow::Error::msg(e.message)
}

fn print<T: Serialize>(out: Output, value: &T, human: impl FnOnce() -> String) -> Result<()> {
    let text = if out.json {
        serde_json::to_string_pretty(value)?
    } else {
        human()
    };
    println!("{text}");
    Ok(())
}

fn table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.into_iter().map(line));
    out.join("\n")
}

/// Writes `bytes` to `path` through a temporary file, an fsync and a rename, so a crash
/// never leaves a half-written bundle under the real name (nor a stray temporary file).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("the bundle path has no file name")?;
    let tmp = dir.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> Result<()> {
        let mut file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
        // The rename itself is durable only once the directory is.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
