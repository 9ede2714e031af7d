use crate::enums::RobotKind;
use sea_orm::entity::prelude::*;

/// A group-chat robot the village's cadres read: where it is (its webhook address, sealed, as
/// it holds the robot's key), DingTalk's signing secret (sealed), and what it is told.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_robots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: RobotKind,
    /// The webhook address with its key or access token, sealed.
    #[sea_orm(column_type = "Text")]
    pub url_sealed: String,
    /// What the office shows of the address: its host and the key's last characters.
    pub url_hint: String,
    /// DingTalk's signing secret (`SEC…`), sealed.
    #[sea_orm(column_type = "Text", nullable)]
    pub secret_sealed: Option<String>,
    pub daily_summary: bool,
    /// The local time of the daily summary, `HH:MM`.
    pub daily_at: String,
    pub show_summary: bool,
    pub after_sales: bool,
    pub finance_sheets: bool,
    pub enabled: bool,
    /// The newest after-sales case told; later ones are new.
    pub cases_seen_through: i64,
    /// Cases whose deadline falls up to here have been warned of.
    pub deadlines_warned_through: DateTimeUtc,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
