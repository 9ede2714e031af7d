//! An order line imported from the Douyin shop, with its 子订单编号 and SKU code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_line_id: i64,
    pub order_id: i64,
    #[sea_orm(unique)]
    pub sub_order_id: String,
    pub sku_code: String,
    /// 售后状态 as last imported.
    pub state: String,
    pub refunded_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
