//! Writing events to the outbox, inside the transaction of the change they report: if the change
//! rolls back, so does the event. Only a buyer's enabled endpoints subscribed to the event get a
//! row, with the body in the version the endpoint is pinned to.

use crate::db::Tx;
use crate::dto::events::{EventData, EventType};
use crate::error::{AppResult, Invariant};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use zhunong_entity::enums::DeliveryStatus;
use zhunong_entity::{webhook_delivery, webhook_endpoint};

/// Queues `event` about `data` for every endpoint of the order's buyer that wants it.
///
/// # Errors
/// Database errors.
pub async fn emit(tx: &Tx, event: EventType, data: &EventData) -> AppResult<()> {
    let buyer_id = data.order.buyer_id;
    let event_name = event.as_str();
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::BuyerId.eq(buyer_id))
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(tx)
        .await?;
    let now = chrono::Utc::now();
    let timestamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for e in endpoints.iter().filter(|e| {
        e.events
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == event_name))
    }) {
        let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let payload = super::versions::body(e.version, event, &timestamp, data)
            .invariant("an endpoint's pinned version renders")?;
        webhook_delivery::ActiveModel {
            endpoint_id: Set(e.id),
            message_id: Set(message_id),
            event_type: Set(event_name.to_owned()),
            payload: Set(payload.to_string()),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    Ok(())
}
