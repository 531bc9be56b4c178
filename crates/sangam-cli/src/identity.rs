//! `sangam id …`: this laptop's member identity: made, shown, backed up as a phrase,
//! restored from it, or linked from another laptop of the member.

use std::io::Write;

use anyhow::{Context, Result};
use sangam_core::Home;

use crate::args::IdCommand;
use crate::show::{api, outln, print, runtime};

pub fn run(home: &Home, command: IdCommand) -> Result<()> {
    match command {
        IdCommand::New { name, out } => {
            let id = home.create_identity(&name).map_err(api)?;
            print(out, &id, || {
                format!(
                    "Created your member key.\n  name:   {}\n  member: {}\n  device: {}\nGive the member key to a member of your co-op so they can admit you.",
                    id.name, id.member, id.device
                )
            })
        }
        IdCommand::Show { out } => {
            let id = home.identity().map_err(api)?;
            print(out, &id, || {
                format!(
                    "name:   {}\nmember: {}\ndevice: {}",
                    id.name, id.member, id.device
                )
            })
        }
        IdCommand::Backup => {
            home.identity().map_err(api)?;
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
            let words = home.recovery_phrase().map_err(api)?;
            let lines: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, word)| format!("{:>2}. {word}", i + 1))
                .collect();
            outln(&lines.join("\n"))
        }
        IdCommand::Link { ticket, out } => {
            let linked = runtime()?.block_on(home.link(&ticket)).map_err(api)?;
            print(out, &linked, || {
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
            })
        }
        IdCommand::Restore { name, out } => {
            let mut phrase = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), 4096),
                &mut phrase,
            )
            .context("could not read the recovery phrase from standard input")?;
            let id = home.restore_identity(&phrase, &name).map_err(api)?;
            print(out, &id, || {
                format!(
                    "Restored your member key.\n  member: {}\n  device: {} (new)\nImport a bundle from a member, or join with an invite, to bring your co-op here.",
                    id.member, id.device
                )
            })
        }
    }
}
