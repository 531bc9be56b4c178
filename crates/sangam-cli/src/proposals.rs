//! `sangam propose` and `sangam proposal list|show`: a proposal written (from a template,
//! if the member names one) and proposals shown, as the table and the text core's DTOs
//! give.

use anyhow::{Context, Result};
use sangam_core::{CoopId, Home, ProposalDraft, ProposalFilter, choice_text, files};

use crate::args::ProposeArgs;
use crate::output::Output;
use crate::resolve;
use crate::show::{api, outln, print, status, table, tally_text, when};
use crate::words;

/// `sangam propose`.
pub fn propose(home: &Home, coop: CoopId, args: ProposeArgs) -> Result<()> {
    let text = match (args.text, args.text_file) {
        (Some(text), _) => text,
        (None, Some(file)) => files::read_text_capped(&file, files::MAX_TEXT_FILE, "the text file")
            .map_err(|e| {
                anyhow::anyhow!(
                    "{} (a proposal's text may have at most 20,000 characters)",
                    e.message
                )
            })?,
        (None, None) => unreachable!("clap requires one of them"),
    };
    // A template gives the method, seats, quorum, threshold and deadline that
    // the command line leaves out.
    let template = match args.template.as_deref() {
        Some(id) => Some(
            sangam_core::template(&id.replace('-', "_"))
                .with_context(|| format!("no template {id:?}: see `sangam template list`"))?,
        ),
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

/// `sangam proposal list`.
pub fn list(home: &Home, coop: CoopId, open: bool, closed: bool, out: Output) -> Result<()> {
    let filter = match (open, closed) {
        (true, _) => ProposalFilter::Open,
        (_, true) => ProposalFilter::Ended,
        _ => ProposalFilter::All,
    };
    let list = home.proposals(coop, filter).map_err(api)?;
    let now = home.now();
    print(out, &list, || {
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
    })
}

/// `sangam proposal show`.
pub fn show(home: &Home, coop: CoopId, id: &str, out: Output) -> Result<()> {
    let p = home
        .proposal(coop, resolve::proposal(home, coop, id)?)
        .map_err(api)?;
    print(out, &p, || {
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
    })
}
