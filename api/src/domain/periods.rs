//! Report periods in local time: the bucket key of a date for each interval (the same integer
//! the SQL computes from the stored keys), the periods of a span with none missing, and the
//! span a comparison looks at.

use super::sales::{day_key, from_day_key, month_key, week_start};
use chrono::{Datelike, Duration, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    None,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    PreviousPeriod,
    PreviousYear,
}

/// One period of a report, clipped to the report's span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub key: i64,
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Interval {
    /// The bucket a date falls in: `20260930` (day), the Monday's day key (week), `202609`
    /// (month), `20263` (year × 10 + quarter), `2026` (year); 0 without an interval.
    pub fn key(self, d: NaiveDate) -> i64 {
        i64::from(match self {
            Self::None => 0,
            Self::Day => day_key(d),
            Self::Week => day_key(week_start(d)),
            Self::Month => month_key(d),
            Self::Quarter => d.year() * 10 + d.month().div_ceil(3).cast_signed(),
            Self::Year => d.year(),
        })
    }

    /// The first day of the bucket containing `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        let first_of_month = |m: u32| NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d);
        match self {
            Self::None | Self::Day => d,
            Self::Week => week_start(d),
            Self::Month => first_of_month(d.month()),
            Self::Quarter => first_of_month((d.month() - 1) / 3 * 3 + 1),
            Self::Year => first_of_month(1),
        }
    }

    fn next_start(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::None => None,
            Self::Day => start.checked_add_signed(Duration::days(1)),
            Self::Week => start.checked_add_signed(Duration::days(7)),
            Self::Month => start.checked_add_months(Months::new(1)),
            Self::Quarter => start.checked_add_months(Months::new(3)),
            Self::Year => start.checked_add_months(Months::new(12)),
        }
    }

    /// `2026-09-30`, `2026-W40`, `2026-09`, `2026-Q3`, `2026`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Self::None => String::new(),
            Self::Day => start.format("%Y-%m-%d").to_string(),
            Self::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Self::Month => start.format("%Y-%m").to_string(),
            Self::Quarter => format!("{}-Q{}", start.year(), start.month().div_ceil(3)),
            Self::Year => start.year().to_string(),
        }
    }

    /// Every period from `from` to `to`, the first and last clipped to the span.
    pub fn periods(self, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        if self == Self::None {
            return out;
        }
        let mut start = self.start(from);
        while start <= to {
            let next = self.next_start(start);
            let end = next.and_then(|n| n.pred_opt()).map_or(to, |e| e.min(to));
            out.push(Period {
                key: self.key(start),
                label: self.label(start),
                from: start.max(from),
                to: end,
            });
            match next {
                Some(n) => start = n,
                None => break,
            }
        }
        out
    }

    /// How many periods the span has.
    pub fn count(self, from: NaiveDate, to: NaiveDate) -> u64 {
        match self {
            Self::None => 1,
            Self::Day => u64::try_from((to - from).num_days() + 1).unwrap_or(0),
            Self::Week => {
                u64::try_from((week_start(to) - week_start(from)).num_days() / 7 + 1).unwrap_or(0)
            }
            Self::Month | Self::Quarter | Self::Year => {
                let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
                let per = match self {
                    Self::Month => 1,
                    Self::Quarter => 3,
                    _ => 12,
                };
                let a = months(self.start(from)) / per;
                let b = months(self.start(to)) / per;
                u64::try_from(b - a + 1).unwrap_or(0)
            }
        }
    }
}

/// How a comparison moves a date back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    Days(i64),
    Months(u32),
}

impl Shift {
    /// The same shift for the span `[from, to]`: a year back; or the span's own length back,
    /// in whole months when the span is whole months (September against August), else in days.
    pub fn for_span(compare: Compare, from: NaiveDate, to: NaiveDate) -> Self {
        match compare {
            Compare::PreviousYear => Self::Months(12),
            Compare::PreviousPeriod => {
                let whole_months = from.day() == 1 && to.succ_opt().is_some_and(|n| n.day() == 1);
                if whole_months {
                    let months = (to.year() - from.year()) * 12 + to.month().cast_signed()
                        - from.month().cast_signed()
                        + 1;
                    Self::Months(u32::try_from(months).unwrap_or(1))
                } else {
                    Self::Days((to - from).num_days() + 1)
                }
            }
        }
    }

    /// `d` moved back; 29 February a year back is 28 February.
    pub fn back(self, d: NaiveDate) -> NaiveDate {
        match self {
            Self::Days(n) => d - Duration::days(n),
            Self::Months(m) => d.checked_sub_months(Months::new(m)).unwrap_or(d),
        }
    }

