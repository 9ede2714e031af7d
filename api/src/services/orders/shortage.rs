//! Explaining why an order could not take its stock.

use crate::domain::units::BatchId;
use crate::dto::orders::CreateOrder;
use crate::error::{AppError, AppResult, ErrorCode, Shortage, Validator};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use zhunong_entity::batch;
use zhunong_entity::enums::BatchStatus;

/// Why some batches could not be taken from: an unknown batch (422 naming the line), a closed
/// one (409), or short stock (409 listing each short line with what its batch has now).
pub async fn shortage_error(
    db: &impl ConnectionTrait,
    req: &CreateOrder,
    short: &[BatchId],
) -> AppResult<AppError> {
    let batches: HashMap<i64, batch::Model> =
        crate::services::rows::by_id::<batch::Entity>(db, short.iter().map(|b| b.get())).await?;
    let short: Vec<i64> = short.iter().map(|b| b.get()).collect();
    let mut v = Validator::default();
    for (i, l) in req.lines.iter().enumerate() {
        v.check(
            !short.contains(&l.batch_id) || batches.contains_key(&l.batch_id),
            format!("lines[{i}].batch_id"),
            format!("no batch with id {}", l.batch_id),
        );
    }
    v.finish()?;
    if let Some(closed) = batches.values().find(|b| b.status == BatchStatus::Closed) {
        return Ok(AppError::Conflict {
            code: ErrorCode::BatchClosed,
            detail: format!("batch {} is closed and takes no more orders", closed.id),
        });
    }
    let shortages = req
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| short.contains(&l.batch_id))
        .map(|(i, l)| Shortage {
            line: i,
            batch_id: l.batch_id,
            requested: l.quantity,
            available: batches.get(&l.batch_id).map_or(0, |b| b.stock_qty),
        })
        .collect();
    Ok(AppError::InsufficientStock(shortages))
}
