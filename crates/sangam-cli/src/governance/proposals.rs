//! `sangam propose` and `sangam proposal list|show`: a proposal written (from a template,
//! if the member names one) and proposals shown, as the table and the text core's DTOs
//! give.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use sangam_core::{
    Home, ProposalDraft, ProposalDto, ProposalFilter, ProposalSummaryDto, Timestamp, choice_text,
    files,
};

use super::render::{status, tally_text};
use super::templates;
use crate::output::Output;
use crate::resolve;
use crate::show::{api, outln, print, table, when};
use crate::words;

#[derive(Args)]
pub struct ProposeArgs {
    /// Short title.
    #[arg(long)]
    pub title: String,
    /// The full text members vote on.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    pub text: Option<String>,
    /// Read the full text from a file.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// yes-no, consent, choice, approval, ranked or score; for an election, stv (Meek
    /// STV), scottish-stv, or approval with --seats (default: the --template's).
    #[arg(long, required_unless_present = "template")]
    pub method: Option<String>,
    /// Start from a template (`sangam template list`): its method, seats, quorum,
    /// threshold and deadline unless given here; answer its questions in the text
    /// (`sangam template show ID` prints them as headings).
    #[arg(long, value_name = "ID")]
    pub template: Option<String>,
    /// An option (choice, approval, ranked, score), or an election's candidate; repeat
    /// for each.
    #[arg(long = "option", visible_alias = "candidate", value_name = "NAME")]
    pub options: Vec<String>,
    /// How many an election fills (stv and scottish-stv need it; with approval, each
    /// member approves up to this many and that many win).
    #[arg(long, value_name = "N")]
    pub seats: Option<u32>,
    /// Share of members (percent) who must take part (default: the bylaws').
    #[arg(long, value_name = "PCT")]
    pub quorum: Option<u8>,
    /// Share of yes among yes + no needed, like 1/2 or 2/3 (default: the bylaws').
    #[arg(long, value_name = "N/D")]
    pub threshold: Option<String>,
    /// Deadline from now, like 3d, 12h or 90m (default: the --template's).
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "closes_at",
        required_unless_present_any = ["closes_at", "template"]
    )]
    pub closes_in: Option<String>,
    /// Deadline as a date and time, like 2026-12-01T18:00:00Z.
    #[arg(long, value_name = "RFC3339")]
    pub closes_at: Option<String>,
    /// What passing does: admit=KEY:NAME, remove=MEMBER, admission=proposal|any_member,
    /// withdraw-listing=ID, treasurers=MEMBER,...|any, approval-over=AMOUNT COMMODITY
    /// (or none COMMODITY), funds=RESERVE%,EDUCATION%.
    #[arg(long)]
    pub effect: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Subcommand)]
pub enum ProposalCommand {
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

/// `sangam proposal …`.
pub fn run(home: &Home, coop_arg: Option<&str>, command: ProposalCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        ProposalCommand::List { open, closed, out } => {
            let filter = match (open, closed) {
                (true, _) => ProposalFilter::Open,
                (_, true) => ProposalFilter::Ended,
                _ => ProposalFilter::All,
            };
            let list = home.proposals(coop, filter).map_err(api)?;
            let now = home.now();
            print(out, &list, || render_proposals(&list, now))
        }
        ProposalCommand::Show { id, out } => {
            let p = home
                .proposal(coop, resolve::proposal(home, coop, &id)?)
                .map_err(api)?;
            print(out, &p, || render_proposal(&p))
        }
    }
}

/// `sangam propose`.
pub fn propose(home: &Home, coop_arg: Option<&str>, args: ProposeArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let text = match (args.text, args.text_file) {
        (Some(text), _) => text,
        (None, Some(file)) => {
            files::read_text_capped(&file, files::MAX_TEXT_FILE, sangam_core::Thing::TextFile)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{} (a proposal's text may have at most 20,000 characters)",
                        e.message
                    )
                })?
        }
        (None, None) => unreachable!("clap requires one of them"),
    };
    // A template gives the method, seats, quorum, threshold and deadline that
    // the command line leaves out.
    let template = match args.template.as_deref() {
        Some(id) => Some(templates::find(home, coop_arg, id)?),
        None => None,
    };
    let method = match (&args.method, &template) {
        (Some(method), _) => words::method(method)?,
        (None, Some(t)) => t.method,
        (None, None) => anyhow::bail!("give --method, or --template to take its method"),
    };
    if !method.has_options() && !args.options.is_empty() {
        anyhow::bail!("a {} vote takes no --option", method.as_str());
    }
    let closes_in = match (&args.closes_in, &args.closes_at, &template) {
        (Some(given), _, _) => Some(given.clone()),
        (None, None, Some(t)) => Some(format!("{}d", t.days)),
        _ => None,
    };
    let draft = ProposalDraft {
        title: args.title,
        text,
        method,
        options: args.options,
        seats: args.seats.or(template
            .as_ref()
            .and_then(|t| t.seats)
            .filter(|_| method.is_stv())),
        template: template.as_ref().map(|t| t.id.clone()),
        quorum_pct: args.quorum.or(template.as_ref().and_then(|t| t.quorum_pct)),
        threshold: match args.threshold.as_deref() {
            Some(text) => Some(words::fraction(text)?),
            None => template.as_ref().and_then(|t| t.threshold),
        },
        closes_at: words::deadline(home.now(), closes_in.as_deref(), args.closes_at.as_deref())?,
        effect: args
            .effect
            .as_deref()
            .map(|e| {
                let mark = home.coop(coop).map_err(api)?.decimal_mark;
                words::effect(e, mark, |m| resolve::member(home, coop, m))
            })
            .transpose()?,
    };
    let p = home.propose(coop, draft).map_err(api)?;
    if args.out.json {
        return print(args.out, &p, String::new);
    }
    outln(&p.id)?;
    Ok(())
}

/// The proposals as a table, with a line for those closing soon that the member has not
/// voted on.
fn render_proposals(list: &[ProposalSummaryDto], now: Timestamp) -> String {
    if list.is_empty() {
        return "No proposals yet: `sangam propose --help`.".into();
    }
    let due = list.iter().filter(|p| p.needs_reminder(now)).count();
    let lines = table(
        &[
            "ID", "TITLE", "METHOD", "STATUS", "OUTCOME", "VOTED", "CLOSES",
        ],
        list.iter().map(|p| {
            vec![
                p.id[..12].to_owned(),
                p.title.clone(),
                p.method.as_str().to_owned(),
                status(p.status).to_owned(),
                p.outcome.to_string(),
                format!("{}/{}", p.ballots_counted, p.electorate_size),
                if p.needs_reminder(now) {
                    format!("{} !", when(p.closes_at))
                } else {
                    when(p.closes_at)
                },
            ]
        }),
    );
    match due {
        0 => lines,
        n => {
            format!("{lines}\n! {n} closing within 24 hours that you have not voted on")
        }
    }
}

fn render_proposal(p: &ProposalDto) -> String {
    let mut text = format!(
        "{}\n  id:      {}\n  method:  {}",
        p.title,
        p.id,
        p.method.as_str()
    );
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
        text.push_str(&format!("\n  your vote: {}", choice_text(mine)));
    }
    text
}
