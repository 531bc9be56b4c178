//! `sangam`: a co-op from the terminal. A thin shell over `sangam-core`: it parses
//! arguments, calls one core function, and prints the result (as a table, or JSON with
//! `--json`). Errors go to stderr with a non-zero exit.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use sangam_core::{ApiError, Node, SystemClock};
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
    let mut node = Node::open(&home, Box::new(SystemClock)).map_err(api)?;
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
            print(out, &m, || format!("Updated: you are now {}.", m.name))
        }
        Command::Device(DeviceCommand::List { out }) => {
            let coop = node.resolve_coop(coop_arg).map_err(api)?;
            let devices = node.devices(coop).map_err(api)?;
            print(out, &devices, || {
                table(
                    &["DEVICE KEY", "NAME", "MEMBER", "STATUS"],
                    devices.iter().map(|d| {
                        let status = match (d.revoked, d.this_device) {
                            (true, _) => "revoked",
                            (false, true) => "this device",
                            (false, false) => "active",
                        };
                        vec![
                            d.key.clone(),
                            d.name.clone(),
                            d.member_name.clone(),
                            status.into(),
                        ]
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
                .map(|p| std::fs::read(&p).with_context(|| format!("cannot read {}", p.display())))
                .transpose()?;
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
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
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

/// Writes `bytes` to `path` through a temporary file and a rename, so a crash never
/// leaves a half-written bundle under the real name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("the bundle path has no file name")?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let mut file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
