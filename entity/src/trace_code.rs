//! A trace code (溯源码) printed as a QR code on a label: a crate's (its weigh ticket) or a
//! batch's, for boxes that are not weighed. See the migration `m20261203_000001_trace_codes`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trace_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 16 base32 characters (80 random bits).
    pub code: String,
    pub batch_id: i64,
    /// The crate's ticket; `None` for the batch's own code.
    pub weigh_ticket_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
