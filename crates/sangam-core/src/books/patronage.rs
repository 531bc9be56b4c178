//! Patronage: a period's surplus split by the bylaws' reserve and education shares and
//! the members' labour or use (docs/protocol.md "Patronage"), shown before it is posted, and
//! posted as one entry citing the proposal that approved it.

use std::collections::BTreeMap;

use serde::Serialize;

use sangam_model::ledger::{Allocation, Basis, LedgerEntry, Posting, Standing, split_surplus};
use sangam_model::{Body, CoopId, PublicKey};
use sangam_store::AccountRow;

use super::{Home, MoneyDto, Node, date_arg, period_forwards};
use crate::ApiError;
use crate::money::parse_money_marked;
use crate::problem::{ProblemKey, Thing, problem};

/// A member's labour in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LabourSummaryDto {
    /// The member (hex).
    pub member: String,
    /// Their name.
    pub name: Option<String>,
    /// Minutes logged.
    pub minutes: u64,
}

/// One part of a split.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SplitLineDto {
    /// The account credited (hex).
    pub account: String,
    /// Its name.
    pub account_name: String,
    /// The member, for a patronage share (hex).
    pub member: Option<String>,
    /// Their name.
    pub name: Option<String>,
    /// Their minutes of labour in the period (basis labour).
    pub minutes: Option<u64>,
    /// What they used in the period (basis use).
    pub used: Option<MoneyDto>,
    /// The part.
    pub amount: MoneyDto,
}

/// A surplus split, previewed or posted.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PatronageDto {
    /// The period's first day.
    pub from: String,
    /// Its last day.
    pub to: String,
    /// The surplus split.
    pub surplus: MoneyDto,
    /// The account the surplus is taken from (hex), and its name.
    pub surplus_account: String,
    /// Its name.
    pub surplus_account_name: String,
    /// The reserve's part (the bylaws' `reserve_pct`).
    pub reserve: Option<SplitLineDto>,
    /// The education fund's part.
    pub education: Option<SplitLineDto>,
    /// Each member's part, by the basis.
    pub members: Vec<SplitLineDto>,
    /// What the members' parts follow.
    pub basis: Basis,
    /// The reserve's and education fund's shares in percent, as the bylaws say.
    pub reserve_pct: u8,
    /// The education fund's share.
    pub education_pct: u8,
    /// The posted entry (hex), once allocated.
    pub entry: Option<String>,
}

/// The one account with `role`, or why there is none.
fn fund<'a>(accounts: &'a [AccountRow], role: &str) -> Result<&'a AccountRow, ApiError> {
    let found: Vec<&AccountRow> = accounts
        .iter()
        .filter(|a| !a.closed && a.role.as_deref() == Some(role))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(problem(ProblemKey::NoRoleAccount).with("role", role).into()),
        _ => Err(problem(ProblemKey::SeveralRoleAccounts)
            .with("role", role)
            .into()),
    }
}

