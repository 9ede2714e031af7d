//! The service under test: a fresh database, the release binary as a child process, and the
//! catalog every run orders from (one hot batch and 100 more, with stock that never runs out).

use crate::{Args, Backend};
use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SCHEMA: &str = "zhunong_bench";
const SECRET: &str = "bench-secret-bench-secret-bench-secret-00";
const ADMIN_PASSWORD: &str = "bench-admin-password";
/// Stock that lasts any run: the bench measures speed, not selling out.
pub const STOCK: i64 = 1_000_000_000_000;
pub const SPREAD: i64 = 100;
pub const PRICE_FEN: i64 = 300;
/// Lines in one partner bulk order.
pub const BULK_LINES: i64 = 200;
/// A staff account the login bench signs in as.
pub const LOGIN_USER: &str = "bench-login";
pub const LOGIN_PASSWORD: &str = "bench-login-password-1";

pub struct Server {
    pub backend: Backend,
    pub base: String,
    pub token: String,
    pub buyer_id: i64,
    /// The one product and grower every bench batch belongs to.
    pub product_id: i64,
    pub grower_id: i64,
    pub hot_batch: i64,
    pub first_spread_batch: i64,
    /// The first of `BULK_LINES` batches with consecutive ids, for partner bulk orders.
    pub first_bulk_batch: i64,
    pub partner_key: String,
    pub db_url: String,
    pub pg_url: String,
    child: Child,
    db: DatabaseConnection,
}

