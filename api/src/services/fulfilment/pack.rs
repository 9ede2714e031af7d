//! Packing weighed crates into a parcel, and unpacking a parcel not yet shipped.
//!
//! A crate travels in one parcel: `parcel_items.weigh_ticket_id` is unique, so two stations
//! packing the same order at once cannot both succeed; the second gets 409. A tracking number
//! is on one parcel only (unique too); orders that share a parcel do so explicitly (合并发货).

use super::read;
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::order_number;
use crate::domain::shipping::{carrier_name, tracking_number};
use crate::dto::fulfilment::{PackParcel, ParcelOut};
use crate::error::{AppError, AppResult, ErrorCode, Invariant, Validator, is_unique_violation};
use crate::services::audit::{self, Change};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::BTreeSet;
use zhunong_entity::enums::{AuditAction, AuditEntity, Fulfilment, OrderStatus, ParcelStatus};
use zhunong_entity::{
    order, order_recipient, parcel, parcel_item, weigh_ticket, weigh_ticket_void,
};

/// The most orders one parcel may merge.
pub const MAX_MERGED: usize = 20;
/// The heaviest parcel accepted, in grams (couriers stop well before).
pub const MAX_PARCEL_G: i64 = 100_000;

fn validate(req: &PackParcel) -> AppResult<()> {
    let mut v = Validator::default();
    let distinct: BTreeSet<i64> = req.order_ids.iter().copied().collect();
    v.check(
        !req.order_ids.is_empty() && req.order_ids.len() <= MAX_MERGED,
        "order_ids",
        format!("one to {MAX_MERGED} orders"),
    );
    v.check(
        distinct.len() == req.order_ids.len(),
        "order_ids",
        "an order is named twice",
    );
    v.check(
        (1..=MAX_PARCEL_G).contains(&req.weight_g),
        "weight_g",
        format!("between 1 and {MAX_PARCEL_G} grams"),
    );
    v.check(
        carrier_name(&req.carrier).is_some(),
        "carrier",
        format!(
            "unknown carrier {:?}; see GET /api/v1/carriers",
            req.carrier
        ),
    );
    if let Some(t) = &req.tracking_no {
        v.check(
            tracking_number(t).is_some(),
            "tracking_no",
            "letters, digits and '-' only, at most 40",
        );
    }
    if let Some(c) = req.shipping_cost_fen {
        v.check(
            (0..=100_000_000).contains(&c),
            "shipping_cost_fen",
            "between 0 and 100000000",
        );
    }
    v.finish()
}

fn conflict(code: ErrorCode, detail: impl Into<String>) -> AppError {
    AppError::Conflict {
        code,
        detail: detail.into(),
    }
}

/// The orders' crates not voided, as (ticket id, order id, line id).
pub(super) async fn live_crates(tx: &Tx, orders: &[i64]) -> AppResult<Vec<(i64, i64, i64)>> {
    let voided: Vec<i64> = weigh_ticket_void::Entity::find()
        .select_only()
        .column(weigh_ticket_void::Column::TicketId)
        .filter(
            weigh_ticket_void::Column::TicketId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(weigh_ticket::Column::Id)
                    .from(weigh_ticket::Entity)
                    .and_where(weigh_ticket::Column::OrderId.is_in(orders.to_vec()))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(tx)
        .await?;
    let rows: Vec<(i64, i64, i64)> = weigh_ticket::Entity::find()
        .select_only()
        .column(weigh_ticket::Column::Id)
        .column(weigh_ticket::Column::OrderId)
        .column(weigh_ticket::Column::OrderLineId)
        .filter(weigh_ticket::Column::OrderId.is_in(orders.to_vec()))
        .into_tuple()
        .all(tx)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(t, _, _)| !voided.contains(t))
        .collect())
}

