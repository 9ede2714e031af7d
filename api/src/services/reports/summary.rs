//! The dashboard's cards: today, this week, this month and this year to a date, each against
//! the same days a year earlier. Eight ungrouped aggregates over the facts.

use super::request::SalesRequest;
use super::sales::{Aggregate, compare};
use crate::domain::periods::{Compare, Interval, Shift};
use crate::dto::reports::{Basis, Metric, SalesSummary, SummaryCard};
use crate::error::AppResult;
use chrono::{Datelike, NaiveDate};
use sea_orm::ConnectionTrait;
use std::collections::BTreeMap;

/// # Errors
/// Database errors.
pub async fn summary(db: &crate::db::ReportReader, date: NaiveDate) -> AppResult<SalesSummary> {
    let spans = [
        ("today", "今日", date),
        ("week", "本周", Interval::Week.start(date)),
        ("month", "本月", Interval::Month.start(date)),
        (
            "year",
            "本年",
            NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date),
        ),
    ];
    let shift = Shift::for_span(Compare::PreviousYear, date, date);
    let mut cards = Vec::with_capacity(spans.len());
    for (key, label, from) in spans {
        let (compare_from, compare_to) = (shift.back(from), shift.back(date));
        let current = whole(db, from, date).await?;
        let previous = whole(db, compare_from, compare_to).await?;
        cards.push(SummaryCard {
            period: key.to_owned(),
            label: label.to_owned(),
            from,
            to: date,
            compare_from,
            compare_to,
            compared: compare(&current, previous),
            metrics: current,
        });
    }
    let fresh = db.freshness();
    Ok(SalesSummary {
        date,
        cards,
        as_of: fresh.as_of,
        read_from: fresh.read_from,
    })
}

async fn whole(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<crate::dto::reports::SalesMetrics> {
    let req = SalesRequest {
        from,
        to,
        basis: Basis::Placed,
        interval: Interval::None,
        group_by: Vec::new(),
        filters: BTreeMap::new(),
        compare: None,
        order_by: Metric::NetSalesFen,
        descending: true,
        limit: None,
    };
    let rows = Aggregate {
        req: &req,
        from,
        to,
        interval: Interval::None,
        group_by: &[],
        top: None,
    }
    .run(db)
    .await?;
    Ok(rows.first().map(|r| r.2).unwrap_or_default())
}
