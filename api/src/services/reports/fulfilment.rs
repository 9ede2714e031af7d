//! How orders reached their buyers over a span: per fulfilment (truck, parcel, pickup) the
//! orders and their sales, how many were delivered, and for parcels their count, shipping cost
//! and the time from shipping to delivery. Read from the orders and parcels themselves (a span
//! of a season is thousands of rows, not the millions the sales facts serve).

use crate::domain::labels::Label;
use crate::dto::reports::{FulfilmentReport, FulfilmentRow};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;
use zhunong_entity::enums::{Fulfilment, OrderStatus, ParcelStatus};
use zhunong_entity::{order, parcel};

/// # Errors
/// Database errors.
pub async fn report(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<FulfilmentReport> {
    let orders: Vec<(Fulfilment, OrderStatus, i64)> = order::Entity::find()
        .select_only()
        .column(order::Column::Fulfilment)
        .column(order::Column::Status)
        .column_as(Expr::cust("COALESCE(final_total_fen, total_fen)"), "due")
        .filter(order::Column::CreatedAt.gte(from))
        .filter(order::Column::CreatedAt.lt(to))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled))
        .into_tuple()
        .all(db)
        .await?;
    let mut rows: BTreeMap<Fulfilment, FulfilmentRow> = BTreeMap::new();
    for f in [Fulfilment::Load, Fulfilment::Parcel, Fulfilment::Pickup] {
        rows.insert(f, FulfilmentRow::empty(f, f.label()));
    }
    for (f, status, due) in orders {
        if let Some(r) = rows.get_mut(&f) {
            r.orders += 1;
            r.sales_fen += due;
            if matches!(status, OrderStatus::Delivered | OrderStatus::Settled) {
                r.delivered_orders += 1;
            }
        }
    }
    let parcels = parcel::Entity::find()
        .filter(parcel::Column::PackedAt.gte(from))
        .filter(parcel::Column::PackedAt.lt(to))
        .all(db)
        .await?;
    let mut minutes: Vec<i64> = Vec::new();
    if let Some(r) = rows.get_mut(&Fulfilment::Parcel) {
        for p in &parcels {
            r.parcels += 1;
            r.shipping_cost_fen += p.shipping_cost_fen.unwrap_or(0);
            if p.status == ParcelStatus::Delivered {
                r.delivered_parcels += 1;
                if p.delivered_automatically {
                    r.auto_delivered_parcels += 1;
                }
                if let (Some(s), Some(d)) = (p.shipped_at, p.delivered_at) {
                    minutes.push((d - s).num_minutes().max(0));
                }
            }
        }
        minutes.sort_unstable();
        if !minutes.is_empty() {
            let n = i64::try_from(minutes.len()).unwrap_or(1);
            r.avg_ship_to_delivery_minutes = Some(minutes.iter().sum::<i64>() / n);
            r.median_ship_to_delivery_minutes = Some(minutes[minutes.len() / 2]);
        }
    }
    Ok(FulfilmentReport {
        from,
        to,
        rows: rows.into_values().collect(),
    })
}
