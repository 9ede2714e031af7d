//! What an import needs to know of the orders and tracking numbers in its file, read in a few
//! bulk statements.

use super::CHUNK;
use crate::db::Tx;
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};
use zhunong_entity::enums::{Fulfilment, OrderStatus};
use zhunong_entity::{parcel, parcel_item};

/// What a row needs of its order.
pub(super) struct OrderBrief {
    pub fulfilment: Fulfilment,
    pub status: OrderStatus,
    /// Weighed outside the tolerance and not approved.
    pub weights_pending: bool,
    pub buyer_id: i64,
}

pub(super) struct Known {
    pub orders: HashMap<i64, OrderBrief>,
    /// Each order's parcels.
    pub parcels_of: HashMap<i64, Vec<i64>>,
    pub parcels: HashMap<i64, parcel::Model>,
    /// Orders of each parcel.
    pub orders_in: HashMap<i64, Vec<i64>>,
    /// Parcels by tracking number.
    pub by_tracking: HashMap<String, i64>,
    /// Live crates not in a parcel, per order: (ticket, line, net).
    pub loose: HashMap<i64, Vec<(i64, i64, i64)>>,
}

/// Integers written into a statement as an `IN (…)` list: nothing in a number can end the
/// list, and 10,000 of them are one short string rather than 10,000 bound values.
pub(super) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Tracking numbers as quoted literals, for the same reason; they are `[A-Z0-9-]` once read
/// (`tracking_number`), which is checked again here.
fn number_list(numbers: &[String]) -> AppResult<String> {
    if let Some(bad) = numbers
        .iter()
        .find(|n| !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(AppError::Internal(anyhow::anyhow!(
            "an unchecked tracking number {bad:?}"
        )));
    }
    Ok(numbers
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(","))
}

pub(super) async fn known(tx: &Tx, order_ids: &[i64], numbers: &[String]) -> AppResult<Known> {
    let mut k = Known {
        orders: HashMap::new(),
        parcels_of: HashMap::new(),
        parcels: HashMap::new(),
        orders_in: HashMap::new(),
        by_tracking: HashMap::new(),
        loose: HashMap::new(),
    };
    let backend = tx.get_database_backend();
    let mut parcel_ids: HashSet<i64> = HashSet::new();
    for chunk in order_ids.chunks(CHUNK) {
        // The orders, each with every crate of it (or none), whether the crate was voided, and
        // the parcel it is in: one statement, one row per crate.
        let rows = tx
            .query_all_raw(sea_orm::Statement::from_string(
                backend,
                format!(
                    "SELECT o.id, o.fulfilment, o.status, \
                            o.weights_flagged AND o.weights_approved_at IS NULL, o.buyer_id, \
                            t.id, t.order_line_id, t.net_g, i.parcel_id, \
                            (SELECT COUNT(*) FROM weigh_ticket_voids v WHERE v.ticket_id = t.id) \
                     FROM orders o \
                     LEFT JOIN weigh_tickets t ON t.order_id = o.id \
                     LEFT JOIN parcel_items i ON i.weigh_ticket_id = t.id \
                     WHERE o.id IN ({})",
                    id_list(chunk)
                ),
            ))
            .await?;
        for r in rows {
            let order_id: i64 = r.try_get_by_index(0)?;
            k.orders.entry(order_id).or_insert(OrderBrief {
                fulfilment: r.try_get_by_index(1)?,
                status: r.try_get_by_index(2)?,
                weights_pending: r.try_get_by_index(3)?,
                buyer_id: r.try_get_by_index(4)?,
            });
            let Some(ticket) = r.try_get_by_index::<Option<i64>>(5)? else {
                continue;
            };
            let line_id: i64 = r.try_get_by_index(6)?;
            let net_g: i64 = r.try_get_by_index(7)?;
            let in_parcel: Option<i64> = r.try_get_by_index(8)?;
            let voided: i64 = r.try_get_by_index(9)?;
            match in_parcel {
                Some(p) => {
                    parcel_ids.insert(p);
                }
                None if voided == 0 => {
                    k.loose
                        .entry(order_id)
                        .or_default()
                        .push((ticket, line_id, net_g));
                }
                None => {}
            }
        }
    }
    for chunk in numbers.chunks(CHUNK) {
        let list = number_list(chunk)?;
        let taken: Vec<i64> = parcel::Entity::find()
            .select_only()
            .column(parcel::Column::Id)
            .filter(Expr::cust(format!("tracking_no IN ({list})")))
            .into_tuple()
            .all(tx)
            .await?;
        parcel_ids.extend(taken);
    }
    let ids: Vec<i64> = parcel_ids.into_iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let list = id_list(chunk);
        for p in parcel::Entity::find()
            .filter(Expr::cust(format!("id IN ({list})")))
            .all(tx)
            .await?
        {
            if let Some(t) = &p.tracking_no {
                k.by_tracking.insert(t.clone(), p.id);
            }
            k.parcels.insert(p.id, p);
        }
        for i in parcel_item::Entity::find()
            .filter(Expr::cust(format!("parcel_id IN ({list})")))
            .all(tx)
            .await?
        {
            let of = k.parcels_of.entry(i.order_id).or_default();
            if !of.contains(&i.parcel_id) {
                of.push(i.parcel_id);
            }
            let ins = k.orders_in.entry(i.parcel_id).or_default();
            if !ins.contains(&i.order_id) {
                ins.push(i.order_id);
            }
        }
    }
    Ok(k)
}
