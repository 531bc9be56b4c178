//! `sangam id …`: this laptop's member identity: made, shown, backed up as a phrase,
//! restored from it, or linked from another laptop of the member.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Subcommand;
use sangam_core::{Home, IdentityDto, LinkedDto};

use crate::output::Output;
use crate::show::{api, outln, print, runtime};

#[derive(Subcommand)]
pub enum IdCommand {
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
    /// Show your recovery phrase: 24 words that restore your member key on a new laptop
    /// if this one is lost. Asks you to type `show` first; anyone who sees the words can
    /// act as you.
    Backup,
    /// Restore your member key from its recovery phrase, read from standard input, into a
    /// home that has no identity yet. This laptop gets a device key of its own.
    Restore {
        /// The name you go by (the co-op's records keep the name they know).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Make this new laptop one of yours: with a ticket from `sangam device link` on a
    /// laptop that holds your member key (its `sangam serve` running), receive the key and
    /// the co-ops; this laptop binds a device key of its own.
    Link {
        /// The link ticket (starts with SANGAMLINK1).
        ticket: String,
        #[command(flatten)]
        out: Output,
    },
}

pub fn run(home: &Home, command: IdCommand) -> Result<()> {
    match command {
        IdCommand::New { name, out } => {
            let id = home.create_identity(&name).map_err(api)?;
            print(out, &id, || render_created(&id))
        }
        IdCommand::Show { out } => {
            let id = home.identity().map_err(api)?;
            print(out, &id, || render_identity(&id))
        }
        IdCommand::Backup => {
            home.identity().map_err(api)?;
            confirm_backup()?;
            let words = home.recovery_phrase().map_err(api)?;
            outln(&render_phrase(&words))
        }
        IdCommand::Link { ticket, out } => {
            let linked = runtime()?.block_on(home.link(&ticket)).map_err(api)?;
            print(out, &linked, || render_linked(&linked))
        }
        IdCommand::Restore { name, out } => {
            let phrase = read_phrase()?;
            let id = home.restore_identity(&phrase, &name).map_err(api)?;
            print(out, &id, || render_restored(&id))
        }
    }
}

/// Asks the member to type `show` before the phrase is shown; anything else refuses.
fn confirm_backup() -> Result<()> {
    let _ = writeln!(
        std::io::stderr(),
        "Your recovery phrase restores your member key on a new laptop. Anyone who sees it can act as you: write it on paper and keep it safe.\nType `show` and press Enter to see it:"
    );
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("could not read the confirmation")?;
    if answer.trim() != "show" {
        anyhow::bail!("not shown: type `show` to see the recovery phrase");
    }
    Ok(())
}

/// The recovery phrase, from standard input (at most 4 KiB of it).
fn read_phrase() -> Result<String> {
    let mut phrase = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(std::io::stdin(), 4096),
        &mut phrase,
    )
    .context("could not read the recovery phrase from standard input")?;
    Ok(phrase)
}

fn render_created(id: &IdentityDto) -> String {
    format!(
        "Created your member key.\n  name:   {}\n  member: {}\n  device: {}\nGive the member key to a member of your co-op so they can admit you.",
        id.name, id.member, id.device
    )
}

fn render_identity(id: &IdentityDto) -> String {
    format!(
        "name:   {}\nmember: {}\ndevice: {}",
        id.name, id.member, id.device
    )
}

/// The phrase's words, numbered, one a line.
fn render_phrase(words: &[String]) -> String {
    let lines: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| format!("{:>2}. {word}", i + 1))
        .collect();
    lines.join("\n")
}

fn render_linked(linked: &LinkedDto) -> String {
    let coops: Vec<String> = linked
        .coops
        .iter()
        .map(|c| format!("{:?} ({} change(s))", c.name, c.received))
        .collect();
    format!(
        "This laptop is now {}'s ({}), with a device key of its own.\nCo-ops received: {}. `sangam serve` keeps it in sync.",
        linked.name,
        &linked.member[..12],
        if coops.is_empty() {
            "none".to_owned()
        } else {
            coops.join(", ")
        }
    )
}

fn render_restored(id: &IdentityDto) -> String {
    format!(
        "Restored your member key.\n  member: {}\n  device: {} (new)\nImport a bundle from a member, or join with an invite, to bring your co-op here.",
        id.member, id.device
    )
}
