//! Closing months: a posting dated in a closed month goes into the first open month instead,
//! with a note of the month it corrects.

use chrono::{Datelike, NaiveDate};

/// `2026-11` → 202611.
pub fn month_key(d: NaiveDate) -> i32 {
    d.year() * 100 + d.month().cast_signed()
}

/// 202611 → "2026-11".
pub fn month_text(key: i32) -> String {
    format!("{}-{:02}", key / 100, key % 100)
}

/// The first day of the month after `key`.
pub fn first_day_after(key: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(key / 100, u32::try_from(key % 100).ok()?, 1)?
        .checked_add_months(chrono::Months::new(1))
}

/// The first and last day of `2026-11`; `None` for anything else.
pub fn month_days(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| month.len() == 7 && d.year() >= 2000)?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?;
    Some((first, last))
}

/// Where a posting dated `on` goes when the books are closed through `closed_through`: `None`
/// when its month is open; else the first open day and the note for its description.
pub fn redate(on: NaiveDate, closed_through: Option<i32>) -> Option<(NaiveDate, String)> {
    let closed = closed_through?;
    if month_key(on) > closed {
        return None;
    }
    Some((
        first_day_after(closed)?,
        format!("（补记 {} 的账，原日期 {on}）", month_text(month_key(on))),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_posting_into_a_closed_month_goes_to_the_first_open_day() {
        assert_eq!(redate(day(2026, 11, 30), None), None);
        assert_eq!(redate(day(2026, 12, 1), Some(202_611)), None);
        assert_eq!(
            redate(day(2026, 10, 5), Some(202_611)),
            Some((
                day(2026, 12, 1),
                "（补记 2026-10 的账，原日期 2026-10-05）".to_owned()
            ))
        );
        assert_eq!(first_day_after(202_612), Some(day(2027, 1, 1)));
        assert_eq!(month_text(202_603), "2026-03");
        assert_eq!(
            month_days("2026-02"),
            Some((day(2026, 2, 1), day(2026, 2, 28)))
        );
        assert_eq!(month_days("2026-13"), None);
        assert_eq!(month_days("2026-1"), None);
    }
}
