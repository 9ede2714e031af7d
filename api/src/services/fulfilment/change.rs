//! Changing how an order is fulfilled, until it is packed or put on a load.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::dto::fulfilment::{FulfilmentIn, FulfilmentOut};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use zhunong_entity::enums::{AuditAction, AuditEntity, Fulfilment, OrderStatus};
use zhunong_entity::order;

/// # Errors
/// 404 unknown order; 422 as for placing; 409 once packed, loaded, shipped or cancelled.
pub async fn change(
    db: &Db,
    caller: &Caller,
    order_id: OrderId,
    req: FulfilmentIn,
) -> AppResult<FulfilmentOut> {
    let id = order_id.get();
    db.write(async |tx| {
        let o = order::Entity::find_by_id(id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let resolved = super::recipients::resolve(tx, o.buyer_id, &req).await?;
        let code = match (resolved.fulfilment, o.pickup_code.clone()) {
            (Fulfilment::Pickup, Some(c)) => Some(c),
            (Fulfilment::Pickup, None) => Some(crate::domain::shipping::new_pickup_code()),
            _ => None,
        };
        let moved = order::Entity::update_many()
            .col_expr(order::Column::Fulfilment, Expr::value(resolved.fulfilment))
            .col_expr(
                order::Column::PickupPointId,
                Expr::value(resolved.pickup_point_id),
            )
            .col_expr(order::Column::PickupCode, Expr::value(code))
            .col_expr(order::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
            .filter(order::Column::Id.eq(id))
            .filter(order::Column::Status.is_in([
                OrderStatus::Pending,
                OrderStatus::Confirmed,
                OrderStatus::Weighed,
            ]))
            .filter(order::Column::LoadId.is_null())
            .exec(tx)
            .await?;
        if moved.rows_affected == 0 {
            return Err(AppError::Conflict {
                code: ErrorCode::FulfilmentFixed,
                detail: format!(
                    "the order is {}{}; how it is fulfilled can no longer change",
                    o.status.as_str(),
                    if o.load_id.is_some() {
                        " and on a load"
                    } else {
                        ""
                    }
                ),
            });
        }
        super::refuse_if_packed(tx, id, "changed to another fulfilment").await?;
        super::recipients::write(tx, id, resolved.recipient.as_ref()).await?;
        // Fulfilment is a dimension of the sales figures.
        crate::services::reports::facts::refresh(tx, id).await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::ChangeFulfilment,
                AuditEntity::Order,
                id,
            )
            .before(serde_json::json!({"fulfilment": o.fulfilment}))
            .after(serde_json::json!({
                "fulfilment": resolved.fulfilment,
                "pickup_point_id": resolved.pickup_point_id,
            })),
        )
        .await?;
        super::read::fulfilment(tx, order_id).await
    })
    .await
}
