use crate::enums::{LiveStatus, Platform};
use sea_orm::entity::prelude::*;

/// One livestream show.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub platform: Platform,
    pub host: String,
    pub title: String,
    pub planned_start: DateTimeUtc,
    pub status: LiveStatus,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    /// The board (on stream) shows buyers' full names; otherwise masked, as 张**.
    pub board_full_names: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
