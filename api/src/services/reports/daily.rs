//! Keeps the daily totals, the facts added up per day and key, in step with `sales_facts`, off
//! the orders' hot path:
//! - an order's write appends the difference between its old and new facts, key by key, to
//!   `sales_daily_log` in its own transaction: an insert only, so orders never wait on each
//!   other for a shared totals row;
//! - the roll-up ([`roll_up`], every `ZHUNONG_SALES_ROLLUP_EVERY_MS` on every replica, one at a
//!   time) folds the whole log into `sales_daily` and deletes what it folded, in one
//!   transaction; on PostgreSQL in one statement (`DELETE … RETURNING` feeding the upsert), so
//!   it folds exactly the rows it deletes whatever commits meanwhile;
//! - a report reads `sales_daily` and the log together in one statement ([`with_tail`]), so it
//!   is exact the moment an order's write is acknowledged, rolled up or not.

use crate::db::Tx;
use crate::db::json_rows::JsonRows;
use crate::error::{AppError, AppResult};
use sea_orm::ConnectionTrait;
use sea_orm::Value;
use sea_orm::sea_query::value::sea_value_to_json_value;
use sea_orm::sea_query::{
    Alias, Condition, Expr, InsertStatement, Query, SelectStatement, UnionType,
};
use sea_orm::{DbBackend, Statement};
use std::collections::BTreeMap;
use zhunong_entity::sales_fact;

/// (basis, day, week, month, product, batch, grower, collective, live session, buyer kind,
/// channel, cancelled)
type Key = (
    i16,
    i32,
    i32,
    i32,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    i16,
);

/// Where orders append their changes to the daily totals until the roll-up folds them in.
pub const LOG_TABLE: &str = "sales_daily_log";

/// Any constant: the advisory lock that keeps roll-ups on PostgreSQL one at a time.
const ROLLUP_LOCK: i64 = 0x007a_6e73_646c;

/// The unique key of a daily-totals row.
pub const KEY_COLUMNS: [&str; 10] = [
    "basis",
    "day_key",
    "product_id",
    "batch_id",
    "grower_id",
    "collective_id",
    "live_session_id",
    "buyer_kind",
    "channel",
    "cancelled",
];

/// The figures a daily-totals row adds up.
pub const SUM_COLUMNS: [&str; 17] = [
    "h_order",
    "h_product",
    "h_batch",
    "h_grower",
    "h_collective",
    "h_line",
    "share_rows",
    "quantity_g",
    "pieces",
    "ordered_amount_fen",
    "final_amount_fen",
    "refunds_fen",
    "net_sales_fen",
    "commission_fen",
    "grower_payable_fen",
    "shipping_cost_fen",
    "platform_fees_fen",
];

fn sums(f: &sales_fact::Model) -> [i64; SUM_COLUMNS.len()] {
    [
        f.h_order.into(),
        f.h_product.into(),
        f.h_batch.into(),
        f.h_grower.into(),
        f.h_collective.into(),
        f.h_line.into(),
        1,
        f.quantity_g,
        f.pieces,
        f.ordered_amount_fen,
        f.final_amount_fen,
        f.refunds_fen,
        f.net_sales_fen,
        f.commission_fen,
        f.grower_payable_fen,
        f.shipping_cost_fen,
        f.platform_fees_fen,
    ]
}

/// The keys a fact counts under: its placing day, and its settlement day if settled.
fn keys(f: &sales_fact::Model) -> Vec<Key> {
    let key = |basis, day, week, month| {
        (
            basis,
            day,
            week,
            month,
            f.product_id,
            f.batch_id,
            f.grower_id,
            f.collective_id.unwrap_or(0),
            f.live_session_id.unwrap_or(0),
            f.buyer_kind.clone(),
            f.channel.clone(),
            f.cancelled,
        )
    };
    let mut out = vec![key(0, f.placed_day, f.placed_week, f.placed_month)];
    if let (Some(d), Some(w), Some(m)) = (f.settled_day, f.settled_week, f.settled_month) {
        out.push(key(1, d, w, m));
    }
    out
}

/// The change to each key from replacing `old` by `new`; keys that do not change are left out.
fn deltas(
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> Option<BTreeMap<Key, [i64; SUM_COLUMNS.len()]>> {
    let mut out: BTreeMap<Key, [i64; SUM_COLUMNS.len()]> = BTreeMap::new();
    for (rows, sign) in [(old, -1i64), (new, 1)] {
        for f in rows {
            let s = sums(f);
            for k in keys(f) {
                let e = out.entry(k).or_insert([0; SUM_COLUMNS.len()]);
                for (acc, v) in e.iter_mut().zip(s) {
                    *acc = acc.checked_add(v.checked_mul(sign)?)?;
                }
            }
        }
    }
    out.retain(|_, d| d.iter().any(|v| *v != 0));
    Some(out)
}

/// The log's rows for replacing `old` facts by `new` ones, each in the order of
/// [`all_columns`]; empty if nothing moves.
fn log_rows(old: &[sales_fact::Model], new: &[sales_fact::Model]) -> AppResult<Vec<Vec<Value>>> {
    let changes = deltas(old, new)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("daily sales totals overflow")))?;
    Ok(changes
        .into_iter()
        .map(|(k, d)| {
            let mut row: Vec<Value> = vec![
                k.0.into(),
                k.1.into(),
                k.4.into(),
                k.5.into(),
                k.6.into(),
                k.7.into(),
                k.8.into(),
                k.9.into(),
                k.10.into(),
                k.11.into(),
                k.2.into(),
                k.3.into(),
            ];
            row.extend(d.iter().map(|v| Value::from(*v)));
            row
        })
        .collect())
}

