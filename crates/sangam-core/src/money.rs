//! Amounts as members write and read them: "1,250.50 INR" is 125050 minor units of INR.
//! A currency's decimal places are ISO 4217's (INR and EUR 2, JPY 0) from a maintained
//! table (the `iso_currency` crate); a co-op's own unit (HOURS) has none.

use crate::ApiError;
use crate::problem::{ProblemKey, problem};

/// Decimal places of a commodity: ISO 4217's for a currency, none for a co-op's own unit.
pub fn places(commodity: &str) -> u32 {
    iso_currency::Currency::from_code(commodity)
        .and_then(|c| c.exponent())
        .map_or(0, u32::from)
}

/// `code` if it is a commodity code, else why not.
pub(crate) fn check_commodity(code: &str) -> Result<(), ApiError> {
    sangam_model::membership::check_currency(code)
        .map_err(|_| problem(ProblemKey::BadCommodity).with("text", code).into())
}

/// The mark that separates an amount's whole part from its fraction. The other one may
/// group the whole part's digits in threes.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// "1,250.50": what members type unless their co-op's setting says otherwise, and
    /// most banks' exports.
    #[default]
    Point,
    /// "1.250,50": a co-op whose members write a decimal comma (its setting on this
    /// home), or a statement whose rules file says `decimal-mark ,`.
    Comma,
}

impl DecimalMark {
    /// The setting's word: `point` or `comma`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecimalMark::Point => "point",
            DecimalMark::Comma => "comma",
        }
    }

    /// `point` or `.`, `comma` or `,`.
    pub fn from_word(word: &str) -> Result<Self, ApiError> {
        match word.trim() {
            "point" | "." => Ok(DecimalMark::Point),
            "comma" | "," => Ok(DecimalMark::Comma),
            other => Err(problem(ProblemKey::BadDecimalMark)
                .with("text", other)
                .into()),
        }
    }

    fn marks(self) -> (char, char) {
        match self {
            DecimalMark::Point => ('.', ','),
            DecimalMark::Comma => (',', '.'),
        }
    }
}

/// `amount` ("-12.5", "1,250.50") in minor units of `commodity`: more decimals than the
/// commodity has, or more than 2^53 − 1 minor units, is refused with why.
pub fn parse_minor(amount: &str, commodity: &str) -> Result<i64, ApiError> {
    parse_minor_marked(amount, commodity, DecimalMark::Point)
}

/// Like [`parse_minor`], with `mark` as the decimal mark. The other mark is read only as
/// a thousands separator where it is one beyond doubt — between groups of exactly three
/// digits, after a first group of one to three, in the whole part — and anything else
/// that holds it ("1,5", "1,2,3", "5,", "-12,50" with a decimal point) is refused with what
/// it would mean, never read as a different number.
pub fn parse_minor_marked(
    amount: &str,
    commodity: &str,
    mark: DecimalMark,
) -> Result<i64, ApiError> {
    let exp = places(commodity);
    let (negative, digits_text) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount.strip_prefix('+').unwrap_or(amount)),
    };
    let (decimal, grouping) = mark.marks();
    let (grouped, fraction) = digits_text.split_once(decimal).unwrap_or((digits_text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = grouped.split(grouping).collect();
    let well_grouped =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !well_grouped || fraction.contains(grouping) {
        let sign = if negative { "-" } else { "" };
        // One misplaced mark and no decimal mark: most likely a decimal mark from habit.
        let meant = match digits_text.split_once(grouping) {
            Some((w, f))
                if !f.contains(grouping) && !digits_text.contains(decimal) && !f.is_empty() =>
            {
                let w = if w.is_empty() { "0" } else { w };
                Some(format!("{sign}{w}{decimal}{f}"))
            }
            Some((w, "")) if !w.contains(decimal) => Some(format!("{sign}{w}")),
            _ => None,
        };
        let said = match &meant {
            Some(meant) => problem(ProblemKey::AmbiguousAmount).with("meant", meant),
            None => problem(ProblemKey::StrayGrouping),
        };
        return Err(said
            .with("amount", amount)
            .with("grouping", grouping)
            .with("decimal", decimal)
            .into());
    }
    let whole = groups.concat();
    if !digits(&whole) || !(fraction.is_empty() || digits(fraction)) {
        return Err(problem(ProblemKey::NotAnAmount)
            .with("amount", amount)
            .into());
    }
    let whole = whole.as_str();
    if fraction.len() > exp as usize {
        return Err(problem(ProblemKey::TooPrecise)
            .with("commodity", commodity)
            .with("places", exp)
            .with("amount", amount)
            .into());
    }
    let too_large = || -> ApiError {
        problem(ProblemKey::TooLarge)
            .with("amount", amount)
            .with("commodity", commodity)
            .into()
    };
    let scale = 10i64.pow(exp);
    let padded = format!("{fraction:0<width$}", width = exp as usize);
    let minor = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(scale))
        .and_then(|w| {
            w.checked_add(if padded.is_empty() {
                0
            } else {
                padded.parse().ok()?
            })
        })
        .filter(|m| *m <= sangam_model::canonical::MAX_SAFE_INTEGER)
        .ok_or_else(too_large)?;
    Ok(if negative { -minor } else { minor })
}

