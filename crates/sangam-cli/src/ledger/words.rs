//! Reading what a member typed for the books: account types, funds, postings, periods,
//! members and days. The messages name what was typed.

use anyhow::{Context, Result, bail};
use sangam_core::{AccountRole, AccountType, Basis, CoopId, Home, PostingDraft};

use crate::resolve;
use crate::show::when;

/// An account's type by name.
pub fn account_type(word: &str) -> Result<AccountType> {
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

/// A fund's role by name.
pub fn role(word: &str) -> Result<AccountRole> {
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
pub fn posting(home: &Home, coop: CoopId, text: &str) -> Result<PostingDraft> {
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
pub fn period(text: &str) -> Result<(String, String)> {
    let (from, to) = text.split_once("..").with_context(|| {
        format!("a period is FROM..TO, like 2026-01-01..2026-03-31, not {text:?}")
    })?;
    Ok((from.trim().to_owned(), to.trim().to_owned()))
}

/// A member named by key or unique prefix, as the key's text.
pub fn member_key(home: &Home, coop: CoopId, member: Option<String>) -> Result<Option<String>> {
    member
        .map(|m| resolve::member(home, coop, &m).map(|k| k.to_string()))
        .transpose()
}

/// Today's date, YYYY-MM-DD, by the home's clock.
pub fn today(home: &Home) -> String {
    when(home.now())[..10].to_owned()
}

/// A patronage split's basis: `labour` or `use`.
pub fn basis(word: &str) -> Result<Basis> {
    Ok(match word {
        "labour" => Basis::Labour,
        "use" => Basis::Use,
        other => bail!(
            "the basis is labour (hours logged with `sangam labour log`) or use (sales posted for a member), not {other:?}"
        ),
    })
}
