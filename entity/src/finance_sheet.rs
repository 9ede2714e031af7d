use crate::enums::SheetStatus;
use sea_orm::entity::prelude::*;

/// One version of a collective's public finance sheet (财务公开) for a quarter or a month. Its
/// content is the figures as drafted, frozen as JSON text; once published, the database refuses
/// any change to it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finance_sheets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub collective_id: i64,
    /// `2026-Q4` or `2026-11`.
    pub period: String,
    /// 1, 2, … within the collective's period; a correction is the next version.
    pub version: i32,
    pub status: SheetStatus,
    /// The sheet's figures and notes (`FinanceSheetContent`), as JSON text.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub drafted_by: i64,
    pub drafted_at: DateTimeUtc,
    pub checked_by: Option<i64>,
    pub checked_at: Option<DateTimeUtc>,
    pub check_note: Option<String>,
    pub published_by: Option<i64>,
    pub published_at: Option<DateTimeUtc>,
    pub replaced_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
