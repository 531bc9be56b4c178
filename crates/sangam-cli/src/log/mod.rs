//! `sangam log`: the co-op's records, newest first, each worded in a line (`line.rs`), or
//! the changes this home refused.

use std::collections::HashMap;

use anyhow::Result;
use clap::Args;
use sangam_core::{Home, LogEntryDto, PublicKey, RecordStatus, RefusedDto};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, print, table, when};

mod line;

#[derive(Args)]
pub struct LogArgs {
    #[command(flatten)]
    pub out: Output,
    /// Show at most this many records.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Show instead the changes this home refused, with where they came from and why.
    #[arg(long)]
    pub refused: bool,
}

pub fn run(home: &Home, coop_arg: Option<&str>, args: LogArgs) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    if args.refused {
        let mut refused = home.refused(coop).map_err(api)?;
        if let Some(limit) = args.limit {
            refused.truncate(limit);
        }
        return print(args.out, &refused, || render_refused(&refused));
    }
    let mut log = home.log(coop).map_err(api)?;
    let names: HashMap<String, String> = home
        .members(coop)
        .map_err(api)?
        .into_iter()
        .map(|m| (m.key, m.name))
        .collect();
    if let Some(limit) = args.limit {
        log.truncate(limit);
    }
    print(args.out, &log, || render_log(&log, &names))
}

fn render_refused(refused: &[RefusedDto]) -> String {
    if refused.is_empty() {
        return "No change was refused.".into();
    }
    table(
        &["WHEN", "FROM", "CHANGE", "WHY"],
        refused.iter().map(|r| {
            vec![
                when(r.at),
                r.source.to_string(),
                r.change.as_deref().map_or("?", |c| &c[..12]).to_owned(),
                r.reason.clone(),
            ]
        }),
    )
}

/// The records as a table; `names` names the members by key.
fn render_log(log: &[LogEntryDto], names: &HashMap<String, String>) -> String {
    let name_of = |key: &PublicKey| names.get(&key.to_string()).cloned();
    table(
        &["ID", "KIND", "AUTHOR", "WHAT", "STATUS"],
        log.iter().map(|e| {
            vec![
                e.id[..12].to_owned(),
                e.kind.to_string(),
                e.author_name
                    .clone()
                    .unwrap_or_else(|| e.author[..8].to_owned()),
                line::log_line(e, &name_of),
                match &e.status {
                    RecordStatus::Valid => "valid".to_owned(),
                    RecordStatus::Refused { reason } => reason.clone(),
                },
            ]
        }),
    )
}
