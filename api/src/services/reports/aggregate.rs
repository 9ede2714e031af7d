//! One aggregate of a sales report as SQL: the figures of a span, grouped by dimensions and a
//! period, read from the daily totals (`sales_daily` with the log's tail not yet rolled up,
//! see `daily`) when the question neither groups nor filters by buyer or fulfilment and orders
//! can be counted by adding up first-row markers, else from the facts (`sales_facts`).
//! Integers throughout; the same statement on both databases.

use super::labels::GroupKey;
use super::request::{FilterValue, SalesRequest};
use crate::domain::periods::{Interval, day_keys};
use crate::dto::reports::{Basis, Dimension, Metric, SalesMetrics};
use crate::error::AppResult;
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use zhunong_entity::sales_fact;

/// Where an aggregate reads from. `sales_daily` has everything but the buyer, a row per day and
/// key; `sales_facts` a row per line and collective share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Daily,
    Facts,
}

/// How orders and lines are counted: by adding up the markers of one level (exact when at most
/// one line-level dimension groups or filters), or by counting distinct ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    /// The `h_…` marker to add up for orders, and whether lines are counted per collective share.
    Markers(&'static str, bool),
    Distinct,
}

fn sum_sql(column: &str) -> String {
    format!("CAST(SUM({column}) AS BIGINT)")
}

/// One metric's SQL: `SUM` cast back to BIGINT (PostgreSQL sums BIGINT as NUMERIC; the cast
/// fails loudly rather than wrapping if a sum ever overflowed).
fn metric_sql(m: Metric, source: Source, counting: Counting) -> String {
    let when = |cancelled: u8, what: &str| {
        sum_sql(&format!(
            "CASE WHEN cancelled = {cancelled} THEN {what} ELSE 0 END"
        ))
    };
    let share_rows = match source {
        Source::Daily => "share_rows",
        Source::Facts => "1",
    };
    match (m, counting) {
        (Metric::Orders, Counting::Markers(h, _)) => when(0, h),
        (Metric::CancelledOrders, Counting::Markers(h, _)) => when(1, h),
        (Metric::Lines, Counting::Markers(_, per_share)) => {
            when(0, if per_share { share_rows } else { "h_line" })
        }
        (Metric::Orders, Counting::Distinct) => "COUNT(DISTINCT live_order_id)".into(),
        (Metric::Lines, Counting::Distinct) => "COUNT(DISTINCT live_line_id)".into(),
        (Metric::CancelledOrders, Counting::Distinct) => {
            "COUNT(DISTINCT cancelled_order_id)".into()
        }
        (Metric::QuantityG, _) => sum_sql("quantity_g"),
        (Metric::Pieces, _) => sum_sql("pieces"),
        (Metric::OrderedAmountFen, _) => sum_sql("ordered_amount_fen"),
        (Metric::FinalAmountFen, _) => sum_sql("final_amount_fen"),
        (Metric::RefundsFen, _) => sum_sql("refunds_fen"),
        (Metric::NetSalesFen, _) => sum_sql("net_sales_fen"),
        (Metric::CommissionFen, _) => sum_sql("commission_fen"),
        (Metric::GrowerPayableFen, _) => sum_sql("grower_payable_fen"),
        (Metric::ShippingCostFen, _) => sum_sql("shipping_cost_fen"),
        (Metric::PlatformFeesFen, _) => sum_sql("platform_fees_fen"),
        (Metric::NetReceivedFen, _) => sum_sql("net_sales_fen - platform_fees_fen"),
    }
}

pub fn dimension_column(d: Dimension) -> &'static str {
    match d {
        Dimension::Product => "product_id",
        Dimension::Batch => "batch_id",
        Dimension::Grower => "grower_id",
        Dimension::Collective => "collective_id",
        Dimension::Buyer => "buyer_id",
        Dimension::BuyerKind => "buyer_kind",
        Dimension::Channel => "channel",
        Dimension::Fulfilment => "fulfilment",
        Dimension::LiveSession => "live_session_id",
    }
}

