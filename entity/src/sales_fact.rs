//! One order line's part of the sales figures, per collective share (see the migration
//! `m20261202_000001_sales_facts`). Written by `services::reports::facts`, read by the reports.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "sales_facts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line_id: i64,
    pub collective_id: Option<i64>,
    /// Local date as `yyyymmdd`.
    pub placed_day: i32,
    /// The Monday of the ISO week, `yyyymmdd`.
    pub placed_week: i32,
    /// `yyyymm`.
    pub placed_month: i32,
    pub settled_day: Option<i32>,
    pub settled_week: Option<i32>,
    pub settled_month: Option<i32>,
    pub product_id: i64,
    pub batch_id: i64,
    pub grower_id: i64,
    pub buyer_id: i64,
    pub buyer_kind: String,
    pub channel: String,
    /// How the order reaches its buyer: `load`, `parcel` or `pickup` (see `Fulfilment`).
    pub fulfilment: String,
    pub live_session_id: Option<i64>,
    /// The order id, unless the order is cancelled: `COUNT(DISTINCT live_order_id)` counts orders.
    pub live_order_id: Option<i64>,
    pub live_line_id: Option<i64>,
    pub cancelled_order_id: Option<i64>,
    /// 1 for the rows of a cancelled order.
    pub cancelled: i16,
    /// 1 on the first row of the order, of each (order, product), (order, batch),
    /// (order, grower) and (order, collective) pair, and of each line; else 0.
    pub h_order: i16,
    pub h_product: i16,
    pub h_batch: i16,
    pub h_grower: i16,
    pub h_collective: i16,
    pub h_line: i16,
    pub quantity_g: i64,
    pub pieces: i64,
    pub ordered_amount_fen: i64,
    pub final_amount_fen: i64,
    pub refunds_fen: i64,
    pub net_sales_fen: i64,
    pub commission_fen: i64,
    pub grower_payable_fen: i64,
    /// The line's part of what the order's parcels cost to ship.
    pub shipping_cost_fen: i64,
    /// The line's part of the platforms' fees less subsidies on the order.
    pub platform_fees_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
