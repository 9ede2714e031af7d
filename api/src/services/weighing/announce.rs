//! `order.weighed`: sent once per completed weighing of an order, with its final lines and
//! amounts. Each one carries the order's weighing revision; after a void re-opens the order and
//! it is completed again, the next event's higher revision supersedes the earlier one.

use crate::db::Tx;
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType, WeighingRevision};
use crate::error::{AppError, AppResult};
use crate::services::orders::load_out;
use crate::services::webhooks::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::order;

/// Sends `order.weighed` if the order has just become weighed (it `was` not).
///
/// # Errors
/// Database errors.
pub async fn announce_weighed(tx: &Tx, was: OrderStatus, now: &order::Model) -> AppResult<()> {
    if was == OrderStatus::Weighed || now.status != OrderStatus::Weighed {
        return Ok(());
    }
    let bumped = order::Entity::update_many()
        .col_expr(
            order::Column::WeighedRevision,
            Expr::col(order::Column::WeighedRevision).add(1),
        )
        .filter(order::Column::Id.eq(now.id))
        .exec_with_returning(tx)
        .await?;
    let revision = bumped.first().map(|o| o.weighed_revision).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("order {} vanished while weighed", now.id))
    })?;
    let data = EventData {
        weighing: Some(WeighingRevision {
            revision,
            supersedes_revision: (revision > 1).then(|| revision - 1),
        }),
        ..EventData::order(load_out(tx, OrderId::new(now.id)).await?)
    };
    outbox::emit(tx, EventType::OrderWeighed, &data).await
}
