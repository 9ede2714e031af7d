//! Marking a line, or every line of an order, weighed. Completing a line is what returns its
//! shortfall to stock; the order becomes `weighed` — and `order.weighed` is sent — only when
//! every line is complete. Both take an `Idempotency-Key`, so a station that lost the answer
//! sends the completion again and gets the first answer, not 409 `weighing_complete`.

use super::announce::announce_weighed;
use super::apply::{
    LineChange, adjust_stock, apply_line, lock_line, lock_weighable, refresh_order, refuse_complete,
};
use super::weigh::{line_state, pricing_of};
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::domain::units::OrderLineId;
use crate::domain::weighing::completion_return;
use crate::dto::orders::OrderOut;
use crate::error::{AppError, AppResult, ErrorCode, Invariant};
use crate::services::audit::{self, Change};
use crate::services::facts::Facts;
use crate::services::idempotency::{Keyed, Outcome, Placed, keyed_write};
use crate::services::orders::load_out;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::time::Duration;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::order_line;

/// Marks one line weighed.
///
/// # Errors
/// 404 for an unknown line; 409 if the order cannot be weighed now (`not_weighable`), the line
/// has no live ticket (`nothing_weighed`) or is already complete (`weighing_complete`).
pub async fn complete_line(
    db: &Db,
    facts: &Facts,
    caller: &Caller,
    line: OrderLineId,
    tolerance_bp: i64,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
) -> AppResult<Placed> {
    keyed_write(db, keyed, in_flight_wait, async |tx| {
        let (order, line) = lock_line(tx, line).await?;
        refuse_complete(&line)?;
        let was = order.status;
        complete_one(tx, facts, caller, line, tolerance_bp).await?;
        answer(tx, was, order).await
    })
    .await
}

/// The order after a completion, announced if it is now weighed, as the answer to store.
async fn answer(
    tx: &Tx,
    was: zhunong_entity::enums::OrderStatus,
    order: zhunong_entity::order::Model,
) -> AppResult<(Outcome, String)> {
    let order = refresh_order(tx, order).await?;
    announce_weighed(tx, was, &order).await?;
    let out: OrderOut = load_out(tx, OrderId::new(order.id)).await?;
    let body = serde_json::to_string(&out).invariant("an order serialises")?;
    Ok((Outcome::Changed, body))
}

/// Marks every line of the order that is not yet complete weighed, all or none.
///
/// # Errors
/// 404 for an unknown order; 409 if it cannot be weighed now (`not_weighable`), some open line
/// has no live ticket (`nothing_weighed`, naming it), or every line is already complete
/// (`weighing_complete`).
pub async fn complete_order(
    db: &Db,
    facts: &Facts,
    caller: &Caller,
    order_id: i64,
    tolerance_bp: i64,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
) -> AppResult<Placed> {
    keyed_write(db, keyed, in_flight_wait, async |tx| {
        let order = lock_weighable(tx, order_id).await?;
        // Batch-id order, as when placing, so stock rows are always locked in one order.
        let open: Vec<order_line::Model> = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(order_id))
            .filter(order_line::Column::WeighingCompletedAt.is_null())
            .order_by_asc(order_line::Column::BatchId)
            .order_by_asc(order_line::Column::LineNo)
            .all(tx)
            .await?;
        if open.is_empty() {
            return Err(AppError::Conflict {
                code: ErrorCode::WeighingComplete,
                detail: "every line of the order is already marked weighed".into(),
            });
        }
        if let Some(l) = open.iter().find(|l| l.weighed_g.is_none()) {
            return Err(nothing_weighed(l));
        }
        let was = order.status;
        for line in open {
            complete_one(tx, facts, caller, line, tolerance_bp).await?;
        }
        answer(tx, was, order).await
    })
    .await
}

fn nothing_weighed(line: &order_line::Model) -> AppError {
    AppError::Conflict {
        code: ErrorCode::NothingWeighed,
        detail: format!(
            "line {} has no live weigh ticket; weigh it before marking it weighed",
            line.line_no
        ),
    }
}

/// Completes an open line of an order the caller has locked: gives back what it holds beyond
/// its net and stamps it.
async fn complete_one(
    tx: &Tx,
    facts: &Facts,
    caller: &Caller,
    line: order_line::Model,
    tolerance_bp: i64,
) -> AppResult<order_line::Model> {
    let Some(weighed) = line.weighed_g else {
        return Err(nothing_weighed(&line));
    };
    let pricing = pricing_of(tx, facts, line.batch_id).await?;
    let back = completion_return(pricing, line.quantity + line.stock_beyond_order, weighed);
    adjust_stock(tx, line.batch_id, -back).await?;
    let before = line_state(&line);
    let change = LineChange {
        beyond_delta: -back,
        completed_at: Some(chrono::Utc::now()),
    };
    let line = apply_line(tx, line, pricing, tolerance_bp, change).await?;
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::CompleteWeighing,
            AuditEntity::OrderLine,
            line.id,
        )
        .before(before)
        .after(serde_json::json!({"line": line_state(&line), "returned": back})),
    )
    .await?;
    Ok(line)
}
