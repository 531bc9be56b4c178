//! `sangam member …` and `sangam device …`: the co-op's members (admitted, listed, leaving,
//! removed, their profiles) and the devices bound to them.

use anyhow::Result;
use clap::Subcommand;
use sangam_core::{DeviceDto, Home, LinkDto, MemberDto, Standing};

use crate::output::Output;
use crate::show::{api, outln, print, qr, table, when};
use crate::{resolve, words};

#[derive(Subcommand)]
pub enum MemberCommand {
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
pub enum DeviceCommand {
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
    /// Link a second laptop of yours: prints a one-time ticket (and its QR code) for
    /// `sangam id link` on the new laptop, which links through this home's `sangam serve`.
    /// The ticket hands over your member key: show it only to your own laptop.
    Link {
        /// How long the ticket stays good, at most 1h.
        #[arg(long, default_value = "10m", value_name = "DURATION")]
        expires_in: String,
        /// Print the ticket without its QR code.
        #[arg(long)]
        no_qr: bool,
        #[command(flatten)]
        out: Output,
    },
}

/// `sangam member …`.
pub fn run_member(home: &Home, coop_arg: Option<&str>, command: MemberCommand) -> Result<()> {
    let coop = || resolve::coop(home, coop_arg);
    match command {
        MemberCommand::List { out, all } => {
            let members: Vec<_> = home
                .members(coop()?)
                .map_err(api)?
                .into_iter()
                .filter(|m| all || m.standing == Standing::Active)
                .collect();
            print(out, &members, || render_members(&members))
        }
        MemberCommand::Admit { pubkey, name, out } => {
            let key = words::public_key(&pubkey, sangam_core::Thing::MemberKey)?;
            let m = home.admit(coop()?, key, &name).map_err(api)?;
            print(out, &m, || render_admitted(&m))
        }
        MemberCommand::Leave => {
            home.leave(coop()?).map_err(api)?;
            outln("You have left the co-op. Export a bundle so the others learn of it.")
        }
        MemberCommand::Remove { member, reason } => {
            let coop = coop()?;
            let key = resolve::member(home, coop, &member)?;
            home.remove(coop, key, &reason).map_err(api)?;
            outln("Removed.")
        }
        MemberCommand::Update { name, contact, out } => {
            if name.is_none() && contact.is_none() {
                anyhow::bail!("give --name and/or --contact");
            }
            let m = home
                .update_profile(coop()?, name.as_deref(), contact.as_deref())
                .map_err(api)?;
            print(out, &m, || render_updated(&m, name.is_some()))
        }
    }
}

/// `sangam device …`.
pub fn run_device(home: &Home, coop_arg: Option<&str>, command: DeviceCommand) -> Result<()> {
    let coop = || resolve::coop(home, coop_arg);
    match command {
        DeviceCommand::List { out } => {
            let devices = home.devices(coop()?).map_err(api)?;
            print(out, &devices, || render_devices(&devices))
        }
        DeviceCommand::Link {
            expires_in,
            no_qr,
            out,
        } => {
            let span = words::duration(&expires_in, "--expires-in")?;
            let link = home.create_link(coop()?, span).map_err(api)?;
            print(out, &link, || render_link(&link, !no_qr))
        }
        DeviceCommand::Revoke { device } => {
            let key = words::public_key(&device, sangam_core::Thing::DeviceKey)?;
            home.revoke_device(coop()?, key).map_err(api)?;
            outln("Device revoked. Its later changes will be refused by every member.")
        }
    }
}

/// A member's standing as one word.
fn standing(standing: Standing) -> &'static str {
    match standing {
        Standing::Active => "active",
        Standing::Left => "left",
        Standing::Removed => "removed",
    }
}

fn render_members(members: &[MemberDto]) -> String {
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
}

fn render_admitted(m: &MemberDto) -> String {
    format!(
        "Admitted {} ({}). Export a bundle to carry the co-op to their laptop.",
        m.name, m.key
    )
}

/// After `member update`: the new name if one was given, else the contact line.
fn render_updated(m: &MemberDto, renamed: bool) -> String {
    if renamed {
        format!("Updated: you are now {}.", m.name)
    } else {
        "Updated your contact line.".to_owned()
    }
}

fn render_devices(devices: &[DeviceDto]) -> String {
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
}

fn render_link(link: &LinkDto, with_qr: bool) -> String {
    let mut text = String::new();
    if with_qr {
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
}
