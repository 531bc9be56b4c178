//! Amounts as members write and read them: "1,250.50 INR" is 125050 minor units of INR.
//! A currency's decimal places are ISO 4217's (INR and EUR 2, JPY 0) from a maintained
//! table (the `iso_currency` crate); a co-op's own unit (HOURS) has none.

use crate::{ApiError, ErrorCode};

/// Decimal places of a commodity: ISO 4217's for a currency, none for a co-op's own unit.
pub fn places(commodity: &str) -> u32 {
    iso_currency::Currency::from_code(commodity)
        .and_then(|c| c.exponent())
        .map_or(0, u32::from)
}

fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

/// `amount` ("-12.5", "1,250.50") in minor units of `commodity`: more decimals than the
/// commodity has, or more than 2^53 − 1 minor units, is refused with why.
pub fn parse_minor(amount: &str, commodity: &str) -> Result<i64, ApiError> {
    let exp = places(commodity);
    let (negative, digits_text) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount.strip_prefix('+').unwrap_or(amount)),
    };
    let plain = digits_text.replace(',', "");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
        return Err(invalid(format!("{amount:?} is not an amount")));
    }
    if fraction.len() > exp as usize {
        return Err(invalid(format!(
            "{commodity} has {exp} decimal place(s): {amount} is more precise than that"
        )));
    }
    let too_large = || invalid(format!("{amount} {commodity} is too large"));
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
    let mut parts = text.split_whitespace();
    let (amount, commodity) = match (parts.next(), parts.next(), parts.next(), default) {
        (Some(amount), Some(commodity), None, _) => (amount, commodity.to_ascii_uppercase()),
        (Some(amount), None, None, Some(default)) => (amount, default.to_owned()),
        _ => {
            return Err(invalid(format!(
                "an amount is a number and a commodity, like \"15.50 EUR\", not {text:?}"
            )));
        }
    };
    sangam_model::membership::check_currency(&commodity).map_err(|e| invalid(e.to_string()))?;
    Ok((parse_minor(amount, &commodity)?, commodity))
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
