//! One uploaded bill from a platform that pays the village, reconciled against the books.

use crate::enums::BillKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bills")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: BillKind,
    pub file_name: String,
    /// The file's SHA-256: the same file is applied once.
    pub sha256: String,
    /// The merchant number the bill is for (WeChat's 商户号, Alipay's account), when it says.
    pub merchant_no: Option<String>,
    /// The earliest and latest time of its lines: the span in which the books are checked for
    /// what the bill lacks.
    pub period_from: DateTimeUtc,
    pub period_to: DateTimeUtc,
    pub lines: i64,
    /// The money the bill's lines move for goods, refunds counted negative.
    pub amount_fen: i64,
    pub fee_fen: i64,
    pub subsidy_fen: i64,
    /// Whether its fees came off their orders' commission base (the setting it was applied
    /// under; an order already charged keeps its own).
    pub fees_reduce_commission_base: bool,
    pub time_tolerance_minutes: i64,
    pub amount_tolerance_fen: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
