//! Writing what robots are told: one message per subscribed robot, in the caller's transaction,
//! so it is sent if and only if the change it tells is saved. A keyed message is written once
//! per robot, whoever writes it first (two replicas' schedulers, a retried request).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use zhunong_entity::enums::{DeliveryStatus, RobotTopic};
use zhunong_entity::{chat_message, chat_robot};

use crate::error::AppResult;

/// The enabled robots told of `topic`.
///
/// # Errors
/// Database errors.
pub async fn subscribed(
    db: &impl ConnectionTrait,
    topic: RobotTopic,
) -> AppResult<Vec<chat_robot::Model>> {
    let column = match topic {
        RobotTopic::DailySummary => chat_robot::Column::DailySummary,
        RobotTopic::ShowSummary => chat_robot::Column::ShowSummary,
        RobotTopic::AfterSales => chat_robot::Column::AfterSales,
        RobotTopic::FinanceSheet => chat_robot::Column::FinanceSheets,
        RobotTopic::Test => chat_robot::Column::Enabled,
    };
    Ok(chat_robot::Entity::find()
        .filter(chat_robot::Column::Enabled.eq(true))
        .filter(column.eq(true))
        .all(db)
        .await?)
}

/// One message to write.
pub struct Message<'a> {
    pub topic: RobotTopic,
    /// Written once per robot and key; `None` for a message that is never a repeat.
    pub key: Option<String>,
    pub title: &'a str,
    pub text: &'a str,
}

/// Writes `m` for `robot`; a keyed message written already is left as it is.
///
/// # Errors
/// Database errors.
pub async fn write(db: &impl ConnectionTrait, robot: i64, m: &Message<'_>) -> AppResult<()> {
    let now = chrono::Utc::now();
    chat_message::Entity::insert(chat_message::ActiveModel {
        robot_id: Set(robot),
        topic: Set(m.topic),
        dedupe_key: Set(m.key.clone()),
        title: Set(m.title.chars().take(100).collect()),
        body: Set(m.text.to_owned()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        chat_message::Column::RobotId,
        chat_message::Column::DedupeKey,
    ])
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Tells every robot subscribed to `m.topic`.
///
/// # Errors
/// Database errors.
pub async fn tell(db: &impl ConnectionTrait, m: &Message<'_>) -> AppResult<()> {
    for r in subscribed(db, m.topic).await? {
        write(db, r.id, m).await?;
    }
    Ok(())
}
