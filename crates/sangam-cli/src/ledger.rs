//! `sangam ledger …`, `sangam labour …` and `sangam patronage …`: the books from the
//! terminal (docs/cli.md "The books"). Amounts are read and printed with the commodity's
//! decimal places; every read takes `--json`.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sangam_core::{
    AccountDraft, AccountDto, AccountRole, AccountType, Basis, CoopId, EntryDraft, EntryDto,
    ExportFormat, Home, JournalFilter, MoneyDto, PatronageDto, PostingDraft,
};

use crate::output::Output;
use crate::resolve;
use crate::show::{api, print, table};

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Accounts: add, list, close.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Post an entry: two or more --posting lines that balance in each commodity.
    Post {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// What it was.
        #[arg(long)]
        description: String,
        /// "ACCOUNT AMOUNT [COMMODITY] [@MEMBER]": positive debits, negative credits; the
        /// co-op's currency when no commodity is given; @MEMBER for a sale to a member
        /// (patronage by use).
        #[arg(
            long = "posting",
            required = true,
            num_args = 1,
            allow_hyphen_values = true
        )]
        postings: Vec<String>,
        /// Who was paid or paid.
        #[arg(long)]
        payee: Option<String>,
        /// The proposal that approved it (any unique prefix).
        #[arg(long, value_name = "PROPOSAL")]
        approved_by: Option<String>,
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
        /// Only entries posting to this account.
        #[arg(long)]
        account: Option<String>,
        /// Only entries by or for this member.
        #[arg(long)]
        member: Option<String>,
        /// Dated on or after.
        #[arg(long)]
        from: Option<String>,
        /// Dated on or before.
        #[arg(long)]
        to: Option<String>,
        /// Words in the description or payee.
        #[arg(long, allow_hyphen_values = true)]
        search: Option<String>,
        /// At most this many.
        #[arg(long)]
        limit: Option<u32>,
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