/// The release server as a child process on `port`, with the bench's secrets and limits out of
/// the way (a partner key may send as fast as the bench can).
pub fn spawn(binary: &str, db_url: &str, schema: Option<&str>, port: u16) -> anyhow::Result<Child> {
    let mut cmd = Command::new(binary);
    cmd.arg("serve")
        .env("ZHUNONG_DATABASE_URL", db_url)
        .env("ZHUNONG_BIND", format!("127.0.0.1:{port}"))
        .env("ZHUNONG_JWT_SECRET", SECRET)
        .env("ZHUNONG_JWT_TTL_SECS", "7200")
        .env("ZHUNONG_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("ZHUNONG_LOG_LEVEL", "warn")
        .env("ZHUNONG_PARTNER_RATE_PER_SEC", "1000000")
        .env("ZHUNONG_PARTNER_BURST", "1000000")
        .stdout(Stdio::null());
    if let Some(schema) = schema {
        cmd.env("ZHUNONG_DATABASE_SCHEMA", schema);
    }
    cmd.spawn()
        .with_context(|| format!("start {binary} (run bench/run.sh to build it)"))
}

/// Waits for `/ready` to answer 200 (polling every 2 ms); how long it took.
pub async fn wait_ready(http: &reqwest::Client, base: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    while !http
        .get(format!("{base}/ready"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(started.elapsed())
}

/// A process's peak resident memory (VmHWM), in MiB.
pub fn peak_rss_of(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    pub async fn start(backend: Backend, args: &Args) -> anyhow::Result<Self> {
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
                let dir = std::env::temp_dir().join("zhunong-bench");
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)?;
                let path = dir.join("bench.db");
                format!("sqlite://{}?mode=rwc", path.display())
            }
        };
        let port = free_port()?;
        let schema = (backend == Backend::Postgres).then_some(SCHEMA);
        let child = spawn(&args.binary, &db_url, schema, port)?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        wait_ready(&http, &base).await?;
        let db = match backend {
            Backend::Postgres => {
                let mut opts = sea_orm::ConnectOptions::new(args.pg_url.clone());
                opts.set_schema_search_path(SCHEMA)
                    .sqlx_logging(false)
                    .max_connections(2);
                Database::connect(opts).await?
            }
            Backend::Sqlite => {
                let mut opts = sea_orm::ConnectOptions::new(db_url.clone());
                opts.sqlx_logging(false);
                Database::connect(opts).await?
            }
        };
        let mut srv = Self {
            backend,
            base,
            token: String::new(),
            buyer_id: 0,
            product_id: 0,
            grower_id: 0,
            hot_batch: 0,
            first_spread_batch: 0,
            first_bulk_batch: 0,
            partner_key: String::new(),
            db_url,
            pg_url: args.pg_url.clone(),
            child,
            db,
        };
        srv.seed(&http).await?;
        Ok(srv)
    }

    async fn post(&self, http: &reqwest::Client, path: &str, body: Value) -> anyhow::Result<Value> {
        let r = http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = r.status();
        let v: Value = r.json().await?;
        anyhow::ensure!(status.is_success(), "POST {path}: {status} {v}");
        Ok(v)
    }

    async fn seed(&mut self, http: &reqwest::Client) -> anyhow::Result<()> {
        let login = self
            .post(
                http,
                "/api/v1/auth/login",
                json!({"username": "admin", "password": ADMIN_PASSWORD}),
            )
            .await?;
        self.token = login["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let c = self
            .post(http, "/api/v1/collectives", json!({"name": "红光村"}))
            .await?;
        let g = self
            .post(
                http,
                "/api/v1/growers",
                json!({"collective_id": c["id"], "name": "君宇家庭农场", "kind": "family_farm"}),
            )
            .await?;
        let p = self
            .post(
                http,
                "/api/v1/products",
                json!({"name": "阳光玫瑰礼盒", "pricing": "by_piece"}),
            )
            .await?;
        self.product_id = p["id"].as_i64().unwrap_or_default();
        self.grower_id = g["id"].as_i64().unwrap_or_default();
        let mut ids = Vec::new();
        for _ in 0..=SPREAD + BULK_LINES {
            let b = self
                .post(http, "/api/v1/batches", json!({"product_id": p["id"], "grower_id": g["id"], "harvest_date": "2026-09-01",
                    "quantity": 1, "retail_price_fen": PRICE_FEN, "enterprise_price_fen": PRICE_FEN}))
                .await?;
            ids.push(b["id"].as_i64().unwrap_or_default());
        }
        anyhow::ensure!(
            ids.windows(2).all(|w| w[1] == w[0] + 1),
            "batch ids are not contiguous"
        );
        self.hot_batch = ids[0];
        self.first_spread_batch = ids[1];
        self.first_bulk_batch = ids[1 + usize::try_from(SPREAD).unwrap_or(100)];
        let company = self
            .post(
                http,
                "/api/v1/buyers",
                json!({"kind": "enterprise", "name": "压测企业", "company": "压测企业", "phone": "05510000000"}),
            )
            .await?;
        let key = self
            .post(
                http,
                &format!("/api/v1/buyers/{}/api-keys", company["id"]),
                json!({"label": "bench"}),
            )
            .await?;
        self.partner_key = key["key"].as_str().unwrap_or_default().to_owned();
        self.post(
            http,
            "/api/v1/users",
            json!({"username": LOGIN_USER, "password": LOGIN_PASSWORD, "role": "helper"}),
        )
        .await?;
        let buyer = self
            .post(
                http,
                "/api/v1/buyers",
                json!({"kind": "individual", "name": "压测买家", "phone": "13800000000"}),
            )
            .await?;
        self.buyer_id = buyer["id"].as_i64().unwrap_or_default();
        Ok(())
    }

    /// Restores stock and, on PostgreSQL, vacuums the tables that orders update in place (the
    /// stock, the daily sales totals and their log, which the roll-up empties, the partner rate
    /// limit), so each run starts alike: the
    /// server here runs with autovacuum off, and their dead row versions would pile up from run
    /// to run, slowing whichever runs later.
    pub async fn reset(&self) -> anyhow::Result<()> {
        // Requests still in flight when wrk stopped lock batches in id order; so does this, or
        // the two could deadlock.
        let restore = match self.backend {
            Backend::Postgres => format!(
                "UPDATE batches SET stock_qty = {STOCK} WHERE id IN \
                 (SELECT id FROM batches ORDER BY id FOR UPDATE)"
            ),
            Backend::Sqlite => format!("UPDATE batches SET stock_qty = {STOCK}"),
        };
        self.db.execute_unprepared(&restore).await?;
        let maintenance = match self.backend {
            Backend::Postgres => {
                "VACUUM ANALYZE batches, sales_daily, sales_daily_log, rate_limits"
            }
            Backend::Sqlite => "PRAGMA wal_checkpoint(TRUNCATE)",
        };
        self.db.execute_unprepared(maintenance).await?;
        Ok(())
    }

    /// The id of the answer the service stored last for an `Idempotency-Key`.
    pub async fn latest_idempotency_key(&self) -> anyhow::Result<i64> {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                "SELECT max(id) AS id FROM idempotency_keys",
            ))
            .await?
            .context("no stored answer")?;
        row.try_get("", "id").context("an idempotency key id")
    }

    /// The server's peak resident memory (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        peak_rss_of(self.child.id())
    }

    pub fn stop(self) {
        drop(self);
    }
}

/// A bench that fails midway must not leave its server running.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
