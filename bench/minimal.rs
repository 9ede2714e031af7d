//! A third PostgreSQL reference for 1-line orders: a minimal actix-web + sqlx server in the
//! bench's own process, answering the same `POST /api/v1/orders` bodies from the same wrk script
//! as the service, with the same writes in the same five round trips as the service and the
//! second pgbench ceiling: `BEGIN`, the conditional stock update (answering the price), the
//! order with its line id reserved, the line with its sales fact and daily-totals upsert as
//! data-modifying CTEs, `COMMIT`.
//!
//! Everything the service does beside those writes is left out: no token check, no validation,
//! no caches, no idempotency, no middleware. It runs as the service does: actix's default
//! workers, one sqlx pool of the service's size (`ZHUNONG_DATABASE_MAX_CONNECTIONS`, 16), TLS
//! as the server offers it. What the service reaches against it is what its own code costs; what
//! this server reaches against pgbench is what HTTP, actix and sqlx cost on this machine.

use crate::Scenario;
use crate::ceiling::{FigureValues, one_line_figures};
use crate::load::{self, Measured};
use crate::server::{SCHEMA, Server};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::{self, AssertSqlSafe, PgPool};
use std::str::FromStr;
use std::sync::Arc;

/// The pool size the service runs with by default.
const POOL_SIZE: u32 = 16;

#[derive(serde::Deserialize)]
struct Line {
    batch_id: i64,
    quantity: i64,
}

#[derive(serde::Deserialize)]
struct NewOrder {
    buyer_id: i64,
    channel: String,
    lines: Vec<Line>,
}

/// The statements, built once; the figures as the pgbench ceiling writes them
/// (`ceiling::one_line_figures`).
struct Statements {
    take: Arc<str>,
    order: Arc<str>,
    line: Arc<str>,
}

fn statements(srv: &Server) -> Statements {
    // $1 order id, $2 line id, $3 batch, $4 quantity, $5 unit price, $6 amount, $7 channel.
    let (fact, daily) = one_line_figures(
        srv,
        &FigureValues {
            order: "$1",
            line: "$2",
            batch: "$3",
            channel: "$7",
            pieces: "$4",
            amount: "$6",
        },
    );
    Statements {
        take: "UPDATE batches SET stock_qty = stock_qty - $2 \
               WHERE id = $1 AND stock_qty >= $2 AND status = 'open' RETURNING retail_price_fen"
            .into(),
        order: "INSERT INTO orders (buyer_id, channel, status, payment_status, total_fen, \
                created_by, created_at, updated_at) VALUES ($1, $2, 'pending', 'unpaid', $3, 1, \
                now(), now()) RETURNING id, created_at, \
                (SELECT nextval(pg_get_serial_sequence('order_lines', 'id'))) AS line_id"
            .into(),
        line: format!(
            "WITH new_facts AS ({fact}), new_daily AS ({daily}) INSERT INTO order_lines \
             (id, order_id, line_no, batch_id, quantity, unit_price_fen, amount_fen) \
             VALUES ($2, $1, 1, $3, $4, $5, $6) RETURNING id, line_no, batch_id, quantity, \
             unit_price_fen, amount_fen"
        )
        .into(),
    }
}

async fn place(
    pool: web::Data<PgPool>,
    sql: web::Data<Statements>,
    body: web::Json<NewOrder>,
) -> Result<HttpResponse, actix_web::Error> {
    let fail = actix_web::error::ErrorInternalServerError;
    let Some(line) = body.lines.first() else {
        return Ok(HttpResponse::UnprocessableEntity().finish());
    };
    let mut tx = pool.begin().await.map_err(fail)?;
    let price: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(sql.take.clone()))
        .bind(line.batch_id)
        .bind(line.quantity)
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail)?;
    let Some((price,)) = price else {
        return Ok(HttpResponse::Conflict().finish());
    };
    let amount = price * line.quantity;
    let (order_id, created_at, line_id): (i64, chrono::DateTime<chrono::Utc>, i64) =
        sqlx::query_as(AssertSqlSafe(sql.order.clone()))
            .bind(body.buyer_id)
            .bind(&body.channel)
            .bind(amount)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
    let (id, line_no, batch_id, quantity, unit_price_fen, amount_fen): (
        i64,
        i32,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(AssertSqlSafe(sql.line.clone()))
        .bind(order_id)
        .bind(line_id)
        .bind(line.batch_id)
        .bind(line.quantity)
        .bind(price)
        .bind(amount)
        .bind(&body.channel)
        .fetch_one(&mut *tx)
        .await
        .map_err(fail)?;
    tx.commit().await.map_err(fail)?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": order_id,
        "buyer_id": body.buyer_id,
        "channel": body.channel,
        "status": "pending",
        "total_fen": amount,
        "created_at": created_at,
        "lines": [{"id": id, "line_no": line_no, "batch_id": batch_id, "quantity": quantity,
                   "unit_price_fen": unit_price_fen, "amount_fen": amount_fen}],
    })))
}

/// Starts the minimal server on a free port, runs the service's wrk script against it, stops it.
///
/// # Errors
/// PostgreSQL, wrk, or an answer that was not 2xx.
pub async fn measure(
    srv: &Server,
    scenario: Scenario,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Measured> {
    let opts = PgConnectOptions::from_str(&srv.pg_url)?.options([("search_path", SCHEMA)]);
    // No ping before each use, as the service's pools (`api/src/db/mod.rs`): five round trips.
    let pool = PgPoolOptions::new()
        .test_before_acquire(false)
        .max_connections(POOL_SIZE)
        .connect_with(opts)
        .await
        .context("connect the minimal server to PostgreSQL")?;
    let (pool, sql) = (web::Data::new(pool), web::Data::new(statements(srv)));
    let port = crate::server::free_port()?;
    let factory_pool = pool.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(factory_pool.clone())
            .app_data(sql.clone())
            .route("/api/v1/orders", web::post().to(place))
    })
    .bind(("127.0.0.1", port))?
    .run();
    let handle = server.handle();
    let running = tokio::spawn(server);
    let base = format!("http://127.0.0.1:{port}");
    let measured =
        tokio::task::block_in_place(|| load::run_at(srv, &base, scenario, clients, seconds));
    handle.stop(true).await;
    running.await??;
    pool.close().await;
    let measured = measured?;
    anyhow::ensure!(
        measured.non_2xx == 0,
        "the minimal server answered {} non-2xx",
        measured.non_2xx
    );
    Ok(measured)
}
