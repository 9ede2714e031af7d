//! An after-sales case (售后) on an order: what the buyer claims, by when the village must answer,
//! and what it answered.

use crate::enums::{CaseDecision, CaseKind, CaseReason, CaseStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "after_sales_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub kind: CaseKind,
    pub reason: CaseReason,
    pub note: Option<String>,
    /// The money asked back, in fen.
    pub claimed_fen: Option<i64>,
    /// The damaged weight, in grams, or the damaged count.
    pub claimed_g: Option<i64>,
    pub claimed_count: Option<i64>,
    pub status: CaseStatus,
    pub decision: Option<CaseDecision>,
    /// What was refunded.
    pub decided_fen: Option<i64>,
    /// Why, in words the buyer reads (a rejection needs one).
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub refund_payment_id: Option<i64>,
    pub reship_order_id: Option<i64>,
    /// The village answers before this (`ZHUNONG_CLAIM_ANSWER_HOURS` after opening).
    pub deadline_at: DateTimeUtc,
    pub reopened: bool,
    pub opened_by: Option<i64>,
    pub opened_by_buyer: bool,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
