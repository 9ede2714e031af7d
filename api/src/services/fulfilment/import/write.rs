//! The import's writes in bulk: the new parcels and their crates, the orders shipped, one audit
//! entry per order, `order.shipped` for buyers that listen, and sign-offs.

use super::known::Known;
use super::{CHUNK, Plan};
use crate::db::Tx;
use crate::domain::tracking_file::Row;
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType};
use crate::dto::fulfilment::{ImportRow, RowResult};
use crate::error::{AppError, AppResult};
use crate::services::fulfilment::pack::MAX_PARCEL_G;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use std::collections::{BTreeMap, HashMap, HashSet};
use zhunong_entity::enums::{AuditAction, AuditEntity, OrderStatus, ParcelStatus};
use zhunong_entity::{parcel, webhook_endpoint};

/// One order shipped in a new parcel by the import.
pub(super) struct Shipped<'a> {
    pub order: i64,
    pub parcel: i64,
    pub carrier: &'a str,
    pub tracking: &'a str,
}

/// The rows that pack an order's loose crates: a new parcel each, shipped now, with its crates.
pub(super) async fn pack_and_ship<'a>(
    tx: &Tx,
    plans: &'a [(usize, String, Plan)],
    k: &Known,
    out: &mut [ImportRow],
    user: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<Shipped<'a>>> {
    let mut shipped = Vec::new();
    let new: Vec<&(usize, String, Plan)> = plans
        .iter()
        .filter(|p| matches!(p.2, Plan::Pack { .. }))
        .collect();
    for chunk in new.chunks(CHUNK) {
        let by_number = insert_parcels(tx, chunk, k, user, now).await?;
        let mut items = Vec::new();
        for (at, tracking, plan) in chunk {
            let Plan::Pack { order, carrier } = plan else {
                continue;
            };
            let id = by_number.get(tracking).copied().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("a parcel just inserted has no id"))
            })?;
            out[*at].parcel_id = Some(id);
            for (ticket, line, _) in k.loose.get(order).into_iter().flatten() {
                items.push(format!("({id},{order},{line},{ticket})"));
            }
            shipped.push(Shipped {
                order: *order,
                parcel: id,
                carrier: carrier.as_str(),
                tracking: tracking.as_str(),
            });
        }
        // Integers only, written into the statement (see `insert_parcels`).
        for part in items.chunks(5_000) {
            tx.execute_unprepared(&format!(
                "INSERT INTO parcel_items (parcel_id, order_id, order_line_id, weigh_ticket_id) VALUES {}",
                part.join(",")
            ))
            .await?;
        }
    }
    Ok(shipped)
}

/// The rows that give a parcel packed at the station its number: shipped one by one, as the
/// station ships them.
pub(super) async fn ship_packed(
    tx: &Tx,
    plans: &[(usize, String, Plan)],
    k: &Known,
    out: &mut [ImportRow],
    user: i64,
) -> AppResult<()> {
    for (at, tracking, plan) in plans {
        let Plan::Ship { parcel, carrier } = plan else {
            continue;
        };
        let p = k
            .parcels
            .get(parcel)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a planned parcel is known")))?;
        super::super::progress::ship_in(tx, p, tracking, carrier.as_deref(), user).await?;
        out[*at].parcel_id = Some(*parcel);
    }
    Ok(())
}

/// The orders shipped in new parcels become `shipped`, in statements of their ids.
pub(super) async fn mark_shipped(
    tx: &Tx,
    orders: &[i64],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let backend = tx.get_database_backend();
    for chunk in orders.chunks(CHUNK) {
        let sql = format!(
            "UPDATE orders SET status = '{}', shipped_at = $1, updated_at = $1 \
             WHERE status = '{}' AND id IN ({})",
            OrderStatus::Shipped.as_str(),
            OrderStatus::Weighed.as_str(),
            super::known::id_list(chunk)
        );
        tx.execute_raw(with_now(backend, &sql, now)).await?;
    }
    Ok(())
}

/// A statement of literal values and one bound `now`, written `$1` (as SQLite's `?1` there).
fn with_now(backend: DbBackend, sql: &str, now: chrono::DateTime<chrono::Utc>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        sql.to_owned()
    } else {
        sql.replace("$1", "?1")
    };
    Statement::from_sql_and_values(backend, sql, [now.into()])
}

