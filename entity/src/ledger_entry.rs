use crate::enums::{EntryKind, IncomeCategory};
use sea_orm::entity::prelude::*;

/// One line of a ledger transaction, in fen: debits positive, credits negative. Accounts are
/// `cash`, `grower:{id}` and `collective:{id}`. Append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub transaction_id: i64,
    pub account: String,
    pub entry_kind: EntryKind,
    pub collective_id: Option<i64>,
    pub grower_id: Option<i64>,
    pub category: Option<IncomeCategory>,
    pub amount_fen: i64,
    /// Grams sold, on a grower's sale entries.
    pub quantity_g: i64,
    pub occurred_on: Date,
    /// `YYYYMM` of `occurred_on`, so monthly reports group the same way on every database.
    pub period: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
