//! One thing a bill was reconciled on: a shop order (its lines taken together), a payment or a
//! refund; or a payment of the books the bill lacks.

use crate::enums::{BillClass, BillResolution};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bill_id: i64,
    pub class: BillClass,
    /// The file's row numbers, joined by `,`; empty for what only the books have.
    pub rows: String,
    /// The platform's id: the shop's 订单号, WeChat's 微信订单号, Alipay's 支付宝交易号.
    pub platform_ref: Option<String>,
    /// The merchant's number: 商户订单号, or a refund's 商户退款单号.
    pub merchant_ref: Option<String>,
    pub occurred_at: Option<DateTimeUtc>,
    /// What the bill says was paid for goods (negative for a refund).
    pub bill_amount_fen: i64,
    /// What the books say for the same thing.
    pub books_amount_fen: i64,
    pub fee_fen: i64,
    pub subsidy_fen: i64,
    pub order_id: Option<i64>,
    pub payment_id: Option<i64>,
    /// The ledger transaction of its fees and subsidies, or of the fee the office recorded.
    pub transaction_id: Option<i64>,
    pub resolution: Option<BillResolution>,
    pub note: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
