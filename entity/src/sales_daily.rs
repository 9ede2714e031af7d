//! The sales facts added up per day and key (see the migration `m20261202_000001_sales_facts`).
//! Kept by `services::reports::facts`, read by the reports.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_daily")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 0: by placing date, 1: by settlement date.
    pub basis: i16,
    pub day_key: i32,
    pub week_key: i32,
    pub month_key: i32,
    pub product_id: i64,
    pub batch_id: i64,
    pub grower_id: i64,
    /// 0 when the line carries no commission.
    pub collective_id: i64,
    /// 0 when the order is not from a live session.
    pub live_session_id: i64,
    pub buyer_kind: String,
    pub channel: String,
    pub cancelled: i16,
    pub h_order: i64,
    pub h_product: i64,
    pub h_batch: i64,
    pub h_grower: i64,
    pub h_collective: i64,
    pub h_line: i64,
    pub share_rows: i64,
    pub quantity_g: i64,
    pub pieces: i64,
    pub ordered_amount_fen: i64,
    pub final_amount_fen: i64,
    pub refunds_fen: i64,
    pub net_sales_fen: i64,
    pub commission_fen: i64,
    pub grower_payable_fen: i64,
    pub shipping_cost_fen: i64,
    pub platform_fees_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
