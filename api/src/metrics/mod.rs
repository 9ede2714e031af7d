//! Metrics in Prometheus's text format, from the `metrics` crate and its Prometheus exporter
//! (none of the exposition is written here). They are served on a bind address of their own
//! (`ZHUNONG_METRICS_BIND`, off by default; see [`scrape`]), never on the public port.
//!
//! Counters and histograms are recorded where things happen (requests in the middleware, orders
//! and stock refusals in the order service, connection waits in `Db::begin_write`); gauges that
//! describe the state of the database or the disk are read when Prometheus scrapes.

pub mod scrape;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

pub const REQUESTS: &str = "zhunong_http_requests_total";
pub const REQUEST_SECONDS: &str = "zhunong_http_request_duration_seconds";
pub const ORDERS: &str = "zhunong_orders_placed_total";
pub const STOCK_REFUSALS: &str = "zhunong_stock_refusals_total";
pub const DB_ACQUIRE_SECONDS: &str = "zhunong_db_acquire_seconds";
pub const DB_WAITING: &str = "zhunong_db_acquire_waiting";

/// Latency buckets, in seconds: from a cached read to a request at its deadline.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder (once; later calls return the same handle). `None` if
/// another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full(DB_ACQUIRE_SECONDS.into()),
                        &LATENCY_BUCKETS,
                    )
                });
            let recorder = match builder {
                Ok(b) => b.build_recorder(),
                Err(e) => {
                    tracing::error!(error = %e, "metrics: bad buckets");
                    return None;
                }
            };
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder)
                .map(|()| describe())
                .map(|()| handle)
                .map_err(|e| tracing::warn!(error = %e, "metrics: a recorder is already installed"))
                .ok()
        })
        .as_ref()
}

/// Whether a recorder is installed (`ZHUNONG_METRICS_BIND` is set).
pub fn enabled() -> bool {
    HANDLE.get().is_some_and(Option::is_some)
}

fn describe() {
    metrics::describe_counter!(
        REQUESTS,
        "HTTP requests answered, by route template and status"
    );
    metrics::describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route template and status"
    );
    metrics::describe_counter!(ORDERS, "Orders placed, by channel");
    metrics::describe_counter!(STOCK_REFUSALS, "Orders refused for want of stock (409)");
    metrics::describe_histogram!(
        DB_ACQUIRE_SECONDS,
        metrics::Unit::Seconds,
        "Time to get a write connection and begin a transaction"
    );
    metrics::describe_gauge!(DB_WAITING, "Writers waiting for a connection now");
    metrics::describe_gauge!("zhunong_build_info", "The running version (always 1)");
    metrics::describe_gauge!(
        "zhunong_database_breaker_open",
        "1 while the database is known to be unreachable and requests are refused"
    );
    metrics::describe_gauge!(
        "zhunong_db_pool_connections",
        "Database connections, by pool (read, write) and state (in_use, idle)"
    );
    metrics::describe_gauge!(
        "zhunong_webhook_outbox_depth",
        "Webhook deliveries waiting to go out"
    );
    metrics::describe_gauge!(
        "zhunong_webhook_outbox_oldest_age_seconds",
        metrics::Unit::Seconds,
        "How long the oldest waiting webhook delivery has waited"
    );
    metrics::describe_gauge!("zhunong_live_sessions_open", "Live shows on air now");
    metrics::describe_gauge!(
        "zhunong_sales_log_rows",
        "Sales figures' log rows not yet folded into the daily totals (the roll-up's tail)"
    );
    metrics::describe_gauge!(
        "zhunong_backup_last_good_age_seconds",
        metrics::Unit::Seconds,
        "Age of the newest backup that restored and checked (+Inf if none)"
    );
}

/// One answered request. `route` is the route's template (`/api/v1/orders/{id}`), never the
/// path, so that ids do not make a series each.
pub fn request(route: &str, method: &str, status: u16, seconds: f64) {
    let labels = [
        ("route", route.to_owned()),
        ("method", method.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(REQUEST_SECONDS, &labels).record(seconds);
}

/// An order placed (committed) on `channel`.
pub fn order_placed(channel: &'static str) {
    metrics::counter!(ORDERS, "channel" => channel).increment(1);
}

/// An order refused for want of stock.
pub fn stock_refused() {
    metrics::counter!(STOCK_REFUSALS).increment(1);
}

/// A writer waiting for a connection: counted in `zhunong_db_acquire_waiting` until dropped
/// (also when the request is abandoned midway), and its wait recorded then.
pub struct Acquiring(std::time::Instant);

impl Acquiring {
    pub fn start() -> Self {
        metrics::gauge!(DB_WAITING).increment(1.0);
        Self(std::time::Instant::now())
    }
}

impl Drop for Acquiring {
    fn drop(&mut self) {
        metrics::gauge!(DB_WAITING).decrement(1.0);
        metrics::histogram!(DB_ACQUIRE_SECONDS).record(self.0.elapsed().as_secs_f64());
    }
}
