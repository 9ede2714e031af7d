//! Writing events to the outbox, inside the transaction of the change they report: if the change
//! rolls back, so does the event. Only a buyer's enabled endpoints subscribed to the event get a
//! row.

use crate::error::AppResult;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use zhunong_entity::{webhook_delivery, webhook_endpoint};

/// Queues `event` about `data` for every endpoint of `buyer_id` that wants it.
///
/// # Errors
/// Database errors.
pub async fn emit(
    db: &impl ConnectionTrait,
    buyer_id: i64,
    event: &str,
    data: Value,
) -> AppResult<()> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::BuyerId.eq(buyer_id))
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(db)
        .await?;
    let now = chrono::Utc::now();
    for e in endpoints.iter().filter(|e| {
        e.events
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == event))
    }) {
        let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let payload = json!({"type": event, "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "data": data});
        webhook_delivery::ActiveModel {
            endpoint_id: Set(e.id),
            message_id: Set(message_id),
            event_type: Set(event.to_owned()),
            payload: Set(payload.to_string()),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
