//! Making and finding trace codes. A crate's code belongs to its weigh ticket, a box's to its
//! batch; both are made the first time a label is printed, so weighing itself writes nothing
//! more, and tickets and batches from before this feature get codes too.

use crate::db::Tx;
use crate::domain::trace::new_code;
use crate::error::{AppError, AppResult, is_unique_violation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;
use zhunong_entity::trace_code;

/// The code of each ticket in `tickets` (ticket id → its batch), made where missing.
///
/// # Errors
/// Database errors; a unique violation when another request made the same code at the same
/// moment (the caller runs the transaction again, and then finds it).
pub async fn for_tickets(tx: &Tx, tickets: &[(i64, i64)]) -> AppResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    if tickets.is_empty() {
        return Ok(out);
    }
    for c in trace_code::Entity::find()
        .filter(trace_code::Column::WeighTicketId.is_in(tickets.iter().map(|t| t.0)))
        .all(tx)
        .await?
    {
        if let Some(t) = c.weigh_ticket_id {
            out.insert(t, c.code);
        }
    }
    for &(ticket, batch) in tickets {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(ticket) {
            slot.insert(insert(tx, batch, Some(ticket)).await?);
        }
    }
    Ok(out)
}

/// The batch's own code (for boxes that are not weighed), made if missing.
///
/// # Errors
/// As [`for_tickets`].
pub async fn for_batch(tx: &Tx, batch_id: i64) -> AppResult<String> {
    let found = trace_code::Entity::find()
        .filter(trace_code::Column::BatchId.eq(batch_id))
        .filter(trace_code::Column::WeighTicketId.is_null())
        .one(tx)
        .await?;
    match found {
        Some(c) => Ok(c.code),
        None => insert(tx, batch_id, None).await,
    }
}

async fn insert(tx: &Tx, batch_id: i64, ticket: Option<i64>) -> AppResult<String> {
    let code = new_code();
    trace_code::ActiveModel {
        code: Set(code.clone()),
        batch_id: Set(batch_id),
        weigh_ticket_id: Set(ticket),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(code)
}

/// Whether `e` is two requests making the same code at once (run the transaction again).
pub fn is_race(e: &AppError) -> bool {
    matches!(e, AppError::Db { source: d, .. } if is_unique_violation(d))
}
