//! Recomputing a line and its order from the live (not voided) tickets, and moving stock, inside
//! the caller's transaction.

use crate::db::Tx;
use crate::domain::units::{Fen, OrderLineId};
use crate::domain::weighing::{final_amount_fen, within_tolerance};
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use zhunong_entity::enums::{OrderStatus, Pricing};
use zhunong_entity::{batch, order, order_line, weigh_ticket, weigh_ticket_void};

/// Σ net grams of the live tickets of the lines matching `filter`; `None` if there are none.
pub async fn live_net_g(
    db: &impl ConnectionTrait,
    filter: sea_orm::Condition,
) -> AppResult<Option<i64>> {
    let voided = Query::select()
        .column(weigh_ticket_void::Column::TicketId)
        .from(weigh_ticket_void::Entity)
        .to_owned();
    let sum: Option<Option<i64>> = weigh_ticket::Entity::find()
        .select_only()
        .column_as(
            Expr::col(weigh_ticket::Column::NetG)
                .sum()
                .cast_as("BIGINT"),
            "net",
        )
        .filter(filter)
        .filter(weigh_ticket::Column::Id.not_in_subquery(voided))
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten())
}

/// Moves stock by `delta` (positive takes, negative returns); taking never goes below zero.
///
/// # Errors
/// 409 `stock_shortfall` if the batch has less than `delta` left.
pub async fn adjust_stock(tx: &Tx, batch_id: i64, delta: i64) -> AppResult<()> {
    if delta == 0 {
        return Ok(());
    }
    let mut update = batch::Entity::update_many()
        .col_expr(
            batch::Column::StockQty,
            Expr::col(batch::Column::StockQty).sub(delta),
        )
        .filter(batch::Column::Id.eq(batch_id));
    if delta > 0 {
        update = update.filter(batch::Column::StockQty.gte(delta));
    }
    if update.exec(tx).await?.rows_affected == 1 {
        return Ok(());
    }
    let available = batch::Entity::find_by_id(batch_id)
        .one(tx)
        .await?
        .map_or(0, |b| b.stock_qty);
    Err(AppError::Conflict {
        code: ErrorCode::StockShortfall,
        detail: format!(
            "the weighed quantity needs {delta} more than the order holds from batch {batch_id}, which has {available} left; nothing was recorded"
        ),
    })
}

/// What a step changes on a line besides what its tickets say.
pub struct LineChange {
    /// Added to `stock_beyond_order` (the caller has moved the stock).
    pub beyond_delta: i64,
    /// The line's completion time after the step.
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Brings a line in line with its live tickets (net, catch-weight amount, tolerance flag) and
/// `change`, and returns it.
pub async fn apply_line(
    tx: &Tx,
    line: order_line::Model,
    pricing: Pricing,
    tolerance_bp: i64,
    change: LineChange,
) -> AppResult<order_line::Model> {
    let weighed = live_net_g(
        tx,
        sea_orm::Condition::all().add(weigh_ticket::Column::OrderLineId.eq(line.id)),
    )
    .await?;
    let final_amount = match weighed {
        // Sold by the platform at a price per item: the buyer paid for the box, whatever it weighs.
        Some(_) if line.fixed_amount => Some(line.amount_fen),
        Some(w) => Some(
            final_amount_fen(pricing, line.quantity, w, Fen::new(line.unit_price_fen))
                .map(Fen::get)
                .ok_or_else(|| AppError::field("crates", "the weighed amount is too large"))?,
        ),
        None => None,
    };
    let flagged =
        weighed.is_some_and(|w| !within_tolerance(pricing, line.quantity, w, tolerance_bp));
    let beyond = line
        .stock_beyond_order
        .checked_add(change.beyond_delta)
        .ok_or_else(|| AppError::field("crates", "the weighed amount is too large"))?;
    let mut m = line.into_active_model();
    m.weighed_g = Set(weighed);
    m.final_amount_fen = Set(final_amount);
    m.flagged = Set(flagged);
    m.stock_beyond_order = Set(beyond);
    m.weighing_completed_at = Set(change.completed_at);
    Ok(m.update(tx).await?)
}

/// Recomputes the order from its lines: `weighed` with a final total once every line's
/// weighing is complete, back to `confirmed` otherwise. Any earlier approval is cleared: it was
/// given for other weights.
pub async fn refresh_order(tx: &Tx, order: order::Model) -> AppResult<order::Model> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::LineNo)
        .all(tx)
        .await?;
    let complete = lines.iter().all(|l| l.weighing_completed_at.is_some());
    let final_total = if complete {
        Some(
            lines
                .iter()
                .try_fold(0i64, |acc, l| {
                    acc.checked_add(l.final_amount_fen.unwrap_or(0))
                })
                .ok_or_else(|| AppError::field("crates", "the order total is too large"))?,
        )
    } else {
        None
    };
    let mut m = order.into_active_model();
    m.status = Set(if complete {
        OrderStatus::Weighed
    } else {
        OrderStatus::Confirmed
    });
    m.final_total_fen = Set(final_total);
    m.weights_flagged = Set(lines.iter().any(|l| l.flagged));
    m.weights_approved_by = Set(None);
    m.weights_approved_at = Set(None);
    m.weights_approval_reason = Set(None);
    m.updated_at = Set(chrono::Utc::now());
    let order = m.update(tx).await?;
    crate::services::reports::facts::refresh(tx, order.id).await?;
    Ok(order)
}

/// Locks the order for weighing (the row lock serialises weighings of one order) and checks it
/// can be weighed: confirmed or weighed, and not on a load.
pub async fn lock_weighable(tx: &Tx, order_id: i64) -> AppResult<order::Model> {
    let touched = order::Entity::update_many()
        .col_expr(order::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.is_in([OrderStatus::Confirmed, OrderStatus::Weighed]))
        .filter(order::Column::LoadId.is_null())
        .exec_with_returning(tx)
        .await?;
    if let Some(o) = touched.into_iter().next() {
        return Ok(o);
    }
    let o = order::Entity::find_by_id(order_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    Err(AppError::Conflict {
        code: ErrorCode::NotWeighable,
        detail: match o.load_id {
            Some(load) if o.status == OrderStatus::Weighed => {
                format!("the order is on load {load}; remove it from the load first")
            }
            _ => format!("cannot weigh an order that is {}", o.status.as_str()),
        },
    })
}

/// The line and its order, the order locked for weighing; the line is read after the lock, so
/// it is what the previous weighing of this order left.
///
/// # Errors
/// 404 for an unknown line, 409 `not_weighable` as [`lock_weighable`].
pub async fn lock_line(tx: &Tx, line: OrderLineId) -> AppResult<(order::Model, order_line::Model)> {
    let line_id = line.get();
    let order_id = order_line::Entity::find_by_id(line_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("order line"))?
        .order_id;
    let order = lock_weighable(tx, order_id).await?;
    let line = order_line::Entity::find_by_id(line_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("order line"))?;
    Ok((order, line))
}

/// 409 `weighing_complete` for a line already marked weighed.
pub fn refuse_complete(line: &order_line::Model) -> AppResult<()> {
    if line.weighing_completed_at.is_some() {
        return Err(AppError::Conflict {
            code: ErrorCode::WeighingComplete,
            detail: format!(
                "line {} is already marked weighed; void one of its tickets to re-open it",
                line.line_no
            ),
        });
    }
    Ok(())
}