/// The dimension's column as SQL; in `sales_daily` "none" is 0, read back as NULL.
fn dimension_sql(d: Dimension, source: Source) -> String {
    match (d, source) {
        (Dimension::Collective | Dimension::LiveSession, Source::Daily) => {
            format!("NULLIF({}, 0)", dimension_column(d))
        }
        _ => dimension_column(d).to_owned(),
    }
}

fn is_code(d: Dimension) -> bool {
    matches!(
        d,
        Dimension::BuyerKind | Dimension::Channel | Dimension::Fulfilment
    )
}

/// The line-level dimension a filter parameter is about, if it is one.
fn line_level_filter(name: &str) -> Option<Dimension> {
    match name {
        "product_id" => Some(Dimension::Product),
        "batch_id" => Some(Dimension::Batch),
        "grower_id" => Some(Dimension::Grower),
        "collective_id" => Some(Dimension::Collective),
        _ => None,
    }
}

/// The bucket of a row, from its stored keys: integers, the same on both databases, equal to
/// [`Interval::key`] of its date.
fn bucket_sql(interval: Interval, source: Source, basis: Basis) -> String {
    let (day, week, month) = match (source, basis) {
        (Source::Daily, _) => ("day_key", "week_key", "month_key"),
        (Source::Facts, Basis::Placed) => ("placed_day", "placed_week", "placed_month"),
        (Source::Facts, Basis::Settled) => ("settled_day", "settled_week", "settled_month"),
    };
    match interval {
        Interval::None => "0".into(),
        Interval::Day => format!("CAST({day} AS BIGINT)"),
        Interval::Week => format!("CAST({week} AS BIGINT)"),
        Interval::Month => format!("CAST({month} AS BIGINT)"),
        Interval::Quarter => {
            format!("CAST(({month} / 100) * 10 + ((({month} % 100) + 2) / 3) AS BIGINT)")
        }
        Interval::Year => format!("CAST({month} / 100 AS BIGINT)"),
    }
}

/// What one aggregate asks: which span, grouped how.
pub struct Aggregate<'a> {
    pub req: &'a SalesRequest,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub group_by: &'a [Dimension],
    /// `ORDER BY metric LIMIT n` in SQL (only without an interval).
    pub top: Option<u64>,
}

