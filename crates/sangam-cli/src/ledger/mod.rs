//! `sangam ledger …`, `sangam labour …` and `sangam patronage …`: the books from the
//! terminal (docs/cli.md "The books"). Amounts are read (`words.rs`) and printed
//! (`render.rs`) with the commodity's decimal places; every read takes `--json`.

use std::path::Path;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use sangam_core::files::{MAX_RULES_FILE, read_text_capped};
use sangam_core::{AccountDraft, CoopId, EntryDraft, ExportFormat, Home, JournalFilter};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, outln, print};
use render::*;
use words::{account_type, member_key, period, posting, role, today};

pub mod labour;
pub mod patronage;
mod render;
mod words;

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Accounts: add, list, close.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Post an entry: two or more --posting lines that balance in each commodity.
    Post {
        #[command(flatten)]
        entry: EntryArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Correct an entry: post its postings negated.
    Reverse {
        /// The entry id (any unique prefix of 4 or more).
        id: String,
        /// The day of the correction (default: today).
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// The journal, newest first.
    Journal {
        #[command(flatten)]
        filter: JournalArgs,
        #[command(flatten)]
        out: Output,
    },
    /// The balance sheet: every account's balance, now or at the end of a day.
    Balance {
        /// YYYY-MM-DD.
        #[arg(long)]
        at: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// The income statement of a period.
    Income {
        /// The period, FROM..TO.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        out: Output,
    },
    /// Capital accounts: paid in, allocated, withdrawn; every member's or one.
    Capital {
        /// A member (key or unique prefix).
        member: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Write the books to FILE as an hledger journal, a beancount ledger or CSV.
    Export {
        /// hledger, beancount or csv.
        #[arg(long)]
        format: String,
        /// The file to write.
        file: std::path::PathBuf,
    },
    /// Post a bank statement's rows, read through a rules file (see docs/cli.md).
    ImportCsv {
        /// The statement (CSV).
        file: std::path::PathBuf,
        /// The rules file.
        #[arg(long)]
        rules: std::path::PathBuf,
        /// Show what would be posted; post nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Open an account.
    Add {
        /// Its name.
        name: String,
        /// asset, liability, equity, income or expense.
        #[arg(long = "type")]
        account_type: String,
        /// For a member's capital account (equity): the member.
        #[arg(long)]
        member: Option<String>,
        /// For a fund (equity): surplus, reserve or education.
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Every account with its balances.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Close an account: no later entry may post to it.
    Close {
        /// The account (name or id prefix).
        account: String,
        #[command(flatten)]
        out: Output,
    },
}

/// An entry as `sangam ledger post` takes it.
#[derive(Args)]
pub struct EntryArgs {
    /// The day, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// What it was.
    #[arg(long)]
    pub description: String,
    /// "ACCOUNT AMOUNT [COMMODITY] [@MEMBER]": positive debits, negative credits; the
    /// co-op's currency when no commodity is given; @MEMBER for a sale to a member
    /// (patronage by use).
    #[arg(
        long = "posting",
        required = true,
        num_args = 1,
        allow_hyphen_values = true
    )]
    pub postings: Vec<String>,
    /// Who was paid or paid.
    #[arg(long)]
    pub payee: Option<String>,
    /// The proposal that approved it (any unique prefix).
    #[arg(long, value_name = "PROPOSAL")]
    pub approved_by: Option<String>,
}

/// Which entries `sangam ledger journal` shows.
#[derive(Args)]
pub struct JournalArgs {
    /// Only entries posting to this account.
    #[arg(long)]
    pub account: Option<String>,
    /// Only entries by or for this member.
    #[arg(long)]
    pub member: Option<String>,
    /// Dated on or after.
    #[arg(long)]
    pub from: Option<String>,
    /// Dated on or before.
    #[arg(long)]
    pub to: Option<String>,
    /// Words in the description or payee.
    #[arg(long, allow_hyphen_values = true)]
    pub search: Option<String>,
    /// At most this many.
    #[arg(long)]
    pub limit: Option<u32>,
}

pub fn run(home: &Home, coop_arg: Option<&str>, command: LedgerCommand) -> Result<()> {
    let coop = resolve::coop(home, coop_arg)?;
    match command {
        LedgerCommand::Account(command) => account(home, coop, command),
        LedgerCommand::Post { entry, out } => {
            let draft = entry_draft(home, coop, entry)?;
            let dto = home.post_entry(coop, &draft).map_err(api)?;
            print(out, &dto, || render_entry(&dto))
        }
        LedgerCommand::Reverse { id, date, out } => {
            let date = date.unwrap_or_else(|| today(home));
            let dto = home.reverse_entry(coop, &id, &date).map_err(api)?;
            print(out, &dto, || render_entry(&dto))
        }
        LedgerCommand::Journal { filter, out } => {
            let filter = journal_filter(home, coop, filter)?;
            let list = home.journal(coop, &filter).map_err(api)?;
            print(out, &list, || render_journal(&list))
        }
        LedgerCommand::Balance { at, out } => {
            let sheet = home.balance_sheet(coop, at.as_deref()).map_err(api)?;
            print(out, &sheet, || render_balance_sheet(&sheet))
        }
        LedgerCommand::Income { period: p, out } => {
            let (from, to) = period(&p)?;
            let s = home.income_statement(coop, &from, &to).map_err(api)?;
            print(out, &s, || render_income_statement(&s))
        }
        LedgerCommand::Capital { member, out } => {
            let member = member_key(home, coop, member)?;
            let list = home.capital(coop, member.as_deref()).map_err(api)?;
            print(out, &list, || render_capital(&list))
        }
        LedgerCommand::Export { format, file } => {
            let format: ExportFormat = format.parse().map_err(api)?;
            home.export_books_to(coop, format, &file).map_err(api)?;
            outln(&format!("Wrote {}.", file.display()))
        }
        LedgerCommand::ImportCsv {
            file,
            rules,
            dry_run,
            out,
        } => import_csv(home, coop, &file, &rules, dry_run, out),
    }
}

/// `sangam ledger account …`.
fn account(home: &Home, coop: CoopId, command: AccountCommand) -> Result<()> {
    match command {
        AccountCommand::Add {
            name,
            account_type: t,
            member,
            role: r,
            out,
        } => {
            let draft = account_draft(home, coop, name, &t, member, r.as_deref())?;
            let dto = home.open_account(coop, &draft).map_err(api)?;
            print(out, &dto, || dto.id.clone())
        }
        AccountCommand::List { out } => {
            let list = home.accounts(coop).map_err(api)?;
            print(out, &list, || render_account_list(&list))
        }
        AccountCommand::Close { account, out } => {
            let dto = home.close_account(coop, &account).map_err(api)?;
            print(out, &dto, || format!("Closed {}.", dto.name))
        }
    }
}

/// The account as core takes it: the member resolved, then its type and role read.
fn account_draft(
    home: &Home,
    coop: CoopId,
    name: String,
    account_type_word: &str,
    member: Option<String>,
    role_word: Option<&str>,
) -> Result<AccountDraft> {
    let member = member_key(home, coop, member)?;
    Ok(AccountDraft {
        name,
        account_type: account_type(account_type_word)?,
        member,
        role: role_word.map(role).transpose()?,
    })
}

/// `sangam ledger import-csv`: the rows printed, then a non-zero exit if any was bad.
fn import_csv(
    home: &Home,
    coop: CoopId,
    file: &Path,
    rules: &Path,
    dry_run: bool,
    out: Output,
) -> Result<()> {
    let rules =
        read_text_capped(rules, MAX_RULES_FILE, sangam_core::Thing::RulesFile).map_err(api)?;
    // The statement is read as it is needed (core lists its first rows and every bad
    // one), so a long one costs the memory of its new entries only.
    let report = home
        .import_bank_file(coop, file, &rules, dry_run)
        .map_err(api)?;
    print(out, &report, || render_bank_import(&report))?;
    if report.bad > 0 {
        bail!("the statement has {} bad row(s)", report.bad);
    }
    Ok(())
}

/// The entry as core takes it, each posting read.
fn entry_draft(home: &Home, coop: CoopId, entry: EntryArgs) -> Result<EntryDraft> {
    Ok(EntryDraft {
        date: entry.date,
        description: entry.description,
        payee: entry.payee,
        postings: entry
            .postings
            .iter()
            .map(|p| posting(home, coop, p))
            .collect::<Result<_>>()?,
        // Core finds the proposal by the same rule as every other id.
        approved_by: entry.approved_by,
    })
}

/// The journal's filter as core takes it, the member resolved.
fn journal_filter(home: &Home, coop: CoopId, f: JournalArgs) -> Result<JournalFilter> {
    Ok(JournalFilter {
        member: member_key(home, coop, f.member)?,
        account: f.account,
        from: f.from,
        to: f.to,
        search: f.search,
        limit: f.limit,
    })
}
