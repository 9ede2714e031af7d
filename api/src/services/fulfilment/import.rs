//! Importing a file of tracking numbers (快递单号回填): each row names an order, a carrier and a
//! tracking number. A row is applied (the order's crates leave in a parcel with that number),
//! unchanged (its parcel has that number already: importing a file again changes nothing), or
//! refused with its reason; a bad row never stops the others.
//!
//! The whole file is one transaction, read in bulk and written in bulk (10,000 rows in one
//! request); on PostgreSQL an advisory lock makes two imports run one after the other, so the
//! same file sent twice at once is applied once and found unchanged the second time.

use super::pack::MAX_PARCEL_G;
use crate::db::{Db, Tx};
use crate::domain::order_number;
use crate::domain::shipping::{carrier_code, tracking_number};
use crate::domain::tracking_file::{self, FileProblem, Row};
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType};
use crate::dto::fulfilment::{ImportReport, ImportRow, RowResult};
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use zhunong_entity::enums::{AuditAction, AuditEntity, Fulfilment, OrderStatus, ParcelStatus};
use zhunong_entity::{
    order, parcel, parcel_item, webhook_endpoint, weigh_ticket, weigh_ticket_void,
};

/// Ids per `IN (…)` list, and rows per bulk statement: a whole file of the default size in one,
/// under both databases' limits on bound values (SQLite 32,766, PostgreSQL 65,535).
const CHUNK: usize = 10_000;
/// Any constant: the advisory lock that imports take on PostgreSQL.
const IMPORT_LOCK: i64 = 0x007a_6e74_726b;

/// Reads and applies the file.
///
/// # Errors
/// 422 for a file that is not CSV or XLSX, has no recognisable header (listing the headers it
/// found) or too many rows; database errors.
pub async fn import(
    db: &Db,
    user: i64,
    bytes: &[u8],
    max_rows: usize,
    today: chrono::NaiveDate,
) -> AppResult<ImportReport> {
    let rows = tracking_file::read(bytes, max_rows).map_err(|p| match p {
        FileProblem::NotATable => AppError::field("file", "not a CSV or XLSX file"),
        FileProblem::NoHeader { found } => AppError::field(
            "file",
            format!(
                "no header naming the order number (订单号) and the tracking number (运单号); found: {}",
                if found.is_empty() { "nothing".to_owned() } else { found.join(", ") }
            ),
        ),
        FileProblem::TooManyRows { max } => AppError::field("file", format!("at most {max} rows per file")),
    })?;
    let report = db
        .write(async |tx| apply(tx, user, &rows, today).await)
        .await?;
    Ok(report)
}

/// What a row will do, decided in memory before anything is written.
enum Plan {
    /// Ship the packed parcel with this number.
    Ship {
        parcel: i64,
        carrier: Option<String>,
    },
    /// Pack the order's crates into a new parcel and ship it.
    Pack { order: i64, carrier: String },
}

/// What a row needs of its order.
struct OrderBrief {
    fulfilment: Fulfilment,
    status: OrderStatus,
    /// Weighed outside the tolerance and not approved.
    weights_pending: bool,
    buyer_id: i64,
}

struct Known {
    orders: HashMap<i64, OrderBrief>,
    /// Each order's parcels.
    parcels_of: HashMap<i64, Vec<i64>>,
    parcels: HashMap<i64, parcel::Model>,
    /// Orders of each parcel.
    orders_in: HashMap<i64, Vec<i64>>,
    /// Parcels by tracking number.
    by_tracking: HashMap<String, i64>,
    /// Live crates not in a parcel, per order: (ticket, line, net).
    loose: HashMap<i64, Vec<(i64, i64, i64)>>,
}

async fn lock(tx: &Tx) -> AppResult<()> {
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({IMPORT_LOCK})"))
            .await?;
    }
    Ok(())
}

