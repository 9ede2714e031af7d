//! The audit log: who changed what, when, with before and after. Rows are written in the same
//! transaction as the change and the database refuses to alter them afterwards.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use zhunong_entity::audit_log;

/// One change to record.
pub struct Change<'a> {
    pub actor: i64,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// # Errors
/// Database errors.
pub async fn record(db: &impl ConnectionTrait, c: Change<'_>) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_user_id: Set(Some(c.actor)),
        action: Set(c.action.to_owned()),
        entity: Set(c.entity.to_owned()),
        entity_id: Set(c.entity_id),
        before: Set(c.before),
        after: Set(c.after),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
