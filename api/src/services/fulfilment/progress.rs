//! A parcel's journey: shipped with a tracking number, then delivered (signed for, or counted as
//! delivered `ZHUNONG_PARCEL_AUTO_DELIVER_DAYS` after shipping). Each step moves the orders it
//! completes: an order is shipped once every crate of it is in a shipped parcel, and delivered
//! once every parcel of it is delivered; then it settles if already paid in full, as a load's
//! orders do.

use super::pack::{live_crates, taken_or};
use super::read;
use crate::db::{Db, Tx};
use crate::domain::shipping::{carrier_name, tracking_number};
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType};
use crate::dto::fulfilment::{ParcelOut, ShipParcel};
use crate::error::{AppError, AppResult, ErrorCode, Invariant, Validator};
use crate::services::audit::{self, Change};
use crate::services::money::settle::{SettledBy, settle_if_ready};
use crate::services::webhooks::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use zhunong_entity::enums::{AuditAction, AuditEntity, OrderStatus, ParcelStatus};
use zhunong_entity::{order, parcel, parcel_item};

/// Who moved a parcel: a person, or the auto-delivery rule (which settles as the user who packed
/// the parcel, since a ledger transaction names a user).
#[derive(Clone, Copy)]
pub enum Mover {
    Person(i64),
    Rule { packed_by: i64, days: u32 },
}

impl Mover {
    fn actor(self) -> Option<i64> {
        match self {
            Self::Person(u) => Some(u),
            Self::Rule { .. } => None,
        }
    }
    fn user(self) -> i64 {
        match self {
            Self::Person(u) | Self::Rule { packed_by: u, .. } => u,
        }
    }
}

fn invalid(p: &parcel::Model, to: &str) -> AppError {
    AppError::Conflict {
        code: ErrorCode::InvalidTransition,
        detail: format!("cannot mark a parcel that is {} as {to}", p.status.as_str()),
    }
}

async fn find(tx: &Tx, parcel_id: i64) -> AppResult<parcel::Model> {
    parcel::Entity::find_by_id(parcel_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("parcel"))
}

/// Hands a packed parcel to the courier.
///
/// # Errors
/// 404 unknown parcel; 422 bad or missing tracking number, unknown carrier; 409 unless packed,
/// or the tracking number is on another parcel.
pub async fn ship(db: &Db, user: i64, parcel_id: i64, req: ShipParcel) -> AppResult<ParcelOut> {
    let mut v = Validator::default();
    if let Some(t) = &req.tracking_no {
        v.check(
            tracking_number(t).is_some(),
            "tracking_no",
            "letters, digits and '-' only, at most 40",
        );
    }
    if let Some(c) = &req.carrier {
        v.check(
            carrier_name(c).is_some(),
            "carrier",
            format!("unknown carrier {c:?}"),
        );
    }
    v.finish()?;
    db.write(async |tx| {
        let p = find(tx, parcel_id).await?;
        if p.status != ParcelStatus::Packed {
            return Err(invalid(&p, "shipped"));
        }
        let tracking = req
            .tracking_no
            .as_deref()
            .and_then(tracking_number)
            .or(p.tracking_no.clone())
            .ok_or_else(|| {
                AppError::field(
                    "tracking_no",
                    "a parcel is shipped with its tracking number",
                )
            })?;
        ship_in(tx, &p, &tracking, req.carrier.as_deref(), user).await
    })
    .await?;
    read::parcels(&db.read, &[parcel_id])
        .await?
        .pop()
        .invariant("the parcel is there")
}

/// Ships `p` inside the caller's transaction (the tracking import ships many in one).
///
/// # Errors
/// 409 if it stopped being packed, or the tracking number is taken.
pub async fn ship_in(
    tx: &Tx,
    p: &parcel::Model,
    tracking: &str,
    carrier: Option<&str>,
    user: i64,
) -> AppResult<()> {
    let now = chrono::Utc::now();
    let mut u = parcel::Entity::update_many()
        .col_expr(parcel::Column::Status, Expr::value(ParcelStatus::Shipped))
        .col_expr(parcel::Column::TrackingNo, Expr::value(tracking))
        .col_expr(parcel::Column::ShippedAt, Expr::value(now))
        .filter(parcel::Column::Id.eq(p.id))
        .filter(parcel::Column::Status.eq(ParcelStatus::Packed));
    if let Some(c) = carrier {
        u = u.col_expr(parcel::Column::Carrier, Expr::value(c));
    }
    let moved = u.exec(tx).await.map_err(|e| taken_or(e, Some(tracking)))?;
    if moved.rows_affected == 0 {
        return Err(invalid(p, "shipped"));
    }
    let orders = orders_of(tx, p.id).await?;
    for o in &orders {
        audit::record(
            tx,
            Change::of(Some(user), AuditAction::ShipParcel, AuditEntity::Order, *o).after(
                serde_json::json!({
                    "parcel_id": p.id,
                    "carrier": carrier.unwrap_or(&p.carrier),
                    "tracking_no": tracking,
                }),
            ),
        )
        .await?;
        if fully_shipped(tx, *o).await? {
            let won = order::Entity::update_many()
                .col_expr(order::Column::Status, Expr::value(OrderStatus::Shipped))
                .col_expr(order::Column::ShippedAt, Expr::value(now))
                .col_expr(order::Column::UpdatedAt, Expr::value(now))
                .filter(order::Column::Id.eq(*o))
                .filter(order::Column::Status.eq(OrderStatus::Weighed))
                .exec(tx)
                .await?;
            if won.rows_affected > 0 {
                emit(tx, EventType::OrderShipped, *o).await?;
            }
        }
    }
    Ok(())
}