/// Each order may go into a parcel: a parcel order, weighed, its weights approved if flagged.
async fn check_orders(tx: &Tx, ids: &[i64]) -> AppResult<Vec<order::Model>> {
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        let o = order::Entity::find_by_id(*id)
            .one(tx)
            .await?
            .ok_or_else(|| AppError::field("order_ids", format!("no order with id {id}")))?;
        let number = order_number::format(o.id);
        if o.fulfilment != Fulfilment::Parcel {
            return Err(conflict(
                ErrorCode::NotAParcelOrder,
                format!(
                    "order {number} is a {} order, not a parcel",
                    o.fulfilment.as_str()
                ),
            ));
        }
        if o.status != OrderStatus::Weighed {
            return Err(conflict(
                ErrorCode::NotWeighed,
                format!(
                    "only weighed orders can be packed; order {number} is {}",
                    o.status.as_str()
                ),
            ));
        }
        if o.weights_flagged && o.weights_approved_at.is_none() {
            return Err(conflict(
                ErrorCode::WeightsNotApproved,
                format!(
                    "order {number}'s weights are outside the tolerance and need a secretary's approval"
                ),
            ));
        }
        orders.push(o);
    }
    Ok(orders)
}

/// Orders merged into one parcel must go to one recipient.
async fn check_one_recipient(tx: &Tx, ids: &[i64]) -> AppResult<()> {
    let recipients = order_recipient::Entity::find()
        .filter(order_recipient::Column::OrderId.is_in(ids.to_vec()))
        .all(tx)
        .await?;
    let first = recipients
        .first()
        .invariant("a parcel order has a recipient")?;
    if recipients.len() != ids.len()
        || recipients
            .iter()
            .any(|r| !super::recipients::same_recipient(first, r))
    {
        return Err(conflict(
            ErrorCode::RecipientsDiffer,
            "orders merged into one parcel must have the same recipient",
        ));
    }
    Ok(())
}

/// Packs crates into a new parcel.
///
/// # Errors
/// 422 for bad fields or crates not of these orders; 409 for an order that is not a weighed
/// parcel order, recipients that differ, crates already packed, or a tracking number on another
/// parcel.
pub async fn pack(db: &Db, caller: &Caller, req: PackParcel) -> AppResult<ParcelOut> {
    validate(&req)?;
    let tracking = req.tracking_no.as_deref().and_then(tracking_number);
    let out = db
        .write(async |tx| {
            check_orders(tx, &req.order_ids).await?;
            check_one_recipient(tx, &req.order_ids).await?;
            // Lock the orders' rows: a cancel or a change of fulfilment waiting on them sees
            // the parcel once this commits, and one that went first is seen here.
            let locked = order::Entity::update_many()
                .col_expr(
                    order::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(chrono::Utc::now()),
                )
                .filter(order::Column::Id.is_in(req.order_ids.clone()))
                .filter(order::Column::Status.eq(OrderStatus::Weighed))
                .filter(order::Column::Fulfilment.eq(Fulfilment::Parcel))
                .exec(tx)
                .await?;
            if locked.rows_affected != req.order_ids.len() as u64 {
                return Err(conflict(
                    ErrorCode::InvalidTransition,
                    "an order changed meanwhile; try again",
                ));
            }
            let packed: BTreeSet<i64> = parcel_item::Entity::find()
                .select_only()
                .column(parcel_item::Column::WeighTicketId)
                .filter(parcel_item::Column::OrderId.is_in(req.order_ids.clone()))
                .into_tuple::<i64>()
                .all(tx)
                .await?
                .into_iter()
                .collect();
            let unpacked: Vec<(i64, i64, i64)> = live_crates(tx, &req.order_ids)
                .await?
                .into_iter()
                .filter(|(t, _, _)| !packed.contains(t))
                .collect();
            let chosen: Vec<(i64, i64, i64)> = match &req.crate_ids {
                None => unpacked,
                Some(ids) => {
                    for id in ids {
                        if packed.contains(id) {
                            return Err(conflict(
                                ErrorCode::AlreadyPacked,
                                format!("crate {id} is in a parcel already"),
                            ));
                        }
                        if !unpacked.iter().any(|(t, _, _)| t == id) {
                            return Err(AppError::field(
                                "crate_ids",
                                format!("crate {id} is not a weighed crate of these orders"),
                            ));
                        }
                    }
                    unpacked
                        .into_iter()
                        .filter(|(t, _, _)| ids.contains(t))
                        .collect()
                }
            };
            if chosen.is_empty() {
                return Err(conflict(
                    ErrorCode::AlreadyPacked,
                    "every crate of these orders is in a parcel already",
                ));
            }
            let now = chrono::Utc::now();
            let p = parcel::ActiveModel {
                carrier: Set(req.carrier.clone()),
                tracking_no: Set(tracking.clone()),
                weight_g: Set(req.weight_g),
                shipping_cost_fen: Set(req.shipping_cost_fen),
                status: Set(ParcelStatus::Packed),
                packed_by: Set(caller.user_id),
                packed_at: Set(now),
                shipped_at: Set(None),
                delivered_at: Set(None),
                delivered_automatically: Set(false),
                ..Default::default()
            }
            .insert(tx)
            .await
            .map_err(|e| taken_or(e, tracking.as_deref()))?;
            let items = chosen.iter().map(|(t, o, l)| parcel_item::ActiveModel {
                parcel_id: Set(p.id),
                order_id: Set(*o),
                order_line_id: Set(*l),
                weigh_ticket_id: Set(*t),
                ..Default::default()
            });
            parcel_item::Entity::insert_many(items)
                .exec(tx)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        conflict(
                            ErrorCode::AlreadyPacked,
                            "another station packed these crates just now",
                        )
                    } else {
                        e.into()
                    }
                })?;
            for o in &req.order_ids {
                audit::record(
                    tx,
                    Change::of(
                        Some(caller.user_id),
                        AuditAction::PackParcel,
                        AuditEntity::Order,
                        *o,
                    )
                    .after(serde_json::json!({
                        "parcel_id": p.id,
                        "carrier": p.carrier,
                        "tracking_no": p.tracking_no,
                        "crates": chosen.iter().filter(|c| c.1 == *o).count(),
                    })),
                )
                .await?;
            }
            if p.shipping_cost_fen.is_some_and(|c| c > 0) {
                // The sales figures carry each order's share of what its parcels cost.
                for o in &req.order_ids {
                    crate::services::reports::facts::refresh(tx, *o).await?;
                }
            }
            Ok(p.id)
        })
        .await?;
    read::parcels(&db.read, &[out])
        .await?
        .pop()
        .invariant("the parcel just packed is there")
}

