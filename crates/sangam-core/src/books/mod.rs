//! The books' use cases: opening and closing accounts, posting and reversing entries,
//! logging labour (`write`), the journal, balances and statements read from the
//! projection (here), the surplus split (`patronage`), and files an accountant takes
//! (`export`) or a bank gives (`import`).
//!
//! Reads go to the projection (SQLite), never through the fold, so they stay fast at
//! 100,000 entries; writes go through the fold, which says why a record does not count.

mod dto;
mod export;
mod import;
mod line_feeds;
mod patronage;
pub(crate) mod projection;
mod statement_rules;
mod write;

use std::collections::{BTreeMap, HashMap};

use sangam_model::ledger::{AccountRole, AccountType};
use sangam_model::{CoopId, PublicKey, RecordId};
use sangam_store::{AccountRow, BalanceRow, EntryRow, JournalQuery};

pub use dto::{
    AccountDto, BalanceSheetDto, BookGroupDto, CapitalDto, CapitalLineDto, EntryDto, EntryStanding,
    IncomeStatementDto, JournalFilter, MoneyDto, MonthDto, PostingDto,
};
pub use export::ExportFormat;
pub use import::{
    BankImportDto, BankRowDto, ImportTotals, LISTED_ROWS, RowStatus, StatementSource,
};
pub use patronage::{LabourSummaryDto, PatronageDto, SplitLineDto};
pub use write::{AccountDraft, EntryDraft, LabourDto, PostingDraft};

use crate::error::damaged;
use crate::home::Home;
use crate::money::money_text;
use crate::node::Node;
use crate::problem::{ProblemKey, Thing, problem};
use crate::{ApiError, ErrorCode};

fn type_of(word: &str) -> AccountType {
    match word {
        "asset" => AccountType::Asset,
        "liability" => AccountType::Liability,
        "income" => AccountType::Income,
        "expense" => AccountType::Expense,
        _ => AccountType::Equity,
    }
}

fn role_of(word: &str) -> Option<AccountRole> {
    match word {
        "surplus" => Some(AccountRole::Surplus),
        "reserve" => Some(AccountRole::Reserve),
        "education" => Some(AccountRole::Education),
        _ => None,
    }
}

/// An account named by name (any case) or by id ([`crate::find`]'s rule).
pub(crate) fn find_account<'a>(
    accounts: &'a [AccountRow],
    text: &str,
) -> Result<&'a AccountRow, ApiError> {
    let lower = text.trim().to_lowercase();
    let by_name: Vec<&AccountRow> = accounts
        .iter()
        .filter(|a| a.name.to_lowercase() == lower)
        .collect();
    match by_name.as_slice() {
        [one] => Ok(one),
        [] => crate::find::pick(
            text,
            accounts.iter().map(|a| (a.id.to_string(), a)),
            Thing::Account,
        )
        .map_err(|e| match e.code {
            ErrorCode::InvalidInput => problem(ProblemKey::NoAccountNamed)
                .with("name", text.trim())
                .into(),
            _ => e,
        }),
        _ => Err(problem(ProblemKey::SeveralAccountsNamed)
            .with("name", text.trim())
            .into()),
    }
}

/// A `YYYY-MM-DD` date, or a clear error naming `what`.
pub(crate) fn date_arg(text: &str, what: Thing) -> Result<String, ApiError> {
    let text = text.trim();
    sangam_model::ledger::check_date(text)
        .map_err(|_| ApiError::from(problem(ProblemKey::BadDate).about(what).with("text", text)))?;
    Ok(text.to_owned())
}

/// `Ok` if the period from `from` to `to` runs forwards.
pub(crate) fn period_forwards(from: &str, to: &str) -> Result<(), ApiError> {
    if from > to {
        return Err(problem(ProblemKey::PeriodBackwards)
            .with("from", from)
            .with("to", to)
            .into());
    }
    Ok(())
}

/// Minor units by commodity.
type Sums = BTreeMap<String, i128>;

/// Amounts per commodity as DTOs, in commodity order, zeros left out.
fn money_list(sums: &Sums) -> Vec<MoneyDto> {
    sums.iter()
        .filter(|(_, v)| **v != 0)
        .map(|(c, v)| MoneyDto::new(*v, c))
        .collect()
}

/// What the books' reads share: accounts, names and balances, read once.
struct Ledger {
    accounts: Vec<AccountRow>,
    names: HashMap<PublicKey, String>,
}

impl Ledger {
    /// The accounts and the members' names, from the projection.
    fn read(store: &sangam_store::Store, coop: CoopId) -> Result<Self, ApiError> {
        let names = crate::membership::members_in(store, coop)?
            .into_iter()
            .filter_map(|m| Some((m.key.parse().ok()?, m.name)))
            .collect();
        Ok(Self {
            accounts: store.book_accounts(coop)?,
            names,
        })
    }

