use sea_orm::entity::prelude::*;

/// How much of a featured batch one buyer holds in one show: the per-buyer limit is checked
/// against it with a conditional update, so it holds under concurrency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_buyer_takes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub buyer_id: i64,
    pub batch_id: i64,
    pub quantity: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
