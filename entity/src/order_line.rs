use sea_orm::entity::prelude::*;

/// One line of an order. `unit_price_fen` is copied from the batch when the order is placed and
/// never changes with later price changes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line_no: i32,
    pub batch_id: i64,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
