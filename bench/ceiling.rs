//! The ceiling: the same minimal writes as placing a 1-line order — conditional stock UPDATE,
//! INSERT order, INSERT line, in one transaction — done directly in SQL with no service between.
//! PostgreSQL: pgbench with the same client count. SQLite: one writer in a loop (SQLite has one
//! writer; more add nothing), twice: through sqlx, the service's own driver, and through
//! rusqlite, C SQLite with nothing but a thin binding between, in WAL mode with synchronous
//! NORMAL as the service runs it. The second is the real single-writer ceiling; the first shows
//! what the driver alone costs.
//!
//! On PostgreSQL a second pgbench ceiling also writes what the service writes beside the order:
//! its sales fact and its daily-totals upsert, in the service's five round trips (the line id
//! reserved by the order's INSERT, then the line, fact and totals in one statement). The targets
//! stand against the minimal ceiling; the second shows how much of the gap is those rows.

use crate::server::{PRICE_FEN, SCHEMA, SPREAD, Server};
use crate::{Backend, Scenario};
use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::{Connection, SqliteConnection};
use std::process::Command;
use std::str::FromStr;
use std::time::{Duration, Instant};

pub async fn measure(
    srv: &Server,
    scenario: Scenario,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<f64> {
    let (first, last) = match scenario {
        Scenario::Hot => (srv.hot_batch, srv.hot_batch),
        Scenario::Spread => (srv.first_spread_batch, srv.first_spread_batch + SPREAD - 1),
    };
    match srv.backend {
        Backend::Postgres => pgbench(srv, first, last, clients, seconds),
        Backend::Sqlite => sqlite_loop(srv, first, last, seconds).await,
    }
}

/// Batch ids `first..=last` in turn until `seconds` have passed: the loops' orders.
fn round_robin(first: i64, last: i64, seconds: u64) -> impl Iterator<Item = i64> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    (first..=last.max(first))
        .cycle()
        .take_while(move |_| Instant::now() < deadline)
}

/// The second ceiling: C SQLite (rusqlite) on SQLite, pgbench with the sales figures on
/// PostgreSQL; its label and transactions a second.
pub async fn measure_second(
    srv: &Server,
    scenario: Scenario,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<(&'static str, f64)> {
    let (first, last) = match scenario {
        Scenario::Hot => (srv.hot_batch, srv.hot_batch),
        Scenario::Spread => (srv.first_spread_batch, srv.first_spread_batch + SPREAD - 1),
    };
    if srv.backend == Backend::Postgres {
        let tps = pgbench_with_figures(srv, first, last, clients, seconds)?;
        return Ok(("pgbench + sales figures", tps));
    }
    Ok(("C SQLite", c_sqlite(srv, first, last, seconds).await?))
}

async fn c_sqlite(srv: &Server, first: i64, last: i64, seconds: u64) -> anyhow::Result<f64> {
    let path = srv
        .db_url
        .strip_prefix("sqlite://")
        .and_then(|p| p.split('?').next())
        .context("a SQLite file URL")?
        .to_owned();
    let buyer = srv.buyer_id;
    let tps =
        tokio::task::spawn_blocking(move || rusqlite_loop(&path, buyer, first, last, seconds))
            .await??;
    Ok(tps)
}

fn rusqlite_loop(
    path: &str,
    buyer: i64,
    first: i64,
    last: i64,
    seconds: u64,
) -> anyhow::Result<f64> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mut done: u64 = 0;
    for b in round_robin(first, last, seconds) {
        let now = chrono::Utc::now();
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.prepare_cached(
            "UPDATE batches SET stock_qty = stock_qty - 1 WHERE id = ?1 AND stock_qty >= 1",
        )?
        .execute([b])?;
        let id: i64 = conn
            .prepare_cached(
                "INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, created_by, created_at, updated_at) \
                 VALUES (?1, 'phone', 'pending', 'unpaid', ?2, 1, ?3, ?3) RETURNING id",
            )?
            .query_row(rusqlite::params![buyer, PRICE_FEN, now.to_rfc3339()], |r| r.get(0))?;
        conn.prepare_cached(
            "INSERT INTO order_lines (order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) VALUES (?1, 1, ?2, 1, ?3, ?3)",
        )?
        .execute(rusqlite::params![id, b, PRICE_FEN])?;
        conn.execute_batch("COMMIT")?;
        done += 1;
    }
    Ok(done as f64 / seconds as f64)
}

