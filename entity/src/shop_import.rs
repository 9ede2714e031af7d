//! One upload of a Douyin shop order export, previewed or committed, with its per-row results.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub dry_run: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub rows_total: i64,
    pub rows_new: i64,
    pub rows_unchanged: i64,
    pub rows_updated: i64,
    pub rows_refused: i64,
    /// The file's headers that were read, joined by `,`.
    pub columns_used: String,
    /// The file's headers that were not recognised, joined by `,`.
    pub columns_unknown: String,
    /// The per-row results as the CSV the office downloads.
    pub results_csv: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