    fn account_dto(&self, a: &AccountRow, balances: &BTreeMap<String, i128>) -> AccountDto {
        AccountDto {
            id: a.id.to_string(),
            name: a.name.clone(),
            account_type: type_of(&a.account_type),
            member: a.member.map(|m| m.to_string()),
            member_name: a.member.and_then(|m| self.names.get(&m).cloned()),
            role: a.role.as_deref().and_then(role_of),
            closed: a.closed,
            balances: money_list(balances),
        }
    }

    fn name_of(&self, account: &RecordId) -> String {
        self.accounts
            .iter()
            .find(|a| a.id == *account)
            .map_or_else(|| account.short(), |a| a.name.clone())
    }

    fn entry_dto(&self, e: &EntryRow) -> Result<EntryDto, ApiError> {
        let standing = EntryStanding::from_word(&e.standing).ok_or_else(|| {
            damaged(format!(
                "the books' projection is damaged: entry {} stands as {:?}",
                e.id.short(),
                e.standing
            ))
        })?;
        Ok(EntryDto {
            id: e.id.to_string(),
            date: e.date.clone(),
            description: e.description.clone(),
            payee: e.payee.clone(),
            author: e.author.to_string(),
            author_name: self.names.get(&e.author).cloned(),
            approved_by: e.approved_by.map(|p| p.to_string()),
            reverses: e.reverses.map(|r| r.to_string()),
            allocation: e.allocation,
            standing,
            postings: e
                .postings
                .iter()
                .map(|p| PostingDto {
                    account: p.account.to_string(),
                    account_name: self.name_of(&p.account),
                    amount: MoneyDto::new(i128::from(p.amount), &p.commodity),
                })
                .collect(),
        })
    }
}

/// Balances by account, then commodity.
fn by_account(rows: &[BalanceRow]) -> HashMap<RecordId, BTreeMap<String, i128>> {
    let mut out: HashMap<RecordId, BTreeMap<String, i128>> = HashMap::new();
    for row in rows {
        *out.entry(row.account)
            .or_default()
            .entry(row.commodity.clone())
            .or_default() += row.amount;
    }
    out
}

impl Node {
    /// Makes sure `coop`'s books are projected: the replica loaded, and the books rebuilt
    /// from the fold when the projection holds other counts than the fold (a home whose
    /// records came before the books' tables).
    pub(crate) fn books_ready(&mut self, coop: CoopId) -> Result<(), ApiError> {
        if self.books_checked.contains(&coop) {
            return Ok(());
        }
        // Every commit keeps the projection current once it is: only a co-op of a home from
        // before the books were projected, or one where a fork was found, is replayed to
        // check it.
        if self.store.books_current(coop)? {
            self.books_checked.insert(coop);
            return Ok(());
        }
        let replica = self.replica(coop)?;
        let (accounts, entries) = replica.fold().ledger_counts();
        let stored = self.store.book_counts(coop)?;
        if stored != (accounts as u64, entries as u64) {
            let (accounts, entries) = projection::all_books(self.replica(coop)?.fold());
            self.store.rebuild_books(coop, &accounts, &entries)?;
        } else {
            self.store.mark_books_current(coop)?;
        }
        self.books_checked.insert(coop);
        Ok(())
    }
}

impl Home {
    fn ledger(&self, coop: CoopId) -> Result<Ledger, ApiError> {
        self.node().books_ready(coop)?;
        Ledger::read(&self.reader(), coop)
    }

    /// Rebuilds `coop`'s books' projection from the fold of its change log (what opening
    /// a home does by itself when the projection disagrees with the log).
    pub fn rebuild_books(&self, coop: CoopId) -> Result<(), ApiError> {
        let mut node = self.node();
        let (accounts, entries) = projection::all_books(node.replica(coop)?.fold());
        node.store.rebuild_books(coop, &accounts, &entries)?;
        Ok(())
    }

    /// Every account, in the order opened, with its balances now.
    pub fn accounts(&self, coop: CoopId) -> Result<Vec<AccountDto>, ApiError> {
        let ledger = self.ledger(coop)?;
        let balances = by_account(&self.reader().balances(coop, None)?);
        let empty = BTreeMap::new();
        Ok(ledger
            .accounts
            .iter()
            .map(|a| ledger.account_dto(a, balances.get(&a.id).unwrap_or(&empty)))
            .collect())
    }

