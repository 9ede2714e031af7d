use crate::enums::{DeliveryStatus, RobotTopic};
use sea_orm::entity::prelude::*;

/// One message for one robot: the outbox row, written with what it tells (or by the scheduler),
/// then sent with retries by the robot worker, within the robot's rate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub robot_id: i64,
    pub topic: RobotTopic,
    /// One message per key and robot (`daily:2026-12-06`): two replicas write it once.
    pub dedupe_key: Option<String>,
    pub title: String,
    /// Markdown, within the robot's size limit.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    /// When it was last handed to the robot: what the rate counts.
    pub last_attempt_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
