//! Which backups to keep: the newest of each of the last N hours, N days and N months (a
//! grandfather-father-son rotation), so that a village has yesterday's books and last spring's
//! without keeping every hourly copy for a year.

use chrono::{DateTime, Datelike, Timelike, Utc};
use std::collections::BTreeSet;

/// A period a backup falls in (year, month, day, hour), zero where the period is coarser.
type Period = (i32, u32, u32, u32);

/// How many periods keep their newest backup, and which period a time falls in.
type Rule = (usize, fn(&DateTime<Utc>) -> Period);

/// How many hours, days and months keep their newest backup.
#[derive(Debug, Clone, Copy)]
pub struct KeepPolicy {
    pub hourly: usize,
    pub daily: usize,
    pub monthly: usize,
}

/// The indexes into `taken` (when each backup was taken, in any order) of the backups to keep.
/// The newest backup is always kept.
pub fn to_keep(taken: &[DateTime<Utc>], policy: KeepPolicy) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..taken.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(taken[i]));
    let mut keep = BTreeSet::new();
    keep.extend(order.first().copied());
    let periods: [Rule; 3] = [
        (policy.hourly, |t| (t.year(), t.month(), t.day(), t.hour())),
        (policy.daily, |t| (t.year(), t.month(), t.day(), 0)),
        (policy.monthly, |t| (t.year(), t.month(), 0, 0)),
    ];
    for (count, period_of) in periods {
        let mut seen = BTreeSet::new();
        for &i in &order {
            if seen.len() >= count {
                break;
            }
            // Newest first: the first backup seen in a period is that period's newest.
            if seen.insert(period_of(&taken[i])) {
                keep.insert(i);
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_newest_of_each_hour_day_and_month_is_kept() {
        // Every 30 minutes for three days.
        let taken: Vec<_> = (1..=3)
            .flat_map(|d| (0..24).flat_map(move |h| [at(d, h, 0), at(d, h, 30)]))
            .collect();
        let keep = to_keep(
            &taken,
            KeepPolicy {
                hourly: 4,
                daily: 2,
                monthly: 1,
            },
        );
        let kept: BTreeSet<_> = keep.iter().map(|&i| taken[i]).collect();
        let want: BTreeSet<_> = [
            at(3, 23, 30),
            at(3, 22, 30),
            at(3, 21, 30),
            at(3, 20, 30),
            at(2, 23, 30),
        ]
        .into_iter()
        .collect();
        assert_eq!(kept, want);
    }

    #[test]
    fn nothing_kept_by_period_still_keeps_the_newest() {
        let taken = [at(1, 1, 0), at(2, 1, 0)];
        let keep = to_keep(
            &taken,
            KeepPolicy {
                hourly: 0,
                daily: 0,
                monthly: 0,
            },
        );
        assert_eq!(keep, [1].into_iter().collect());
        assert!(
            to_keep(
                &[],
                KeepPolicy {
                    hourly: 1,
                    daily: 1,
                    monthly: 1
                }
            )
            .is_empty()
        );
    }
}