impl Aggregate<'_> {
    /// The line-level dimensions that group or filter this aggregate.
    fn line_levels(&self) -> Vec<Dimension> {
        let mut out: Vec<Dimension> = self
            .group_by
            .iter()
            .copied()
            .filter(|d| !d.is_per_order())
            .chain(self.req.filters.keys().filter_map(|f| line_level_filter(f)))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A line-level filter of several values on a dimension not grouped by: one order can have
    /// lines under several of them, so adding up markers would count it more than once.
    fn spans_several_values(&self) -> bool {
        self.req.filters.iter().any(|(name, values)| {
            line_level_filter(name).is_some_and(|d| !self.group_by.contains(&d)) && values.len() > 1
        })
    }

    fn exact_by_markers(&self) -> bool {
        self.line_levels().len() <= 1 && !self.spans_several_values()
    }

    /// The daily totals serve every aggregate that neither groups nor filters by buyer or
    /// fulfilment (the facts alone have them), and whose orders can be counted by adding up
    /// markers.
    pub fn source(&self) -> Source {
        let facts_only = [
            (Dimension::Buyer, "buyer_id"),
            (Dimension::Fulfilment, "fulfilment"),
        ]
        .iter()
        .any(|(d, filter)| self.group_by.contains(d) || self.req.filters.contains_key(filter));
        if facts_only || !self.exact_by_markers() {
            Source::Facts
        } else {
            Source::Daily
        }
    }

    fn counting(&self) -> Counting {
        if !self.exact_by_markers() {
            return Counting::Distinct;
        }
        match self.line_levels().as_slice() {
            [] => Counting::Markers("h_order", false),
            [Dimension::Product] => Counting::Markers("h_product", false),
            [Dimension::Batch] => Counting::Markers("h_batch", false),
            [Dimension::Grower] => Counting::Markers("h_grower", false),
            [Dimension::Collective] => Counting::Markers("h_collective", true),
            _ => Counting::Distinct,
        }
    }

    /// The statement: a public function so the benchmark can time the same SQL bare.
    pub fn statement(&self) -> SelectStatement {
        let source = self.source();
        let counting = self.counting();
        let mut q = Query::select();
        // What narrows the rows: applied to the facts, or to each of the daily totals and the
        // log's tail.
        let mut filter = Condition::all();
        let bucket = bucket_sql(self.interval, source, self.req.basis);
        if self.interval != Interval::None {
            q.expr_as(Expr::cust(bucket.clone()), Alias::new("period"));
            q.add_group_by([Expr::cust(bucket)]);
        }
        for (i, d) in self.group_by.iter().enumerate() {
            let column = dimension_sql(*d, source);
            q.expr_as(Expr::cust(column.clone()), Alias::new(format!("d{i}")));
            q.add_group_by([Expr::cust(column)]);
        }
        for m in Metric::ALL {
            q.expr_as(
                Expr::cust(metric_sql(m, source, counting)),
                Alias::new(m.name()),
            );
        }
        let (lo, hi) = day_keys(self.from, self.to);
        let day = match (source, self.req.basis) {
            (Source::Daily, basis) => {
                filter = filter
                    .add(Expr::col(Alias::new("basis")).eq(i16::from(basis == Basis::Settled)));
                "day_key"
            }
            (Source::Facts, Basis::Placed) => "placed_day",
            (Source::Facts, Basis::Settled) => "settled_day",
        };
        filter = filter.add(Expr::col(Alias::new(day)).between(lo, hi));
        for (name, values) in &self.req.filters {
            let column = super::request::FILTERS
                .iter()
                .find(|f| f.0 == *name)
                .map_or(*name, |f| f.1);
            let values: Vec<Expr> = values
                .iter()
                .map(|v| match v {
                    FilterValue::Id(id) => Expr::val(*id),
                    FilterValue::Code(c) => Expr::val(c.clone()),
                })
                .collect();
            filter = filter.add(Expr::col(Alias::new(column)).is_in(values));
        }
        match source {
            Source::Daily => {
                q.from_subquery(super::daily::with_tail(&filter), Alias::new("daily"));
            }
            Source::Facts => {
                q.from(sales_fact::Entity).cond_where(filter);
            }
        }
        if let Some(n) = self.top {
            let dir = if self.req.descending {
                Order::Desc
            } else {
                Order::Asc
            };
            q.order_by_expr(
                Expr::cust(metric_sql(self.req.order_by, source, counting)),
                dir,
            );
            for d in self.group_by {
                q.order_by_expr(Expr::cust(dimension_sql(*d, source)), Order::Asc);
            }
            q.limit(n);
        }
        q
    }

    /// Runs the aggregate: (bucket key, group, figures) per result row.
    ///
    /// # Errors
    /// Database errors.
    pub async fn run(
        &self,
        db: &impl ConnectionTrait,
    ) -> AppResult<Vec<(i64, GroupKey, SalesMetrics)>> {
        let stmt = db.get_database_backend().build(&self.statement());
        let rows = db.query_all_raw(stmt).await?;
        rows.iter().map(|r| self.decode(r)).collect()
    }

    fn decode(&self, r: &QueryResult) -> AppResult<(i64, GroupKey, SalesMetrics)> {
        let period = if self.interval == Interval::None {
            0
        } else {
            r.try_get::<Option<i64>>("", "period")?.unwrap_or(0)
        };
        let mut key = Vec::with_capacity(self.group_by.len());
        for (i, d) in self.group_by.iter().enumerate() {
            let col = format!("d{i}");
            key.push(if is_code(*d) {
                (None, r.try_get::<Option<String>>("", &col)?)
            } else {
                (r.try_get::<Option<i64>>("", &col)?, None)
            });
        }
        let mut figures = [0i64; crate::dto::reports::METRIC_COUNT];
        for (i, m) in Metric::ALL.into_iter().enumerate() {
            figures[i] = r.try_get::<Option<i64>>("", m.name())?.unwrap_or(0);
        }
        Ok((period, key, SalesMetrics::from_array(figures)))
    }
}
