//! `zhunong-bench reports`: the sales reports over a generated history (`zhunong generate`,
//! 500,000 orders and 1,000,000 lines over 3 years by default), on PostgreSQL and SQLite. Each
//! report is timed through the release server (HTTP, JSON) and beside it the bare SQL the
//! engine sends for the same figures, run directly from this process on the same database; the
//! ratio is the engine's overhead. Medians of `--runs` timings after two warm-up runs.
//!
//! The timings run with a tail of `--tail` rows (20,000 by default) in the sales figures' log
//! not yet rolled up (the newest daily rows moved there, so the figures stay the same), and the
//! roll-up held off: the most a report adds beside the daily totals. 20,000 rows is what about
//! two seconds of 200-line bulk orders at 50 a second leave, twice the one-second roll-up's
//! period. Then the roll-up folds the tail and the bare SQL is timed again: the tail's cost.

use crate::Backend;
use anyhow::Context;
use chrono::{Datelike, NaiveDate, Offset as _};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zhunong_api::domain::periods::{Compare, Interval, Shift};
use zhunong_api::dto::reports::{Basis, Dimension, Metric};
use zhunong_api::services::reports::request::SalesRequest;
use zhunong_api::services::reports::sales::Aggregate;

const SCHEMA: &str = "zhunong_bench_reports";
const SECRET: &str = "bench-secret-bench-secret-bench-secret-00";
const ADMIN_PASSWORD: &str = "bench-admin-password";

pub struct ReportArgs {
    pub orders: u64,
    pub lines: u64,
    pub years: u32,
    pub runs: usize,
    /// Rows left in the sales figures' log during the timings.
    pub tail: u64,
    pub backends: Vec<Backend>,
    pub pg_url: String,
    pub binary: String,
}

struct Case {
    name: &'static str,
    query: String,
    /// The statements the engine sends for it, run bare.
    bare: Vec<sea_orm::Statement>,
    /// Target in milliseconds for this backend, if any.
    target_ms: Option<f64>,
}

fn request(from: NaiveDate, to: NaiveDate) -> SalesRequest {
    SalesRequest {
        from,
        to,
        basis: Basis::Placed,
        interval: Interval::None,
        group_by: Vec::new(),
        filters: Default::default(),
        compare: None,
        order_by: Metric::NetSalesFen,
        descending: true,
        limit: None,
    }
}

fn statement(
    backend: sea_orm::DbBackend,
    req: &SalesRequest,
    span: (NaiveDate, NaiveDate),
    interval: Interval,
    group_by: &[Dimension],
    top: Option<u64>,
) -> sea_orm::Statement {
    backend.build(
        &Aggregate {
            req,
            from: span.0,
            to: span.1,
            interval,
            group_by,
            top,
        }
        .statement(),
    )
}

