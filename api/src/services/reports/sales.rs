//! The sales report engine: metrics × up to three dimensions × an interval, with a comparison.
//! Everything is added up in SQL ([`Aggregate`]), in integers; Rust only lays the groups out on
//! the periods (every period present, also empty ones) and matches the compared figures.

pub use super::aggregate::Aggregate;
use super::labels::{GroupKey, Labels};
use super::request::{FilterValue, SalesRequest, compare_name, interval_name};
use crate::domain::periods::{Interval, Shift};
use crate::domain::settlement::{change_centi_percent, format_centi_percent};
use crate::dto::reports::{
    ChangePercent, Comparison, ReportPeriod, SalesMetrics, SalesReport, SalesRow, SalesTotals,
};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use std::collections::{HashMap, HashSet};

/// Limits of one report.
#[derive(Debug, Clone, Copy)]
pub struct ReportLimits {
    /// Rows (periods × groups) one report may have.
    pub max_rows: u64,
}

fn overflow() -> AppError {
    AppError::Internal(anyhow::anyhow!("a report total overflows"))
}

fn sum<'a>(it: impl IntoIterator<Item = &'a SalesMetrics>) -> AppResult<SalesMetrics> {
    it.into_iter()
        .try_fold(SalesMetrics::default(), |acc, m| acc.checked_add(m))
        .ok_or_else(overflow)
}

/// Current against previous, figure by figure.
pub fn compare(current: &SalesMetrics, previous: SalesMetrics) -> Comparison {
    let (c, p) = (current.as_array(), previous.as_array());
    let change = std::array::from_fn(|i| c[i].saturating_sub(p[i]));
    let percent =
        std::array::from_fn(|i| change_centi_percent(p[i], c[i]).map(format_centi_percent));
    Comparison {
        previous,
        change: SalesMetrics::from_array(change),
        change_percent: ChangePercent::from_array(percent),
    }
}

