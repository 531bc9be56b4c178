//! How the books read in a terminal: amounts, entries, accounts, the balance sheet, the
//! income statement, capital accounts, a bank statement's rows and a patronage split.

use sangam_core::{
    AccountDto, BalanceSheetDto, BankImportDto, CapitalDto, EntryDto, IncomeStatementDto,
    LabourSummaryDto, MoneyDto, PatronageDto,
};

use crate::show::{inert_line, table};

/// Amounts in several commodities, on one line.
pub fn money(list: &[MoneyDto]) -> String {
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
pub fn render_entry(e: &EntryDto) -> String {
    let mut text = format!("{} {} {}", &e.id[..12], e.date, inert_line(&e.description));
    if e.standing != sangam_core::EntryStanding::Counts {
        text.push_str(&format!("  [{}]", e.standing.as_str().replace('_', " ")));
    }
    for p in &e.postings {
        text.push_str(&format!(
            "\n    {:<28} {:>14} {}",
            inert_line(&p.account_name),
            p.amount.text,
            p.amount.commodity
        ));
    }
    text
}

/// `ledger account list`: a hint when there is none yet.
pub fn render_account_list(list: &[AccountDto]) -> String {
    if list.is_empty() {
        "No accounts yet: `sangam ledger account add NAME --type T`.".into()
    } else {
        render_accounts(list)
    }
}

fn render_accounts(accounts: &[AccountDto]) -> String {
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

pub fn render_journal(list: &[EntryDto]) -> String {
    if list.is_empty() {
        "No entries.".into()
    } else {
        list.iter().map(render_entry).collect::<Vec<_>>().join("\n")
    }
}

pub fn render_balance_sheet(sheet: &BalanceSheetDto) -> String {
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
}

pub fn render_income_statement(s: &IncomeStatementDto) -> String {
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
}

pub fn render_capital(list: &[CapitalDto]) -> String {
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
}

/// A bank statement's rows as read, then what was (or would be) posted.
pub fn render_bank_import(report: &BankImportDto) -> String {
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
}

pub fn render_labour(list: &[LabourSummaryDto]) -> String {
    table(
        &["MEMBER", "HOURS"],
        list.iter().map(|l| {
            vec![
                l.name.clone().unwrap_or_else(|| l.member[..12].to_owned()),
                format!("{:.2}", l.minutes as f64 / 60.0),
            ]
        }),
    )
}

/// A patronage split: the funds' shares, each member's, and whether it was posted.
pub fn render_split(p: &PatronageDto) -> String {
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
