use sea_orm::entity::prelude::*;

/// A batch sold in a live show, at its live price, with an optional limit per buyer (in the
/// batch's base unit).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_featured")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub batch_id: i64,
    pub live_price_fen: i64,
    pub per_buyer_limit: Option<i64>,
    /// `false` while the helper has taken it off sale: orders for it are refused.
    pub on_sale: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
