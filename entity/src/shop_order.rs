//! An order imported from the Douyin shop: its platform id (主订单编号), its state there, and
//! its money as the shop reported it, in fen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: i64,
    #[sea_orm(unique)]
    pub platform_order_id: String,
    /// 订单状态 as last imported.
    pub state: String,
    pub goods_fen: i64,
    pub shipping_fen: i64,
    /// What the buyer paid (订单应付金额).
    pub paid_fen: i64,
    pub platform_discount_fen: i64,
    pub shop_discount_fen: i64,
    pub host_discount_fen: i64,
    /// Refunded in our books because the shop's file said so.
    pub refunded_fen: i64,
    pub paid_at: DateTimeUtc,
    /// The import that created it.
    pub import_id: i64,
    /// When its tracking number was last given out in a ship-back file.
    pub shipped_back_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
