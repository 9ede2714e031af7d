//! What each order's parcels cost to ship, for its sales facts: every parcel with a cost that
//! carries the order's crates, its cost shared among the orders in it by crate count
//! ([`crate::domain::shipping::cost_by_order`]).

use crate::error::{AppError, AppResult};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use zhunong_entity::{parcel, parcel_item};

/// The shipping cost of each of `order_ids` that has one (fen).
///
/// # Errors
/// Database errors; a stored cost that is negative (500).
pub async fn of_orders(
    db: &impl ConnectionTrait,
    order_ids: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let in_parcels: Vec<i64> = parcel_item::Entity::find()
        .select_only()
        .column(parcel_item::Column::ParcelId)
        .distinct()
        .filter(parcel_item::Column::OrderId.is_in(order_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    if in_parcels.is_empty() {
        return Ok(HashMap::new());
    }
    let costs: Vec<(i64, i64)> = parcel::Entity::find()
        .select_only()
        .column(parcel::Column::Id)
        .column(parcel::Column::ShippingCostFen)
        .filter(parcel::Column::Id.is_in(in_parcels))
        .filter(parcel::Column::ShippingCostFen.gt(0))
        .into_tuple()
        .all(db)
        .await?;
    if costs.is_empty() {
        return Ok(HashMap::new());
    }
    // Every order in those parcels, also those not asked about: they share the cost.
    let crates: Vec<(i64, i64, i64)> = parcel_item::Entity::find()
        .select_only()
        .column(parcel_item::Column::ParcelId)
        .column(parcel_item::Column::OrderId)
        .column_as(Expr::col(parcel_item::Column::Id).count(), "crates")
        .filter(parcel_item::Column::ParcelId.is_in(costs.iter().map(|c| c.0)))
        .group_by(parcel_item::Column::ParcelId)
        .group_by(parcel_item::Column::OrderId)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_parcel: BTreeMap<i64, Vec<(i64, u64)>> = BTreeMap::new();
    for (parcel_id, order_id, n) in crates {
        by_parcel
            .entry(parcel_id)
            .or_default()
            .push((order_id, u64::try_from(n).unwrap_or(0)));
    }
    let mut out: HashMap<i64, i64> = HashMap::new();
    for (parcel_id, cost) in costs {
        let orders = by_parcel.get(&parcel_id).map_or(&[][..], Vec::as_slice);
        let shares = crate::domain::shipping::cost_by_order(cost, orders).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "parcel {parcel_id}: its cost {cost} cannot be shared among its orders"
            ))
        })?;
        for (order_id, fen) in shares {
            *out.entry(order_id).or_default() += fen;
        }
    }
    let asked: HashSet<i64> = order_ids.iter().copied().collect();
    out.retain(|id, _| asked.contains(id));
    Ok(out)
}
