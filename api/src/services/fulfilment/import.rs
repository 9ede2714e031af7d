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
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use zhunong_entity::enums::{AuditAction, AuditEntity, Fulfilment, OrderStatus, ParcelStatus};
use zhunong_entity::{
    order, parcel, parcel_item, webhook_endpoint, weigh_ticket, weigh_ticket_void,
};

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;
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

struct Known {
    orders: HashMap<i64, order::Model>,
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
        for o in order::Entity::find()
            .filter(order::Column::Id.is_in(chunk.to_vec()))
            .all(tx)
            .await?
        {
            k.orders.insert(o.id, o);
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
        let tickets = weigh_ticket::Entity::find()
            .filter(weigh_ticket::Column::OrderId.is_in(chunk.to_vec()))
            .all(tx)
            .await?;
        let voided: HashSet<i64> = weigh_ticket_void::Entity::find()
            .select_only()
            .column(weigh_ticket_void::Column::TicketId)
            .filter(weigh_ticket_void::Column::TicketId.is_in(tickets.iter().map(|t| t.id)))
            .into_tuple::<i64>()
            .all(tx)
            .await?
            .into_iter()
            .collect();
        for t in tickets {
            if !voided.contains(&t.id) && !packed_tickets.contains(&t.id) {
                k.loose
                    .entry(t.order_id)
                    .or_default()
                    .push((t.id, t.order_line_id, t.net_g));
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
    if o.weights_flagged && o.weights_approved_at.is_none() {
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
    let mut changes = Vec::new();
    let mut shipped_orders = Vec::new();
    // New parcels, in bulk: the rows, then their crates.
    let new: Vec<&(usize, String, Plan)> = plans
        .iter()
        .filter(|p| matches!(p.2, Plan::Pack { .. }))
        .collect();
    for chunk in new.chunks(CHUNK) {
        let models = chunk.iter().map(|(_, tracking, plan)| {
            let Plan::Pack { order, carrier } = plan else {
                unreachable!("only packs are chunked here")
            };
            let net: i64 = k.loose.get(order).into_iter().flatten().map(|c| c.2).sum();
            parcel::ActiveModel {
                carrier: sea_orm::Set(carrier.clone()),
                tracking_no: sea_orm::Set(Some(tracking.clone())),
                weight_g: sea_orm::Set(net.clamp(1, MAX_PARCEL_G)),
                shipping_cost_fen: sea_orm::Set(None),
                status: sea_orm::Set(ParcelStatus::Shipped),
                packed_by: sea_orm::Set(user),
                packed_at: sea_orm::Set(now),
                shipped_at: sea_orm::Set(Some(now)),
                delivered_at: sea_orm::Set(None),
                delivered_automatically: sea_orm::Set(false),
                ..Default::default()
            }
        });
        let inserted = parcel::Entity::insert_many(models)
            .exec_with_returning(tx)
            .await?;
        let by_number: HashMap<String, i64> = inserted
            .into_iter()
            .filter_map(|p| p.tracking_no.map(|t| (t, p.id)))
            .collect();
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
                items.push(parcel_item::ActiveModel {
                    parcel_id: sea_orm::Set(id),
                    order_id: sea_orm::Set(*order),
                    order_line_id: sea_orm::Set(*line),
                    weigh_ticket_id: sea_orm::Set(*ticket),
                    ..Default::default()
                });
            }
            changes.push(
                Change::of(Some(user), AuditAction::ShipParcel, AuditEntity::Order, *order)
                    .after(serde_json::json!({"parcel_id": id, "carrier": carrier, "tracking_no": tracking, "imported": true})),
            );
            shipped_orders.push(*order);
        }
        for part in items.chunks(1_000) {
            parcel_item::Entity::insert_many(part.to_vec())
                .exec(tx)
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
    audit::record_many(tx, changes).await?;
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
