//! How a Douyin shop SKU code (商家编码) becomes an order line: a batch, or a product whose
//! current open batch is used; and how much of it one item is (grams or pieces).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_sku_maps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub sku_code: String,
    pub batch_id: Option<i64>,
    pub product_id: Option<i64>,
    pub units_per_item: i64,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
