//! `sangam template …`: the proposal templates Sangam ships, listed or shown, and the one
//! way a template is named (also by `sangam propose --template`).

use anyhow::{Context, Result};
use clap::Subcommand;
use sangam_core::TemplateDto;

use crate::output::Output;
use crate::show::{outln, print};

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

/// `sangam template`: needs no co-op.
pub fn run(command: TemplateCommand) -> Result<()> {
    match command {
        TemplateCommand::List { out } => {
            let all = sangam_core::templates();
            print(out, &all, || render_templates(&all))
        }
        TemplateCommand::Show { id, skeleton, out } => {
            let t = find(&id)?;
            if skeleton {
                let blank = vec![String::new(); t.questions.len()];
                return outln(sangam_core::text_from_answers(&t.questions, &blank).trim_end());
            }
            print(out, &t, || render_template(&t))
        }
    }
}

/// A template by its id, written with `-` or `_`.
pub fn find(id: &str) -> Result<TemplateDto> {
    sangam_core::template(&id.replace('-', "_"))
        .with_context(|| format!("no template {id:?}: see `sangam template list`"))
}

fn render_templates(all: &[TemplateDto]) -> String {
    all.iter()
        .map(|t| format!("{:<15} {}: {}", t.id, t.name, t.purpose))
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