async fn known(tx: &Tx, order_ids: &[i64], numbers: &[String]) -> AppResult<Known> {
    let mut k = Known {
        orders: HashMap::new(),
        parcels_of: HashMap::new(),
        parcels: HashMap::new(),
        orders_in: HashMap::new(),
        by_tracking: HashMap::new(),
        loose: HashMap::new(),
    };
    let mut parcel_ids: HashSet<i64> = HashSet::new();
    for chunk in order_ids.chunks(CHUNK) {
        let rows: Vec<(i64, Fulfilment, OrderStatus, bool, i64)> = order::Entity::find()
            .select_only()
            .columns([
                order::Column::Id,
                order::Column::Fulfilment,
                order::Column::Status,
            ])
            .column_as(
                Expr::cust("weights_flagged AND weights_approved_at IS NULL"),
                "weights_pending",
            )
            .column(order::Column::BuyerId)
            .filter(order::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(tx)
            .await?;
        for (id, fulfilment, status, weights_pending, buyer_id) in rows {
            k.orders.insert(
                id,
                OrderBrief {
                    fulfilment,
                    status,
                    weights_pending,
                    buyer_id,
                },
            );
        }
        for i in parcel_item::Entity::find()
            .filter(parcel_item::Column::OrderId.is_in(chunk.to_vec()))
            .all(tx)
            .await?
        {
            parcel_ids.insert(i.parcel_id);
        }
    }
    for chunk in numbers.chunks(CHUNK) {
        for p in parcel::Entity::find()
            .filter(parcel::Column::TrackingNo.is_in(chunk.to_vec()))
            .all(tx)
            .await?
        {
            parcel_ids.insert(p.id);
        }
    }
    let ids: Vec<i64> = parcel_ids.into_iter().collect();
    let mut packed_tickets: HashSet<i64> = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        for p in parcel::Entity::find()
            .filter(parcel::Column::Id.is_in(chunk.to_vec()))
            .all(tx)
            .await?
        {
            if let Some(t) = &p.tracking_no {
                k.by_tracking.insert(t.clone(), p.id);
            }
            k.parcels.insert(p.id, p);
        }
        for i in parcel_item::Entity::find()
            .filter(parcel_item::Column::ParcelId.is_in(chunk.to_vec()))
            .all(tx)
            .await?
        {
            packed_tickets.insert(i.weigh_ticket_id);
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
    for chunk in order_ids.chunks(CHUNK) {
        let tickets: Vec<(i64, i64, i64, i64)> = weigh_ticket::Entity::find()
            .select_only()
            .columns([
                weigh_ticket::Column::Id,
                weigh_ticket::Column::OrderId,
                weigh_ticket::Column::OrderLineId,
                weigh_ticket::Column::NetG,
            ])
            .filter(weigh_ticket::Column::OrderId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(tx)
            .await?;
        let voided: HashSet<i64> = weigh_ticket_void::Entity::find()
            .select_only()
            .column(weigh_ticket_void::Column::TicketId)
            .filter(
                weigh_ticket_void::Column::TicketId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(weigh_ticket::Column::Id)
                        .from(weigh_ticket::Entity)
                        .and_where(weigh_ticket::Column::OrderId.is_in(chunk.to_vec()))
                        .to_owned(),
                ),
            )
            .into_tuple::<i64>()
            .all(tx)
            .await?
            .into_iter()
            .collect();
        for (id, order_id, line_id, net_g) in tickets {
            if !voided.contains(&id) && !packed_tickets.contains(&id) {
                k.loose
                    .entry(order_id)
                    .or_default()
                    .push((id, line_id, net_g));
            }
        }
    }
    Ok(k)
}

fn refused(r: &Row, code: &str, reason: impl Into<String>) -> Box<ImportRow> {
    Box::new(ImportRow {
        line: r.line,
        order_number: r.order_number.clone(),
        tracking_no: r.tracking_no.clone(),
        result: RowResult::Refused,
        code: Some(code.to_owned()),
        reason: Some(reason.into()),
        parcel_id: None,
    })
}

fn done(r: &Row, result: RowResult, parcel_id: Option<i64>) -> ImportRow {
    ImportRow {
        line: r.line,
        order_number: r.order_number.clone(),
        tracking_no: r.tracking_no.clone(),
        result,
        code: None,
        reason: None,
        parcel_id,
    }
}

/// Decides one row against what is stored and what earlier rows of the file did.
fn decide(
    r: &Row,
    k: &Known,
    claimed: &HashMap<String, i64>,
    shipped_now: &HashMap<i64, String>,
) -> Result<(i64, String, Option<Plan>), Box<ImportRow>> {
    let number = order_number::parse(&r.order_number).ok_or_else(|| {
        refused(
            r,
            "unknown_order",
            format!("{:?} is not an order number", r.order_number),
        )
    })?;
    let tracking = tracking_number(&r.tracking_no).ok_or_else(|| {
        refused(
            r,
            "bad_tracking_no",
            "letters, digits and '-' only, at most 40",
        )
    })?;
    let carrier = if r.carrier.is_empty() {
        None
    } else {
        Some(
            carrier_code(&r.carrier)
                .ok_or_else(|| {
                    refused(
                        r,
                        "unknown_carrier",
                        format!("unknown carrier {:?}", r.carrier),
                    )
                })?
                .to_owned(),
        )
    };
    let o = k
        .orders
        .get(&number)
        .ok_or_else(|| refused(r, "unknown_order", format!("no order {}", r.order_number)))?;
    if o.fulfilment != Fulfilment::Parcel {
        return Err(refused(
            r,
            "not_a_parcel_order",
            format!("the order is a {} order", o.fulfilment.as_str()),
        ));
    }
    // The number is on a parcel of this order already, or taken by another order.
    let holder = k
        .by_tracking
        .get(&tracking)
        .and_then(|p| k.orders_in.get(p));
    if let Some(orders) = holder {
        return if orders.contains(&number) {
            Ok((number, tracking, None))
        } else {
            Err(refused(
                r,
                "tracking_number_taken",
                format!("{tracking} is on another order's parcel"),
            ))
        };
    }
    if let Some(other) = claimed.get(&tracking) {
        return if *other == number {
            Ok((number, tracking, None))
        } else {
            Err(refused(
                r,
                "tracking_number_taken",
                format!("{tracking} is on another row of this file"),
            ))
        };
    }
    if let Some(earlier) = shipped_now.get(&number) {
        return Err(refused(
            r,
            "already_shipped",
            format!("shipped by an earlier row with {earlier}"),
        ));
    }
    if o.status != OrderStatus::Weighed {
        let code = if matches!(o.status, OrderStatus::Pending | OrderStatus::Confirmed) {
            "not_weighed"
        } else {
            "already_shipped"
        };
        return Err(refused(
            r,
            code,
            format!("the order is {}", o.status.as_str()),
        ));
    }
    if o.weights_pending {
        return Err(refused(
            r,
            "weights_not_approved",
            "its weights need a secretary's approval",
        ));
    }
    let packed: Vec<i64> = k
        .parcels_of
        .get(&number)
        .into_iter()
        .flatten()
        .copied()
        .filter(|p| {
            k.parcels
                .get(p)
                .is_some_and(|p| p.status == ParcelStatus::Packed)
        })
        .collect();
    let loose = k.loose.get(&number).map_or(0, Vec::len);
    match (packed.as_slice(), loose) {
        ([], 0) => Err(refused(
            r,
            "nothing_to_ship",
            "no crate of the order is waiting",
        )),
        ([], _) => match carrier {
            Some(c) => Ok((
                number,
                tracking,
                Some(Plan::Pack {
                    order: number,
                    carrier: c,
                }),
            )),
            None => Err(refused(r, "unknown_carrier", "the row names no carrier")),
        },
        ([one], 0) if k.parcels.get(one).is_some_and(|p| p.tracking_no.is_none()) => Ok((
            number,
            tracking,
            Some(Plan::Ship {
                parcel: *one,
                carrier,
            }),
        )),
        _ => Err(refused(
            r,
            "several_parcels",
            "the order has several parcels or crates still loose: ship them at the station",
        )),
    }
}

async fn apply(
    tx: &Tx,
    user: i64,
    rows: &[Row],
    today: chrono::NaiveDate,
) -> AppResult<ImportReport> {
    lock(tx).await?;
    let order_ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| order_number::parse(&r.order_number))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let numbers: Vec<String> = rows
        .iter()
        .filter_map(|r| tracking_number(&r.tracking_no))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let k = known(tx, &order_ids, &numbers).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut claimed: HashMap<String, i64> = HashMap::new();
    let mut shipped_now: HashMap<i64, String> = HashMap::new();
    let mut plans: Vec<(usize, String, Plan)> = Vec::new();
    for r in rows {
        match decide(r, &k, &claimed, &shipped_now) {
            Err(row) => out.push(*row),
            Ok((order, tracking, None)) => {
                let parcel = k.by_tracking.get(&tracking).copied();
                out.push(done(r, RowResult::Unchanged, parcel));
                claimed.insert(tracking, order);
            }
            Ok((order, tracking, Some(plan))) => {
                claimed.insert(tracking.clone(), order);
                shipped_now.insert(order, tracking.clone());
                plans.push((out.len(), tracking, plan));
                out.push(done(r, RowResult::Applied, None));
            }
        }
    }
    let now = chrono::Utc::now();
    let mut shipped: Vec<(i64, i64, &str, &str)> = Vec::new();
    let mut shipped_orders = Vec::new();
    // New parcels, in bulk: the rows, then their crates.
    let new: Vec<&(usize, String, Plan)> = plans
        .iter()
        .filter(|p| matches!(p.2, Plan::Pack { .. }))
        .collect();
    for chunk in new.chunks(CHUNK) {
        let by_number = insert_parcels(tx, chunk, &k, user, now).await?;
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
            shipped.push((*order, id, carrier.as_str(), tracking.as_str()));
            shipped_orders.push(*order);
        }
        for part in items.chunks(5_000) {
            tx.execute_unprepared(&format!(
                "INSERT INTO parcel_items (parcel_id, order_id, order_line_id, weigh_ticket_id) VALUES {}",
                part.join(",")
            ))
            .await?;
        }
    }
    // Parcels packed at the station, now given their number.
    for (at, tracking, plan) in &plans {
        let Plan::Ship { parcel, carrier } = plan else {
            continue;
        };
        let p = k
            .parcels
            .get(parcel)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a planned parcel is known")))?;
        super::progress::ship_in(tx, p, tracking, carrier.as_deref(), user).await?;
        out[*at].parcel_id = Some(*parcel);
    }
    for chunk in shipped_orders.chunks(CHUNK) {
        order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(OrderStatus::Shipped))
            .col_expr(order::Column::ShippedAt, Expr::value(now))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::Id.is_in(chunk.to_vec()))
            .filter(order::Column::Status.eq(OrderStatus::Weighed))
            .exec(tx)
            .await?;
    }
    audit_shipped(tx, user, &shipped, now).await?;
    announce(tx, &k, &shipped_orders).await?;
    deliver_signed(tx, rows, &out, user, today).await?;
    let count = |r: RowResult| out.iter().filter(|x| x.result == r).count();
    Ok(ImportReport {
        applied: count(RowResult::Applied),
        unchanged: count(RowResult::Unchanged),
        refused: count(RowResult::Refused),
        rows: out,
    })
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
    let mut sql = format!(
        "INSERT INTO parcels (carrier, tracking_no, weight_g, status, packed_by, packed_at, shipped_at, \
         delivered_automatically) VALUES {} RETURNING id, tracking_no",
        values.join(",")
    );
    if backend != DbBackend::Postgres {
        sql = sql.replace("$1", "?1");
    }
    let rows = tx
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [now.into()],
        ))
        .await?;
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
async fn audit_shipped(
    tx: &Tx,
    user: i64,
    shipped: &[(i64, i64, &str, &str)],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let backend = tx.get_database_backend();
    for chunk in shipped.chunks(CHUNK) {
        let values: Vec<String> = chunk
            .iter()
            .map(|(order, parcel, carrier, tracking)| {
                let after = serde_json::json!({"parcel_id": parcel, "carrier": carrier, "tracking_no": tracking, "imported": true});
                format!(
                    "($1,{user},'{}','{}',{order},NULL,'{}')",
                    AuditAction::ShipParcel.as_str(),
                    AuditEntity::Order.as_str(),
                    after.to_string().replace('\'', "''")
                )
            })
            .collect();
        let mut sql = format!(
            "INSERT INTO audit_log (at, actor_user_id, action, entity, entity_id, before, after) VALUES {}",
            values.join(",")
        );
        if backend != DbBackend::Postgres {
            sql = sql.replace("$1", "?1");
        }
        tx.execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [now.into()],
        ))
        .await?;
    }
    Ok(())
}

/// `order.shipped` for the orders shipped in bulk whose buyers listen for it (most have no
/// endpoint at all, so they are found in one query rather than one per order).
async fn announce(tx: &Tx, k: &Known, shipped: &[i64]) -> AppResult<()> {
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
        let ids = super::read::parcel_ids_of(tx, &[*o]).await?;
        let data = EventData {
            parcels: Some(super::read::parcels(tx, &ids).await?),
            ..EventData::order(out)
        };
        crate::services::webhooks::outbox::emit(tx, EventType::OrderShipped, &data).await?;
    }
    Ok(())
}

/// Rows with a sign-off: their parcels, shipped, are delivered.
async fn deliver_signed(
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
            super::progress::deliver_in(tx, *p, super::progress::Mover::Person(user), today)
                .await?;
        }
    }
    Ok(())
}