/// A unique violation on a parcel is its tracking number being on another parcel.
pub(super) fn taken_or(e: sea_orm::DbErr, tracking: Option<&str>) -> AppError {
    if is_unique_violation(&e) {
        conflict(
            ErrorCode::TrackingNumberTaken,
            format!(
                "tracking number {} is on another parcel; orders that share a parcel are packed together",
                tracking.unwrap_or_default()
            ),
        )
    } else {
        e.into()
    }
}

/// Unpacks a parcel that has not been shipped: its crates may be packed again.
///
/// # Errors
/// 404 unknown parcel; 409 once shipped.
pub async fn unpack(db: &Db, caller: &Caller, parcel_id: i64) -> AppResult<()> {
    db.write(async |tx| {
        let p = parcel::Entity::find_by_id(parcel_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("parcel"))?;
        if p.status != ParcelStatus::Packed {
            return Err(conflict(
                ErrorCode::InvalidTransition,
                format!("a parcel that is {} cannot be unpacked", p.status.as_str()),
            ));
        }
        let orders = read::parcels(tx, &[parcel_id])
            .await?
            .pop()
            .map(|p| p.order_ids)
            .unwrap_or_default();
        parcel_item::Entity::delete_many()
            .filter(parcel_item::Column::ParcelId.eq(parcel_id))
            .exec(tx)
            .await?;
        let gone = parcel::Entity::delete_many()
            .filter(parcel::Column::Id.eq(parcel_id))
            .filter(parcel::Column::Status.eq(ParcelStatus::Packed))
            .exec(tx)
            .await?;
        if gone.rows_affected == 0 {
            return Err(conflict(
                ErrorCode::InvalidTransition,
                "the parcel was shipped meanwhile",
            ));
        }
        for o in orders {
            audit::record(
                tx,
                Change::of(
                    Some(caller.user_id),
                    AuditAction::UnpackParcel,
                    AuditEntity::Order,
                    o,
                )
                .before(serde_json::json!({"parcel_id": parcel_id, "tracking_no": p.tracking_no})),
            )
            .await?;
            if p.shipping_cost_fen.is_some_and(|c| c > 0) {
                crate::services::reports::facts::refresh(tx, o).await?;
            }
        }
        Ok(())
    })
    .await
}