    /// The journal, newest first, as `filter` selects it.
    pub fn journal(&self, coop: CoopId, filter: &JournalFilter) -> Result<Vec<EntryDto>, ApiError> {
        let ledger = self.ledger(coop)?;
        let query = JournalQuery {
            account: filter
                .account
                .as_deref()
                .map(|a| find_account(&ledger.accounts, a).map(|a| a.id))
                .transpose()?,
            member: filter
                .member
                .as_deref()
                .map(|m| crate::key_from_text(m, Thing::TheMember))
                .transpose()?,
            from: filter
                .from
                .as_deref()
                .map(|d| date_arg(d, Thing::PeriodStart))
                .transpose()?,
            to: filter
                .to
                .as_deref()
                .map(|d| date_arg(d, Thing::PeriodEnd))
                .transpose()?,
            text: filter.search.clone(),
            limit: filter.limit.unwrap_or(0),
        };
        if filter.limit == Some(0) {
            // As `sangam log --limit 0`: the first none.
            return Ok(vec![]);
        }
        let rows = self.reader().journal(coop, &query)?;
        rows.iter().map(|e| ledger.entry_dto(e)).collect()
    }

    /// The balance sheet now, or at the end of day `at`: every account by type.
    pub fn balance_sheet(
        &self,
        coop: CoopId,
        at: Option<&str>,
    ) -> Result<BalanceSheetDto, ApiError> {
        let at = at.map(|d| date_arg(d, Thing::EntryDate)).transpose()?;
        let ledger = self.ledger(coop)?;
        let balances = by_account(&self.reader().balances(coop, at.as_deref())?);
        let empty = BTreeMap::new();
        let groups = [
            AccountType::Asset,
            AccountType::Liability,
            AccountType::Equity,
            AccountType::Income,
            AccountType::Expense,
        ]
        .into_iter()
        .map(|t| {
            let mut totals: BTreeMap<String, i128> = BTreeMap::new();
            let accounts = ledger
                .accounts
                .iter()
                .filter(|a| type_of(&a.account_type) == t)
                .filter(|a| !a.closed || balances.contains_key(&a.id))
                .map(|a| {
                    let b = balances.get(&a.id).unwrap_or(&empty);
                    for (c, v) in b {
                        *totals.entry(c.clone()).or_default() += v;
                    }
                    ledger.account_dto(a, b)
                })
                .collect();
            BookGroupDto {
                account_type: t,
                accounts,
                totals: money_list(&totals),
            }
        })
        .collect();
        let funds = ledger
            .accounts
            .iter()
            .filter(|a| matches!(a.role.as_deref(), Some("reserve" | "education")))
            .map(|a| ledger.account_dto(a, balances.get(&a.id).unwrap_or(&empty)))
            .collect();
        Ok(BalanceSheetDto {
            at,
            currency: self.node().currency_of(coop)?,
            groups,
            funds,
        })
    }

    /// The income statement from `from` to `to` (both included).
    pub fn income_statement(
        &self,
        coop: CoopId,
        from: &str,
        to: &str,
    ) -> Result<IncomeStatementDto, ApiError> {
        let (from, to) = (
            date_arg(from, Thing::PeriodStart)?,
            date_arg(to, Thing::PeriodEnd)?,
        );
        period_forwards(&from, &to)?;
        let ledger = self.ledger(coop)?;
        let flows = by_account(&self.reader().flows(coop, Some(&from), Some(&to))?);
        let mut net: BTreeMap<String, i128> = BTreeMap::new();
        let mut side = |t: AccountType| -> Vec<AccountDto> {
            ledger
                .accounts
                .iter()
                .filter(|a| type_of(&a.account_type) == t)
                .filter_map(|a| {
                    // Income is credited (negative) and expenses debited: both shown positive.
                    let shown: BTreeMap<String, i128> = flows
                        .get(&a.id)?
                        .iter()
                        .map(|(c, v)| {
                            *net.entry(c.clone()).or_default() -= v;
                            (c.clone(), if t == AccountType::Income { -v } else { *v })
                        })
                        .collect();
                    Some(ledger.account_dto(a, &shown))
                })
                .collect()
        };
        let income = side(AccountType::Income);
        let expenses = side(AccountType::Expense);
        Ok(IncomeStatementDto {
            from,
            to,
            income,
            expenses,
            net: money_list(&net),
        })
    }

