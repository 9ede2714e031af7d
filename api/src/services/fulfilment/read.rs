//! Reading parcels and an order's fulfilment.

use crate::domain::shipping::carrier_name;
use crate::domain::units::OrderId;
use crate::dto::fulfilment::{FulfilmentOut, ParcelCrate, ParcelOut, PickupPointOut};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, BTreeSet};
use zhunong_entity::{order, order_recipient, parcel, parcel_item, pickup_point, weigh_ticket};

/// The parcels with these ids, with their crates and orders, in id order.
///
/// # Errors
/// Database errors.
pub async fn parcels(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<ParcelOut>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = parcel::Entity::find()
        .filter(parcel::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(parcel::Column::Id)
        .all(db)
        .await?;
    let items = parcel_item::Entity::find()
        .filter(parcel_item::Column::ParcelId.is_in(ids.to_vec()))
        .order_by_asc(parcel_item::Column::WeighTicketId)
        .all(db)
        .await?;
    let tickets: BTreeMap<i64, i64> = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::Id.is_in(items.iter().map(|i| i.weigh_ticket_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.net_g))
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let mine: Vec<&parcel_item::Model> =
                items.iter().filter(|i| i.parcel_id == p.id).collect();
            let order_ids: BTreeSet<i64> = mine.iter().map(|i| i.order_id).collect();
            ParcelOut {
                id: p.id,
                carrier_name: carrier_name(&p.carrier).unwrap_or_default().to_owned(),
                carrier: p.carrier,
                tracking_no: p.tracking_no,
                weight_g: p.weight_g,
                shipping_cost_fen: p.shipping_cost_fen,
                status: p.status,
                packed_at: p.packed_at,
                shipped_at: p.shipped_at,
                delivered_at: p.delivered_at,
                delivered_automatically: p.delivered_automatically,
                order_ids: order_ids.into_iter().collect(),
                crates: mine
                    .iter()
                    .map(|i| ParcelCrate {
                        crate_id: i.weigh_ticket_id,
                        order_id: i.order_id,
                        line_id: i.order_line_id,
                        net_g: tickets.get(&i.weigh_ticket_id).copied().unwrap_or(0),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The ids of the parcels carrying any crate of these orders.
///
/// # Errors
/// Database errors.
pub async fn parcel_ids_of(db: &impl ConnectionTrait, orders: &[i64]) -> AppResult<Vec<i64>> {
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = parcel_item::Entity::find()
        .select_only()
        .column(parcel_item::Column::ParcelId)
        .distinct()
        .filter(parcel_item::Column::OrderId.is_in(orders.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids)
}

/// How the order reaches its buyer: recipient, pickup point and code, parcels, the buyer's link.
///
/// # Errors
/// 404 unknown order.
pub async fn fulfilment(db: &impl ConnectionTrait, order_id: OrderId) -> AppResult<FulfilmentOut> {
    let id = order_id.get();
    let o = order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let recipient = order_recipient::Entity::find_by_id(id).one(db).await?;
    let point = match o.pickup_point_id {
        Some(p) => pickup_point::Entity::find_by_id(p).one(db).await?,
        None => None,
    };
    let parcel_ids = parcel_ids_of(db, &[id]).await?;
    Ok(FulfilmentOut {
        order_id: id,
        status: o.status,
        fulfilment: o.fulfilment,
        recipient: recipient.map(Into::into),
        pickup_point: point.map(PickupPointOut::from),
        pickup_code: o.pickup_code,
        picked_up_at: o.picked_up_at,
        view_path: o.view_token.map(|t| format!("/o/{t}")),
        parcels: parcels(db, &parcel_ids).await?,
    })
}

/// The furthest back `shipped_days_ago` may look: ten years.
pub const MAX_DAYS_AGO: u32 = 3_650;

/// Parcels under the filter, at most `limit`: those shipped `shipped_days_ago` or more the longest
/// on the way first, the others in id order of the newest `limit`.
///
/// # Errors
/// 422 for `shipped_days_ago` past ten years; database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &crate::dto::fulfilment::ParcelFilter,
    limit: u64,
) -> AppResult<Vec<ParcelOut>> {
    use sea_orm::QuerySelect;
    let mut q = parcel::Entity::find()
        .select_only()
        .column(parcel::Column::Id);
    if let Some(s) = f.status {
        q = q.filter(parcel::Column::Status.eq(s));
    }
    if let Some(o) = f.order_id {
        q = q.filter(parcel::Column::Id.is_in(parcel_ids_of(db, &[o]).await?));
    }
    if let Some(days) = f.shipped_days_ago {
        if days > MAX_DAYS_AGO {
            return Err(crate::error::AppError::field(
                "shipped_days_ago",
                format!("between 0 and {MAX_DAYS_AGO}"),
            ));
        }
        let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
        q = q
            .filter(parcel::Column::Status.eq(zhunong_entity::enums::ParcelStatus::Shipped))
            .filter(parcel::Column::ShippedAt.lte(before));
    }
    // Parcels to chase: the longest on the way first; otherwise the newest.
    let q = if f.shipped_days_ago.is_some() {
        q.order_by_asc(parcel::Column::ShippedAt)
    } else {
        q.order_by_desc(parcel::Column::Id)
    };
    let ids: Vec<i64> = q.limit(limit).into_tuple().all(db).await?;
    let mut out = parcels(db, &ids).await?;
    if f.shipped_days_ago.is_some() {
        let rank: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        out.sort_by_key(|p| rank.get(&p.id).copied().unwrap_or(usize::MAX));
    }
    Ok(out)
}
