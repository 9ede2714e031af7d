use crate::domain::order_number;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{Channel, Fulfilment, OrderStatus, PaymentStatus};
use zhunong_entity::{order, order_line};

/// One line to order: a batch and a quantity in the batch's base unit (grams for `by_weight`,
/// pieces for `by_piece`). The price is the server's, copied from the batch.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    pub batch_id: i64,
    #[schema(example = 5000, minimum = 1)]
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    pub buyer_id: i64,
    /// `livestream`, `expo`, `phone` or `walk_in` (`partner_api` is the partner API's own, and
    /// `douyin_shop` the shop import's).
    pub channel: Channel,
    pub note: Option<String>,
    /// The live show this order is taken in: its live prices and per-buyer limits apply.
    pub live_session_id: Option<i64>,
    pub lines: Vec<NewOrderLine>,
    /// `load` (a truck, the default), `parcel` (express, to `recipient`) or `pickup` (at
    /// `pickup_point_id`, collected with the pickup code).
    #[serde(default)]
    pub fulfilment: Option<Fulfilment>,
    /// For a parcel; left out, the buyer's default address.
    #[serde(default)]
    pub recipient: Option<super::fulfilment::RecipientIn>,
    #[serde(default)]
    pub pickup_point_id: Option<i64>,
}

impl CreateOrder {
    /// How the order is to reach its buyer, as asked.
    pub fn fulfilment_in(&self) -> super::fulfilment::FulfilmentIn {
        super::fulfilment::FulfilmentIn {
            fulfilment: self.fulfilment.unwrap_or(Fulfilment::Load),
            recipient: self.recipient.clone(),
            pickup_point_id: self.pickup_point_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLineOut {
    /// The line's id, for weighing it.
    pub line_id: i64,
    pub line_no: i32,
    pub batch_id: i64,
    pub quantity: i64,
    /// Fen per jin (`by_weight`) or per piece, as it was when the order was placed.
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    /// Σ net grams of the line's live weigh tickets; null until weighed.
    pub weighed_g: Option<i64>,
    /// What the line costs as weighed so far (catch weight for `by_weight`); null until weighed.
    pub final_amount_fen: Option<i64>,
    /// Weighed outside the tolerance.
    pub flagged: bool,
    /// When the station marked the line weighed; null while it is being weighed.
    pub weighing_completed_at: Option<DateTime<Utc>>,
    /// What the line holds from its batch (grams or pieces): the ordered quantity, plus weight
    /// taken above it; once complete, the weighed net (`by_weight`).
    pub stock_held: i64,
}

impl From<order_line::Model> for OrderLineOut {
    fn from(m: order_line::Model) -> Self {
        Self {
            line_id: m.id,
            weighing_completed_at: m.weighing_completed_at,
            stock_held: m.quantity.saturating_add(m.stock_beyond_order),
            weighed_g: m.weighed_g,
            final_amount_fen: m.final_amount_fen,
            flagged: m.flagged,
            line_no: m.line_no,
            batch_id: m.batch_id,
            quantity: m.quantity,
            unit_price_fen: m.unit_price_fen,
            amount_fen: m.amount_fen,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderOut {
    pub id: i64,
    /// Human-readable number, e.g. `ZN000042`.
    pub number: String,
    pub buyer_id: i64,
    pub channel: Channel,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub total_fen: i64,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Σ of the lines' final amounts, once every line's weighing is complete.
    pub final_total_fen: Option<i64>,
    /// A line was weighed outside the tolerance: loading needs a secretary's approval.
    pub weights_flagged: bool,
    pub weights_approved: bool,
    /// Received less refunded, in fen.
    pub paid_fen: i64,
    pub load_id: Option<i64>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub live_session_id: Option<i64>,
    /// `load`, `parcel` or `pickup`.
    pub fulfilment: Fulfilment,
    /// When its last parcel was handed to the courier.
    pub shipped_at: Option<DateTime<Utc>>,
    pub lines: Vec<OrderLineOut>,
    /// Who is buying, on `GET /orders` only (the office's order list shows them on every row);
    /// absent elsewhere, and never in a webhook body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer: Option<BuyerBrief>,
}

/// A buyer as an order row shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuyerBrief {
    pub name: String,
    pub phone: Option<String>,
    /// An enterprise's company.
    pub company: Option<String>,
}

/// How many orders there are in each status, under the same filters as `GET /orders` (its
/// `status` aside): the counts on the office's status tabs.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatusCounts {
    pub all: u64,
    pub pending: u64,
    pub confirmed: u64,
    pub weighed: u64,
    pub loaded: u64,
    pub shipped: u64,
    pub delivered: u64,
    pub settled: u64,
    pub cancelled: u64,
    /// Weighed outside the tolerance and not yet approved (in any status).
    pub weights_flagged: u64,
}

impl OrderOut {
    pub fn new(m: order::Model, lines: Vec<order_line::Model>) -> Self {
        Self {
            id: m.id,
            number: order_number::format(m.id),
            buyer_id: m.buyer_id,
            channel: m.channel,
            status: m.status,
            payment_status: m.payment_status,
            total_fen: m.total_fen,
            note: m.note,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
            confirmed_at: m.confirmed_at,
            cancelled_at: m.cancelled_at,
            final_total_fen: m.final_total_fen,
            weights_flagged: m.weights_flagged,
            weights_approved: m.weights_approved_at.is_some(),
            paid_fen: m.paid_fen,
            load_id: m.load_id,
            delivered_at: m.delivered_at,
            live_session_id: m.live_session_id,
            fulfilment: m.fulfilment,
            shipped_at: m.shipped_at,
            lines: lines.into_iter().map(OrderLineOut::from).collect(),
            buyer: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub channel: Option<Channel>,
    /// `load`, `parcel` or `pickup`.
    pub fulfilment: Option<Fulfilment>,
    pub buyer_id: Option<i64>,
    /// Placed at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Placed before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub payment_status: Option<zhunong_entity::enums::PaymentStatus>,
    pub live_session_id: Option<i64>,
    /// Only orders whose weights are outside the tolerance and not yet approved (`true`).
    pub weights_flagged: Option<bool>,
    /// An order number (`ZN000042`), or part of a buyer's name, company or phone.
    #[param(max_length = 50)]
    pub q: Option<String>,
}

/// What confirming a live session's pending orders did.
/// Why an order is cancelled (for example 买家退单), kept in the audit log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    /// Up to 200 characters.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmedOrders {
    pub confirmed: Vec<i64>,
    /// Orders that stopped being pending meanwhile (confirmed or cancelled by someone else).
    pub skipped: Vec<i64>,
}
