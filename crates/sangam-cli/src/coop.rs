//! `sangam coop …`: the co-ops in this home: founded, listed, shown, and how this laptop
//! reads the amounts typed for one.

use anyhow::Result;
use clap::Subcommand;
use sangam_core::{Admission, CoopDto, CoopSummaryDto, DecimalMark, Home};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, print, table};

#[derive(Subcommand)]
pub enum CoopCommand {
    /// Found a co-op, with you as its first member.
    Create {
        /// The co-op's name.
        name: String,
        /// Default currency for the ledger.
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[command(flatten)]
        out: Output,
    },
    /// List the co-ops in this home.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Show the co-op's name, rules and size.
    Show {
        #[command(flatten)]
        out: Output,
    },
    /// How this laptop reads the amounts you type for the co-op: `point` (1,250.50) or
    /// `comma` (1.250,50). The other mark may only group thousands; anything ambiguous is
    /// refused. A statement's rules file may name its own.
    DecimalMark {
        /// point or comma
        mark: String,
    },
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: CoopCommand) -> Result<()> {
    let coop = || resolve::coop(home, coop_arg);
    match command {
        CoopCommand::Create {
            name,
            currency,
            out,
        } => {
            let c = home.create_coop(&name, &currency).map_err(api)?;
            print(out, &c, || render_founded(&c))
        }
        CoopCommand::List { out } => {
            let coops = home.coops().map_err(api)?;
            print(out, &coops, || render_coops(&coops))
        }
        CoopCommand::DecimalMark { mark } => {
            let mark = DecimalMark::from_word(&mark).map_err(api)?;
            home.set_decimal_mark(coop()?, mark).map_err(api)?;
            println!("{}", render_decimal_mark(mark));
            Ok(())
        }
        CoopCommand::Show { out } => {
            let c = home.coop(coop()?).map_err(api)?;
            print(out, &c, || render_coop(&c))
        }
    }
}

fn render_founded(c: &CoopDto) -> String {
    format!("Founded {:?}.\n  id: {}", c.name, c.id)
}

fn render_coops(coops: &[CoopSummaryDto]) -> String {
    if coops.is_empty() {
        return "No co-ops yet: `sangam coop create NAME`, or import a bundle.".into();
    }
    table(
        &["ID", "NAME"],
        coops.iter().map(|c| vec![c.id.clone(), c.name.clone()]),
    )
}

fn render_decimal_mark(mark: DecimalMark) -> String {
    format!(
        "Amounts you type for this co-op are read with a decimal {}: {}.",
        mark.as_str(),
        match mark {
            DecimalMark::Point => "1,250.50",
            DecimalMark::Comma => "1.250,50",
        }
    )
}

fn render_coop(c: &CoopDto) -> String {
    let treasurers = if c.treasurers.is_empty() {
        "any member".to_owned()
    } else {
        c.treasurers
            .iter()
            .map(|k| k.chars().take(12).collect::<String>())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let approval = if c.approval_over.is_empty() {
        "no limit".to_owned()
    } else {
        format!("a vote for entries over {}", c.approval_over.join(", "))
    };
    format!(
        "{}\n  id:        {}\n  currency:  {}\n  admission: {}\n  voting:    quorum {}%, threshold {}/{}\n  books:     kept by {treasurers}; {approval}; surplus to the reserve {}%, the education fund {}%\n  amounts:   typed with a decimal {}\n  members:   {}\n  devices:   {}\n  records:   {} in {} changes",
        c.name,
        c.id,
        c.currency,
        match c.admission {
            Admission::AnyMember => "any_member",
            Admission::Proposal => "proposal",
        },
        c.quorum_pct,
        c.threshold.num,
        c.threshold.den,
        c.reserve_pct,
        c.education_pct,
        c.decimal_mark.as_str(),
        c.members,
        c.devices,
        c.records,
        c.changes
    )
}
