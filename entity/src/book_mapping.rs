use crate::enums::{Chart, PostingKind};
use sea_orm::entity::prelude::*;

/// One kind of ledger posting mapped to an account of a collective's chart, from a date forward.
/// The row in force on a day is the latest one not after it; without one, the chart's default.
/// Append-only: a change is a new row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "book_mappings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub collective_id: i64,
    pub chart: Chart,
    pub posting_kind: PostingKind,
    pub account_code: String,
    pub effective_from: Date,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
