//! Sales reports: what may be asked (`GET /api/v1/reports/sales`, here) and what comes back
//! ([`answer`]: a report; [`summary`]: the dashboard's cards).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

mod answer;
mod summary;

pub use answer::*;
pub use summary::*;

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
    /// How the order reaches its buyer: truck load, parcel or pickup.
    Fulfilment,
}

impl Dimension {
    pub const ALL: [Self; 9] = [
        Self::Product,
        Self::Batch,
        Self::Grower,
        Self::Collective,
        Self::Buyer,
        Self::BuyerKind,
        Self::Channel,
        Self::LiveSession,
        Self::Fulfilment,
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
            Self::Fulfilment => "fulfilment",
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
            Self::Fulfilment => "配送方式",
            Self::LiveSession => "直播场次",
        }
    }

    /// Whether every order falls in one group (so order counts of the groups add up).
    pub fn is_per_order(self) -> bool {
        matches!(
            self,
            Self::Buyer | Self::BuyerKind | Self::Channel | Self::LiveSession | Self::Fulfilment
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
    ShippingCostFen,
    PlatformFeesFen,
    NetReceivedFen,
}

/// How many figures a report row has (the length of [`Metric::ALL`]).
pub const METRIC_COUNT: usize = 14;

impl Metric {
    pub const ALL: [Self; METRIC_COUNT] = [
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
        Self::ShippingCostFen,
        Self::PlatformFeesFen,
        Self::NetReceivedFen,
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
            Self::ShippingCostFen => "shipping_cost_fen",
            Self::PlatformFeesFen => "platform_fees_fen",
            Self::NetReceivedFen => "net_received_fen",
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
            Self::ShippingCostFen => "运费（分）",
            Self::PlatformFeesFen => "平台费用（分）",
            Self::NetReceivedFen => "实收（分）",
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
    /// `live_session`, `fulfilment`, comma-separated.
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
    /// `load`, `parcel` or `pickup`.
    pub fulfilment: Option<Vec<String>>,
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
    /// For CSV and XLSX: `readable` (default) gives amounts in 元 and weights in 斤 only;
    /// `with_integers` adds the exact integer 分 and 克 columns beside them.
    #[param(pattern = "^(readable|with_integers)$")]
    pub units: Option<String>,
}

/// Which columns a CSV or XLSX download carries for amounts and weights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    /// 元 and 斤 only: what a person reads in a spreadsheet.
    #[default]
    Readable,
    /// The exact integers too (分 and 克), for a program that re-adds the figures.
    WithIntegers,
}

/// How a download is answered: its format, and its columns for amounts and weights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Export {
    pub format: ExportFormat,
    pub units: Units,
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

/// How orders reached their buyers over a span, per fulfilment.
#[derive(Debug, Serialize, ToSchema)]
pub struct FulfilmentReport {
    pub from: chrono::DateTime<chrono::Utc>,
    pub to: chrono::DateTime<chrono::Utc>,
    pub rows: Vec<FulfilmentRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FulfilmentRow {
    pub fulfilment: zhunong_entity::enums::Fulfilment,
    /// 装车, 快递, 自提
    pub label: String,
    /// Orders placed in the span, not cancelled.
    pub orders: i64,
    /// What they come to (weighed amounts where weighed), in fen.
    pub sales_fen: i64,
    pub delivered_orders: i64,
    /// Parcels packed in the span (parcel orders only).
    pub parcels: i64,
    pub shipping_cost_fen: i64,
    pub delivered_parcels: i64,
    /// Counted as delivered by the rule rather than signed for.
    pub auto_delivered_parcels: i64,
    /// From shipping to delivery, over the delivered parcels.
    pub avg_ship_to_delivery_minutes: Option<i64>,
    pub median_ship_to_delivery_minutes: Option<i64>,
}

impl FulfilmentRow {
    /// A row with nothing counted yet.
    pub fn empty(fulfilment: zhunong_entity::enums::Fulfilment, label: &str) -> Self {
        Self {
            fulfilment,
            label: label.to_owned(),
            orders: 0,
            sales_fen: 0,
            delivered_orders: 0,
            parcels: 0,
            shipping_cost_fen: 0,
            delivered_parcels: 0,
            auto_delivered_parcels: 0,
            avg_ship_to_delivery_minutes: None,
            median_ship_to_delivery_minutes: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FulfilmentQuery {
    /// First local day (default: 30 days before `to`).
    pub from: Option<chrono::NaiveDate>,
    /// Last local day, included (default: today).
    pub to: Option<chrono::NaiveDate>,
}