fn pgbench(
    srv: &Server,
    first: i64,
    last: i64,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<f64> {
    let script = format!(
        "\\set b random({first}, {last})
BEGIN;
UPDATE batches SET stock_qty = stock_qty - 1 WHERE id = :b AND stock_qty >= 1;
INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, created_by, created_at, updated_at) \
VALUES ({buyer}, 'phone', 'pending', 'unpaid', {PRICE_FEN}, 1, now(), now()) RETURNING id \\gset
INSERT INTO order_lines (order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) VALUES (:id, 1, :b, 1, {PRICE_FEN}, {PRICE_FEN});
END;
",
        buyer = srv.buyer_id
    );
    run_pgbench(srv, "ceiling", &script, clients, seconds)
}

/// The minimal ceiling plus the rows the service writes beside a 1-line order: its sales fact
/// and its daily-totals upsert, as data-modifying CTEs of the line's INSERT, whose id the
/// order's INSERT reserved, as the service does (`api/src/services/orders/insert.rs`).
fn pgbench_with_figures(
    srv: &Server,
    first: i64,
    last: i64,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<f64> {
    let (buyer, p) = (srv.buyer_id, PRICE_FEN);
    let amount = p.to_string();
    let (fact, daily) = one_line_figures(
        srv,
        &FigureValues {
            order: ":id",
            line: ":line_id",
            batch: ":b",
            channel: "'phone'",
            pieces: "1",
            amount: &amount,
        },
    );
    let script = format!(
        "\\set b random({first}, {last})
BEGIN;
UPDATE batches SET stock_qty = stock_qty - 1 WHERE id = :b AND stock_qty >= 1;
INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, created_by, created_at, updated_at) \
VALUES ({buyer}, 'phone', 'pending', 'unpaid', {p}, 1, now(), now()) \
RETURNING id, (SELECT nextval(pg_get_serial_sequence('order_lines', 'id'))) AS line_id \\gset
WITH new_facts AS ({fact}), new_daily AS ({daily}) \
INSERT INTO order_lines (id, order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) VALUES (:line_id, :id, 1, :b, 1, {p}, {p});
END;
"
    );
    run_pgbench(srv, "ceiling-figures", &script, clients, seconds)
}

/// How the figures of a 1-line order name the values that vary: pgbench variables in the
/// ceiling, bind parameters in the minimal server.
pub struct FigureValues<'a> {
    pub order: &'a str,
    pub line: &'a str,
    pub batch: &'a str,
    pub channel: &'a str,
    pub pieces: &'a str,
    pub amount: &'a str,
}

