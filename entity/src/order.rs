use crate::enums::{Channel, OrderStatus, PaymentStatus};
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
