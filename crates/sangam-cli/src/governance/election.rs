//! `sangam election`: an STV election's ballots as a BLT file, and counting a BLT file,
//! so an election can be checked with another STV counter and a published one counted
//! here. Counting a file needs no home.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use sangam_core::{CoopId, Home};
use sangam_count::{Count, Method, TieBreak, blt};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, outln, print};

#[derive(Subcommand)]
pub enum ElectionCommand {
    /// Write an STV election's counted ballots as a BLT ballot file.
    Blt {
        /// The election (any unique prefix of its id).
        id: String,
        /// Where to write it.
        #[arg(long, value_name = "FILE.blt")]
        out: PathBuf,
    },
    /// Count a BLT ballot file (no home needed): stv (Meek) or scottish-stv.
    Count {
        /// The ballot file.
        file: PathBuf,
        /// stv (Meek STV, the default) or scottish-stv.
        #[arg(long, default_value = "stv")]
        method: String,
        #[command(flatten)]
        out: Output,
    },
}

/// `sangam election …` (`count` is also run before any home opens: see `main`).
pub fn run(home: &Home, coop_arg: Option<&str>, command: ElectionCommand) -> Result<()> {
    match command {
        ElectionCommand::Blt { id, out } => {
            let coop = resolve::coop(home, coop_arg)?;
            let id = resolve::proposal(home, coop, &id)?;
            write_blt(home, coop, id, &out)
        }
        ElectionCommand::Count { file, method, out } => count_file(&file, &method, out),
    }
}

/// `sangam election count`, before any home opens.
pub fn count_file(file: &Path, method: &str, out: Output) -> Result<()> {
    let method = match method.trim().replace('_', "-").as_str() {
        "stv" | "meek-stv" | "meek" => Method::Meek,
        "scottish-stv" | "scottish" => Method::Scottish,
        other => bail!("unknown method {other:?}: use stv or scottish-stv"),
    };
    // Capped, and only a regular file: a device or a pipe is refused with what it is.
    let text = sangam_core::files::read_text_capped(
        file,
        sangam_core::files::MAX_BALLOT_FILE,
        sangam_core::Thing::BallotFile,
    )
    .map_err(api)?;
    let read =
        blt::read(&text).with_context(|| format!("{} is not a ballot file", file.display()))?;
    let election = read.election;
    let n = election.candidates.len();
    // The file's own tie order, if it states one; else the listed order, looking back
    // at earlier rounds first.
    let mut lot = read.tie_order.unwrap_or_default();
    let rest: Vec<usize> = (0..n).filter(|c| !lot.contains(c)).collect();
    lot.extend(rest);
    let ties = TieBreak {
        look_back: true,
        lot,
    };
    let counted = sangam_count::count(&election, method, &ties)
        .with_context(|| format!("{} cannot be counted", file.display()))?;
    print(out, &counted, || {
        render_count(&election.candidates, &counted)
    })
}

fn render_count(names: &[String], c: &Count) -> String {
    let name = |i: &usize| names[*i].clone();
    let elected: Vec<String> = c.elected.iter().map(name).collect();
    let mut text = format!(
        "elected: {} ({} seats, {} ballots)",
        elected.join(", "),
        c.seats,
        c.ballots
    );
    for (i, round) in c.rounds.iter().enumerate() {
        let what = match &round.action {
            sangam_count::Action::FirstPreferences => "first preferences".to_string(),
            sangam_count::Action::Surplus { from, amount } => {
                format!("{}'s surplus of {amount} passed on", name(from))
            }
            sangam_count::Action::Settled => "keep factors settled".to_string(),
            sangam_count::Action::Excluded { candidate } => format!("{} excluded", name(candidate)),
            sangam_count::Action::LastSeatsFilled => "as many left as seats".to_string(),
        };
        let votes: Vec<String> = names
            .iter()
            .zip(&round.votes)
            .filter_map(|(n, v)| v.map(|v| format!("{n} {v}")))
            .collect();
        text.push_str(&format!(
            "\n  round {} ({what}; quota {}): {}",
            i + 1,
            round.quota,
            votes.join(", ")
        ));
        if !round.elected.is_empty() {
            let newly: Vec<String> = round.elected.iter().map(name).collect();
            text.push_str(&format!("; elected {}", newly.join(", ")));
        }
    }
    text
}

/// `sangam election blt`.
fn write_blt(home: &Home, coop: CoopId, id: sangam_core::RecordId, out: &Path) -> Result<()> {
    let text = home.election_blt(coop, id).map_err(api)?;
    sangam_core::files::write_atomically(out, text.as_bytes()).map_err(api)?;
    outln(&format!("Wrote {}", out.display()))
}