/// The one statement that appends the difference between `old` and `new` facts to the log;
/// `None` if nothing moves.
///
/// # Errors
/// Figures that overflow (500).
pub fn append(
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> AppResult<Option<InsertStatement>> {
    let rows = log_rows(old, new)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut q = Query::insert();
    q.into_table(Alias::new(LOG_TABLE))
        .columns(all_columns().into_iter().map(Alias::new));
    for row in rows {
        q.values(row.into_iter().map(Expr::val))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("daily totals statement: {e}")))?;
    }
    Ok(Some(q))
}

/// As [`append`], as rows for one JSON parameter (PostgreSQL's statements whose text does not
/// grow with the number of keys; see [`crate::db::json_rows`]).
///
/// # Errors
/// Figures that overflow (500).
pub fn append_rows(
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> AppResult<Option<JsonRows>> {
    let rows = log_rows(old, new)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let rows = rows
        .into_iter()
        .map(|row| row.iter().map(sea_value_to_json_value).collect());
    Ok(Some(JsonRows::from_values(LOG_TABLE, all_columns(), rows)))
}

/// Every column of a daily-totals row but its id, as the log has them too.
fn all_columns() -> Vec<&'static str> {
    KEY_COLUMNS
        .iter()
        .chain(&["week_key", "month_key"])
        .chain(&SUM_COLUMNS)
        .copied()
        .collect()
}

/// The daily totals with the log's tail, for a report: `sales_daily` and `sales_daily_log`,
/// each narrowed by `filter` (so each uses its own indexes), as one `UNION ALL` to add up.
pub fn with_tail(filter: &Condition) -> SelectStatement {
    let arm = |table: Alias| {
        let mut q = Query::select();
        q.columns(all_columns().into_iter().map(Alias::new))
            .from(table)
            .cond_where(filter.clone());
        q
    };
    let mut q = arm(Alias::new("sales_daily"));
    q.union(UnionType::All, arm(Alias::new(LOG_TABLE)));
    q
}

/// Folds the whole log into the daily totals and deletes it, in the caller's transaction; on
/// PostgreSQL nothing if another roll-up holds the lock. Returns the daily rows written.
///
/// # Errors
/// Database errors.
pub async fn roll_up(tx: &Tx) -> AppResult<u64> {
    let backend = tx.get_database_backend();
    let key = KEY_COLUMNS.join(", ");
    let sums = SUM_COLUMNS
        .iter()
        .map(|c| format!("SUM({c})"))
        .collect::<Vec<_>>()
        .join(", ");
    let add = SUM_COLUMNS
        .iter()
        .map(|c| format!("{c} = sales_daily.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let columns = all_columns().join(", ");
    let fold = |from: &str| {
        format!(
            "INSERT INTO sales_daily ({columns}) \
             SELECT {key}, MIN(week_key), MIN(month_key), {sums} FROM {from} \
             GROUP BY {key} ORDER BY {key} \
             ON CONFLICT ({key}) DO UPDATE SET {add}"
        )
    };
    if backend == DbBackend::Postgres {
        let locked = tx
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT pg_try_advisory_xact_lock({ROLLUP_LOCK})"),
            ))
            .await?
            .map(|r| r.try_get_by_index::<bool>(0))
            .transpose()?
            .unwrap_or(false);
        if !locked {
            return Ok(0);
        }
        // One statement, one snapshot: it folds exactly the rows it deletes, whatever orders
        // commit meanwhile (theirs wait for the next round).
        let done = tx
            .execute_unprepared(&format!(
                "WITH gone AS (DELETE FROM {LOG_TABLE} RETURNING *) {}",
                fold("gone")
            ))
            .await?;
        return Ok(done.rows_affected());
    }
    // SQLite: this transaction is the only writer, so nothing is appended between the fold and
    // the delete. `WHERE true` tells the parser the upsert's SELECT has ended.
    let done = tx
        .execute_unprepared(&fold(&format!("{LOG_TABLE} WHERE true")))
        .await?;
    tx.execute_unprepared(&format!("DELETE FROM {LOG_TABLE}"))
        .await?;
    Ok(done.rows_affected())
}

/// Rebuilds the daily totals from the facts, in two set-based statements (for a bulk import).
///
/// # Errors
/// Database errors.
pub async fn rebuild(tx: &Tx) -> AppResult<()> {
    tx.execute_unprepared("DELETE FROM sales_daily").await?;
    tx.execute_unprepared(&format!("DELETE FROM {LOG_TABLE}"))
        .await?;
    // Each fact is one share row of its key.
    let sums = SUM_COLUMNS
        .iter()
        .map(|c| match *c {
            "share_rows" => "COUNT(*)".to_owned(),
            c => format!("SUM({c})"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let columns = format!(
        "basis, day_key, week_key, month_key, product_id, batch_id, grower_id, collective_id, \
         live_session_id, buyer_kind, channel, cancelled, {}",
        SUM_COLUMNS.join(", ")
    );
    for (basis, p) in [(0, "placed"), (1, "settled")] {
        tx.execute_unprepared(&format!(
            "INSERT INTO sales_daily ({columns}) \
             SELECT {basis}, {p}_day, MIN({p}_week), MIN({p}_month), product_id, batch_id, grower_id, \
                    COALESCE(collective_id, 0), COALESCE(live_session_id, 0), buyer_kind, channel, \
                    cancelled, {sums} \
             FROM sales_facts WHERE {p}_day IS NOT NULL \
             GROUP BY {p}_day, product_id, batch_id, grower_id, COALESCE(collective_id, 0), \
                      COALESCE(live_session_id, 0), buyer_kind, channel, cancelled"
        ))
        .await?;
    }
    Ok(())
}