    /// Income and expenses month by month, from `from` to `to`.
    pub fn monthly(&self, coop: CoopId, from: &str, to: &str) -> Result<Vec<MonthDto>, ApiError> {
        let (from, to) = (
            date_arg(from, Thing::PeriodStart)?,
            date_arg(to, Thing::PeriodEnd)?,
        );
        let ledger = self.ledger(coop)?;
        let kind: HashMap<RecordId, AccountType> = ledger
            .accounts
            .iter()
            .map(|a| (a.id, type_of(&a.account_type)))
            .collect();
        let mut months: BTreeMap<String, (Sums, Sums)> = BTreeMap::new();
        for (month, row) in self.reader().monthly_flows(coop, &from, &to)? {
            let (income, expenses) = months.entry(month).or_default();
            match kind.get(&row.account) {
                Some(AccountType::Income) => {
                    *income.entry(row.commodity).or_default() -= row.amount;
                }
                Some(AccountType::Expense) => {
                    *expenses.entry(row.commodity).or_default() += row.amount;
                }
                _ => {}
            }
        }
        Ok(months
            .into_iter()
            .map(|(month, (income, expenses))| MonthDto {
                month,
                income: money_list(&income),
                expenses: money_list(&expenses),
            })
            .collect())
    }

    /// The capital statements of every member's capital account, or of one member's.
    pub fn capital(&self, coop: CoopId, member: Option<&str>) -> Result<Vec<CapitalDto>, ApiError> {
        let only = member
            .map(|m| crate::key_from_text(m, Thing::TheMember))
            .transpose()?;
        let ledger = self.ledger(coop)?;
        let reader = self.reader();
        let mut out = Vec::new();
        for a in &ledger.accounts {
            let Some(owner) = a.member else { continue };
            if only.is_some_and(|o| o != owner) {
                continue;
            }
            let lines = reader
                .capital(coop, &a.id)?
                .into_iter()
                .map(|c| {
                    let m = |v: i128| MoneyDto::new(v, &c.commodity);
                    CapitalLineDto {
                        paid_in: m(c.paid_in),
                        allocated: m(c.allocated),
                        withdrawn: m(c.withdrawn),
                        balance: m(c.paid_in + c.allocated - c.withdrawn),
                    }
                })
                .collect();
            out.push(CapitalDto {
                member: owner.to_string(),
                name: ledger.names.get(&owner).cloned(),
                account: a.id.to_string(),
                account_name: a.name.clone(),
                lines,
            });
        }
        Ok(out)
    }
}

/// "12.50 EUR" for an amount, for messages.
pub(crate) fn amount_words(minor: i128, commodity: &str) -> String {
    money_text(minor, commodity)
}

#[cfg(test)]
mod tests {
    use sangam_model::CoopId;
    use sangam_model::ledger::AccountType;

    use super::{AccountDraft, EntryDraft, PostingDraft};
    use crate::Home;

    fn account(home: &Home, coop: CoopId, name: &str, account_type: AccountType) {
        home.open_account(
            coop,
            &AccountDraft {
                name: name.into(),
                account_type,
                member: None,
                role: None,
            },
        )
        .expect("account");
    }

    /// Bank's balance as the balance sheet shows it, and whether reading it loaded the
    /// co-op's replica (a replay of the whole change log).
    fn bank(home: &Home, coop: CoopId) -> (String, bool) {
        let accounts = home.accounts(coop).expect("accounts");
        let bank = accounts.iter().find(|a| a.name == "Bank").expect("bank");
        let text = bank
            .balances
            .first()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        (text, home.node().replicas.contains_key(&coop))
    }

    #[test]
    fn the_books_of_a_home_are_read_from_its_projection_without_a_replay() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let path = dir.path().join("home");
        let home = Home::open(&path).expect("opens");
        home.create_identity("Asha").expect("identity");
        let coop: CoopId = home
            .create_coop("Bakery", "EUR")
            .expect("coop")
            .id
            .parse()
            .expect("id");
        account(&home, coop, "Bank", AccountType::Asset);
        account(&home, coop, "Sales", AccountType::Income);
        let line = |account: &str, amount: &str| PostingDraft {
            account: account.into(),
            amount: amount.into(),
            commodity: None,
            member: None,
        };
        home.post_entry(
            coop,
            &EntryDraft {
                date: "2026-12-01".into(),
                description: "Market".into(),
                payee: None,
                postings: vec![line("Bank", "12.50"), line("Sales", "-12.50")],
                approved_by: None,
            },
        )
        .expect("entry");
        drop(home);

        let home = Home::open(&path).expect("reopens");
        assert_eq!(bank(&home, coop), ("12.50".into(), false));
        drop(home);

        // A home from before the mark (or after a fork): checked against the fold once,
        // by a replay, then marked.
        let db = rusqlite::Connection::open(path.join(crate::DB_FILE)).expect("db");
        db.execute("DELETE FROM books_current", [])
            .expect("unmarked");
        drop(db);
        let home = Home::open(&path).expect("reopens");
        assert_eq!(bank(&home, coop), ("12.50".into(), true));
        drop(home);
        let home = Home::open(&path).expect("reopens");
        assert_eq!(bank(&home, coop), ("12.50".into(), false));
    }
}
