//! An integrity check the office ran, with its report kept as JSON.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integrity_checks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checked_at: DateTimeUtc,
    pub run_by: Option<i64>,
    pub ok: bool,
    pub violations: i64,
    pub took_ms: i64,
    pub report: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
