//! Confirming and cancelling. Each is a conditional UPDATE guarded by the statuses the action is
//! legal from, so two concurrent actions on one order cannot both succeed; cancelling returns
//! the stock of every line in the same transaction.

use super::limits::release;
use crate::db::hub::Notice;
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::order_status::{self, OrderAction, next};
use crate::domain::units::{BatchId, BuyerId, OrderId};
use crate::dto::events::{EventData, EventType};
use crate::dto::orders::OrderOut;
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use crate::services::order_reads::load_out;
use crate::services::webhooks::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::BTreeMap;
use zhunong_entity::enums::{AuditAction, AuditEntity, OrderStatus};
use zhunong_entity::{batch, order, order_line};

/// # Errors
/// 404 if the order does not exist, 409 naming its status if it is not pending.
pub async fn confirm(db: &Db, caller: &Caller, order: OrderId) -> AppResult<OrderOut> {
    let order_id = order.get();
    let tx = db.begin_write().await?;
    transition(&tx, order_id, OrderAction::Confirm).await?;
    audit_status(&tx, caller, order_id, AuditAction::ConfirmOrder, None).await?;
    let out = load_out(&tx, order).await?;
    outbox::emit(
        &tx,
        EventType::OrderConfirmed,
        &EventData::order(out.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Confirms every order of the live session that is still pending, each in its own
/// transaction (as one by one, with its audit row and event); orders that stopped being pending
/// meanwhile are skipped.
///
/// # Errors
/// 404 for an unknown session; database errors.
pub async fn confirm_pending_of_session(
    db: &Db,
    caller: &Caller,
    session_id: i64,
) -> AppResult<crate::dto::orders::ConfirmedOrders> {
    crate::services::must_find::<zhunong_entity::live_session::Entity, _>(
        &db.read,
        session_id,
        "live session",
    )
    .await?;
    let pending: Vec<i64> = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::LiveSessionId.eq(session_id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .order_by_asc(order::Column::Id)
        .into_tuple()
        .all(&db.read)
        .await?;
    let mut out = crate::dto::orders::ConfirmedOrders {
        confirmed: Vec::new(),
        skipped: Vec::new(),
    };
    for id in pending {
        match confirm(db, caller, OrderId::new(id)).await {
            Ok(_) => out.confirmed.push(id),
            Err(AppError::Conflict { .. }) => out.skipped.push(id),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Cancels an order that is not on a load and returns what its lines hold to stock: the ordered
/// quantity plus whatever weighing took beyond it (less any shortfall a completed line already
/// gave back).
///
/// # Errors
/// 404 if the order does not exist, 409 naming its status if it is already loaded or later, or
/// if it is on a load.
pub async fn cancel(
    db: &Db,
    caller: &Caller,
    order: OrderId,
    reason: Option<String>,
) -> AppResult<OrderOut> {
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let mut v = Validator::default();
    v.opt_text(reason.as_deref(), "reason", 200);
    v.finish()?;
    let tx = db.begin_write().await?;
    let out = cancel_in(&tx, caller, order, reason.as_deref()).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`cancel`]'s work inside the caller's transaction (an import cancels an order together with
/// its refund).
///
/// # Errors
/// As [`cancel`].
pub async fn cancel_in(
    tx: &Tx,
    caller: &Caller,
    order: OrderId,
    reason: Option<&str>,
) -> AppResult<OrderOut> {
    let order_id = order.get();
    transition(tx, order_id, OrderAction::Cancel).await?;
    audit_status(tx, caller, order_id, AuditAction::CancelOrder, reason).await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::BatchId)
        .all(tx)
        .await?;
    let mut per_batch: BTreeMap<i64, i64> = BTreeMap::new();
    let mut ordered: BTreeMap<BatchId, i64> = BTreeMap::new();
    for l in &lines {
        *per_batch.entry(l.batch_id).or_default() += l.quantity + l.stock_beyond_order;
        *ordered.entry(BatchId::new(l.batch_id)).or_default() += l.quantity;
    }
    // Batch-id order, as when placing, so cancels and places never wait on each other in a cycle.
    for (batch_id, qty) in per_batch {
        batch::Entity::update_many()
            .col_expr(
                batch::Column::StockQty,
                Expr::col(batch::Column::StockQty).add(qty),
            )
            .filter(batch::Column::Id.eq(batch_id))
            .exec(tx)
            .await?;
    }
    crate::services::reports::facts::refresh(tx, order_id).await?;
    let out = load_out(tx, order).await?;
    outbox::emit(
        tx,
        EventType::OrderCancelled,
        &EventData::order(out.clone()),
    )
    .await?;
    if let Some(session) = out.live_session_id {
        release(tx, session, BuyerId::new(out.buyer_id), &ordered).await?;
        tx.notify(Notice::LiveSession(session)).await?;
    }
    Ok(out)
}

async fn transition(tx: &Tx, order_id: i64, action: OrderAction) -> AppResult<()> {
    let target = match action {
        OrderAction::Confirm => OrderStatus::Confirmed,
        OrderAction::Cancel => OrderStatus::Cancelled,
    };
    let now = chrono::Utc::now();
    let mut update = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(target))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.is_in(order_status::sources(action)));
    update = match action {
        OrderAction::Confirm => update.col_expr(order::Column::ConfirmedAt, Expr::value(now)),
        OrderAction::Cancel => update.col_expr(order::Column::CancelledAt, Expr::value(now)),
    };
    if action == OrderAction::Cancel {
        // An order on a load is on the truck's manifest: take it off the load first.
        update = update.filter(order::Column::LoadId.is_null());
    }
    if update.exec(tx).await?.rows_affected == 1 {
        if action == OrderAction::Cancel {
            // Read after the row lock, so a parcel packed just before is seen.
            crate::services::fulfilment::refuse_if_packed(tx, order_id, "cancelled").await?;
        }
        return Ok(());
    }
    let current = order::Entity::find_by_id(order_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if current.load_id.is_some() && next(current.status, action).is_some() {
        return Err(AppError::Conflict {
            code: ErrorCode::OnALoad,
            detail: format!(
                "the order is on load {}; remove it from the load first",
                current.load_id.unwrap_or_default()
            ),
        });
    }
    Err(AppError::Conflict {
        code: ErrorCode::InvalidTransition,
        detail: format!(
            "cannot {} an order that is {}",
            action.as_str(),
            current.status.as_str()
        ),
    })
}

async fn audit_status(
    tx: &Tx,
    caller: &Caller,
    order_id: i64,
    action: AuditAction,
    reason: Option<&str>,
) -> AppResult<()> {
    let after = order::Entity::find_by_id(order_id)
        .one(tx)
        .await?
        .map(|o| match reason {
            Some(r) => serde_json::json!({"status": o.status, "reason": r}),
            None => serde_json::json!({"status": o.status}),
        });
    audit::record(
        tx,
        Change::of(Some(caller.user_id), action, AuditEntity::Order, order_id).after_if_any(after),
    )
    .await?;
    Ok(())
}