#[derive(Subcommand)]
pub enum LabourCommand {
    /// Log your work on a day.
    Log {
        /// Hours, such as 4 or 2.5.
        #[arg(long)]
        hours: String,
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// What the work was.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Hours logged in a period, by member.
    List {
        /// The period, FROM..TO.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        out: Output,
    },
}

/// What `sangam patronage preview|allocate` share.
#[derive(Args)]
pub struct SplitArgs {
    /// The period, FROM..TO (YYYY-MM-DD..YYYY-MM-DD).
    #[arg(long)]
    pub period: String,
    /// The surplus to split: "AMOUNT [COMMODITY]".
    #[arg(long)]
    pub surplus: String,
    /// What the members' shares follow: labour (hours logged) or use (income credited
    /// for each member).
    #[arg(long, default_value = "labour")]
    pub basis: String,
}

#[derive(Subcommand)]
pub enum PatronageCommand {
    /// Show how the surplus would be split; post nothing.
    Preview {
        #[command(flatten)]
        split: SplitArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Post the split as one entry citing the proposal that approves it.
    Allocate {
        #[command(flatten)]
        split: SplitArgs,
        /// The proposal (any unique prefix): the entry counts once it has passed.
        #[arg(long, value_name = "PROPOSAL")]
        approved_by: String,
        #[command(flatten)]
        out: Output,
    },
}

fn account_type(word: &str) -> Result<AccountType> {
    Ok(match word.trim().to_ascii_lowercase().as_str() {
        "asset" | "assets" => AccountType::Asset,
        "liability" | "liabilities" => AccountType::Liability,
        "equity" => AccountType::Equity,
        "income" => AccountType::Income,
        "expense" | "expenses" => AccountType::Expense,
        other => {
            bail!("an account is an asset, liability, equity, income or expense, not {other:?}")
        }
    })
}

fn role(word: &str) -> Result<AccountRole> {
    Ok(match word.trim().to_ascii_lowercase().as_str() {
        "surplus" => AccountRole::Surplus,
        "reserve" => AccountRole::Reserve,
        "education" => AccountRole::Education,
        other => bail!("a fund is surplus, reserve or education, not {other:?}"),
    })
}

/// "Capital: Asha -12.50 EUR" as account, amount and commodity: the last word is the
/// commodity when it is not a number, the one before it the amount, the rest the name.
/// A last word `@MEMBER` (a key or unique prefix) says whom the posting is for.
pub(crate) fn posting(home: &Home, coop: CoopId, text: &str) -> Result<PostingDraft> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let member = match words.last().and_then(|w| w.strip_prefix('@')) {
        Some(m) => {
            let key = resolve::member(home, coop, m)?;
            words.pop();
            Some(key.to_string())
        }
        None => None,
    };
    let is_amount = |w: &str| {
        w.trim_start_matches(['-', '+'])
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    };
    let (name, amount, commodity) = match words.as_slice() {
        [name @ .., amount, commodity] if !is_amount(commodity) && is_amount(amount) => {
            (name, *amount, Some((*commodity).to_owned()))
        }
        [name @ .., amount] if is_amount(amount) => (name, *amount, None),
        _ => bail!(
            "a posting is \"ACCOUNT AMOUNT [COMMODITY]\", like \"Bank -12.50 EUR\", not {text:?}"
        ),
    };
    if name.is_empty() {
        bail!("a posting names its account first: \"ACCOUNT AMOUNT [COMMODITY]\", not {text:?}");
    }
    Ok(PostingDraft {
        account: name.join(" "),
        amount: amount.to_owned(),
        commodity,
        member,
    })
}

/// FROM..TO.
pub(crate) fn period(text: &str) -> Result<(String, String)> {
    let (from, to) = text.split_once("..").with_context(|| {
        format!("a period is FROM..TO, like 2026-01-01..2026-03-31, not {text:?}")
    })?;
    Ok((from.trim().to_owned(), to.trim().to_owned()))
}

/// A member named by key or unique prefix, as the key's text.
fn member_key(home: &Home, coop: CoopId, member: Option<String>) -> Result<Option<String>> {
    member
        .map(|m| resolve::member(home, coop, &m).map(|k| k.to_string()))
        .transpose()
}

fn today(home: &Home) -> String {
    crate::show::when(home.now())[..10].to_owned()
}

fn money(list: &[MoneyDto]) -> String {
    if list.is_empty() {
        return "0".into();
    }
    list.iter()
        .map(|m| format!("{} {}", m.text, m.commodity))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An entry as lines: its head, then a line a posting. What other members wrote (the
/// description, account names) is shown on one line, its line breaks visible, so nobody
/// can forge a posting line under someone else's entry.
fn entry_text(e: &EntryDto) -> String {
    let mut text = format!(
        "{} {} {}",
        &e.id[..12],
        e.date,
        crate::show::inert_line(&e.description)
    );
    if e.standing != sangam_core::EntryStanding::Counts {
        text.push_str(&format!("  [{}]", e.standing.as_str().replace('_', " ")));
    }
    for p in &e.postings {
        text.push_str(&format!(
            "\n    {:<28} {:>14} {}",
            crate::show::inert_line(&p.account_name),
            p.amount.text,
            p.amount.commodity
        ));
    }
    text
}

fn accounts_table(accounts: &[AccountDto]) -> String {
    table(
        &["ID", "NAME", "TYPE", "BALANCE", ""],
        accounts.iter().map(|a| {
            vec![
                a.id[..12].to_owned(),
                a.name.clone(),
                format!("{:?}", a.account_type).to_lowercase(),
                money(&a.balances),
                if a.closed {
                    "closed".into()
                } else {
                    String::new()
                },
            ]
        }),
    )
}

fn split_text(p: &PatronageDto) -> String {
    let mut text = format!(
        "{} from {} to {}, taken from {}:",
        p.surplus.text, p.from, p.to, p.surplus_account_name
    );
    let c = &p.surplus.commodity;
    if let Some(r) = &p.reserve {
        text.push_str(&format!(
            "\n  reserve ({}%)       {:>14} {c}  to {}",
            p.reserve_pct, r.amount.text, r.account_name
        ));
    }
    if let Some(e) = &p.education {
        text.push_str(&format!(
            "\n  education ({}%)     {:>14} {c}  to {}",
            p.education_pct, e.amount.text, e.account_name
        ));
    }
    for m in &p.members {
        let basis = match &m.used {
            Some(used) => format!("{} {} used", used.text, used.commodity),
            None => format!("{:.2} h", m.minutes.unwrap_or(0) as f64 / 60.0),
        };
        text.push_str(&format!(
            "\n  {:<18} {:>16} {:>14} {c}  to {}",
            m.name.clone().unwrap_or_default(),
            basis,
            m.amount.text,
            m.account_name
        ));
    }
    match &p.entry {
        Some(id) => text.push_str(&format!(
            "\nPosted as {}: it counts once the proposal passes.",
            &id[..12]
        )),
        None => text.push_str("\nNothing posted (a preview)."),
    }
    text
}

pub fn run(home: &Home, coop: CoopId, command: LedgerCommand) -> Result<()> {
    match command {
        LedgerCommand::Account(AccountCommand::Add {
            name,
            account_type: t,
            member,
            role: r,
            out,
        }) => {
            let member = member_key(home, coop, member)?;
            let draft = AccountDraft {
                name,
                account_type: account_type(&t)?,
                member,
                role: r.as_deref().map(role).transpose()?,
            };
            let dto = home.open_account(coop, &draft).map_err(api)?;
            print(out, &dto, || dto.id.clone())
        }
        LedgerCommand::Account(AccountCommand::List { out }) => {
            let list = home.accounts(coop).map_err(api)?;
            print(out, &list, || {
                if list.is_empty() {
                    "No accounts yet: `sangam ledger account add NAME --type T`.".into()
                } else {
                    accounts_table(&list)
                }
            })
        }
        LedgerCommand::Account(AccountCommand::Close { account, out }) => {
            let dto = home.close_account(coop, &account).map_err(api)?;
            print(out, &dto, || format!("Closed {}.", dto.name))
        }
        LedgerCommand::Post {
            date,
            description,
            postings,
            payee,
            approved_by,
            out,
        } => {
            let draft = EntryDraft {
                date,
                description,
                payee,
                postings: postings
                    .iter()
                    .map(|p| posting(home, coop, p))
                    .collect::<Result<_>>()?,
                // Core finds the proposal by the same rule as every other id.
                approved_by,
            };
            let dto = home.post_entry(coop, &draft).map_err(api)?;
            print(out, &dto, || entry_text(&dto))
        }
        LedgerCommand::Reverse { id, date, out } => {
            let date = date.unwrap_or_else(|| today(home));
            let dto = home.reverse_entry(coop, &id, &date).map_err(api)?;
            print(out, &dto, || entry_text(&dto))
        }
        LedgerCommand::Journal {
            account,
            member,
            from,
            to,
            search,
            limit,
            out,
        } => {
            let member = member_key(home, coop, member)?;
            let filter = JournalFilter {
                account,
                member,
                from,
                to,
                search,
                limit,
            };
            let list = home.journal(coop, &filter).map_err(api)?;
            print(out, &list, || {
                if list.is_empty() {
                    "No entries.".into()
                } else {
                    list.iter().map(entry_text).collect::<Vec<_>>().join("\n")
                }
            })
        }
        LedgerCommand::Balance { at, out } => {
            let sheet = home.balance_sheet(coop, at.as_deref()).map_err(api)?;
            print(out, &sheet, || {
                let mut text = match &sheet.at {
                    Some(at) => format!("At the end of {at}:"),
                    None => "Now:".into(),
                };
                for g in &sheet.groups {
                    text.push_str(&format!("\n{:?}: {}", g.account_type, money(&g.totals)));
                    for a in &g.accounts {
                        text.push_str(&format!("\n  {:<30} {}", a.name, money(&a.balances)));
                    }
                }
                text
            })
        }
        LedgerCommand::Income { period: p, out } => {
            let (from, to) = period(&p)?;
            let s = home.income_statement(coop, &from, &to).map_err(api)?;
            print(out, &s, || {
                let mut text = format!("From {} to {}:\nIncome", s.from, s.to);
                for a in &s.income {
                    text.push_str(&format!("\n  {:<30} {}", a.name, money(&a.balances)));
                }
                text.push_str("\nExpenses");
                for a in &s.expenses {
                    text.push_str(&format!("\n  {:<30} {}", a.name, money(&a.balances)));
                }
                text.push_str(&format!("\nSurplus: {}", money(&s.net)));
                text
            })
        }
        LedgerCommand::Capital { member, out } => {
            let member = member_key(home, coop, member)?;
            let list = home.capital(coop, member.as_deref()).map_err(api)?;
            print(out, &list, || {
                if list.is_empty() {
                    return "No capital accounts.".into();
                }
                table(
                    &[
                        "MEMBER",
                        "ACCOUNT",
                        "PAID IN",
                        "ALLOCATED",
                        "WITHDRAWN",
                        "HOLDS",
                    ],
                    list.iter().flat_map(|c| {
                        c.lines.iter().map(|l| {
                            let m = |x: &MoneyDto| format!("{} {}", x.text, x.commodity);
                            vec![
                                c.name.clone().unwrap_or_else(|| c.member[..12].to_owned()),
                                c.account_name.clone(),
                                m(&l.paid_in),
                                m(&l.allocated),
                                m(&l.withdrawn),
                                m(&l.balance),
                            ]
                        })
                    }),
                )
            })
        }
        LedgerCommand::Export { format, file } => {
            let format: ExportFormat = format.parse().map_err(api)?;
            home.export_books_to(coop, format, &file).map_err(api)?;
            crate::show::outln(&format!("Wrote {}.", file.display()))
        }
        LedgerCommand::ImportCsv {
            file,
            rules,
            dry_run,
            out,
        } => {
            use sangam_core::files::{MAX_RULES_FILE, read_text_capped};
            let rules = read_text_capped(&rules, MAX_RULES_FILE, "the rules file").map_err(api)?;
            // The statement is read as it is needed (core lists its first rows and every
            // bad one), so a long one costs the memory of its new entries only.
            let report = home
                .import_bank_file(coop, &file, &rules, dry_run)
                .map_err(api)?;
            print(out, &report, || {
                let mut text = table(
                    &["LINE", "DATE", "AMOUNT", "TO", "DESCRIPTION", "STATUS"],
                    report.rows.iter().map(|r| {
                        vec![
                            r.line.to_string(),
                            r.date.clone().unwrap_or_default(),
                            r.amount
                                .as_ref()
                                .map(|a| a.text.clone())
                                .unwrap_or_default(),
                            r.counter_account.clone().unwrap_or_default(),
                            r.description.clone(),
                            r.error
                                .clone()
                                .unwrap_or_else(|| r.status.as_str().to_owned()),
                        ]
                    }),
                );
                if report.unlisted > 0 {
                    text.push_str(&format!(
                        "\n… and {} more row(s), not listed (the first {} and every bad row are).",
                        report.unlisted,
                        sangam_core::LISTED_ROWS
                    ));
                }
                text.push_str(&if report.bad > 0 {
                    format!("\n{} bad row(s): nothing was posted.", report.bad)
                } else if report.dry_run {
                    "\nA preview: nothing was posted.".into()
                } else {
                    format!(
                        "\nPosted {}; {} imported before.",
                        report.posted, report.skipped
                    )
                });
                text
            })?;
            if report.bad > 0 {
                bail!("the statement has {} bad row(s)", report.bad);
            }
            Ok(())
        }
    }
}

pub fn run_labour(home: &Home, coop: CoopId, command: LabourCommand) -> Result<()> {
    match command {
        LabourCommand::Log {
            hours,
            date,
            note,
            out,
        } => {
            let h: f64 = hours
                .trim()
                .parse()
                .ok()
                .filter(|h: &f64| h.is_finite() && *h > 0.0)
                .with_context(|| {
                    format!("--hours is a number of hours, like 2.5, not {hours:?}")
                })?;
            let minutes = (h * 60.0).round() as u32;
            let date = date.unwrap_or_else(|| today(home));
            let dto = home
                .log_labour(coop, &date, minutes, note.as_deref())
                .map_err(api)?;
            print(out, &dto, || {
                format!("Logged {} minutes on {}.", dto.minutes, dto.date)
            })
        }
        LabourCommand::List { period: p, out } => {
            let (from, to) = period(&p)?;
            let list = home.labour(coop, &from, &to).map_err(api)?;
            print(out, &list, || {
                table(
                    &["MEMBER", "HOURS"],
                    list.iter().map(|l| {
                        vec![
                            l.name.clone().unwrap_or_else(|| l.member[..12].to_owned()),
                            format!("{:.2}", l.minutes as f64 / 60.0),
                        ]
                    }),
                )
            })
        }
    }
}

pub fn run_patronage(home: &Home, coop: CoopId, command: PatronageCommand) -> Result<()> {
    let check = |split: &SplitArgs| -> Result<(String, String, Basis)> {
        let basis = match split.basis.as_str() {
            "labour" => Basis::Labour,
            "use" => Basis::Use,
            other => bail!(
                "the basis is labour (hours logged with `sangam labour log`) or use (sales posted for a member), not {other:?}"
            ),
        };
        let (from, to) = period(&split.period)?;
        Ok((from, to, basis))
    };
    match command {
        PatronageCommand::Preview { split, out } => {
            let (from, to, basis) = check(&split)?;
            let dto = home
                .patronage_preview(coop, &from, &to, &split.surplus, basis)
                .map_err(api)?;
            print(out, &dto, || split_text(&dto))
        }
        PatronageCommand::Allocate {
            split,
            approved_by,
            out,
        } => {
            let (from, to, basis) = check(&split)?;
            let dto = home
                .allocate_patronage(coop, &from, &to, &split.surplus, basis, &approved_by)
                .map_err(api)?;
            print(out, &dto, || split_text(&dto))
        }
    }
}
