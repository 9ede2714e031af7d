//! A sales report as answered: its figures, rows, totals and comparisons.

use super::{Basis, Dimension, METRIC_COUNT, Metric};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The figures. Weights are grams of by-weight products and pieces of by-piece products, never
/// added together; amounts are fen. Cancelled orders are counted in `cancelled_orders` only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesMetrics {
    /// Orders (distinct), not counting cancelled ones.
    pub orders: i64,
    pub lines: i64,
    pub quantity_g: i64,
    pub pieces: i64,
    pub ordered_amount_fen: i64,
    /// The catch-weight amount of weighed lines, the ordered amount of the others.
    pub final_amount_fen: i64,
    pub refunds_fen: i64,
    /// Final amount less refunds.
    pub net_sales_fen: i64,
    pub commission_fen: i64,
    pub grower_payable_fen: i64,
    pub cancelled_orders: i64,
    /// The orders' share of their parcels' shipping cost (a merged parcel's cost shared by crate
    /// count), spread over their lines by final amount. Not part of net sales.
    pub shipping_cost_fen: i64,
    /// What the platforms kept less what they added (fees − subsidies), as their bills said,
    /// spread over the order's lines by final amount. Commission is not computed on it.
    pub platform_fees_fen: i64,
    /// Net sales less the platforms' fees: what the village actually received for the goods.
    pub net_received_fen: i64,
}

impl SalesMetrics {
    pub fn as_array(&self) -> [i64; METRIC_COUNT] {
        [
            self.orders,
            self.lines,
            self.quantity_g,
            self.pieces,
            self.ordered_amount_fen,
            self.final_amount_fen,
            self.refunds_fen,
            self.net_sales_fen,
            self.commission_fen,
            self.grower_payable_fen,
            self.cancelled_orders,
            self.shipping_cost_fen,
            self.platform_fees_fen,
            self.net_received_fen,
        ]
    }

    pub fn from_array(a: [i64; METRIC_COUNT]) -> Self {
        Self {
            orders: a[0],
            lines: a[1],
            quantity_g: a[2],
            pieces: a[3],
            ordered_amount_fen: a[4],
            final_amount_fen: a[5],
            refunds_fen: a[6],
            net_sales_fen: a[7],
            commission_fen: a[8],
            grower_payable_fen: a[9],
            cancelled_orders: a[10],
            shipping_cost_fen: a[11],
            platform_fees_fen: a[12],
            net_received_fen: a[13],
        }
    }

    /// Figure by figure, `None` on overflow.
    pub fn checked_add(&self, other: &Self) -> Option<Self> {
        let (a, b) = (self.as_array(), other.as_array());
        let mut out = [0i64; METRIC_COUNT];
        for i in 0..METRIC_COUNT {
            out[i] = a[i].checked_add(b[i])?;
        }
        Some(Self::from_array(out))
    }
}

/// A group's value for one dimension: its id (or code, for buyer kind and channel) and what a
/// person reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
pub struct DimensionValue {
    pub id: Option<i64>,
    /// `individual`/`enterprise`, or the channel's code.
    pub code: Option<String>,
    #[schema(example = "阳光玫瑰")]
    pub label: String,
}

/// The comparison of a row with the compared span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Comparison {
    pub previous: SalesMetrics,
    /// Current less previous.
    pub change: SalesMetrics,
    /// Each figure's change in percent with two decimals (`"45.89"`), `null` where the previous
    /// figure is 0. Computed from integers, rounded half-up.
    pub change_percent: ChangePercent,
}

/// A percentage per figure, named as in [`SalesMetrics`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChangePercent {
    pub orders: Option<String>,
    pub lines: Option<String>,
    pub quantity_g: Option<String>,
    pub pieces: Option<String>,
    pub ordered_amount_fen: Option<String>,
    pub final_amount_fen: Option<String>,
    pub refunds_fen: Option<String>,
    pub net_sales_fen: Option<String>,
    pub commission_fen: Option<String>,
    pub grower_payable_fen: Option<String>,
    pub cancelled_orders: Option<String>,
    pub shipping_cost_fen: Option<String>,
    pub platform_fees_fen: Option<String>,
    pub net_received_fen: Option<String>,
}

impl ChangePercent {
    pub fn from_array(a: [Option<String>; METRIC_COUNT]) -> Self {
        let [
            orders,
            lines,
            quantity_g,
            pieces,
            ordered_amount_fen,
            final_amount_fen,
            refunds_fen,
            net_sales_fen,
            commission_fen,
            grower_payable_fen,
            cancelled_orders,
            shipping_cost_fen,
            platform_fees_fen,
            net_received_fen,
        ] = a;
        Self {
            orders,
            lines,
            quantity_g,
            pieces,
            ordered_amount_fen,
            final_amount_fen,
            refunds_fen,
            net_sales_fen,
            commission_fen,
            grower_payable_fen,
            cancelled_orders,
            shipping_cost_fen,
            platform_fees_fen,
            net_received_fen,
        }
    }

    pub fn of(&self, m: Metric) -> Option<&String> {
        let all: [&Option<String>; METRIC_COUNT] = [
            &self.orders,
            &self.lines,
            &self.quantity_g,
            &self.pieces,
            &self.ordered_amount_fen,
            &self.final_amount_fen,
            &self.refunds_fen,
            &self.net_sales_fen,
            &self.commission_fen,
            &self.grower_payable_fen,
            &self.cancelled_orders,
            &self.shipping_cost_fen,
            &self.platform_fees_fen,
            &self.net_received_fen,
        ];
        all[m as usize].as_ref()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportPeriod {
    /// `2026-09-30`, `2026-W40`, `2026-09`, `2026-Q3` or `2026`.
    #[schema(example = "2026-09")]
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesRow {
    /// The row's period; absent without an interval.
    pub period: Option<ReportPeriod>,
    /// The row's group, by dimension name (`product`, `buyer`, …).
    pub dimensions: BTreeMap<String, DimensionValue>,
    pub metrics: SalesMetrics,
    /// With `compare`.
    pub compared: Option<Comparison>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesTotals {
    /// Everything the filters select, also rows beyond `limit`.
    pub metrics: SalesMetrics,
    pub compared: Option<Comparison>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesReport {
    /// Everything committed before this instant is in the answer (a replica's replay position,
    /// or the moment the primary was read).
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// `replica` or `primary`: which database answered.
    pub read_from: crate::db::replica::ReadFrom,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub basis: Basis,
    /// `none`, `day`, `week`, `month`, `quarter` or `year`.
    pub interval: String,
    pub group_by: Vec<Dimension>,
    /// `previous_period` or `previous_year`.
    pub compare: Option<String>,
    pub compare_from: Option<NaiveDate>,
    pub compare_to: Option<NaiveDate>,
    pub order_by: Metric,
    pub descending: bool,
    pub limit: Option<u64>,
    /// Every period of the span, with an interval.
    pub periods: Vec<ReportPeriod>,
    pub rows: Vec<SalesRow>,
    pub totals: SalesTotals,
    /// The filters applied, by parameter name.
    pub filters: BTreeMap<String, Vec<String>>,
}
