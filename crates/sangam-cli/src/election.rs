//! `sangam election`: an STV election's ballots as a BLT file, and counting a BLT file,
//! so an election can be checked with another STV counter and a published one counted
//! here. Counting a file needs no home.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use sangam_core::{CoopId, Home};
use sangam_count::{Count, Method, TieBreak, blt};

use crate::output::Output;
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

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// The templates, one a line.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// A template's defaults and questions; with --skeleton, only the questions as
    /// headings, to answer below each and pass to `sangam propose --text-file`.
    Show {
        /// The template's id (`client-project` or `client_project`).
        id: String,
        /// Print only the text to fill in.
        #[arg(long)]
        skeleton: bool,
        #[command(flatten)]
        out: Output,
    },
}

/// `sangam template`, before any home opens.
pub fn run_template(command: TemplateCommand) -> Result<()> {
    match command {
        TemplateCommand::List { out } => {
            let all = sangam_core::templates();
            print(out, &all, || {
                all.iter()
                    .map(|t| format!("{:<15} {}: {}", t.id, t.name, t.purpose))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        TemplateCommand::Show { id, skeleton, out } => {
            let t = sangam_core::template(&id.replace('-', "_"))
                .with_context(|| format!("no template {id:?}: see `sangam template list`"))?;
            if skeleton {
                let blank = vec![String::new(); t.questions.len()];
                return outln(sangam_core::text_from_answers(&t.questions, &blank).trim_end());
            }
            print(out, &t, || {
                let mut text = format!(
                    "{} ({}): {}\n  method:  {}{}\n  runs:    {} days",
                    t.name,
                    t.id,
                    t.purpose,
                    t.method.as_str(),
                    t.seats.map(|s| format!(", {s} seats")).unwrap_or_default(),
                    t.days
                );
                if let Some(q) = t.quorum_pct {
                    text.push_str(&format!("\n  quorum:  {q}%"));
                }
                if let Some(f) = t.threshold {
                    text.push_str(&format!("\n  threshold: {}/{}", f.num, f.den));
                }
                for (i, q) in t.questions.iter().enumerate() {
                    text.push_str(&format!("\n  {}. {q}", i + 1));
                }
                text
            })
        }
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
        "the ballot file",
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
    print(out, &counted, || text_of(&election.candidates, &counted))
}

fn text_of(names: &[String], c: &Count) -> String {
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
pub fn run(home: &Home, coop: CoopId, id: sangam_core::RecordId, out: &Path) -> Result<()> {
    let text = home.election_blt(coop, id).map_err(api)?;
    sangam_core::files::write_atomically(out, text.as_bytes()).map_err(api)?;
    outln(&format!("Wrote {}", out.display()))
}
