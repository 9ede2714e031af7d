use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{LiveStatus, Platform, Pricing};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    pub platform: Platform,
    #[schema(example = "第一书记")]
    pub host: String,
    #[schema(example = "阳光玫瑰产地直播")]
    pub title: String,
    pub planned_start: DateTime<Utc>,
    /// The host's board goes on stream, so it shows buyers masked (张**) unless this is set.
    #[serde(default)]
    pub board_full_names: bool,
}

/// A batch to sell in the show, at a live price (fen per jin or per piece), optionally limited
/// per buyer (in the batch's base unit).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureBatch {
    pub batch_id: i64,
    pub live_price_fen: i64,
    pub per_buyer_limit: Option<i64>,
}

/// A change to a featured batch during the show; only what is given changes. Orders already
/// taken keep the price they were taken at.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFeatured {
    pub live_price_fen: Option<i64>,
    /// A new limit per buyer; `null` removes the limit.
    #[serde(default, deserialize_with = "crate::dto::double_option")]
    #[schema(value_type = Option<i64>)]
    pub per_buyer_limit: Option<Option<i64>>,
    /// `false` takes it off sale (orders for it are refused with 409 `off_sale`); `true` puts it
    /// back.
    pub on_sale: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeaturedOut {
    pub batch_id: i64,
    pub product_name: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    pub live_price_fen: i64,
    pub per_buyer_limit: Option<i64>,
    pub stock_qty: i64,
    /// `false` while taken off sale during the show.
    pub on_sale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    pub platform: Platform,
    pub host: String,
    pub title: String,
    pub planned_start: DateTime<Utc>,
    pub status: LiveStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub board_full_names: bool,
    pub featured: Vec<FeaturedOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    pub status: Option<LiveStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchTotals {
    pub batch_id: i64,
    pub product_name: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    pub sold_qty: i64,
    pub revenue_fen: i64,
    pub stock_qty: i64,
    pub live_price_fen: i64,
    /// `false` while taken off sale: the board shows it as paused.
    pub on_sale: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopBuyer {
    pub buyer_id: i64,
    /// Masked (张**) unless the show has `board_full_names`: the board goes on stream.
    pub name: String,
    pub orders: i64,
    pub revenue_fen: i64,
}

/// What the host's board shows; sent on the stream after every order or cancellation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Totals {
    pub session_id: i64,
    pub status: LiveStatus,
    pub orders: i64,
    pub cancelled: i64,
    pub buyers: i64,
    pub revenue_fen: i64,
    /// Of `orders` and `revenue_fen`, those bought in the Douyin shop's cart (imported from its
    /// export) rather than taken by the helper.
    pub shop_orders: i64,
    pub shop_revenue_fen: i64,
    pub batches: Vec<BatchTotals>,
    pub top_buyers: Vec<TopBuyer>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionSummary {
    pub session: SessionOut,
    /// From start to end (or to now while live).
    pub duration_secs: Option<i64>,
    pub totals: Totals,
}

/// One event of the totals stream, as a client's `EventSource` sees it: `event: totals` with
/// the session's totals as JSON in `data`, and a last `event: ended` when the show is over.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamEvent {
    /// `totals` or `ended`.
    #[schema(example = "totals")]
    pub event: String,
    /// The totals as JSON text (a `LiveTotals` object).
    pub data: String,
    pub id: Option<String>,
    pub retry: Option<u64>,
}
