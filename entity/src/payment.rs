use crate::enums::PaymentMethod;
use sea_orm::entity::prelude::*;

/// Money received (positive) or refunded (negative) for an order. Append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub paid_at: DateTimeUtc,
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