/// "AMOUNT COMMODITY" ("15.50 EUR"; the commodity upper-cased), or a bare amount in
/// `default` when there is one.
pub fn parse_money(text: &str, default: Option<&str>) -> Result<(i64, String), ApiError> {
    parse_money_marked(text, default, DecimalMark::Point)
}

/// Like [`parse_money`], with `mark` as the decimal mark (the co-op's setting on this
/// home: [`crate::Home::set_decimal_mark`]).
pub fn parse_money_marked(
    text: &str,
    default: Option<&str>,
    mark: DecimalMark,
) -> Result<(i64, String), ApiError> {
    let mut parts = text.split_whitespace();
    let (amount, commodity) = match (parts.next(), parts.next(), parts.next(), default) {
        (Some(amount), Some(commodity), None, _) => (amount, commodity.to_ascii_uppercase()),
        (Some(amount), None, None, Some(default)) => (amount, default.to_owned()),
        _ => {
            return Err(problem(ProblemKey::NotMoney).with("text", text).into());
        }
    };
    check_commodity(&commodity)?;
    Ok((parse_minor_marked(amount, &commodity, mark)?, commodity))
}

/// Minor units in words, without the commodity: "-1250.50" for -125050 INR.
pub fn minor_text(minor: i128, commodity: &str) -> String {
    let exp = places(commodity);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u128.pow(exp);
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exp as usize
    )
}

/// Minor units in words with the commodity: "15.50 EUR".
pub fn money_text(minor: i128, commodity: &str) -> String {
    format!("{} {commodity}", minor_text(minor, commodity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_that_could_mean_two_numbers_is_refused_with_what_it_would_mean() {
        for (text, suggestion) in [
            ("1,5", "write 1.5 if"),
            ("1,2,3", "without \",\""),
            ("5,", "write 5 if"),
            (",5", "write 0.5 if"),
            ("-12,50", "write -12.50 if"),
            ("1,25,000", "without \",\""),
            ("1.5,0", "without \",\""),
        ] {
            let error = parse_minor(text, "EUR").expect_err(text);
            assert!(
                error.message.contains("ambiguous") && error.message.contains(suggestion),
                "{text}: {}",
                error.message
            );
        }
        let comma = |t: &str| parse_minor_marked(t, "EUR", DecimalMark::Comma);
        assert_eq!(comma("1.250,50").expect("comma"), 125_050);
        assert_eq!(comma("-12,5").expect("comma"), -1_250);
        assert!(
            comma("1.5").is_err(),
            "a point is not the decimal mark here"
        );
        assert!(comma("12,50,1").is_err());
    }

    proptest::proptest! {
        /// Every amount written with grouping in threes, in either mark, reads back as
        /// itself; written without grouping, too.
        #[test]
        fn grouped_amounts_read_back_exactly(
            minor in -9_007_199_254_740_991i64..=9_007_199_254_740_991,
            comma in proptest::bool::ANY,
            group in proptest::bool::ANY,
        ) {
            let mark = if comma { DecimalMark::Comma } else { DecimalMark::Point };
            let (decimal, grouping) = mark.marks();
            let abs = minor.unsigned_abs();
            let whole = (abs / 100).to_string();
            let whole = if group {
                let mut out = String::new();
                for (i, c) in whole.chars().enumerate() {
                    if i > 0 && (whole.len() - i) % 3 == 0 {
                        out.push(grouping);
                    }
                    out.push(c);
                }
                out
            } else {
                whole
            };
            let text = format!(
                "{}{whole}{decimal}{:02}",
                if minor < 0 { "-" } else { "" },
                abs % 100
            );
            proptest::prop_assert_eq!(parse_minor_marked(&text, "EUR", mark).expect(&text), minor);
        }
    }

    #[test]
    fn amounts_read_and_print_with_their_commoditys_places() {
        assert_eq!(parse_minor("1,250.5", "INR").expect("inr"), 125_050);
        assert_eq!(parse_minor("-3", "EUR").expect("eur"), -300);
        assert_eq!(parse_minor("1500", "JPY").expect("jpy"), 1_500);
        assert!(parse_minor("1.5", "JPY").is_err(), "yen has no decimals");
        assert!(parse_minor("0.001", "EUR").is_err());
        assert!(parse_minor("1e3", "EUR").is_err());
        assert!(
            parse_minor("90071992547409.92", "EUR").is_err(),
            "past 2^53 − 1"
        );
        assert_eq!(minor_text(-125_050, "INR"), "-1250.50");
        assert_eq!(money_text(7, "EUR"), "0.07 EUR");
        assert_eq!(money_text(1_500, "JPY"), "1500 JPY");
        assert_eq!(
            parse_money("2 hours", None).expect("own unit"),
            (2, "HOURS".into())
        );
        assert_eq!(
            parse_money("12", Some("EUR")).expect("default"),
            (1_200, "EUR".into())
        );
    }
}
