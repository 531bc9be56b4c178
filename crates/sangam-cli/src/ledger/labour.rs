//! `sangam labour …`: hours of work logged, and a period's by member.

use anyhow::{Context, Result};
use clap::Subcommand;
use sangam_core::{Home, LabourDto};

use super::render::render_labour;
use super::words::{period, today};
use crate::output::Output;
use crate::resolve;
use crate::show::{api, print};

#[derive(Subcommand)]
pub enum LabourCommand {
    /// Log your work on a day.
    Log {
        /// Hours, such as 4 or 2.5.
        #[arg(long)]
        hours: String,
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// What the work was.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Hours logged in a period, by member.
    List {
        /// The period, FROM..TO.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        out: Output,
    },
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: LabourCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        LabourCommand::Log {
            hours,
            date,
            note,
            out,
        } => {
            let minutes = minutes(&hours)?;
            let date = date.unwrap_or_else(|| today(home));
            let dto = home
                .log_labour(coop, &date, minutes, note.as_deref())
                .map_err(api)?;
            print(out, &dto, || render_logged(&dto))
        }
        LabourCommand::List { period: p, out } => {
            let (from, to) = period(&p)?;
            let list = home.labour(coop, &from, &to).map_err(api)?;
            print(out, &list, || render_labour(&list))
        }
    }
}

/// `--hours` as whole minutes.
fn minutes(hours: &str) -> Result<u32> {
    let h: f64 = hours
        .trim()
        .parse()
        .ok()
        .filter(|h: &f64| h.is_finite() && *h > 0.0)
        .with_context(|| format!("--hours is a number of hours, like 2.5, not {hours:?}"))?;
    Ok((h * 60.0).round() as u32)
}

fn render_logged(dto: &LabourDto) -> String {
    format!("Logged {} minutes on {}.", dto.minutes, dto.date)
}
