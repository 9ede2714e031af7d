//! The scrape endpoint: `GET /metrics` on its own bind address, with the gauges that describe
//! the state of things read at the moment Prometheus asks.

use crate::db::Db;
use crate::state::AppState;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use zhunong_entity::enums::{DeliveryStatus, LiveStatus};
use zhunong_entity::{live_session, webhook_delivery};

/// The metrics server, bound to `bind`, answering `GET /metrics` and nothing else.
///
/// # Errors
/// The address cannot be bound.
pub fn server(
    bind: &str,
    handle: &'static PrometheusHandle,
    state: web::Data<AppState>,
) -> std::io::Result<(actix_web::dev::Server, u16)> {
    let listener = std::net::TcpListener::bind(bind)?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::Data::new(handle))
            .route("/metrics", web::get().to(metrics))
    })
    .listen(listener)?
    .workers(1)
    .disable_signals()
    .run();
    Ok((server, port))
}

async fn metrics(
    state: web::Data<AppState>,
    handle: web::Data<&'static PrometheusHandle>,
) -> HttpResponse {
    observe_state(&state).await;
    handle.run_upkeep();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}

/// Sets the gauges read at scrape time. A value that cannot be read (the database is away) is
/// left as it was and the breaker's gauge says why.
async fn observe_state(state: &AppState) {
    let db = &state.db;
    metrics::gauge!("zhunong_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    metrics::gauge!("zhunong_database_breaker_open").set(f64::from(u8::from(db.health.is_down())));
    pool_gauges("read", db.read.pool());
    pool_gauges("write", db.listener_source());
    if let Ok((depth, oldest)) = outbox(db).await {
        metrics::gauge!("zhunong_webhook_outbox_depth").set(depth as f64);
        metrics::gauge!("zhunong_webhook_outbox_oldest_age_seconds").set(oldest);
    }
    if let Ok(live) = live_session::Entity::find()
        .filter(live_session::Column::Status.eq(LiveStatus::Live))
        .count(&db.read)
        .await
    {
        metrics::gauge!("zhunong_live_sessions_open").set(live as f64);
    }
    if let Ok(Some(tail)) = db
        .read
        .query_one_raw(sea_orm::Statement::from_string(
            db.read.get_database_backend(),
            format!(
                "SELECT COUNT(*) FROM {}",
                crate::services::reports::daily::LOG_TABLE
            ),
        ))
        .await
        && let Ok(rows) = tail.try_get_by_index::<i64>(0)
    {
        metrics::gauge!("zhunong_sales_log_rows").set(rows as f64);
    }
    let settings = &state.settings;
    if let Some(dir) = settings.backup_dir.clone().filter(|_| settings.is_sqlite()) {
        let newest_good = web::block(move || {
            crate::backup::schedule::list(std::path::Path::new(&dir))
                .into_iter()
                .find(|b| b.good)
                .map(|b| b.taken_at)
        })
        .await
        .ok()
        .flatten();
        // No good backup at all reads as an infinite age, which every "too old" alert sees.
        let age = newest_good.map_or(f64::INFINITY, |t| {
            (chrono::Utc::now() - t).num_milliseconds() as f64 / 1000.0
        });
        metrics::gauge!("zhunong_backup_last_good_age_seconds").set(age);
    }
}

/// Connections of one pool: in use and idle.
fn pool_gauges(pool: &'static str, conn: &DatabaseConnection) {
    let (size, idle) = match conn.get_database_backend() {
        DbBackend::Postgres => {
            let p = conn.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        DbBackend::Sqlite => {
            let p = conn.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    metrics::gauge!("zhunong_db_pool_connections", "pool" => pool, "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!("zhunong_db_pool_connections", "pool" => pool, "state" => "idle")
        .set(f64::from(idle));
}

/// Webhook deliveries waiting to go out, and how long the oldest has waited (seconds).
async fn outbox(db: &Db) -> Result<(u64, f64), sea_orm::DbErr> {
    let waiting = || {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
    };
    let depth = waiting().count(&db.read).await?;
    let oldest: Option<chrono::DateTime<chrono::Utc>> = waiting()
        .select_only()
        .column(webhook_delivery::Column::CreatedAt)
        .order_by_asc(webhook_delivery::Column::CreatedAt)
        .into_tuple()
        .one(&db.read)
        .await?;
    let age = oldest.map_or(0.0, |t| {
        (chrono::Utc::now() - t).num_milliseconds() as f64 / 1000.0
    });
    Ok((depth, age))
}
