//! How often a trace code was scanned on a local day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trace_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_id: i64,
    /// The local day as `20261201`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day_key: i32,
    pub scans: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
