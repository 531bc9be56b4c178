//! `sangam`: a co-op from the terminal. A thin shell over `sangam-core`: it parses
//! arguments, calls one core function, and prints the result (as a table, or JSON with
//! `--json`). Errors go to stderr with a non-zero exit.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use sangam_core::{
    Admission, ErrorCode, Home, JoinStatus, RecordStatus, Relays, ServeInfo, ServeOptions,
    Standing, files,
};

mod args;
mod election;
mod identity;
mod ledger;
mod listing;
mod log_line;
mod output;
mod proposals;
mod report;
mod resolve;
mod show;
mod words;

use args::*;
use show::*;

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        if reader_went_away(&error) {
            // `sangam log | head`: the reader has what it wanted; end as `ls | head` does.
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: {error:#}");
        std::process::exit(1);
    }
}

/// Whether the command failed only because what read its output closed it.
fn reader_went_away(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn default_home() -> Result<PathBuf> {
    sangam_core::files::default_home().context("no data directory on this system; pass --home DIR")
}

fn run(cli: Cli) -> Result<()> {
    // Verifying needs no home: an auditor may have none.
    if let Command::Verify { files, out } = cli.command {
        return report::verify(&files, out.json);
    }
    if let Command::Election(election::ElectionCommand::Count { file, method, out }) = &cli.command
    {
        return election::count_file(file, method, *out);
    }
    let path = match cli.home {
        Some(home) => home,
        None => default_home()?,
    };
    let home = Home::open(&path).map_err(api)?;
    let result = command(&home, cli.coop.as_deref(), cli.command);
    // What the home did by itself (a fork mended, a new device key) goes to stderr, so
    // `--json` output on stdout stays parseable.
    for notice in home.take_notices() {
        let _ = writeln!(std::io::stderr(), "note: {notice}");
    }
    result
}

fn command(home: &Home, coop_arg: Option<&str>, command: Command) -> Result<()> {
    let coop = || resolve::coop(home, coop_arg);
    match command {
        Command::Id(command) => identity::run(home, command),
        Command::Coop(CoopCommand::Create {
            name,
            currency,
            out,
        }) => {
            let c = home.create_coop(&name, &currency).map_err(api)?;
            print(out, &c, || format!("Founded {:?}.\n  id: {}", c.name, c.id))
        }
        Command::Coop(CoopCommand::List { out }) => {
            let coops = home.coops().map_err(api)?;
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
        Command::Coop(CoopCommand::DecimalMark { mark }) => {
            let mark = sangam_core::DecimalMark::from_word(&mark).map_err(api)?;
            home.set_decimal_mark(coop()?, mark).map_err(api)?;
            println!(
                "Amounts you type for this co-op are read with a decimal {}: {}.",
                mark.as_str(),
                match mark {
                    sangam_core::DecimalMark::Point => "1,250.50",
                    sangam_core::DecimalMark::Comma => "1.250,50",
                }
            );
            Ok(())
        }
        Command::Coop(CoopCommand::Show { out }) => {
            let c = home.coop(coop()?).map_err(api)?;
            print(out, &c, || {
                let treasurers = if c.treasurers.is_empty() {
                    "any member".to_owned()
                } else {
                    c.treasurers
                        .iter()
                        .map(|k| k.chars().take(12).collect::<String>())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let approval = if c.approval_over.is_empty() {
                    "no limit".to_owned()
                } else {
                    format!("a vote for entries over {}", c.approval_over.join(", "))
                };
                format!(
                    "{}\n  id:        {}\n  currency:  {}\n  admission: {}\n  voting:    quorum {}%, threshold {}/{}\n  books:     kept by {treasurers}; {approval}; surplus to the reserve {}%, the education fund {}%\n  amounts:   typed with a decimal {}\n  members:   {}\n  devices:   {}\n  records:   {} in {} changes",
                    c.name,
                    c.id,
                    c.currency,
                    match c.admission {
                        Admission::AnyMember => "any_member",
                        Admission::Proposal => "proposal",
                    },
                    c.quorum_pct,
                    c.threshold.num,
                    c.threshold.den,
                    c.reserve_pct,
                    c.education_pct,
                    c.decimal_mark.as_str(),
                    c.members,
                    c.devices,
                    c.records,
                    c.changes
                )
            })
        }
        Command::Member(MemberCommand::List { out, all }) => {
            let members: Vec<_> = home
                .members(coop()?)
                .map_err(api)?
                .into_iter()
                .filter(|m| all || m.standing == Standing::Active)
                .collect();
            print(out, &members, || {
                table(
                    &["NAME", "MEMBER KEY", "STANDING", "CONTACT"],
                    members.iter().map(|m| {
                        vec![
                            m.name.clone(),
                            m.key.clone(),
                            standing(m.standing).to_owned(),
                            m.contact.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        Command::Member(MemberCommand::Admit { pubkey, name, out }) => {
            let key = words::public_key(&pubkey, "the member key")?;
            let m = home.admit(coop()?, key, &name).map_err(api)?;
            print(out, &m, || {
                format!(
                    "Admitted {} ({}). Export a bundle to carry the co-op to their laptop.",
                    m.name, m.key
                )
            })
        }
        Command::Member(MemberCommand::Leave) => {
            home.leave(coop()?).map_err(api)?;
            outln("You have left the co-op. Export a bundle so the others learn of it.")?;
            Ok(())
        }
        Command::Member(MemberCommand::Remove { member, reason }) => {
            let coop = coop()?;
            let key = resolve::member(home, coop, &member)?;
            home.remove(coop, key, &reason).map_err(api)?;
            outln("Removed.")?;
            Ok(())
        }
        Command::Member(MemberCommand::Update { name, contact, out }) => {
            if name.is_none() && contact.is_none() {
                anyhow::bail!("give --name and/or --contact");
            }
            let m = home
                .update_profile(coop()?, name.as_deref(), contact.as_deref())
                .map_err(api)?;
            print(out, &m, || match (&name, &contact) {
                (Some(_), _) => format!("Updated: you are now {}.", m.name),
                _ => "Updated your contact line.".to_owned(),
            })
        }
        Command::Device(DeviceCommand::List { out }) => {
            let devices = home.devices(coop()?).map_err(api)?;
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
        Command::Device(DeviceCommand::Link {
            expires_in,
            no_qr,
            out,
        }) => {
            let span = words::duration(&expires_in, "--expires-in")?;
            let link = home.create_link(coop()?, span).map_err(api)?;
            print(out, &link, || {
                let mut text = String::new();
                if !no_qr {
                    text.push_str(&qr(&link.ticket));
                    text.push('\n');
                }
                text.push_str(&format!(
                    "{}\n\nGood once until {}; it hands over your member key, so show it only to your own laptop. On the new laptop:\n  sangam id link {}",
                    link.ticket,
                    when(link.expires_at),
                    link.ticket
                ));
                text
            })
        }
        Command::Device(DeviceCommand::Revoke { device }) => {
            let key = words::public_key(&device, "the device key")?;
            home.revoke_device(coop()?, key).map_err(api)?;
            outln("Device revoked. Its later changes will be refused by every member.")?;
            Ok(())
        }
        Command::Bundle(BundleCommand::Export { file, since, out }) => {
            let coop = coop()?;
            let since = since
                .map(|p| files::read_capped(&p, files::MAX_BUNDLE_FILE, "the --since bundle"))
                .transpose()
                .map_err(api)?;
            let (bytes, dto) =
                home.export_bundle(coop, since.as_deref())
                    .map_err(|e| match e.code {
                        ErrorCode::BadBundle | ErrorCode::InvalidInput if since.is_some() => {
                            anyhow::anyhow!("--since: {}", e.message)
                        }
                        _ => api(e),
                    })?;
            sangam_core::files::write_atomically(&file, &bytes).map_err(api)?;
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
            let dto = home.import_bundle(&bytes).map_err(api)?;
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
        Command::Propose(args) => proposals::propose(home, coop()?, args),
        Command::Proposal(ProposalCommand::List { open, closed, out }) => {
            proposals::list(home, coop()?, open, closed, out)
        }
        Command::Proposal(ProposalCommand::Show { id, out }) => {
            proposals::show(home, coop()?, &id, out)
        }
        Command::Vote { id, choice, out } => {
            let coop = coop()?;
            let id = resolve::proposal(home, coop, &id)?;
            let method = home.proposal(coop, id).map_err(api)?.method;
            let choice = words::choice(method, &choice)?;
            let tally = home.vote(coop, id, choice).map_err(api)?;
            print(out, &tally, || {
                format!(
                    "Vote recorded. You can change it until the proposal closes.\n{}",
                    tally_text(&tally)
                )
            })
        }
        Command::Proxy { args } => {
            let coop = coop()?;
            if args[0] == "revoke" {
                let id = resolve::proposal(home, coop, &args[1])?;
                home.proxy_revoke(coop, id).map_err(api)?;
                outln("Proxy revoked: nobody votes for you on this proposal now.")?;
            } else {
                let id = resolve::proposal(home, coop, &args[0])?;
                let holder = resolve::member(home, coop, &args[1])?;
                home.proxy(coop, id, holder).map_err(api)?;
                outln("Proxy given. Your own ballot, if you cast one, still overrides it.")?;
            }
            Ok(())
        }
        Command::Close { id, out } => {
            let coop = coop()?;
            let tally = home
                .close(coop, resolve::proposal(home, coop, &id)?)
                .map_err(api)?;
            print(out, &tally, || format!("Closed.\n{}", tally_text(&tally)))
        }
        Command::Withdraw { id } => {
            let coop = coop()?;
            home.withdraw(coop, resolve::proposal(home, coop, &id)?)
                .map_err(api)?;
            outln("Withdrawn.")?;
            Ok(())
        }
        Command::Tally { id, out } => {
            let coop = coop()?;
            let tally = home
                .tally(coop, resolve::proposal(home, coop, &id)?)
                .map_err(api)?;
            print(out, &tally, || tally_text(&tally))
        }
        Command::Listing(command) => listing::run(home, coop()?, command),
        Command::Ledger(command) => ledger::run(home, coop()?, command),
        Command::Labour(command) => ledger::run_labour(home, coop()?, command),
        Command::Patronage(command) => ledger::run_patronage(home, coop()?, command),
        Command::Election(election::ElectionCommand::Blt { id, out }) => {
            let coop = coop()?;
            let id = resolve::proposal(home, coop, &id)?;
            election::run(home, coop, id, &out)
        }
        Command::Election(election::ElectionCommand::Count { .. }) => {
            unreachable!("counted before the home opens")
        }
        Command::Template(command) => election::run_template(command),
        Command::Report {
            id,
            out,
            html,
            output,
        } => {
            let coop = coop()?;
            let id = resolve::proposal(home, coop, &id)?;
            report::export(home, coop, id, &out, html.as_deref(), output.json)
        }
        Command::Verify { .. } => unreachable!("verified before the home opens"),
        Command::Serve { bind, peers } => {
            let options = ServeOptions {
                coop: coop()?,
                bind,
                peers,
                relays: None,
            };
            let ready = |info: &ServeInfo| {
                say(&format!(
                    "address: {}\ndevice:  {}\nServing; stop with Ctrl-C.",
                    info.address, info.device
                ));
            };
            // What happens is printed as it happens, in the one order of the home's events.
            let watch = |event: &sangam_core::Event| {
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
        Command::Invite {
            expires_in,
            uses,
            no_qr,
            out,
        } => {
            let span = words::duration(&expires_in, "--expires-in")?;
            let invite = home.create_invite(coop()?, span, uses).map_err(api)?;
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
            let joined = runtime()?
                .block_on(home.join(&ticket, name.as_deref()))
                .map_err(|e| match e.code {
                    ErrorCode::NoIdentity => {
                        anyhow::anyhow!("{}: give the name you go by with --name", e.message)
                    }
                    _ => api(e),
                })?;
            print(out, &joined, || match joined.status {
                JoinStatus::Member => format!(
                    "Joined {:?} ({} change(s) received). You are a member; `sangam serve` keeps you in sync.",
                    joined.name.clone().unwrap_or_default(),
                    joined.received
                ),
                JoinStatus::Pending => format!(
                    "Asked to join. The co-op's bylaws put admissions to a vote: proposal {}.\nRun the same `sangam join` again once it has passed.",
                    joined.proposal.clone().unwrap_or_default()
                ),
            })
        }
        Command::Sync { peer, out } => {
            let coop = coop()?;
            let report = runtime()?
                .block_on(home.sync_now(coop, peer.as_deref(), None))
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
            print(out, &json, || {
                format!(
                    "Synced: received {} change(s), sent {}.",
                    report.received, report.sent
                )
            })
        }
        Command::Peers { out } => {
            let peers = home.peers(coop()?).map_err(api)?;
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
                            path_name(p.path).to_owned(),
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
                    home.set_relays_used(used).map_err(api)?;
                    outln(if used {
                        "This laptop uses relays again."
                    } else {
                        "This laptop uses no relay: LAN and direct connections only."
                    })?;
                }
                value => {
                    let url = (value != "default").then_some(value);
                    let proposal = home.propose_coop_relay(coop()?, url).map_err(api)?;
                    outln(&format!(
                        "{}\nProposed: {}. The co-op's relay changes for every laptop when the \
                         members pass it (sangam vote {} yes; sangam close once decided).",
                        proposal.id,
                        proposal.effect.map(|e| e.to_string()).unwrap_or_default(),
                        &proposal.id[..8],
                    ))?;
                }
            }
            Ok(())
        }
        Command::Relay(RelayCommand::Show) => {
            let text = match home.relays().map_err(api)? {
                Relays::Disabled => "off (LAN and direct connections only)".to_owned(),
                Relays::Default => "default (n0's public relays)".to_owned(),
                Relays::Custom(url) => url,
            };
            outln(&text)?;
            Ok(())
        }
        Command::Lan(LanCommand::Set { value }) => {
            let on = match value.trim() {
                "on" => true,
                "off" => false,
                _ => anyhow::bail!("give `on` or `off`"),
            };
            home.set_lan(on).map_err(api)?;
            outln(&format!("LAN discovery {}.", value.trim()))?;
            Ok(())
        }
        Command::Lan(LanCommand::Show) => {
            let on = home.lan().map_err(api)?;
            outln(if on { "on" } else { "off" })?;
            Ok(())
        }
        Command::Log {
            out,
            limit,
            refused: true,
        } => {
            let mut refused = home.refused(coop()?).map_err(api)?;
            if let Some(limit) = limit {
                refused.truncate(limit);
            }
            print(out, &refused, || {
                if refused.is_empty() {
                    return "No change was refused.".into();
                }
                table(
                    &["WHEN", "FROM", "CHANGE", "WHY"],
                    refused.iter().map(|r| {
                        vec![
                            when(r.at),
                            r.source.to_string(),
                            r.change.as_deref().map_or("?", |c| &c[..12]).to_owned(),
                            r.reason.clone(),
                        ]
                    }),
                )
            })
        }
        Command::Log { out, limit, .. } => {
            let coop = coop()?;
            let mut log = home.log(coop).map_err(api)?;
            let names: std::collections::HashMap<String, String> = home
                .members(coop)
                .map_err(api)?
                .into_iter()
                .map(|m| (m.key, m.name))
                .collect();
            let name_of = |key: &sangam_core::PublicKey| names.get(&key.to_string()).cloned();
            if let Some(limit) = limit {
                log.truncate(limit);
            }
            print(out, &log, || {
                table(
                    &["ID", "KIND", "AUTHOR", "WHAT", "STATUS"],
                    log.iter().map(|e| {
                        vec![
                            e.id[..12].to_owned(),
                            e.kind.to_string(),
                            e.author_name
                                .clone()
                                .unwrap_or_else(|| e.author[..8].to_owned()),
                            log_line::log_line(e, &name_of),
                            match &e.status {
                                RecordStatus::Valid => "valid".to_owned(),
                                RecordStatus::Refused { reason } => reason.clone(),
                            },
                        ]
                    }),
                )
            })
        }
    }
}
