//! Partner bulk orders: 200 lines each, through `POST /api/v1/partner/orders` with a fresh
//! `Idempotency-Key`, at 1 and 8 clients, beside a pgbench ceiling that does the same writes
//! set-based: lock the 200 batches in id order, take one of each in one UPDATE, insert the order
//! and its 200 lines in one INSERT … SELECT.
//!
//! A second pgbench ceiling also writes what the service writes beside the lines: a sales fact
//! per line, the daily-totals upsert of each line's key, and the stored answer for the
//! `Idempotency-Key` (a copy of one the service stored in the same run, so it is the same size
//! and compresses alike). The target stands against the first; the second shows how much of the
//! gap is those rows.
//!
//! The lines are sent in descending batch order, so the service has to sort them to lock in id
//! order; a deadlock that reached a client would show as a non-2xx answer.

use crate::load::{self, Measured};
use crate::server::{BULK_LINES, PRICE_FEN, Server};
use anyhow::Context;

pub struct BulkRow {
    pub clients: usize,
    pub service: Measured,
    pub ceiling_tps: f64,
    /// pgbench writing the sales figures and the idempotency answer too.
    pub with_figures_tps: f64,
}

impl BulkRow {
    pub fn ratio(&self) -> f64 {
        crate::ratio(self.service.rps, self.ceiling_tps)
    }

    pub fn with_figures_ratio(&self) -> f64 {
        crate::ratio(self.service.rps, self.with_figures_tps)
    }
}

fn lua_script(srv: &Server, run: &str) -> String {
    let lines: Vec<String> = (0..BULK_LINES)
        .rev()
        .map(|i| {
            format!(
                r#"{{"batch_id":{},"quantity":1}}"#,
                srv.first_bulk_batch + i
            )
        })
        .collect();
    let body = format!(r#"{{"lines":[{}]}}"#, lines.join(","));
    format!(
        r#"local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local sent = 0
local body = '{body}'
request = function()
  sent = sent + 1
  return wrk.format("POST", "/api/v1/partner/orders", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {key}",
    ["Idempotency-Key"] = "{run}-" .. tid .. "-" .. sent,
  }}, body)
end
"#,
        key = srv.partner_key,
    )
}

/// The stock and the order, as both ceilings write them.
fn pgbench_head(srv: &Server) -> String {
    let (a, b) = (srv.first_bulk_batch, srv.first_bulk_batch + BULK_LINES - 1);
    format!(
        "BEGIN;
SELECT id FROM batches WHERE id BETWEEN {a} AND {b} ORDER BY id FOR UPDATE;
UPDATE batches SET stock_qty = stock_qty - 1 WHERE id BETWEEN {a} AND {b} AND stock_qty >= 1;
INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, created_by, created_at, updated_at) \
VALUES ({buyer}, 'partner_api', 'pending', 'unpaid', {total}, 1, now(), now()) RETURNING id \\gset
",
        buyer = srv.buyer_id,
        total = PRICE_FEN * BULK_LINES,
    )
}

/// The 200 lines, set-based.
fn lines_select(srv: &Server) -> String {
    let (a, b) = (srv.first_bulk_batch, srv.first_bulk_batch + BULK_LINES - 1);
    format!(
        "INSERT INTO order_lines (order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) \
SELECT :id, g - {a} + 1, g, 1, {PRICE_FEN}, {PRICE_FEN} FROM generate_series({a}, {b}) AS g"
    )
}

fn pgbench_script(srv: &Server) -> String {
    format!("{}{};\nEND;\n", pgbench_head(srv), lines_select(srv))
}

/// The first ceiling plus, set-based, a sales fact per line, each line's entry in the daily
/// totals' log (as the service appends it), and the idempotency answer: a copy of the answer
/// stored under `sample_key`.
fn pgbench_with_figures_script(srv: &Server, sample_key: i64) -> String {
    use zhunong_api::domain::sales::{day_key, month_key, week_key};
    use zhunong_api::services::reports::daily::{KEY_COLUMNS, LOG_TABLE, SUM_COLUMNS};
    let today = chrono::Utc::now().date_naive();
    let (day, week, month) = (day_key(today), week_key(today), month_key(today));
    let (buyer, product, grower, p) = (srv.buyer_id, srv.product_id, srv.grower_id, PRICE_FEN);
    let a = srv.first_bulk_batch;
    let (keys, sums) = (KEY_COLUMNS.join(", "), SUM_COLUMNS.join(", "));
    format!(
        "{head}WITH l AS ({lines} RETURNING id, batch_id), \
f AS (INSERT INTO sales_facts ({facts}) SELECT :id, l.id, {day}, {week}, {month}, {product}, l.batch_id, {grower}, \
{buyer}, 'enterprise', 'partner_api', :id, l.id, 0, (l.batch_id = {a})::int, \
(l.batch_id = {a})::int, 1, (l.batch_id = {a})::int, (l.batch_id = {a})::int, 1, 0, 1, {p}, \
{p}, 0, {p}, 0, {p} FROM l) \
INSERT INTO {LOG_TABLE} ({keys}, week_key, month_key, {sums}) SELECT 0, {day}, {product}, \
l.batch_id, {grower}, 0, 0, 'enterprise', 'partner_api', 0, {week}, {month}, \
(l.batch_id = {a})::int, (l.batch_id = {a})::int, 1, (l.batch_id = {a})::int, \
(l.batch_id = {a})::int, 1, 1, 0, 1, {p}, {p}, 0, {p}, 0, {p}, 0, 0 FROM l;
INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at) \
SELECT 'ceiling', :id, request_hash, status_code, response_body, now() FROM idempotency_keys \
WHERE id = {sample_key};
END;
",
        head = pgbench_head(srv),
        lines = lines_select(srv),
        facts = crate::ceiling::FACT_COLUMNS,
    )
}

/// One row per client count: the service, then the two ceilings, each from restored stock.
pub async fn run(srv: &Server, clients: &[usize], seconds: u64) -> anyhow::Result<Vec<BulkRow>> {
    let mut rows = Vec::new();
    for &c in clients {
        srv.reset().await?;
        let run = format!("bulk{}c{c}", chrono::Utc::now().timestamp_millis());
        let script = load::write_script("bulk", &lua_script(srv, &run))?;
        let out = load::wrk(&srv.base, &script, c, seconds)
            .output()
            .context("run wrk")?;
        let service = load::parse(&out)?;
        srv.reset().await?;
        let ceiling_tps =
            crate::ceiling::run_pgbench(srv, "bulk", &pgbench_script(srv), c, seconds)?;
        let sample = srv.latest_idempotency_key().await?;
        srv.reset().await?;
        let with_figures_tps = crate::ceiling::run_pgbench(
            srv,
            "bulk-figures",
            &pgbench_with_figures_script(srv, sample),
            c,
            seconds,
        )?;
        let row = BulkRow {
            clients: c,
            service,
            ceiling_tps,
            with_figures_tps,
        };
        println!(
            "Postgres bulk {BULK_LINES} lines {:>2} clients: service {:>6.1} orders/s (p50 {:>6.1} ms, p99 {:>6.1} ms, non-2xx {}) | ceiling {:>6.1}/s | {:.2}× | pgbench + sales figures + answer {:>6.1}/s | {:.2}×",
            c,
            row.service.rps,
            row.service.p50_ms,
            row.service.p99_ms,
            row.service.non_2xx,
            row.ceiling_tps,
            row.ratio(),
            row.with_figures_tps,
            row.with_figures_ratio()
        );
        rows.push(row);
    }
    Ok(rows)
}