/// Inserts the new parcels of `chunk`, shipped now, in one statement; their ids by tracking
/// number. The values are written into the statement rather than bound, one `now` aside: a
/// tracking number is `[A-Z0-9-]` (checked by `tracking_number`), a carrier one of the fixed codes
/// and the rest integers, so nothing in them can end a literal, and the statement is one string
/// rather than tens of thousands of bound values.
async fn insert_parcels(
    tx: &Tx,
    chunk: &[&(usize, String, Plan)],
    k: &Known,
    user: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<HashMap<String, i64>> {
    let mut values = Vec::with_capacity(chunk.len());
    for (_, tracking, plan) in chunk {
        let Plan::Pack { order, carrier } = plan else {
            continue;
        };
        let safe = |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !safe(tracking) || !safe(carrier) {
            return Err(AppError::Internal(anyhow::anyhow!(
                "an unchecked tracking number or carrier"
            )));
        }
        let net: i64 = k.loose.get(order).into_iter().flatten().map(|c| c.2).sum();
        values.push(format!(
            "('{carrier}','{tracking}',{},'shipped',{user},{p},{p},{f})",
            net.clamp(1, MAX_PARCEL_G),
            p = "$1",
            f = "FALSE",
        ));
    }
    let backend = tx.get_database_backend();
    let sql = format!(
        "INSERT INTO parcels (carrier, tracking_no, weight_g, status, packed_by, packed_at, shipped_at, \
         delivered_automatically) VALUES {} RETURNING id, tracking_no",
        values.join(",")
    );
    let rows = tx.query_all_raw(with_now(backend, &sql, now)).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("", "id")?;
        let tracking: String = r.try_get("", "tracking_no")?;
        out.insert(tracking, id);
    }
    Ok(out)
}

/// The audit entries of the parcels shipped in bulk, one per order as `ship_in` writes them, in
/// statements of their literal values (checked as for [`insert_parcels`]).
pub(super) async fn audit_shipped(
    tx: &Tx,
    user: i64,
    shipped: &[Shipped<'_>],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let backend = tx.get_database_backend();
    for chunk in shipped.chunks(CHUNK) {
        let values: Vec<String> = chunk
            .iter()
            .map(|s| {
                let after = serde_json::json!({"parcel_id": s.parcel, "carrier": s.carrier, "tracking_no": s.tracking, "imported": true});
                format!(
                    "($1,{user},'{}','{}',{},NULL,'{}')",
                    AuditAction::ShipParcel.as_str(),
                    AuditEntity::Order.as_str(),
                    s.order,
                    after.to_string().replace('\'', "''")
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (at, actor_user_id, action, entity, entity_id, before, after) VALUES {}",
            values.join(",")
        );
        tx.execute_raw(with_now(backend, &sql, now)).await?;
    }
    Ok(())
}

/// `order.shipped` for the orders shipped in bulk whose buyers listen for it (most have no
/// endpoint at all, so they are found in one query rather than one per order).
pub(super) async fn announce(tx: &Tx, k: &Known, shipped: &[i64]) -> AppResult<()> {
    let buyers: HashSet<i64> = shipped
        .iter()
        .filter_map(|o| k.orders.get(o))
        .map(|o| o.buyer_id)
        .collect();
    if buyers.is_empty() {
        return Ok(());
    }
    let mut listening = HashSet::new();
    let list: Vec<i64> = buyers.into_iter().collect();
    for chunk in list.chunks(CHUNK) {
        for e in webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::BuyerId.is_in(chunk.to_vec()))
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .all(tx)
            .await?
        {
            if e.events
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == EventType::OrderShipped.as_str()))
            {
                listening.insert(e.buyer_id);
            }
        }
    }
    for o in shipped.iter().filter(|o| {
        k.orders
            .get(o)
            .is_some_and(|m| listening.contains(&m.buyer_id))
    }) {
        let out = crate::services::order_reads::load_out(tx, OrderId::new(*o)).await?;
        let ids = super::super::read::parcel_ids_of(tx, &[*o]).await?;
        let data = EventData {
            parcels: Some(super::super::read::parcels(tx, &ids).await?),
            ..EventData::order(out)
        };
        crate::services::webhooks::outbox::emit(tx, EventType::OrderShipped, &data).await?;
    }
    Ok(())
}

/// Rows with a sign-off: their parcels, shipped, are delivered.
pub(super) async fn deliver_signed(
    tx: &Tx,
    rows: &[Row],
    out: &[ImportRow],
    user: i64,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    let mut parcels = BTreeMap::new();
    for (r, o) in rows.iter().zip(out) {
        if !r.signed.is_empty()
            && o.result != RowResult::Refused
            && let Some(p) = o.parcel_id
        {
            parcels.insert(p, ());
        }
    }
    for p in parcels.keys() {
        let status = parcel::Entity::find_by_id(*p)
            .one(tx)
            .await?
            .map(|p| p.status);
        if status == Some(ParcelStatus::Shipped) {
            super::super::progress::deliver_in(
                tx,
                *p,
                super::super::progress::Mover::Person(user),
                today,
            )
            .await?;
        }
    }
    Ok(())
}
