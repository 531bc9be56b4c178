//! `sangam template …`: the proposal templates Sangam ships and those the co-op keeps,
//! listed, shown or added, and the one way a template is named (also by `sangam propose
//! --template`).

use anyhow::{Context, Result};
use clap::Subcommand;
use sangam_core::{Home, TemplateDraft, TemplateDto};

use crate::output::Output;
use crate::show::{api, outln, print};
use crate::{resolve, words};

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// The templates, one a line.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Add a template to the co-op, for every member's proposals.
    Add {
        /// Its id (not a starter's), recorded by the proposals written from it.
        #[arg(long)]
        id: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// What it is for, in a line.
        #[arg(long, default_value = "")]
        purpose: String,
        /// The title a proposal starts with.
        #[arg(long)]
        title: String,
        /// A question the proposer answers (repeat for each, in order).
        #[arg(long = "question", value_name = "QUESTION")]
        questions: Vec<String>,
        /// yes-no, consent, choice, approval, ranked, score, stv or scottish-stv.
        #[arg(long, default_value = "yes-no")]
        method: String,
        /// An election's seats.
        #[arg(long)]
        seats: Option<u32>,
        /// How many days the vote runs.
        #[arg(long, default_value_t = 7)]
        days: u32,
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

/// `sangam template`: the starters need no co-op; with one, its own templates follow.
pub fn run(home: &Home, coop_arg: Option<&str>, command: TemplateCommand) -> Result<()> {
    match command {
        TemplateCommand::List { out } => {
            let all = available(home, coop_arg)?;
            print(out, &all, || render_templates(&all))
        }
        TemplateCommand::Show { id, skeleton, out } => {
            let t = find(home, coop_arg, &id)?;
            if skeleton {
                let blank = vec![String::new(); t.questions.len()];
                return outln(sangam_core::text_from_answers(&t.questions, &blank).trim_end());
            }
            print(out, &t, || render_template(&t))
        }
        TemplateCommand::Add {
            id,
            name,
            purpose,
            title,
            questions,
            method,
            seats,
            days,
            out,
        } => {
            let coop = resolve::coop(home, coop_arg)?;
            let draft = TemplateDraft {
                id,
                name,
                purpose,
                title,
                questions,
                method: words::method(&method)?,
                seats,
                days,
            };
            let t = home.add_template(coop, draft).map_err(api)?;
            print(out, &t, || {
                format!("Added the template.\n\n{}", render_template(&t))
            })
        }
    }
}

/// The starters, and the co-op's own when a co-op is at hand.
fn available(home: &Home, coop_arg: Option<&str>) -> Result<Vec<TemplateDto>> {
    match resolve::coop(home, coop_arg) {
        Ok(coop) => home.templates_of(coop).map_err(api),
        Err(_) => Ok(sangam_core::templates()),
    }
}

/// A template by its id, written with `-` or `_`: a starter, or the co-op's own.
pub fn find(home: &Home, coop_arg: Option<&str>, id: &str) -> Result<TemplateDto> {
    let all = available(home, coop_arg)?;
    let wanted = id.trim();
    all.into_iter()
        .find(|t| t.id == wanted || t.id == wanted.replace('-', "_"))
        .with_context(|| format!("no template {id:?}: see `sangam template list`"))
}

fn render_templates(all: &[TemplateDto]) -> String {
    all.iter()
        .map(|t| match &t.by {
            None => format!("{:<15} {}: {}", t.id, t.name, t.purpose),
            Some(by) => format!(
                "{:<15} {}: {} (the co-op's, added by {by})",
                t.id, t.name, t.purpose
            ),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_template(t: &TemplateDto) -> String {
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
}