/// The sales-fact INSERT and the daily totals' log entry of a 1-line order on the bench catalog
/// (an individual buyer, no commission, collective or live session), as the service writes them.
pub fn one_line_figures(srv: &Server, v: &FigureValues<'_>) -> (String, String) {
    use zhunong_api::domain::sales::{day_key, month_key, week_key};
    use zhunong_api::services::reports::daily::{KEY_COLUMNS, LOG_TABLE, SUM_COLUMNS};
    let today = chrono::Utc::now().date_naive();
    let (day, week, month) = (day_key(today), week_key(today), month_key(today));
    let (buyer, product, grower) = (srv.buyer_id, srv.product_id, srv.grower_id);
    let FigureValues {
        order,
        line,
        batch,
        channel,
        pieces,
        amount: a,
    } = v;
    let fact = format!(
        "INSERT INTO sales_facts ({FACT_COLUMNS}) VALUES ({order}, {line}, {day}, {week}, \
         {month}, {product}, {batch}, {grower}, {buyer}, 'individual', {channel}, {order}, {line}, \
         0, 1, 1, 1, 1, 1, 1, 0, {pieces}, {a}, {a}, 0, {a}, 0, {a})"
    );
    let (keys, sums) = (KEY_COLUMNS.join(", "), SUM_COLUMNS.join(", "));
    // Values in the order of the key columns, then week and month, then the sums. An append
    // to the log, as the service writes it; the roll-up that folds it runs apart.
    let daily = format!(
        "INSERT INTO {LOG_TABLE} ({keys}, week_key, month_key, {sums}) VALUES (0, {day}, \
         {product}, {batch}, {grower}, 0, 0, 'individual', {channel}, 0, {week}, {month}, 1, 1, \
         1, 1, 1, 1, 1, 0, {pieces}, {a}, {a}, 0, {a}, 0, {a}, 0, 0)"
    );
    (fact, daily)
}

/// The sales-fact columns the ceilings that write the figures fill, in their values' order.
pub const FACT_COLUMNS: &str = "order_id, line_id, placed_day, placed_week, placed_month, \
    product_id, batch_id, grower_id, buyer_id, buyer_kind, channel, live_order_id, live_line_id, \
    cancelled, h_order, h_product, h_batch, h_grower, h_collective, h_line, quantity_g, pieces, \
    ordered_amount_fen, final_amount_fen, refunds_fen, net_sales_fen, commission_fen, \
    grower_payable_fen";

/// Runs a pgbench `script` on the bench schema with `clients` clients; its transactions per
/// second.
pub fn run_pgbench(
    srv: &Server,
    name: &str,
    script: &str,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<f64> {
    let path = std::env::temp_dir().join(format!("zhunong-bench-{name}.sql"));
    std::fs::write(&path, script)?;
    let out = Command::new("pgbench")
        .env("PGOPTIONS", format!("-c search_path={SCHEMA}"))
        .args([
            "-n",
            "-M",
            "prepared",
            "-j",
            "2",
            "-c",
            &clients.to_string(),
            "-T",
            &seconds.to_string(),
            "-f",
        ])
        .arg(&path)
        .arg(&srv.pg_url)
        .output()
        .context("run pgbench")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .with_context(|| {
            format!(
                "pgbench printed no tps:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

async fn sqlite_loop(srv: &Server, first: i64, last: i64, seconds: u64) -> anyhow::Result<f64> {
    let opts = SqliteConnectOptions::from_str(&srv.db_url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let mut conn = SqliteConnection::connect_with(&opts).await?;
    let mut done: u64 = 0;
    for b in round_robin(first, last, seconds) {
        let now = chrono::Utc::now();
        sea_orm::sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await?;
        sea_orm::sqlx::query(
            "UPDATE batches SET stock_qty = stock_qty - 1 WHERE id = ? AND stock_qty >= 1",
        )
        .bind(b)
        .execute(&mut conn)
        .await?;
        let (id,): (i64,) = sea_orm::sqlx::query_as(
            "INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, created_by, created_at, updated_at) \
             VALUES (?, 'phone', 'pending', 'unpaid', ?, 1, ?, ?) RETURNING id",
        )
        .bind(srv.buyer_id)
        .bind(PRICE_FEN)
        .bind(now)
        .bind(now)
        .fetch_one(&mut conn)
        .await?;
        sea_orm::sqlx::query(
            "INSERT INTO order_lines (order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) VALUES (?, 1, ?, 1, ?, ?)",
        )
        .bind(id)
        .bind(b)
        .bind(PRICE_FEN)
        .bind(PRICE_FEN)
        .execute(&mut conn)
        .await?;
        sea_orm::sqlx::query("COMMIT").execute(&mut conn).await?;
        done += 1;
    }
    conn.close().await?;
    Ok(done as f64 / seconds as f64)
}