    /// The compared span. A span of whole months ends on the last day of its last month.
    pub fn span(self, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
        let end = match self {
            Self::Months(m) if to.succ_opt().is_some_and(|n| n.day() == 1) => to
                .succ_opt()
                .and_then(|n| n.checked_sub_months(Months::new(m)))
                .and_then(|n| n.pred_opt())
                .unwrap_or(to),
            _ => self.back(to),
        };
        (self.back(from), end)
    }
}

/// The day keys of a span, for the SQL filter.
pub fn day_keys(from: NaiveDate, to: NaiveDate) -> (i32, i32) {
    (day_key(from), day_key(to))
}

/// The date a bucket key starts on, for keys made by [`Interval::key`].
pub fn key_start(interval: Interval, key: i64) -> Option<NaiveDate> {
    let k = i32::try_from(key).ok()?;
    match interval {
        Interval::None => None,
        Interval::Day | Interval::Week => from_day_key(k),
        Interval::Month => NaiveDate::from_ymd_opt(k / 100, u32::try_from(k % 100).ok()?, 1),
        Interval::Quarter => {
            NaiveDate::from_ymd_opt(k / 10, u32::try_from((k % 10 - 1) * 3 + 1).ok()?, 1)
        }
        Interval::Year => NaiveDate::from_ymd_opt(k, 1, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn periods_cover_the_span_with_none_missing() {
        let p = Interval::Month.periods(d(2026, 1, 15), d(2026, 4, 2));
        let labels: Vec<_> = p.iter().map(|x| x.label.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03", "2026-04"]);
        assert_eq!((p[0].from, p[0].to), (d(2026, 1, 15), d(2026, 1, 31)));
        assert_eq!((p[3].from, p[3].to), (d(2026, 4, 1), d(2026, 4, 2)));
        assert_eq!(Interval::Month.count(d(2026, 1, 15), d(2026, 4, 2)), 4);
        let w = Interval::Week.periods(d(2026, 11, 30), d(2026, 12, 13));
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].label, "2026-W49");
        assert_eq!(Interval::Week.count(d(2026, 11, 30), d(2026, 12, 13)), 2);
        let q = Interval::Quarter.periods(d(2025, 11, 1), d(2026, 2, 1));
        assert_eq!(q.iter().map(|x| x.key).collect::<Vec<_>>(), [20254, 20261]);
        assert_eq!(Interval::Year.count(d(2017, 3, 1), d(2026, 2, 1)), 10);
        assert_eq!(
            Interval::Day.periods(d(2024, 2, 28), d(2024, 3, 1)).len(),
            3
        );
    }

    #[test]
    fn keys_round_trip_to_their_start() {
        for i in [
            Interval::Day,
            Interval::Week,
            Interval::Month,
            Interval::Quarter,
            Interval::Year,
        ] {
            let day = d(2026, 8, 19);
            assert_eq!(key_start(i, i.key(day)), Some(i.start(day)), "{i:?}");
        }
    }

    #[test]
    fn comparisons_move_the_span_back() {
        let py = Shift::for_span(Compare::PreviousYear, d(2024, 2, 29), d(2024, 2, 29));
        assert_eq!(
            py.span(d(2024, 2, 29), d(2024, 2, 29)),
            (d(2023, 2, 28), d(2023, 2, 28))
        );
        let sept = Shift::for_span(Compare::PreviousPeriod, d(2026, 9, 1), d(2026, 9, 30));
        assert_eq!(sept, Shift::Months(1));
        assert_eq!(
            sept.span(d(2026, 9, 1), d(2026, 9, 30)),
            (d(2026, 8, 1), d(2026, 8, 31))
        );
        let feb = Shift::for_span(Compare::PreviousPeriod, d(2026, 3, 1), d(2026, 3, 31));
        assert_eq!(
            feb.span(d(2026, 3, 1), d(2026, 3, 31)),
            (d(2026, 2, 1), d(2026, 2, 28))
        );
        let days = Shift::for_span(Compare::PreviousPeriod, d(2026, 9, 10), d(2026, 9, 16));
        assert_eq!(
            days.span(d(2026, 9, 10), d(2026, 9, 16)),
            (d(2026, 9, 3), d(2026, 9, 9))
        );
        // The year to 29 February against the year to 28 February.
        assert_eq!(
            py.span(d(2024, 1, 1), d(2024, 2, 29)),
            (d(2023, 1, 1), d(2023, 2, 28))
        );
    }
}
