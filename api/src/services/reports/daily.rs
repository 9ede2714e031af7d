//! Keeps `sales_daily`, the facts added up per day and key, in step with `sales_facts`: an
//! order's write moves each key it touches by the difference between its old and new facts,
//! in the same transaction, with one `INSERT … ON CONFLICT DO UPDATE` that adds to the row.
//! Keys are written in one sorted order, so two orders touching the same days and batches
//! cannot wait on each other in a cycle.

use crate::db::Tx;
use crate::error::{AppError, AppResult};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, InsertStatement, OnConflict, Query};
use std::collections::BTreeMap;
use zhunong_entity::{sales_daily, sales_fact};

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
pub const SUM_COLUMNS: [&str; 16] = [
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
];

fn sums(f: &sales_fact::Model) -> [i64; 16] {
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
) -> Option<BTreeMap<Key, [i64; 16]>> {
    let mut out: BTreeMap<Key, [i64; 16]> = BTreeMap::new();
    for (rows, sign) in [(old, -1i64), (new, 1)] {
        for f in rows {
            let s = sums(f);
            for k in keys(f) {
                let e = out.entry(k).or_insert([0; 16]);
                for (acc, v) in e.iter_mut().zip(s) {
                    *acc = acc.checked_add(v.checked_mul(sign)?)?;
                }
            }
        }
    }
    out.retain(|_, d| d.iter().any(|v| *v != 0));
    Some(out)
}

/// The one statement that moves the daily totals by the difference between `old` and `new`
/// facts; `None` if nothing moves.
///
/// # Errors
/// Figures that overflow (500).
pub fn upsert(
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> AppResult<Option<InsertStatement>> {
    let changes = deltas(old, new)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("daily sales totals overflow")))?;
    if changes.is_empty() {
        return Ok(None);
    }
    let mut q = Query::insert();
    q.into_table(sales_daily::Entity).columns(
        KEY_COLUMNS
            .iter()
            .chain(&["week_key", "month_key"])
            .chain(&SUM_COLUMNS)
            .map(|c| Alias::new(*c)),
    );
    for (k, d) in &changes {
        let mut values: Vec<Expr> = vec![
            Expr::val(k.0),
            Expr::val(k.1),
            Expr::val(k.4),
            Expr::val(k.5),
            Expr::val(k.6),
            Expr::val(k.7),
            Expr::val(k.8),
            Expr::val(k.9.clone()),
            Expr::val(k.10.clone()),
            Expr::val(k.11),
            Expr::val(k.2),
            Expr::val(k.3),
        ];
        values.extend(d.iter().map(|v| Expr::val(*v)));
        q.values(values)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("daily totals statement: {e}")))?;
    }
    q.on_conflict(
        OnConflict::columns(KEY_COLUMNS.map(Alias::new))
            .values(SUM_COLUMNS.map(|c| {
                (
                    Alias::new(c),
                    Expr::col((sales_daily::Entity, Alias::new(c)))
                        .add(Expr::col((Alias::new("excluded"), Alias::new(c)))),
                )
            }))
            .to_owned(),
    );
    Ok(Some(q))
}

/// Rebuilds the daily totals from the facts, in two set-based statements (for a bulk import).
///
/// # Errors
/// Database errors.
pub async fn rebuild(tx: &Tx) -> AppResult<()> {
    tx.execute_unprepared("DELETE FROM sales_daily").await?;
    let sums = "SUM(h_order), SUM(h_product), SUM(h_batch), SUM(h_grower), SUM(h_collective), \
                SUM(h_line), COUNT(*), SUM(quantity_g), SUM(pieces), SUM(ordered_amount_fen), \
                SUM(final_amount_fen), SUM(refunds_fen), SUM(net_sales_fen), SUM(commission_fen), \
                SUM(grower_payable_fen), SUM(shipping_cost_fen)";
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
