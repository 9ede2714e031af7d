use crate::enums::TransactionKind;
use sea_orm::entity::prelude::*;

/// One balanced posting: its entries sum to zero. Append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_transactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: TransactionKind,
    pub order_id: Option<i64>,
    /// For a reversal: the transaction it reverses.
    pub reverses_id: Option<i64>,
    pub description: String,
    pub occurred_on: Date,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
