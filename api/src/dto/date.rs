//! Dates in requests are strict `YYYY-MM-DD` between the years 2000 and 2100. chrono alone also
//! accepts `2026-1-1` and `-0001-01-01`; a slip like that would date a harvest or a rule where
//! nobody finds it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, de};

pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// # Errors
/// A message for the field, when `s` is not such a date.
pub fn parse_strict(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let wrong = || format!("must be a date YYYY-MM-DD between {MIN_YEAR} and {MAX_YEAR}");
    if !shaped {
        return Err(wrong());
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| wrong())?;
    if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(wrong())
    }
}

/// For `#[serde(deserialize_with = "crate::dto::date::strict")]`.
///
/// # Errors
/// Not a strict date.
pub fn strict<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse_strict(&s).map_err(de::Error::custom)
}

/// For optional fields: `#[serde(default, deserialize_with = "crate::dto::date::strict_opt")]`.
///
/// # Errors
/// Not a strict date.
pub fn strict_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(s) => parse_strict(&s).map(Some).map_err(de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strict_dates_in_range_pass() {
        assert!(parse_strict("2026-11-20").is_ok());
        assert!(parse_strict("2024-02-29").is_ok());
        for bad in [
            "2026-1-1",
            "-0001-01-01",
            "2026-11-20 ",
            " 2026-11-20",
            "2023-02-29",
            "1999-12-31",
            "2101-01-01",
            "2026/11/20",
            "20261120",
            "",
        ] {
            assert!(parse_strict(bad).is_err(), "{bad:?}");
        }
    }
}
