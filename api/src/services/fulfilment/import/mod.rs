//! Importing a file of tracking numbers (快递单号回填): each row names an order, a carrier and a
//! tracking number. A row is applied (the order's crates leave in a parcel with that number),
//! unchanged (its parcel has that number already: importing a file again changes nothing), or
//! refused with its reason; a bad row never stops the others.
//!
//! The whole file is one transaction, read in bulk (`known`), decided row by row in memory
//! (`decide`) and written in bulk (`write`): 10,000 rows in one request. On PostgreSQL an
//! advisory lock makes two imports run one after the other, so the same file sent twice at once
//! is applied once and found unchanged the second time.

mod decide;
mod known;
mod write;

use crate::db::{Db, Tx};
use crate::domain::order_number;
use crate::domain::shipping::tracking_number;
use crate::domain::tracking_file::{self, FileProblem, Row};
use crate::dto::fulfilment::{ImportReport, RowResult};
use crate::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, DbBackend};
use std::collections::{HashMap, HashSet};

/// Rows per bulk statement and ids per list: a whole file of the default size in one.
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

async fn lock(tx: &Tx) -> AppResult<()> {
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({IMPORT_LOCK})"))
            .await?;
    }
    Ok(())
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
    let k = known::known(tx, &order_ids, &numbers).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut claimed: HashMap<String, i64> = HashMap::new();
    let mut shipped_now: HashMap<i64, String> = HashMap::new();
    let mut plans: Vec<(usize, String, Plan)> = Vec::new();
    for r in rows {
        match decide::decide(r, &k, &claimed, &shipped_now) {
            Err(row) => out.push(*row),
            Ok((order, tracking, None)) => {
                let parcel = k.by_tracking.get(&tracking).copied();
                out.push(decide::done(r, RowResult::Unchanged, parcel));
                claimed.insert(tracking, order);
            }
            Ok((order, tracking, Some(plan))) => {
                claimed.insert(tracking.clone(), order);
                shipped_now.insert(order, tracking.clone());
                plans.push((out.len(), tracking, plan));
                out.push(decide::done(r, RowResult::Applied, None));
            }
        }
    }
    let now = chrono::Utc::now();
    let shipped = write::pack_and_ship(tx, &plans, &k, &mut out, user, now).await?;
    write::ship_packed(tx, &plans, &k, &mut out, user).await?;
    let shipped_orders: Vec<i64> = shipped.iter().map(|s| s.order).collect();
    write::mark_shipped(tx, &shipped_orders, now).await?;
    write::audit_shipped(tx, user, &shipped, now).await?;
    write::announce(tx, &k, &shipped_orders).await?;
    write::deliver_signed(tx, rows, &out, user, today).await?;
    let count = |r: RowResult| out.iter().filter(|x| x.result == r).count();
    Ok(ImportReport {
        applied: count(RowResult::Applied),
        unchanged: count(RowResult::Unchanged),
        refused: count(RowResult::Refused),
        rows: out,
    })
}
