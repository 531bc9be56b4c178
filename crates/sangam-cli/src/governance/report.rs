//! `sangam report` and `sangam verify`: a proposal's signed vote report written for an
//! auditor, and any report checked with nothing but its file.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use sangam_core::{BallotFate, Home, ReportDto, ReportSummaryDto};

use super::render::tally_text;
use crate::output::Output;
use crate::resolve;
use crate::show::{api, inert_text, outln, when};

#[derive(Args)]
pub struct ReportArgs {
    /// The proposal id.
    pub id: String,
    /// Where to write the report file.
    #[arg(long, value_name = "FILE.json")]
    pub out: PathBuf,
    /// Where to write the printable page.
    #[arg(long, value_name = "FILE.html")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The report file, or two of them.
    #[arg(required = true, num_args = 1..=2, value_name = "FILE.json")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub out: Output,
}

/// `sangam report`: writes the report of a proposal to `--out` (and its page to `--html`).
pub fn export(home: &Home, coop_arg: Option<&str>, args: ReportArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    let id = resolve::proposal(home, coop, &args.id)?;
    let (out, html) = (args.out.as_path(), args.html.as_deref());
    let words = sangam_core::PageWords::english();
    let dto = home
        .export_report_to(coop, id, out, html, &words)
        .map_err(api)?;
    if args.output.json {
        return outln(&serde_json::to_string_pretty(&dto)?);
    }
    let summary = dto.summary.as_ref().expect("an exported report verified");
    outln(&inert_text(&render_exported(summary, out, html)))
}

fn render_exported(summary: &ReportSummaryDto, out: &Path, html: Option<&Path>) -> String {
    let mut text = format!(
        "Report written to {} ({} records, signed by you).",
        out.display(),
        summary.records
    );
    if let Some(html) = html {
        text.push_str(&format!("\nPage for people: {}", html.display()));
    }
    text.push_str(&format!(
        "\n{}\nAnyone can check it offline: sangam verify {}",
        tally_text(&summary.tally),
        out.display()
    ));
    text
}

/// `sangam verify`, before any home opens: one report, or two and how they differ; exits
/// non-zero unless all verify.
pub fn verify(args: &VerifyArgs) -> Result<()> {
    let (files, json) = (&args.files, args.out.json);
    let mut verdicts = Vec::with_capacity(files.len());
    for file in files {
        let bytes = sangam_core::files::read_capped(
            file,
            sangam_core::files::MAX_REPORT_FILE,
            sangam_core::Thing::Report,
        )
        .map_err(api)?;
        verdicts.push(sangam_core::verify_report(&bytes));
    }
    if json {
        let text = match verdicts.as_slice() {
            [one] => serde_json::to_string_pretty(one)?,
            all => serde_json::to_string_pretty(all)?,
        };
        outln(&text)?;
    } else {
        outln(inert_text(render_verdicts(files, &verdicts).trim_end()).as_str())?;
    }
    if verdicts.iter().all(|v| v.verified) {
        Ok(())
    } else {
        // The verdict is printed; a non-zero exit is all that is left to say.
        std::process::exit(1);
    }
}

/// Each report's verdict (under its file's name when there are two), then what two
/// verified reports say of each other.
fn render_verdicts(files: &[PathBuf], verdicts: &[ReportDto]) -> String {
    let mut text = String::new();
    for (file, dto) in files.iter().zip(verdicts) {
        if files.len() > 1 {
            text.push_str(&format!("{}:\n", file.display()));
        }
        text.push_str(&verdict_text(dto));
        text.push('\n');
    }
    if let [a, b] = verdicts
        && let (Some(a), Some(b)) = (&a.summary, &b.summary)
    {
        text.push_str(&compare(a, b));
    }
    text
}

fn verdict_text(dto: &ReportDto) -> String {
    let Some(s) = &dto.summary else {
        return format!(
            "NOT VERIFIED ({}): {}",
            dto.class.as_deref().unwrap_or("unknown"),
            dto.reason.as_deref().unwrap_or("it could not be checked")
        );
    };
    let name = |name: &Option<String>, key: &str| match name {
        Some(name) => format!("{name} ({})", &key[..12]),
        None => key[..12].to_owned(),
    };
    let count = |fate| s.ballots.iter().filter(|b| b.fate == fate).count();
    let mut text = format!(
        "VERIFIED: every signature, the electorate, the rules and the tally hold.\n\
         co-op:     {} ({})\n\
         proposed:  by {} on {}\n{}\n\
         ballots:   {} counted, {} late, {} replaced, {} refused; {} contested\n",
        s.coop_name,
        &s.coop[..12],
        name(&s.opened_by_name, &s.opened_by),
        when(s.opened_at),
        tally_text(&s.tally),
        count(BallotFate::Counted),
        count(BallotFate::Late),
        count(BallotFate::Superseded),
        count(BallotFate::Refused),
        s.tally.contested.len(),
    );
    for b in &s.ballots {
        let fate = match b.fate {
            BallotFate::Counted if b.weight > 1 => format!("counted, weight {}", b.weight),
            BallotFate::Counted => "counted".to_owned(),
            BallotFate::Late => "LATE, not counted".to_owned(),
            BallotFate::Superseded => "replaced".to_owned(),
            BallotFate::Refused => format!("refused: {}", b.refused.as_deref().unwrap_or("")),
        };
        text.push_str(&format!(
            "  {:<28} {:<16} {fate}{}\n",
            name(&b.voter_name, &b.voter),
            b.choice_text,
            if b.contested { " (contested)" } else { "" }
        ));
    }
    for c in &s.closes {
        text.push_str(&format!(
            "closed:    by {} on {}, naming {} ballots\n",
            name(&c.author_name, &c.author),
            when(c.at),
            c.ballots
        ));
    }
    text.push_str(&format!(
        "exported:  by {} on {}, {} records\nreport id: {}\nheads:     {}",
        match &s.exporter_name {
            Some(_) => name(&s.exporter_name, &s.exporter),
            None => format!("{}, not a member in these records", &s.exporter[..12]),
        },
        when(s.exported_at),
        s.records,
        s.report_id,
        s.record_heads.join(" "),
    ));
    text
}

/// What two verified reports say of each other.
fn compare(a: &ReportSummaryDto, b: &ReportSummaryDto) -> String {
    if a.tally.proposal != b.tally.proposal {
        return "These are reports of two different proposals.".to_owned();
    }
    if a.record_heads == b.record_heads {
        return "Both reports were made from the same records.".to_owned();
    }
    let only = |x: &ReportSummaryDto, y: &ReportSummaryDto| {
        x.tally
            .counted
            .iter()
            .filter(|id| !y.tally.counted.contains(id))
            .count()
    };
    format!(
        "The two reports were made from different records (their heads differ): the first \
         counts {} ballots the second does not, the second {} the first does not; closes {} \
         and {}. Each says only what its exporter held; neither is the final result of the \
         other.",
        only(a, b),
        only(b, a),
        a.tally.closes.len(),
        b.tally.closes.len()
    )
}
