//! Splitting a surplus: the bylaws' reserve and education shares first, then the rest in
//! proportion to each member's basis (labour logged, or use recorded), exactly, in integer
//! minor units (docs/protocol.md "Patronage").
//!
//! The remainder rule is the largest-remainder method: every member first gets the floor
//! of their exact share; the minor units left over go one each to the members whose
//! exact shares lost the most to that floor, ties going to the lower member key. The
//! parts always sum to the surplus, and every laptop computes the same parts.

use std::collections::BTreeMap;

use crate::keys::PublicKey;

/// A surplus split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// To the indivisible reserve.
    pub reserve: i64,
    /// To the education fund.
    pub education: i64,
    /// To each member with a basis, in key order (members whose share rounds to 0
    /// included).
    pub members: Vec<(PublicKey, i64)>,
}

impl Split {
    /// Every part added up: always the surplus split.
    pub fn total(&self) -> i128 {
        i128::from(self.reserve)
            + i128::from(self.education)
            + self
                .members
                .iter()
                .map(|(_, a)| i128::from(*a))
                .sum::<i128>()
    }
}

/// Why a surplus cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// Nothing to split.
    #[error("the surplus must be more than 0")]
    NoSurplus,
    /// The shares are out of range.
    #[error("the reserve and education shares add up to more than 100%")]
    Shares,
    /// No member has a basis in the period.
    #[error("no member has any basis (labour or use) in the period")]
    NoBasis,
}

/// Splits `surplus` minor units: `reserve_pct` and `education_pct` percent (rounded
/// down) first, the rest by `basis`.
pub fn split_surplus(
    surplus: i64,
    reserve_pct: u8,
    education_pct: u8,
    basis: &BTreeMap<PublicKey, u64>,
) -> Result<Split, SplitError> {
    if surplus <= 0 {
        return Err(SplitError::NoSurplus);
    }
    if u16::from(reserve_pct) + u16::from(education_pct) > 100 {
        return Err(SplitError::Shares);
    }
    let whole: u128 = basis.values().map(|b| u128::from(*b)).sum();
    if whole == 0 {
        return Err(SplitError::NoBasis);
    }
    let s = i128::from(surplus);
    let reserve = s * i128::from(reserve_pct) / 100;
    let education = s * i128::from(education_pct) / 100;
    let rest = (s - reserve - education) as u128;
    // Exact share of member i: rest * b_i / whole; its floor and what the floor dropped.
    let mut parts: Vec<(PublicKey, u128, u128)> = basis
        .iter()
        .map(|(member, b)| {
            let exact = rest * u128::from(*b);
            (*member, exact / whole, exact % whole)
        })
        .collect();
    let given: u128 = parts.iter().map(|(_, floor, _)| floor).sum();
    let left = (rest - given) as usize;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        parts[b]
            .2
            .cmp(&parts[a].2)
            .then(parts[a].0.cmp(&parts[b].0))
    });
    for &i in order.iter().take(left) {
        parts[i].1 += 1;
    }
    Ok(Split {
        reserve: reserve as i64,
        education: education as i64,
        members: parts
            .into_iter()
            .map(|(member, amount, _)| (member, amount as i64))
            .collect(),
    })
}
