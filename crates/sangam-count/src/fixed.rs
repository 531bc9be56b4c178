//! Fixed-point decimals: every laptop computes the same bits.
//!
//! STV counts divide votes into fractions. Floating point would let two laptops disagree
//! in the last bit, and a tie or a defeat can turn on that bit; so each method counts in
//! decimal fixed point with the places and the rounding its rule states (Meek: 9 places,
//! Scottish STV: 5), in integers.

use std::fmt;

/// Which way a result that does not fit the places is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards zero ("any remainder being ignored").
    Down,
    /// Away from zero.
    Up,
}

/// A non-negative decimal with `P` places, held as an integer count of 10^-P units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed<const P: u32>(i64);

impl<const P: u32> Fixed<P> {
    /// 10^P: the units in one.
    pub const SCALE: i64 = 10i64.pow(P);
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One.
    pub const ONE: Self = Self(Self::SCALE);
    /// The smallest step, 10^-P.
    pub const EPSILON: Self = Self(1);

    /// A whole number.
    pub fn whole(n: u64) -> Self {
        Self(n as i64 * Self::SCALE)
    }

    /// From a count of 10^-P units.
    pub const fn from_units(units: i64) -> Self {
        Self(units)
    }

    /// The count of 10^-P units.
    pub fn units(self) -> i64 {
        self.0
    }

    /// `self × other`, rounded to the places.
    pub fn mul(self, other: Self, rounding: Rounding) -> Self {
        Self(divide(
            self.0 as i128 * other.0 as i128,
            Self::SCALE as i128,
            rounding,
        ))
    }

    /// `self ÷ other`, rounded to the places.
    pub fn div(self, other: Self, rounding: Rounding) -> Self {
        Self(divide(
            self.0 as i128 * Self::SCALE as i128,
            other.0 as i128,
            rounding,
        ))
    }

    /// `self × num ÷ den`, computed exactly and then rounded once.
    pub fn mul_div(self, num: Self, den: Self, rounding: Rounding) -> Self {
        Self(divide(
            self.0 as i128 * num.0 as i128,
            den.0 as i128,
            rounding,
        ))
    }

    /// `self × n` (exact).
    pub fn times(self, n: u64) -> Self {
        Self(self.0 * n as i64)
    }

    /// `self ÷ n`, rounded to the places.
    pub fn over(self, n: u64, rounding: Rounding) -> Self {
        Self(divide(self.0 as i128, n as i128, rounding))
    }

    /// The decimal as a [`Decimal`], for results that do not depend on the method.
    pub fn decimal(self) -> Decimal {
        Decimal {
            units: self.0,
            places: P as u8,
        }
    }
}

impl<const P: u32> std::ops::Add for Fixed<P> {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl<const P: u32> std::ops::AddAssign for Fixed<P> {
    fn add_assign(&mut self, other: Self) {
        self.0 += other.0;
    }
}

impl<const P: u32> std::ops::Sub for Fixed<P> {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        Self(self.0 - other.0)
    }
}

impl<const P: u32> std::ops::SubAssign for Fixed<P> {
    fn sub_assign(&mut self, other: Self) {
        self.0 -= other.0;
    }
}

impl<const P: u32> std::iter::Sum for Fixed<P> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

fn divide(n: i128, d: i128, rounding: Rounding) -> i64 {
    let q = n.div_euclid(d);
    let exact = n.rem_euclid(d) == 0;
    let q = match rounding {
        Rounding::Down => q,
        Rounding::Up if exact => q,
        Rounding::Up => q + 1,
    };
    i64::try_from(q)
        .expect("a count's totals fit in 64 bits (ballots are limited to keep them there)")
}

/// A decimal with its places, as a count reports it: "1381.00000" in Scottish STV,
/// "0.500000001" in Meek. Serialized as that text, so a report keeps every digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// The count of 10^-places units.
    pub units: i64,
    /// How many decimal places.
    pub places: u8,
}

impl Decimal {
    /// Parses "12.345" (as many places as written; no sign, no exponent).
    pub fn parse(text: &str) -> Option<Decimal> {
        let (whole, frac) = match text.split_once('.') {
            Some((_, "")) => return None,
            Some(parts) => parts,
            None => (text, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // One way to write each number: "01.5" is refused, "0.5" is not.
        if whole.len() > 1 && whole.starts_with('0') {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 18 {
            return None;
        }
        let places = frac.len() as u32;
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        let units = whole
            .checked_mul(10i64.checked_pow(places)?)?
            .checked_add(frac)?;
        Some(Decimal {
            units,
            places: places as u8,
        })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.places == 0 {
            return write!(f, "{}", self.units);
        }
        let scale = 10i64.pow(self.places as u32);
        let sign = if self.units < 0 { "-" } else { "" };
        let units = self.units.unsigned_abs();
        let scale = scale as u64;
        write!(
            f,
            "{sign}{}.{:0width$}",
            units / scale,
            units % scale,
            width = self.places as usize
        )
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Decimal::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a decimal: {text:?}")))
    }
}

impl<const P: u32> fmt::Display for Fixed<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.decimal().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Nine = Fixed<9>;

    #[test]
    fn products_and_quotients_round_the_way_they_are_told() {
        let third = Nine::ONE.div(Nine::whole(3), Rounding::Down);
        assert_eq!(third.to_string(), "0.333333333");
        assert_eq!(
            Nine::ONE.div(Nine::whole(3), Rounding::Up).to_string(),
            "0.333333334"
        );
        assert_eq!(third.mul(third, Rounding::Down).to_string(), "0.111111110");
        assert_eq!(third.mul(third, Rounding::Up).to_string(), "0.111111111");
        // Exact results are not moved by rounding up.
        assert_eq!(
            Nine::whole(6).div(Nine::whole(3), Rounding::Up),
            Nine::whole(2)
        );
        assert_eq!(
            Nine::whole(7).over(2, Rounding::Down).to_string(),
            "3.500000000"
        );
    }

    #[test]
    fn decimals_read_back_what_they_print() {
        for text in ["0.000000001", "1381.00000", "12", "2.5", "0", "0.5"] {
            assert_eq!(Decimal::parse(text).expect("parses").to_string(), text);
        }
        for text in ["", ".5", "1.", "-1", "1e3", "1.2.3", "01.5", "00"] {
            assert_eq!(Decimal::parse(text), None, "{text:?}");
        }
    }
}