fn cases(backend: Backend, db: sea_orm::DbBackend, today: NaiveDate) -> Vec<Case> {
    let from = today - chrono::Duration::days(364);
    let year = (from, today);
    let pg = backend == Backend::Postgres;
    let mut out = Vec::new();

    // A year by month and product: the rows, and the totals (a product splits orders).
    let mut r = request(from, today);
    r.interval = Interval::Month;
    r.group_by = vec![Dimension::Product];
    out.push(Case {
        name: "interval=month&group_by=product (a year)",
        query: format!("from={from}&to={today}&interval=month&group_by=product"),
        bare: vec![
            statement(db, &r, year, Interval::Month, &[Dimension::Product], None),
            statement(db, &r, year, Interval::None, &[], None),
        ],
        target_ms: Some(if pg { 300.0 } else { 1_000.0 }),
    });

    // The top 10 buyers of the year: top N in SQL, and the totals.
    let mut r = request(from, today);
    r.group_by = vec![Dimension::Buyer];
    r.limit = Some(10);
    out.push(Case {
        name: "group_by=buyer&order_by=net_sales_fen&limit=10 (a year)",
        query: format!("from={from}&to={today}&group_by=buyer&order_by=net_sales_fen&limit=10"),
        bare: vec![
            statement(db, &r, year, Interval::None, &[Dimension::Buyer], Some(10)),
            statement(db, &r, year, Interval::None, &[], None),
        ],
        target_ms: None,
    });

    // A year by day against the year before: two series.
    let mut r = request(from, today);
    r.interval = Interval::Day;
    r.compare = Some(Compare::PreviousYear);
    let before = Shift::for_span(Compare::PreviousYear, from, today).span(from, today);
    out.push(Case {
        name: "interval=day&compare=previous_year (a year)",
        query: format!("from={from}&to={today}&interval=day&compare=previous_year"),
        bare: vec![
            statement(db, &r, year, Interval::Day, &[], None),
            statement(db, &r, before, Interval::Day, &[], None),
        ],
        target_ms: None,
    });

    // The dashboard: four spans to today, each against a year earlier.
    let shift = Shift::for_span(Compare::PreviousYear, today, today);
    let starts = [
        today,
        Interval::Week.start(today),
        Interval::Month.start(today),
        NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
    ];
    let r = request(today, today);
    let mut bare = Vec::new();
    for s in starts {
        bare.push(statement(db, &r, (s, today), Interval::None, &[], None));
        bare.push(statement(
            db,
            &r,
            (shift.back(s), shift.back(today)),
            Interval::None,
            &[],
            None,
        ));
    }
    out.push(Case {
        name: "/summary",
        query: format!("summary?date={today}"),
        bare,
        target_ms: Some(100.0),
    });
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

async fn time_service(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    runs: usize,
) -> anyhow::Result<f64> {
    let url = if let Some(q) = query.strip_prefix("summary?") {
        format!("{base}/api/v1/reports/sales/summary?{q}")
    } else {
        format!("{base}/api/v1/reports/sales?{query}")
    };
    let mut times = Vec::new();
    for i in 0..runs + 2 {
        let t = Instant::now();
        let r = http.get(&url).bearer_auth(token).send().await?;
        let status = r.status();
        let body = r.bytes().await?;
        anyhow::ensure!(
            status.is_success(),
            "{url}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        if i >= 2 {
            times.push(t.elapsed().as_secs_f64() * 1_000.0);
        }
    }
    Ok(median(times))
}

async fn time_bare(
    db: &DatabaseConnection,
    stmts: &[sea_orm::Statement],
    runs: usize,
) -> anyhow::Result<f64> {
    let mut times = Vec::new();
    for i in 0..runs + 2 {
        let t = Instant::now();
        for s in stmts {
            db.query_all_raw(s.clone()).await?;
        }
        if i >= 2 {
            times.push(t.elapsed().as_secs_f64() * 1_000.0);
        }
    }
    Ok(median(times))
}

/// Moves the newest `rows` daily-total rows into the log, as orders not yet rolled up leave
/// them (the figures unchanged); how many moved.
async fn hold_tail(db: &DatabaseConnection, rows: u64) -> anyhow::Result<i64> {
    let columns = "basis, day_key, week_key, month_key, product_id, batch_id, grower_id, \
                   collective_id, live_session_id, buyer_kind, channel, cancelled, h_order, \
                   h_product, h_batch, h_grower, h_collective, h_line, share_rows, quantity_g, \
                   pieces, ordered_amount_fen, final_amount_fen, refunds_fen, net_sales_fen, \
                   commission_fen, grower_payable_fen, shipping_cost_fen";
    let newest = format!("SELECT id FROM sales_daily ORDER BY day_key DESC, id DESC LIMIT {rows}");
    db.execute_unprepared(&format!(
        "INSERT INTO sales_daily_log ({columns}) SELECT {columns} FROM sales_daily \
         WHERE id IN ({newest})"
    ))
    .await?;
    db.execute_unprepared(&format!("DELETE FROM sales_daily WHERE id IN ({newest})"))
        .await?;
    count(db, "sales_daily_log").await
}

async fn count(db: &DatabaseConnection, table: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await?
        .context("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// The release server on this database, ready, rolling up every `rollup_ms`.
async fn serve(
    args: &ReportArgs,
    backend: Backend,
    db_url: &str,
    http: &reqwest::Client,
    rollup_ms: &str,
) -> anyhow::Result<Service> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = command(args, backend, db_url)
        .arg("serve")
        .env("ZHUNONG_BIND", format!("127.0.0.1:{port}"))
        .env("ZHUNONG_SALES_ROLLUP_EVERY_MS", rollup_ms)
        .stdout(Stdio::null())
        .spawn()?;
    let srv = Service {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while !http
        .get(format!("{}/ready", srv.base))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(srv)
}

struct Service {
    child: Child,
    base: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(args: &ReportArgs, backend: Backend, db_url: &str) -> Command {
    let mut cmd = Command::new(&args.binary);
    cmd.env("ZHUNONG_DATABASE_URL", db_url)
        .env("ZHUNONG_JWT_SECRET", SECRET)
        .env("ZHUNONG_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ZHUNONG_LOG_LEVEL", "warn");
    if backend == Backend::Postgres {
        cmd.env("ZHUNONG_DATABASE_SCHEMA", SCHEMA);
    }
    cmd
}

pub async fn run(args: &ReportArgs) -> anyhow::Result<bool> {
    let mut all_met = true;
    println!(
        "reports over {} orders / {} lines / {} years; medians of {} runs",
        args.orders, args.lines, args.years, args.runs
    );
    for &backend in &args.backends {
        let db_url = match backend {
            Backend::Postgres => {
                let admin = Database::connect(&args.pg_url)
                    .await
                    .context("connect to PostgreSQL")?;
                admin
                    .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {SCHEMA}"))
                    .await?;
                admin.close().await?;
                args.pg_url.clone()
            }
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("zhunong-bench-reports");
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)?;
                format!("sqlite://{}?mode=rwc", dir.join("reports.db").display())
            }
        };
        let t = Instant::now();
        let status = command(args, backend, &db_url)
            .args([
                "generate",
                "--orders",
                &args.orders.to_string(),
                "--lines",
                &args.lines.to_string(),
                "--years",
                &args.years.to_string(),
            ])
            .status()
            .with_context(|| format!("run {} generate", args.binary))?;
        anyhow::ensure!(status.success(), "generate failed");
        println!(
            "{backend:?}: generated in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let db = match backend {
            Backend::Postgres => {
                let mut opts = sea_orm::ConnectOptions::new(args.pg_url.clone());
                opts.set_schema_search_path(SCHEMA)
                    .sqlx_logging(false)
                    .max_connections(2);
                let db = Database::connect(opts).await?;
                db.execute_unprepared("VACUUM ANALYZE sales_facts").await?;
                db
            }
            Backend::Sqlite => {
                let mut opts = sea_orm::ConnectOptions::new(db_url.clone());
                opts.sqlx_logging(false).max_connections(2);
                let db = Database::connect(opts).await?;
                db.execute_unprepared("ANALYZE").await?;
                db
            }
        };
        let tail = hold_tail(&db, args.tail).await?;
        println!(
            "{backend:?}: {tail} rows in the sales figures' log, not rolled up, during the timings"
        );
        // The roll-up held off (once a day) while the tail is timed.
        let http = reqwest::Client::new();
        let srv = serve(args, backend, &db_url, &http, "86400000").await?;
        let login: serde_json::Value = http
            .post(format!("{}/api/v1/auth/login", srv.base))
            .json(&serde_json::json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await?
            .json()
            .await?;
        let token = login["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix());
        let today = chrono::Utc::now().with_timezone(&offset).date_naive();
        // The figures must be right before their speed means anything: the year's totals as
        // the service reports them against the facts added up here.
        let from = today - chrono::Duration::days(364);
        let body: serde_json::Value = http
            .get(format!(
                "{}/api/v1/reports/sales?from={from}&to={today}&interval=month&group_by=product",
                srv.base
            ))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT CAST(SUM(net_sales_fen) AS BIGINT) AS net, CAST(SUM(h_order * (1 - cancelled)) AS BIGINT) AS orders \
                     FROM sales_facts WHERE placed_day BETWEEN {} AND {}",
                    zhunong_api::domain::sales::day_key(from),
                    zhunong_api::domain::sales::day_key(today)
                ),
            ))
            .await?
            .context("no row")?;
        let (net, orders): (Option<i64>, Option<i64>) =
            (row.try_get("", "net")?, row.try_get("", "orders")?);
        let agree = body["totals"]["metrics"]["net_sales_fen"].as_i64() == net
            && body["totals"]["metrics"]["orders"].as_i64() == orders;
        println!(
            "{backend:?}: the year's net sales {} fen in {} orders, as the facts add up: {}",
            net.unwrap_or(0),
            orders.unwrap_or(0),
            if agree { "yes" } else { "NO" }
        );
        all_met &= agree;
        let mut with_tail = Vec::new();
        println!("| {backend:?} report | service p50 | bare SQL p50 | ratio (≤ 1.25) | target |");
        println!("|---|---|---|---|---|");
        for case in cases(backend, db.get_database_backend(), today) {
            let service = time_service(&http, &srv.base, &token, &case.query, args.runs).await?;
            let bare = time_bare(&db, &case.bare, args.runs).await?;
            let ratio = if bare > 0.0 { service / bare } else { 0.0 };
            let target = case.target_ms.map_or("—".to_owned(), |t| {
                format!(
                    "≤ {t:.0} ms: {}",
                    if service <= t { "met" } else { "NOT met" }
                )
            });
            all_met &= ratio <= 1.25 && case.target_ms.is_none_or(|t| service <= t);
            println!(
                "| {} | {service:.1} ms | {bare:.1} ms | {ratio:.2}× | {target} |",
                case.name
            );
            with_tail.push((case.name, bare));
        }
        drop(srv);
        // The tail's cost: the same bare SQL once the roll-up has folded it.
        let srv = serve(args, backend, &db_url, &http, "100").await?;
        let started = Instant::now();
        while count(&db, "sales_daily_log").await? > 0 {
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(120),
                "the roll-up did not fold the tail"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(srv);
        println!(
            "| {backend:?} report | bare SQL with the {tail}-row tail | without | tail's cost |"
        );
        println!("|---|---|---|---|");
        for (case, (name, with)) in cases(backend, db.get_database_backend(), today)
            .into_iter()
            .zip(with_tail)
        {
            let without = time_bare(&db, &case.bare, args.runs).await?;
            println!(
                "| {name} | {with:.1} ms | {without:.1} ms | {:.2}× |",
                crate::ratio(with, without)
            );
        }
    }
    Ok(all_met)
}
