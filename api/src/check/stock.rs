//! The stock rule: a batch holds its quantity, plus the office's adjustments, less what the
//! orders that are not cancelled hold (each line its ordered quantity plus what weighing took
//! beyond it, less what a completed line gave back).

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;
use zhunong_entity::audit_log;
use zhunong_entity::enums::{AuditAction, AuditEntity};

/// Each batch's stock equals what its history makes it.
pub async fn batches(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let held: BTreeMap<i64, i64> = int_rows::<2>(
        conn,
        "SELECT l.batch_id, CAST(SUM(l.quantity + l.stock_beyond_order) AS BIGINT) \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.status <> 'cancelled' GROUP BY l.batch_id",
    )
    .await?
    .into_iter()
    .map(|[batch, qty]| (batch, qty))
    .collect();
    let adjusted = adjustments(conn).await?;
    let batches: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT id, initial_qty, stock_qty FROM batches ORDER BY id",
    )
    .await?;
    for [id, initial, stock] in batches {
        let adjustment = adjusted.get(&id).copied().unwrap_or(0);
        let orders = held.get(&id).copied().unwrap_or(0);
        let expected = initial + adjustment - orders;
        if expected != stock {
            found.figure(
                Rule::Stock,
                Subject::Batch,
                id,
                (expected, stock),
                format!(
                    "batch {id}: stock is {stock}, but its quantity {initial} + adjustments \
                     {adjustment} - held by orders {orders} = {expected}"
                ),
            );
        }
    }
    Ok(())
}

/// The office's stock adjustments per batch, from the audit log (it records the stock before
/// and after each one, and it is append-only).
async fn adjustments(conn: &impl ConnectionTrait) -> AppResult<BTreeMap<i64, i64>> {
    let rows: Vec<(i64, Option<serde_json::Value>, Option<serde_json::Value>)> =
        audit_log::Entity::find()
            .select_only()
            .column(audit_log::Column::EntityId)
            .column(audit_log::Column::Before)
            .column(audit_log::Column::After)
            .filter(audit_log::Column::Action.eq(AuditAction::AdjustStock))
            .filter(audit_log::Column::Entity.eq(AuditEntity::Batch))
            .into_tuple()
            .all(conn)
            .await?;
    let stock = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| v.get("stock_qty"))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    };
    let mut out = BTreeMap::new();
    for (batch, before, after) in rows {
        // Entries from before the adjustment was recorded: the stock moved by exactly the
        // adjustment then only if no order took stock meanwhile.
        let adjustment = after
            .as_ref()
            .and_then(|v| v.get("stock_adjustment"))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or_else(|| stock(&after) - stock(&before));
        *out.entry(batch).or_default() += adjustment;
    }
    Ok(out)
}