async fn orders_of(tx: &Tx, parcel_id: i64) -> AppResult<Vec<i64>> {
    Ok(parcel_item::Entity::find()
        .select_only()
        .column(parcel_item::Column::OrderId)
        .distinct()
        .filter(parcel_item::Column::ParcelId.eq(parcel_id))
        .order_by_asc(parcel_item::Column::OrderId)
        .into_tuple()
        .all(tx)
        .await?)
}

/// Every live crate of the order is in a parcel that has left (shipped or delivered).
async fn fully_shipped(tx: &Tx, order_id: i64) -> AppResult<bool> {
    let crates = live_crates(tx, &[order_id]).await?;
    let left: Vec<i64> = parcel_item::Entity::find()
        .select_only()
        .column(parcel_item::Column::WeighTicketId)
        .inner_join(parcel::Entity)
        .filter(parcel_item::Column::OrderId.eq(order_id))
        .filter(parcel::Column::Status.ne(ParcelStatus::Packed))
        .into_tuple()
        .all(tx)
        .await?;
    Ok(!crates.is_empty() && crates.iter().all(|(t, _, _)| left.contains(t)))
}

async fn emit(tx: &Tx, event: EventType, order_id: i64) -> AppResult<()> {
    let out = crate::services::order_reads::load_out(tx, OrderId::new(order_id)).await?;
    let parcel_ids = read::parcel_ids_of(tx, &[order_id]).await?;
    let data = EventData {
        parcels: Some(read::parcels(tx, &parcel_ids).await?),
        ..EventData::order(out)
    };
    outbox::emit(tx, event, &data).await
}

/// Marks a shipped parcel delivered (signed for).
///
/// # Errors
/// 404 unknown parcel; 409 unless shipped.
pub async fn deliver(
    db: &Db,
    user: i64,
    parcel_id: i64,
    today: chrono::NaiveDate,
) -> AppResult<ParcelOut> {
    db.write(async |tx| deliver_in(tx, parcel_id, Mover::Person(user), today).await)
        .await?;
    read::parcels(&db.read, &[parcel_id])
        .await?
        .pop()
        .invariant("the parcel is there")
}

/// Delivers `parcel_id` inside the caller's transaction.
///
/// # Errors
/// 404 unknown parcel; 409 unless shipped.
pub async fn deliver_in(
    tx: &Tx,
    parcel_id: i64,
    by: Mover,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    let p = find(tx, parcel_id).await?;
    let now = chrono::Utc::now();
    let moved = parcel::Entity::update_many()
        .col_expr(parcel::Column::Status, Expr::value(ParcelStatus::Delivered))
        .col_expr(parcel::Column::DeliveredAt, Expr::value(now))
        .col_expr(
            parcel::Column::DeliveredAutomatically,
            Expr::value(matches!(by, Mover::Rule { .. })),
        )
        .filter(parcel::Column::Id.eq(parcel_id))
        .filter(parcel::Column::Status.eq(ParcelStatus::Shipped))
        .exec(tx)
        .await?;
    if moved.rows_affected == 0 {
        return Err(invalid(&p, "delivered"));
    }
    for o in orders_of(tx, parcel_id).await? {
        let mut after = serde_json::json!({"parcel_id": parcel_id, "tracking_no": p.tracking_no});
        if let Mover::Rule { days, .. } = by {
            after["automatic"] = true.into();
            after["days"] = days.into();
        }
        audit::record(
            tx,
            Change::of(
                by.actor(),
                AuditAction::DeliverParcel,
                AuditEntity::Order,
                o,
            )
            .after(after),
        )
        .await?;
        let waiting = parcel_item::Entity::find()
            .inner_join(parcel::Entity)
            .filter(parcel_item::Column::OrderId.eq(o))
            .filter(parcel::Column::Status.ne(ParcelStatus::Delivered))
            .count(tx)
            .await?;
        if waiting > 0 {
            continue;
        }
        let won = order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(OrderStatus::Delivered))
            .col_expr(order::Column::DeliveredAt, Expr::value(now))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::Id.eq(o))
            .filter(order::Column::Status.eq(OrderStatus::Shipped))
            .exec(tx)
            .await?;
        if won.rows_affected > 0 {
            emit(tx, EventType::OrderDelivered, o).await?;
            settle_if_ready(tx, OrderId::new(o), by.user(), today, SettledBy::Delivery).await?;
        }
    }
    Ok(())
}

/// Counts parcels shipped more than `days` ago as delivered, as 抖店 does; at most `batch` per
/// call, each in its own transaction. Answers how many.
///
/// # Errors
/// Database errors.
pub async fn auto_deliver(
    db: &Db,
    days: u32,
    batch: u64,
    today: chrono::NaiveDate,
) -> AppResult<u64> {
    let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days.min(36_500)));
    let due: Vec<(i64, i64)> = parcel::Entity::find()
        .select_only()
        .column(parcel::Column::Id)
        .column(parcel::Column::PackedBy)
        .filter(parcel::Column::Status.eq(ParcelStatus::Shipped))
        .filter(parcel::Column::ShippedAt.lt(before))
        .order_by_asc(parcel::Column::ShippedAt)
        .limit(batch)
        .into_tuple()
        .all(&db.read)
        .await?;
    let mut done = 0;
    for (id, packed_by) in due {
        let by = Mover::Rule { packed_by, days };
        match db
            .write(async |tx| deliver_in(tx, id, by, today).await)
            .await
        {
            Ok(()) => done += 1,
            // Signed for by hand meanwhile.
            Err(AppError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
