use crate::enums::{Channel, Fulfilment, OrderStatus, PaymentStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub buyer_id: i64,
    pub channel: Channel,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub total_fen: i64,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    /// Σ of the lines' final amounts once every line is weighed (catch weight).
    pub final_total_fen: Option<i64>,
    /// Some line was weighed outside the tolerance; loading needs a secretary's approval.
    pub weights_flagged: bool,
    pub weights_approved_by: Option<i64>,
    pub weights_approved_at: Option<DateTimeUtc>,
    pub weights_approval_reason: Option<String>,
    pub load_id: Option<i64>,
    pub delivered_at: Option<DateTimeUtc>,
    /// Σ of payments less refunds.
    pub paid_fen: i64,
    /// The ledger transaction that currently settles the order (a refund replaces it).
    pub settlement_transaction_id: Option<i64>,
    pub settled_at: Option<DateTimeUtc>,
    /// The live show the order was taken in.
    pub live_session_id: Option<i64>,
    /// How many `order.weighed` events the order has sent; a correction sends the next one.
    pub weighed_revision: i32,
    /// How the order reaches its buyer; changeable until it is packed or loaded.
    pub fulfilment: Fulfilment,
    pub pickup_point_id: Option<i64>,
    /// What the platforms kept from the order less what they added (fees − subsidies), as their
    /// bills said; the village received `paid_fen` less this.
    pub platform_fees_fen: i64,
    /// Whether those fees come off the commission base (the setting when the first fees were
    /// posted); `None` until the order has fees.
    pub fees_reduce_commission_base: Option<bool>,
    /// The code the buyer shows at the pickup point (pickup orders only).
    pub pickup_code: Option<String>,
    /// Wrong pickup codes in a row; past the limit hand-over waits until `pickup_locked_until`.
    pub pickup_failures: i32,
    pub pickup_locked_until: Option<DateTimeUtc>,
    pub picked_up_at: Option<DateTimeUtc>,
    /// When the last of its crates left in a shipped parcel.
    pub shipped_at: Option<DateTimeUtc>,
    /// The secret of the buyer's own page `/o/{token}`; null once revoked.
    pub view_token: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
