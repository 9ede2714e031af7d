//! The secretary's acceptance of out-of-tolerance weights.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::dto::orders::OrderOut;
use crate::dto::weighing::ReasonRequest;
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use crate::services::orders::load_out;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::order;

/// Accepts out-of-tolerance weights so the order can be loaded.
///
/// # Errors
/// 404 for an unknown order, 409 if it is not weighed, not flagged, or already approved.
pub async fn approve(
    db: &Db,
    caller: &Caller,
    order_id: i64,
    req: ReasonRequest,
) -> AppResult<OrderOut> {
    let mut v = Validator::default();
    v.text(&req.reason, "reason", 500);
    v.finish()?;
    let tx = db.begin_write().await?;
    let now = chrono::Utc::now();
    let res = order::Entity::update_many()
        .col_expr(
            order::Column::WeightsApprovedBy,
            Expr::value(caller.user_id),
        )
        .col_expr(order::Column::WeightsApprovedAt, Expr::value(now))
        .col_expr(
            order::Column::WeightsApprovalReason,
            Expr::value(req.reason.trim()),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.eq(OrderStatus::Weighed))
        .filter(order::Column::WeightsFlagged.eq(true))
        .filter(order::Column::WeightsApprovedAt.is_null())
        .exec(&tx)
        .await?;
    if res.rows_affected == 0 {
        let o = order::Entity::find_by_id(order_id)
            .one(&tx)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let detail = if o.status != OrderStatus::Weighed {
            format!("the order is {}, not weighed", o.status.as_str())
        } else if !o.weights_flagged {
            "the order's weights are within tolerance; nothing to approve".into()
        } else {
            "the weights are already approved".into()
        };
        return Err(AppError::Conflict {
            code: ErrorCode::NothingToApprove,
            detail,
        });
    }
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::ApproveWeights,
            AuditEntity::Order,
            order_id,
        )
        .after(json!({"reason": req.reason})),
    )
    .await?;
    let out = load_out(&tx, OrderId::new(order_id)).await?;
    tx.commit().await?;
    Ok(out)
}
