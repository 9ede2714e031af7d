use crate::enums::BatchStatus;
use sea_orm::entity::prelude::*;

/// One harvest of one product from one grower. Quantities are in the product's base unit:
/// grams for `by_weight`, pieces for `by_piece`. Prices are fen per jin (500 g) or per piece.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub grower_id: i64,
    pub code: Option<String>,
    pub harvest_date: Date,
    pub initial_qty: i64,
    pub stock_qty: i64,
    pub retail_price_fen: i64,
    pub enterprise_price_fen: i64,
    pub storage_place: Option<String>,
    pub status: BatchStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id"
    )]
    Product,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
