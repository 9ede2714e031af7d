//! Handing a pickup order over at the pickup point, against the code the buyer shows.
//!
//! A wrong code answers 409 and counts against the order (in the database, so every replica
//! counts together); after `ZHUNONG_PICKUP_MAX_FAILURES` wrong codes in a row the order's
//! hand-over waits `ZHUNONG_PICKUP_LOCK_SECS` (429). A right code clears the count.

use crate::db::Db;
use crate::domain::shipping::pickup_code_matches;
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType};
use crate::dto::orders::OrderOut;
use crate::error::{AppError, AppResult, ErrorCode, Invariant};
use crate::services::audit::{self, Change};
use crate::services::money::settle::{SettledBy, settle_if_ready};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use zhunong_entity::enums::{AuditAction, AuditEntity, Fulfilment, OrderStatus};
use zhunong_entity::order;

/// How wrong codes are throttled.
#[derive(Clone, Copy)]
pub struct PickupLimits {
    pub max_failures: i32,
    pub lock: chrono::Duration,
}

/// Hands the order over if `code` is its pickup code.
///
/// # Errors
/// 404 unknown order; 409 not a pickup order, not weighed, or a wrong code; 429 while locked.
pub async fn hand_over(
    db: &Db,
    user: i64,
    order_id: OrderId,
    code: &str,
    limits: PickupLimits,
    today: chrono::NaiveDate,
) -> AppResult<OrderOut> {
    let id = order_id.get();
    let now = chrono::Utc::now();
    let o = order::Entity::find_by_id(id)
        .one(&db.read)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if o.fulfilment != Fulfilment::Pickup {
        return Err(AppError::Conflict {
            code: ErrorCode::NotAPickupOrder,
            detail: format!(
                "the order is a {} order, not a pickup",
                o.fulfilment.as_str()
            ),
        });
    }
    if let Some(until) = o.pickup_locked_until.filter(|u| *u > now) {
        return Err(AppError::TooManyRequests {
            retry_after_secs: u64::try_from(std::cmp::max((until - now).num_seconds(), 1))
                .unwrap_or(1),
        });
    }
    if o.status != OrderStatus::Weighed {
        return Err(AppError::Conflict {
            code: ErrorCode::NotWeighed,
            detail: format!(
                "only a weighed order can be handed over; this one is {}",
                o.status.as_str()
            ),
        });
    }
    let stored = o
        .pickup_code
        .as_deref()
        .invariant("a pickup order has its code")?;
    if !pickup_code_matches(code, stored) {
        db.write(async |tx| {
            let failures = o.pickup_failures.saturating_add(1);
            let lock = (failures >= limits.max_failures).then(|| now + limits.lock);
            order::Entity::update_many()
                .col_expr(
                    order::Column::PickupFailures,
                    Expr::col(order::Column::PickupFailures).add(1),
                )
                .col_expr(order::Column::PickupLockedUntil, Expr::value(lock))
                .filter(order::Column::Id.eq(id))
                .exec(tx)
                .await?;
            Ok(())
        })
        .await?;
        return Err(AppError::Conflict {
            code: ErrorCode::WrongPickupCode,
            detail: "the pickup code does not match this order".into(),
        });
    }
    let out = db
        .write(async |tx| {
            let won = order::Entity::update_many()
                .col_expr(order::Column::Status, Expr::value(OrderStatus::Delivered))
                .col_expr(order::Column::PickedUpAt, Expr::value(now))
                .col_expr(order::Column::DeliveredAt, Expr::value(now))
                .col_expr(order::Column::UpdatedAt, Expr::value(now))
                .col_expr(order::Column::PickupFailures, Expr::value(0))
                .col_expr(
                    order::Column::PickupLockedUntil,
                    Expr::value(None::<chrono::DateTime<chrono::Utc>>),
                )
                .filter(order::Column::Id.eq(id))
                .filter(order::Column::Status.eq(OrderStatus::Weighed))
                .exec(tx)
                .await?;
            if won.rows_affected == 0 {
                return Err(AppError::Conflict {
                    code: ErrorCode::InvalidTransition,
                    detail: "the order was handed over or changed meanwhile".into(),
                });
            }
            audit::record(
                tx,
                Change::of(
                    Some(user),
                    AuditAction::HandOverPickup,
                    AuditEntity::Order,
                    id,
                )
                .after(serde_json::json!({"pickup_point_id": o.pickup_point_id})),
            )
            .await?;
            let out = crate::services::order_reads::load_out(tx, order_id).await?;
            crate::services::webhooks::outbox::emit(
                tx,
                EventType::OrderDelivered,
                &EventData::order(out),
            )
            .await?;
            settle_if_ready(tx, order_id, user, today, SettledBy::Delivery).await?;
            crate::services::order_reads::load_out(tx, order_id).await
        })
        .await?;
    Ok(out)
}
