use super::orders::OrderOut;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::Pricing;
use zhunong_entity::weigh_ticket;

/// One crate on the scale.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Crate {
    #[schema(example = 3000)]
    pub gross_g: i64,
    #[schema(example = 500)]
    pub tare_g: i64,
}

/// Weigh tickets for one order line, one per crate. Net = gross − tare is the server's.
/// (Serialize: an `Idempotency-Key` is bound to the request's body.)
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeighRequest {
    pub order_line_id: i64,
    #[schema(example = "1号秤")]
    pub scale_id: String,
    pub note: Option<String>,
    pub crates: Vec<Crate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOut {
    pub id: i64,
    pub order_id: i64,
    pub order_line_id: i64,
    pub gross_g: i64,
    pub tare_g: i64,
    pub net_g: i64,
    pub scale_id: String,
    pub operator_id: i64,
    pub weighed_at: DateTime<Utc>,
    pub note: Option<String>,
    /// What this crate took from the batch beyond what its line already held (0 while the line
    /// is within its order); a void gives back exactly this.
    pub stock_taken: i64,
    pub voided: bool,
}

impl TicketOut {
    pub fn new(m: weigh_ticket::Model, voided: bool) -> Self {
        Self {
            id: m.id,
            order_id: m.order_id,
            order_line_id: m.order_line_id,
            gross_g: m.gross_g,
            tare_g: m.tare_g,
            net_g: m.net_g,
            scale_id: m.scale_id,
            operator_id: m.operator_id,
            weighed_at: m.weighed_at,
            note: m.note,
            stock_taken: m.stock_taken,
            voided,
        }
    }
}

/// The tickets just written and the order as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeighOut {
    pub tickets: Vec<TicketOut>,
    pub order: OrderOut,
}

/// Why a ticket is voided, or why out-of-tolerance weights are accepted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(example = "秤未归零，重新称重")]
    pub reason: String,
}

/// Everything the weighing station shows for one order.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeighingSheet {
    pub order: OrderOut,
    pub buyer_name: String,
    /// Every line is marked weighed: the sheet is locked until a void re-opens a line.
    pub weighing_complete: bool,
    pub lines: Vec<SheetLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetLine {
    pub line_id: i64,
    pub line_no: i32,
    pub batch_id: i64,
    pub product_name: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    pub weighed_g: Option<i64>,
    pub final_amount_fen: Option<i64>,
    pub flagged: bool,
    /// When the line was marked weighed; null while crates may still be added.
    pub weighing_completed_at: Option<DateTime<Utc>>,
    /// What the line holds from its batch (see `OrderLineOut.stock_held`).
    pub stock_held: i64,
    pub tickets: Vec<TicketOut>,
}
