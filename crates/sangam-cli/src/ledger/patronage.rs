//! `sangam patronage …`: a period's surplus split by labour or use, previewed or posted
//! citing the proposal that approves it.

use anyhow::Result;
use clap::{Args, Subcommand};
use sangam_core::{Basis, Home};

use super::render::render_split;
use super::words::{basis, period};
use crate::output::Output;
use crate::resolve;
use crate::show::{api, print};

/// What `sangam patronage preview|allocate` share.
#[derive(Args)]
pub struct SplitArgs {
    /// The period, FROM..TO (YYYY-MM-DD..YYYY-MM-DD).
    #[arg(long)]
    pub period: String,
    /// The surplus to split: "AMOUNT [COMMODITY]".
    #[arg(long)]
    pub surplus: String,
    /// What the members' shares follow: labour (hours logged) or use (income credited
    /// for each member).
    #[arg(long, default_value = "labour")]
    pub basis: String,
}

#[derive(Subcommand)]
pub enum PatronageCommand {
    /// Show how the surplus would be split; post nothing.
    Preview {
        #[command(flatten)]
        split: SplitArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Post the split as one entry citing the proposal that approves it.
    Allocate {
        #[command(flatten)]
        split: SplitArgs,
        /// The proposal (any unique prefix): the entry counts once it has passed.
        #[arg(long, value_name = "PROPOSAL")]
        approved_by: String,
        #[command(flatten)]
        out: Output,
    },
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: PatronageCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        PatronageCommand::Preview { split, out } => {
            let (from, to, basis) = check(&split)?;
            let dto = home
                .patronage_preview(coop, &from, &to, &split.surplus, basis)
                .map_err(api)?;
            print(out, &dto, || render_split(&dto))
        }
        PatronageCommand::Allocate {
            split,
            approved_by,
            out,
        } => {
            let (from, to, basis) = check(&split)?;
            let dto = home
                .allocate_patronage(coop, &from, &to, &split.surplus, basis, &approved_by)
                .map_err(api)?;
            print(out, &dto, || render_split(&dto))
        }
    }
}

/// The split's basis and period, read.
fn check(split: &SplitArgs) -> Result<(String, String, Basis)> {
    let basis = basis(split.basis.as_str())?;
    let (from, to) = period(&split.period)?;
    Ok((from, to, basis))
}