/// Builds the report.
///
/// # Errors
/// 422 when the report would have more rows than allowed; database errors.
pub async fn report(
    db: &crate::db::ReportReader,
    req: &SalesRequest,
    limits: ReportLimits,
) -> AppResult<SalesReport> {
    let periods = req.interval.periods(req.from, req.to);
    let shift = req.compare.map(|c| Shift::for_span(c, req.from, req.to));
    let compare_span = shift.map(|s| s.span(req.from, req.to));
    // Without an interval, a top N is taken in SQL; with one, groups are ranked over the span.
    let top = (req.interval == Interval::None && !req.group_by.is_empty())
        .then_some(req.limit)
        .flatten();
    let current = Aggregate {
        req,
        from: req.from,
        to: req.to,
        interval: req.interval,
        group_by: &req.group_by,
        top,
    }
    .run(db)
    .await?;
    let previous = match compare_span {
        Some((from, to)) => {
            Aggregate {
                req,
                from,
                to,
                interval: req.interval,
                group_by: &req.group_by,
                top: None,
            }
            .run(db)
            .await?
        }
        None => Vec::new(),
    };

    // The groups shown: those of the current span (the top N of them), then, without a limit,
    // those only the compared span has.
    let mut ranked: Vec<(GroupKey, SalesMetrics)> = Vec::new();
    {
        let mut by_group: HashMap<&GroupKey, SalesMetrics> = HashMap::new();
        for (_, g, m) in &current {
            let e = by_group.entry(g).or_default();
            *e = e.checked_add(m).ok_or_else(overflow)?;
        }
        ranked.extend(by_group.into_iter().map(|(g, m)| (g.clone(), m)));
    }
    let by_metric = |a: &(GroupKey, SalesMetrics), b: &(GroupKey, SalesMetrics)| {
        let (x, y) = (req.order_by.of(&a.1), req.order_by.of(&b.1));
        let o = if req.descending { y.cmp(&x) } else { x.cmp(&y) };
        o.then_with(|| a.0.cmp(&b.0))
    };
    ranked.sort_by(by_metric);
    if let Some(n) = req.limit {
        ranked.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let mut groups: Vec<GroupKey> = ranked.into_iter().map(|(g, _)| g).collect();
    if req.limit.is_none() {
        let known: HashSet<GroupKey> = groups.iter().cloned().collect();
        let mut only_before: Vec<GroupKey> = previous
            .iter()
            .map(|(_, g, _)| g.clone())
            .filter(|g| !known.contains(g))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        only_before.sort();
        groups.extend(only_before);
    }
    if req.group_by.is_empty() && groups.is_empty() {
        groups.push(Vec::new());
    }
    let rows_wanted = (periods.len().max(1) as u64).saturating_mul(groups.len() as u64);
    if rows_wanted > limits.max_rows {
        return Err(AppError::field(
            if req.interval == Interval::None {
                "group_by"
            } else {
                "interval"
            },
            format!(
                "the report would have {rows_wanted} rows (at most {}); choose a coarser interval, \
                 a shorter span, fewer dimensions or a limit",
                limits.max_rows
            ),
        ));
    }

    let cur: HashMap<(i64, &GroupKey), &SalesMetrics> =
        current.iter().map(|(p, g, m)| ((*p, g), m)).collect();
    let prev: HashMap<(i64, &GroupKey), &SalesMetrics> =
        previous.iter().map(|(p, g, m)| ((*p, g), m)).collect();
    let labels = Labels::load(db, &req.group_by, &groups).await?;
    let mut rows = Vec::with_capacity(usize::try_from(rows_wanted).unwrap_or(0));
    let period_slots: Vec<Option<&crate::domain::periods::Period>> = if periods.is_empty() {
        vec![None]
    } else {
        periods.iter().map(Some).collect()
    };
    // Periods in order; within each, the groups in the order asked for (ranked over the span).
    for p in &period_slots {
        let key = p.map_or(0, |p| p.key);
        let compared_key = match (p, shift) {
            (Some(p), Some(s)) => req.interval.key(s.back(p.from)),
            _ => 0,
        };
        for g in &groups {
            let metrics = cur
                .get(&(key, g))
                .map_or_else(SalesMetrics::default, |m| **m);
            let compared = shift.map(|_| {
                let before = prev
                    .get(&(compared_key, g))
                    .map_or_else(SalesMetrics::default, |m| **m);
                compare(&metrics, before)
            });
            rows.push(SalesRow {
                period: p.map(|p| ReportPeriod {
                    label: p.label.clone(),
                    from: p.from,
                    to: p.to,
                }),
                dimensions: labels.row(&req.group_by, g),
                metrics,
                compared,
            });
        }
    }
    let totals = totals(db, req, &current, &previous, compare_span).await?;
    let fresh = db.freshness();
    Ok(SalesReport {
        as_of: fresh.as_of,
        read_from: fresh.read_from,
        from: req.from,
        to: req.to,
        basis: req.basis,
        interval: interval_name(req.interval).to_owned(),
        group_by: req.group_by.clone(),
        compare: req.compare.map(|c| compare_name(c).to_owned()),
        compare_from: compare_span.map(|s| s.0),
        compare_to: compare_span.map(|s| s.1),
        order_by: req.order_by,
        descending: req.descending,
        limit: req.limit,
        periods: periods
            .iter()
            .map(|p| ReportPeriod {
                label: p.label.clone(),
                from: p.from,
                to: p.to,
            })
            .collect(),
        rows,
        totals,
        filters: req
            .filters
            .iter()
            .map(|(k, vs)| {
                (
                    (*k).to_owned(),
                    vs.iter()
                        .map(|v| match v {
                            FilterValue::Id(i) => i.to_string(),
                            FilterValue::Code(c) => c.clone(),
                        })
                        .collect(),
                )
            })
            .collect(),
    })
}

/// The totals of everything the filters select. The rows add up to them when every order is in
/// one row (no grouping, or grouping by order-level dimensions without a limit); otherwise one
/// more aggregate without grouping counts each order once.
async fn totals(
    db: &impl ConnectionTrait,
    req: &SalesRequest,
    current: &[(i64, GroupKey, SalesMetrics)],
    previous: &[(i64, GroupKey, SalesMetrics)],
    compare_span: Option<(NaiveDate, NaiveDate)>,
) -> AppResult<SalesTotals> {
    let rows_add_up = req.group_by.iter().all(|d| d.is_per_order())
        && (req.limit.is_none() || req.group_by.is_empty());
    let whole =
        async |from, to, rows: &[(i64, GroupKey, SalesMetrics)]| -> AppResult<SalesMetrics> {
            if rows_add_up {
                return sum(rows.iter().map(|r| &r.2));
            }
            let all = Aggregate {
                req,
                from,
                to,
                interval: Interval::None,
                group_by: &[],
                top: None,
            }
            .run(db)
            .await?;
            Ok(all.first().map(|r| r.2).unwrap_or_default())
        };
    let metrics = whole(req.from, req.to, current).await?;
    let compared = match compare_span {
        Some((from, to)) => Some(compare(&metrics, whole(from, to, previous).await?)),
        None => None,
    };
    Ok(SalesTotals { metrics, compared })
}
