//! Sales reports: what may be asked (`GET /api/v1/reports/sales`) and what comes back.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Which date a sale counts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// When the order was placed.
    Placed,
    /// When the order was settled in the ledger; unsettled orders are left out.
    Settled,
}

/// What a report can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Product,
    Batch,
    Grower,
    /// The collective that got the commission; a line shared by several is split by shares.
    Collective,
    Buyer,
    BuyerKind,
    Channel,
    LiveSession,
}

impl Dimension {
    pub const ALL: [Self; 8] = [
        Self::Product,
        Self::Batch,
        Self::Grower,
        Self::Collective,
        Self::Buyer,
        Self::BuyerKind,
        Self::Channel,
        Self::LiveSession,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Batch => "batch",
            Self::Grower => "grower",
            Self::Collective => "collective",
            Self::Buyer => "buyer",
            Self::BuyerKind => "buyer_kind",
            Self::Channel => "channel",
            Self::LiveSession => "live_session",
        }
    }

    /// The column heading in exports.
    pub fn title(self) -> &'static str {
        match self {
            Self::Product => "产品",
            Self::Batch => "批次",
            Self::Grower => "种植户",
            Self::Collective => "村集体",
            Self::Buyer => "买家",
            Self::BuyerKind => "买家类型",
            Self::Channel => "渠道",
            Self::LiveSession => "直播场次",
        }
    }

    /// Whether every order falls in one group (so order counts of the groups add up).
    pub fn is_per_order(self) -> bool {
        matches!(
            self,
            Self::Buyer | Self::BuyerKind | Self::Channel | Self::LiveSession
        )
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == s)
    }
}

/// The figures of a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Orders,
    Lines,
    QuantityG,
    Pieces,
    OrderedAmountFen,
    FinalAmountFen,
    RefundsFen,
    NetSalesFen,
    CommissionFen,
    GrowerPayableFen,
    CancelledOrders,
}

impl Metric {
    pub const ALL: [Self; 11] = [
        Self::Orders,
        Self::Lines,
        Self::QuantityG,
        Self::Pieces,
        Self::OrderedAmountFen,
        Self::FinalAmountFen,
        Self::RefundsFen,
        Self::NetSalesFen,
        Self::CommissionFen,
        Self::GrowerPayableFen,
        Self::CancelledOrders,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::Lines => "lines",
            Self::QuantityG => "quantity_g",
            Self::Pieces => "pieces",
            Self::OrderedAmountFen => "ordered_amount_fen",
            Self::FinalAmountFen => "final_amount_fen",
            Self::RefundsFen => "refunds_fen",
            Self::NetSalesFen => "net_sales_fen",
            Self::CommissionFen => "commission_fen",
            Self::GrowerPayableFen => "grower_payable_fen",
            Self::CancelledOrders => "cancelled_orders",
        }
    }

    /// The column heading in exports.
    pub fn title(self) -> &'static str {
        match self {
            Self::Orders => "订单数",
            Self::Lines => "明细行数",
            Self::QuantityG => "重量（克）",
            Self::Pieces => "件数",
            Self::OrderedAmountFen => "下单金额（分）",
            Self::FinalAmountFen => "结算金额（分）",
            Self::RefundsFen => "退款（分）",
            Self::NetSalesFen => "净销售额（分）",
            Self::CommissionFen => "集体提成（分）",
            Self::GrowerPayableFen => "应付种植户（分）",
            Self::CancelledOrders => "取消订单数",
        }
    }

    pub fn is_money(self) -> bool {
        self.name().ends_with("_fen")
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    pub fn of(self, m: &SalesMetrics) -> i64 {
        m.as_array()[self as usize]
    }
}

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
}

impl SalesMetrics {
    pub fn as_array(&self) -> [i64; 11] {
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
        ]
    }

    pub fn from_array(a: [i64; 11]) -> Self {
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
        }
    }

    /// Figure by figure, `None` on overflow.
    pub fn checked_add(&self, other: &Self) -> Option<Self> {
        let (a, b) = (self.as_array(), other.as_array());
        let mut out = [0i64; 11];
        for i in 0..11 {
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
}

impl ChangePercent {
    pub fn from_array(a: [Option<String>; 11]) -> Self {
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
        }
    }

    pub fn of(&self, m: Metric) -> Option<&String> {
        [
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
        ][m as usize]
            .as_ref()
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

/// The query parameters of `GET /api/v1/reports/sales`. Filters may be repeated
/// (`product_id=1&product_id=2`) or comma-separated (`product_id=1,2`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SalesReportParams {
    /// First day, local date `YYYY-MM-DD` (inclusive).
    #[param(example = "2026-09-01")]
    pub from: String,
    /// Last day, local date `YYYY-MM-DD` (inclusive); at most 10 years after `from`.
    #[param(example = "2026-09-30")]
    pub to: String,
    /// `placed` (default) or `settled`.
    #[param(pattern = "^(placed|settled)$")]
    pub basis: Option<String>,
    /// `none` (default), `day`, `week` (ISO, Monday first), `month`, `quarter` or `year`.
    #[param(pattern = "^(none|day|week|month|quarter|year)$")]
    pub interval: Option<String>,
    /// Up to 3 of `product`, `batch`, `grower`, `collective`, `buyer`, `buyer_kind`, `channel`,
    /// `live_session`, comma-separated.
    #[param(example = "product,channel")]
    pub group_by: Option<String>,
    pub product_id: Option<Vec<i64>>,
    pub batch_id: Option<Vec<i64>>,
    pub grower_id: Option<Vec<i64>>,
    pub buyer_id: Option<Vec<i64>>,
    /// `individual` or `enterprise`.
    pub buyer_kind: Option<Vec<String>>,
    /// `livestream`, `partner_api`, `expo`, `phone` or `walk_in`.
    pub channel: Option<Vec<String>>,
    pub live_session_id: Option<Vec<i64>>,
    pub collective_id: Option<Vec<i64>>,
    /// `previous_period` or `previous_year`.
    #[param(pattern = "^(previous_period|previous_year)$")]
    pub compare: Option<String>,
    /// A metric name, optionally with `:asc` or `:desc` (the default), e.g. `net_sales_fen:desc`.
    #[param(example = "net_sales_fen")]
    pub order_by: Option<String>,
    /// The top N groups, 1–1000.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// One card of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SummaryCard {
    /// `today`, `week`, `month` or `year`.
    pub period: String,
    /// `今日`, `本周`, `本月`, `本年`.
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The same days a year earlier (29 February → 28 February).
    pub compare_from: NaiveDate,
    pub compare_to: NaiveDate,
    pub metrics: SalesMetrics,
    pub compared: Comparison,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SalesSummary {
    pub date: NaiveDate,
    pub cards: Vec<SummaryCard>,
    /// Everything committed before this instant is in the answer (a replica's replay position,
    /// or the moment the primary was read).
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// `replica` or `primary`: which database answered.
    pub read_from: crate::db::replica::ReadFrom,
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The local date the cards run to (`YYYY-MM-DD`); today if absent.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    #[param(value_type = Option<String>, example = "2026-09-30")]
    pub date: Option<NaiveDate>,
}

/// How a report is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Json,
    /// UTF-8 with a BOM, the header row first.
    Csv,
    Xlsx,
}
