//! A load's journey: loaded → departed → delivered, moving its orders along, telling partners
//! (webhooks) and settling orders already paid in full when they are delivered.

use super::moves::get;
use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType, Truck};
use crate::dto::loads::{DeliverLoad, LoadOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{LoadStatus, OrderStatus};
use zhunong_entity::{load, order};

/// Moves the load from one of `from` to `to`, setting `stamp` to now, and its orders from
/// `orders_from` to `orders_to`.
#[allow(clippy::too_many_arguments)]
async fn advance(
    db: &Db,
    caller: &Caller,
    load_id: i64,
    from: &[LoadStatus],
    to: LoadStatus,
    stamp: load::Column,
    orders: Option<(OrderStatus, OrderStatus)>,
    handover: Option<(&DeliverLoad, chrono::NaiveDate)>,
) -> AppResult<LoadOut> {
    let tx = db.begin_write().await?;
    let now = chrono::Utc::now();
    let mut update = load::Entity::update_many()
        .col_expr(load::Column::Status, Expr::value(to))
        .col_expr(stamp, Expr::value(now))
        .col_expr(load::Column::UpdatedAt, Expr::value(now))
        .filter(load::Column::Id.eq(load_id))
        .filter(load::Column::Status.is_in(from.to_vec()));
    if let Some((h, _)) = handover {
        update = update
            .col_expr(load::Column::ReceivedBy, Expr::value(h.received_by.trim()))
            .col_expr(load::Column::HandoverNote, Expr::value(h.note.clone()));
    }
    if to == LoadStatus::Loaded {
        // An empty truck is not loaded.
        update = update.filter(load::Column::TotalNetG.gt(0));
    }
    if update.exec(&tx).await?.rows_affected == 0 {
        let l = load::Entity::find_by_id(load_id)
            .one(&tx)
            .await?
            .ok_or(AppError::NotFound("load"))?;
        let detail = if to == LoadStatus::Loaded && l.status == LoadStatus::Open {
            "the load has no orders".to_owned()
        } else {
            format!(
                "cannot mark a load that is {} as {}",
                l.status.as_str(),
                to.as_str()
            )
        };
        return Err(AppError::Conflict {
            code: ErrorCode::InvalidTransition,
            detail,
        });
    }
    if let Some((order_from, order_to)) = orders {
        let mut u = order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(order_to))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::LoadId.eq(load_id))
            .filter(order::Column::Status.eq(order_from));
        if order_to == OrderStatus::Delivered {
            u = u.col_expr(order::Column::DeliveredAt, Expr::value(now));
        }
        u.exec(&tx).await?;
        let event = if order_to == OrderStatus::Delivered {
            EventType::OrderDelivered
        } else {
            EventType::OrderLoaded
        };
        let truck = load::Entity::find_by_id(load_id).one(&tx).await?;
        let ids: Vec<i64> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::LoadId.eq(load_id))
            .into_tuple()
            .all(&tx)
            .await?;
        for id in ids {
            let o = crate::services::orders::load_out(&tx, OrderId::new(id)).await?;
            let data = EventData {
                truck: truck.as_ref().map(|t| Truck {
                    load_id: t.id,
                    plate: t.plate.clone(),
                    driver_name: t.driver_name.clone(),
                    driver_phone: t.driver_phone.clone(),
                    destination: t.destination.clone(),
                    received_by: handover.map(|h| h.0.received_by.trim().to_owned()),
                }),
                ..EventData::order(o)
            };
            crate::services::webhooks::outbox::emit(&tx, event, &data).await?;
        }
    }
    if let Some((_, today)) = handover {
        // Orders already paid in full settle the moment they are delivered.
        let ids: Vec<i64> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::LoadId.eq(load_id))
            .into_tuple()
            .all(&tx)
            .await?;
        for id in ids {
            crate::services::money::settle::settle_if_ready(
                &tx,
                OrderId::new(id),
                caller.user_id,
                today,
                crate::services::money::settle::SettledBy::Delivery,
            )
            .await?;
        }
    }
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::AdvanceLoad,
            AuditEntity::Load,
            load_id,
        )
        .before(json!({"from": from}))
        .after(json!({"status": to, "received_by": handover.map(|h| &h.0.received_by)})),
    )
    .await?;
    let l = get(&tx, load_id).await?;
    tx.commit().await?;
    Ok(l)
}

/// # Errors
/// 404 unknown load; 409 if it is not open or has no orders.
pub async fn loaded(db: &Db, caller: &Caller, load_id: i64) -> AppResult<LoadOut> {
    advance(
        db,
        caller,
        load_id,
        &[LoadStatus::Open],
        LoadStatus::Loaded,
        load::Column::LoadedAt,
        Some((OrderStatus::Weighed, OrderStatus::Loaded)),
        None,
    )
    .await
}

/// # Errors
/// 404 unknown load; 409 unless it is loaded.
pub async fn departed(db: &Db, caller: &Caller, load_id: i64) -> AppResult<LoadOut> {
    advance(
        db,
        caller,
        load_id,
        &[LoadStatus::Loaded],
        LoadStatus::Departed,
        load::Column::DepartedAt,
        None,
        None,
    )
    .await
}

/// # Errors
/// 422 without a receiver; 404 unknown load; 409 unless it is loaded or departed.
pub async fn delivered(
    db: &Db,
    caller: &Caller,
    load_id: i64,
    req: DeliverLoad,
    today: chrono::NaiveDate,
) -> AppResult<LoadOut> {
    let mut v = Validator::default();
    v.text(&req.received_by, "received_by", 100);
    v.opt_text(req.note.as_deref(), "note", 500);
    v.finish()?;
    advance(
        db,
        caller,
        load_id,
        &[LoadStatus::Loaded, LoadStatus::Departed],
        LoadStatus::Delivered,
        load::Column::DeliveredAt,
        Some((OrderStatus::Loaded, OrderStatus::Delivered)),
        Some((&req, today)),
    )
    .await
}