impl Node {
    /// The split and the entry that would post it.
    fn patronage_plan(
        &mut self,
        coop: CoopId,
        from: &str,
        to: &str,
        surplus: &str,
        basis: Basis,
    ) -> Result<(PatronageDto, LedgerEntry), ApiError> {
        let (from, to) = (
            date_arg(from, Thing::PeriodStart)?,
            date_arg(to, Thing::PeriodEnd)?,
        );
        period_forwards(&from, &to)?;
        let currency = self.currency_of(coop)?;
        let mark = self.decimal_mark(coop)?;
        let (surplus, commodity) = parse_money_marked(surplus, Some(&currency), mark)?;
        let state = self.state(coop)?;
        let bylaws = state.bylaws.clone().unwrap_or_default().ledger;
        let accounts = self.book_accounts(coop)?;
        let fold = self.replica(coop)?.fold();
        let weights: BTreeMap<PublicKey, u64> = match basis {
            Basis::Labour => fold.labour_between(&from, &to),
            Basis::Use => fold.use_between(&from, &to, &commodity),
        }
        .into_iter()
        .filter(|(_, w)| *w > 0)
        .collect();
        let split = split_surplus(surplus, bylaws.reserve_pct, bylaws.education_pct, &weights)
            .map_err(|e| ApiError::from(problem(ProblemKey::BadField).with("detail", e)))?;
        let name = |k: &PublicKey| state.member(k).map(|m| m.name.clone());
        let from_account = fund(&accounts, "surplus")?;
        // The fold counts one allocation of a period (and basis); one that overlaps an
        // allocation that counts or awaits its vote would count for nothing, and one larger
        // than the surplus account holds would overdraw it: both are refused here.
        let journal = fold.journal();
        if let Some(other) = journal.iter().find(|e| {
            e.entry
                .allocates
                .as_ref()
                .is_some_and(|a| a.basis == basis && a.from <= to && from <= a.to)
                && matches!(e.standing, Standing::Counts | Standing::AwaitingVote(_))
        }) {
            let a = other
                .entry
                .allocates
                .as_ref()
                .expect("found as an allocation");
            let key = if other.standing.counts() {
                ProblemKey::SurplusAllocated
            } else {
                ProblemKey::SurplusAllocating
            };
            return Err(problem(key)
                .with("from", &a.from)
                .with("to", &a.to)
                .with("entry", other.id.short())
                .into());
        }
        let held = -fold
            .balances()
            .get(&(from_account.id, commodity.clone()))
            .copied()
            .unwrap_or(0);
        if i128::from(surplus) > held {
            return Err(problem(ProblemKey::SurplusShort)
                .with("account", &from_account.name)
                .with("holds", crate::money::money_text(held, &commodity))
                .with(
                    "wanted",
                    crate::money::money_text(i128::from(surplus), &commodity),
                )
                .into());
        }
        let mut postings = vec![Posting {
            account: from_account.id,
            amount: surplus,
            commodity: commodity.clone(),
            member: None,
        }];
        let mut line = |account: &AccountRow, member: Option<PublicKey>, amount: i64| {
            if amount > 0 {
                postings.push(Posting {
                    account: account.id,
                    amount: -amount,
                    commodity: commodity.clone(),
                    member: None,
                });
            }
            SplitLineDto {
                account: account.id.to_string(),
                account_name: account.name.clone(),
                member: member.map(|m| m.to_string()),
                name: member.as_ref().and_then(name),
                minutes: member
                    .filter(|_| basis == Basis::Labour)
                    .and_then(|m| weights.get(&m).copied()),
                used: member
                    .filter(|_| basis == Basis::Use)
                    .and_then(|m| weights.get(&m))
                    .map(|u| MoneyDto::new(i128::from(*u), &commodity)),
                amount: MoneyDto::new(i128::from(amount), &commodity),
            }
        };
        let reserve = (bylaws.reserve_pct > 0)
            .then(|| fund(&accounts, "reserve").map(|a| line(a, None, split.reserve)))
            .transpose()?;
        let education = (bylaws.education_pct > 0)
            .then(|| fund(&accounts, "education").map(|a| line(a, None, split.education)))
            .transpose()?;
        let mut members = Vec::new();
        for (member, amount) in &split.members {
            let capital = accounts
                .iter()
                .find(|a| !a.closed && a.member == Some(*member))
                .ok_or_else(|| {
                    ApiError::from(
                        problem(ProblemKey::NoCapitalAccount)
                            .with("member", name(member).unwrap_or_else(|| member.short())),
                    )
                })?;
            members.push(line(capital, Some(*member), *amount));
        }
        let dto = PatronageDto {
            from: from.clone(),
            to: to.clone(),
            surplus: MoneyDto::new(i128::from(surplus), &commodity),
            surplus_account: from_account.id.to_string(),
            surplus_account_name: from_account.name.clone(),
            reserve,
            education,
            members,
            basis,
            reserve_pct: bylaws.reserve_pct,
            education_pct: bylaws.education_pct,
            entry: None,
        };
        let entry = LedgerEntry {
            date: to.clone(),
            description: format!(
                "Surplus of {from} to {to} allocated by {}",
                if basis == Basis::Labour {
                    "labour"
                } else {
                    "use"
                }
            ),
            postings,
            payee: None,
            approved_by: None,
            reverses: None,
            allocates: Some(Allocation { from, to, basis }),
            reference: None,
        };
        Ok((dto, entry))
    }
}

impl Home {
    /// The split of `surplus` ("12000 INR"; a bare number is in the co-op's currency) for
    /// the period `from` to `to`, by `basis`: computed, nothing posted.
    pub fn patronage_preview(
        &self,
        coop: CoopId,
        from: &str,
        to: &str,
        surplus: &str,
        basis: Basis,
    ) -> Result<PatronageDto, ApiError> {
        Ok(self
            .node()
            .patronage_plan(coop, from, to, surplus, basis)?
            .0)
    }

    /// Posts the split as one entry citing `proposal` (id or prefix), which must pass for
    /// the entry to count.
    pub fn allocate_patronage(
        &self,
        coop: CoopId,
        from: &str,
        to: &str,
        surplus: &str,
        basis: Basis,
        proposal: &str,
    ) -> Result<PatronageDto, ApiError> {
        self.node().judged_write(coop, |node| {
            let (mut dto, mut entry) = node.patronage_plan(coop, from, to, surplus, basis)?;
            entry.approved_by = Some(node.find_proposal(coop, proposal)?);
            let id = node.write_returning(coop, Body::LedgerEntry(entry))?;
            dto.entry = Some(id.to_string());
            Ok(dto)
        })
    }

    /// Minutes of labour logged from `from` to `to`, by member.
    pub fn labour(
        &self,
        coop: CoopId,
        from: &str,
        to: &str,
    ) -> Result<Vec<LabourSummaryDto>, ApiError> {
        let (from, to) = (
            date_arg(from, Thing::PeriodStart)?,
            date_arg(to, Thing::PeriodEnd)?,
        );
        let mut node = self.node();
        let state = node.state(coop)?;
        let minutes = node.replica(coop)?.fold().labour_between(&from, &to);
        Ok(minutes
            .into_iter()
            .map(|(k, minutes)| LabourSummaryDto {
                member: k.to_string(),
                name: state.member(&k).map(|x| x.name.clone()),
                minutes,
            })
            .collect())
    }
}
