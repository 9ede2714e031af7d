//! A real server on a random port with a fresh database per test: a SQLite file by default, a
//! PostgreSQL schema of its own when `TEST_DATABASE_URL` is set. The schema always comes from the
//! migrations. Everything is removed when the test ends.

use reqwest::{Client, Method, Response};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use tokio::sync::Mutex;
use zhunong_api::config::Secret;
use zhunong_api::{Application, Settings};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const STAFF_PASSWORD: &str = "staff-password-1";

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub settings: Settings,
    handle: actix_web::dev::ServerHandle,
    cleanup: Cleanup,
    tokens: Mutex<HashMap<&'static str, String>>,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PgSchema {
        url: String,
        schema: String,
    },
    /// A second replica: the first one owns the database.
    Nothing,
}

pub fn backend_name() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        workers: Some(2),
        jwt_secret: Some(Secret::new(JWT_SECRET)),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        log_level: "warn".into(),
        ..Settings::default()
    };
    let cleanup = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            let schema = format!("t_{id}");
            let admin = Database::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("connect {url}: {e}"));
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .unwrap_or_else(|e| panic!("create schema: {e}"));
            admin.close().await.ok();
            // Every connection of this test carries the schema's name, so that the cleanup can
            // end the ones still open (see `Drop`).
            let sep = if url.contains('?') { '&' } else { '?' };
            settings.database_url = format!("{url}{sep}application_name={schema}");
            settings.database_schema = Some(schema.clone());
            Cleanup::PgSchema { url, schema }
        }
        Err(_) => {
            let dir = std::env::temp_dir().join("zhunong-tests");
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
            sweep_old_files(&dir);
            let path = dir.join(format!("{id}.db"));
            settings.database_url = format!("sqlite://{}?mode=rwc", path.display());
            Cleanup::SqliteFile(path)
        }
    };
    tweak(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .unwrap_or_else(|e| panic!("build app: {e:?}"));
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .pool_max_idle_per_host(256)
        // Shorter than the server's keep-alive (5 s): a pooled connection is never reused at the
        // moment the server closes it, which fails the request with "error sending request".
        .pool_idle_timeout(std::time::Duration::from_secs(3))
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    TestApp {
        base,
        client,
        settings,
        handle,
        cleanup,
        tokens: Mutex::new(HashMap::new()),
    }
}

impl TestApp {
    /// Another replica of this service: a second `Application` with its own process state
    /// (caches, notice hub, workers, limits) on the same database, as a second process behind a
    /// load balancer would be. The tokens of one work on the other (one JWT secret).
    pub async fn replica(&self) -> TestApp {
        let app = Application::build(self.settings.clone())
            .await
            .unwrap_or_else(|e| panic!("build replica: {e:?}"));
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            client: self.client.clone(),
            settings: self.settings.clone(),
            handle,
            cleanup: Cleanup::Nothing,
            tokens: Mutex::new(HashMap::new()),
        }
    }
}

/// Removes database files an earlier test run left behind (older than an hour).
fn sweep_old_files(dir: &std::path::Path) {
    let hour = std::time::Duration::from_secs(3_600);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                // Later, from a thread of its own: the server's background loops (the sales
                // roll-up runs every second) may still open a connection until the test's
                // runtime ends, and a file removed under SQLite's feet is recreated empty by
                // that connection, whose first use truncates the shared-memory file the old
                // connections have mapped (SIGBUS). Files left by a test binary that exits
                // first are swept by the next run (`sweep_old_files`).
                let path = path.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                });
            }
            Cleanup::Nothing => {}
            Cleanup::PgSchema { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs inside the test's runtime; the schema is dropped from a thread of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(rt) = rt {
                        rt.block_on(async {
                            if let Ok(db) = Database::connect(&url).await {
                                // The test's runtime is blocked on this thread, so a
                                // transaction the server's background work had open (a
                                // webhook claim) would never finish and DROP SCHEMA would wait
                                // for its locks forever: end this test's sessions first.
                                let _ = db
                                    .execute_unprepared(&format!(
                                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                                         WHERE application_name = '{schema}' AND pid <> pg_backend_pid()"
                                    ))
                                    .await;
                                let _ = db
                                    .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
                                    .await;
                                let _ = db.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// A response's status and JSON body (or `Value::Null`), with its content type.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
    /// The body as sent (for binary answers such as XLSX).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub async fn from(r: Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            content_type,
            headers,
            text,
            json,
            bytes,
        }
    }

    /// Asserts an RFC 9457 problem with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.text
        );
        assert_eq!(self.json["code"], code, "body: {}", self.text);
        assert_eq!(self.json["status"], status);
    }

    /// Asserts a 422 whose first field error names this field.
    pub fn assert_field_error(&self, field: &str) {
        self.assert_problem(422, "validation_failed");
        assert_eq!(
            self.json["errors"][0]["field"], field,
            "body: {}",
            self.text
        );
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        Reply::from(
            req.send()
                .await
                .unwrap_or_else(|e| panic!("request {path}: {e}")),
        )
        .await
    }

    /// Sends raw bytes with the given content type and extra headers.
    pub async fn send_raw(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: &'static str,
    ) -> Reply {
        let req = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body);
        Reply::from(
            req.send()
                .await
                .unwrap_or_else(|e| panic!("request {path}: {e}")),
        )
        .await
    }

    /// Uploads a file's bytes (CSV, or an XLSX workbook) to `path` as the secretary.
    pub async fn upload_file(&self, path: &str, body: Vec<u8>) -> Reply {
        let t = self.token("secretary").await;
        let req = self
            .client
            .post(self.url(path))
            .bearer_auth(t)
            .header("content-type", "text/csv")
            .body(body);
        Reply::from(
            req.send()
                .await
                .unwrap_or_else(|e| panic!("upload to {path}: {e}")),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": username, "password": password})),
        )
        .await
    }

    /// A token for `role` (`admin`, `secretary`, `helper`, `station`), creating the user once.
    pub async fn token(&self, role: &'static str) -> String {
        let mut tokens = self.tokens.lock().await;
        if let Some(t) = tokens.get(role) {
            return t.clone();
        }
        let (user, pw) = if role == "admin" {
            ("admin".to_string(), ADMIN_PASSWORD)
        } else {
            let admin = match tokens.get("admin") {
                Some(t) => t.clone(),
                None => {
                    let t = self.login("admin", ADMIN_PASSWORD).await.json["access_token"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    tokens.insert("admin", t.clone());
                    t
                }
            };
            let name = format!("{role}-user");
            let r = self
                .send(
                    Method::POST,
                    "/api/v1/users",
                    Some(&admin),
                    Some(&json!({"username": name, "password": STAFF_PASSWORD, "role": role})),
                )
                .await;
            assert_eq!(r.status, 201, "create {role}: {}", r.text);
            (name, STAFF_PASSWORD)
        };
        let r = self.login(&user, pw).await;
        assert_eq!(r.status, 200, "login {user}: {}", r.text);
        let t = r.json["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        tokens.insert(role, t.clone());
        t
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(&body))
            .await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(token), Some(&body))
            .await
    }

    /// POSTs `body` to `path` with an `Idempotency-Key`.
    pub async fn post_keyed(&self, token: &str, path: &str, key: &str, body: &Value) -> Reply {
        Reply::from(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("request {path}: {e}")),
        )
        .await
    }

    /// Places an order with `body`.
    pub async fn place_order(&self, token: &str, body: Value) -> Reply {
        self.post(token, "/api/v1/orders", body).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None).await
    }

    /// Creates a collective, grower and product (`pricing`), and a batch of `quantity` at
    /// `price_fen`; returns the batch id.
    pub async fn batch(&self, pricing: &str, quantity: i64, price_fen: i64) -> i64 {
        let t = self.token("secretary").await;
        let n = uuid::Uuid::new_v4().simple().to_string();
        let c = self
            .post(&t, "/api/v1/collectives", json!({"name": format!("村{n}")}))
            .await;
        assert_eq!(c.status, 201, "{}", c.text);
        let g = self
            .post(
                &t,
                "/api/v1/growers",
                json!({"collective_id": c.json["id"], "name": "王飞", "kind": "household"}),
            )
            .await;
        assert_eq!(g.status, 201, "{}", g.text);
        let p = self
            .post(
                &t,
                "/api/v1/products",
                json!({"name": format!("上海青{n}"), "pricing": pricing}),
            )
            .await;
        assert_eq!(p.status, 201, "{}", p.text);
        let b = self
            .post(
                &t,
                "/api/v1/batches",
                json!({"product_id": p.json["id"], "grower_id": g.json["id"], "harvest_date": "2026-11-01",
                       "quantity": quantity, "retail_price_fen": price_fen, "enterprise_price_fen": price_fen - price_fen / 5}),
            )
            .await;
        assert_eq!(b.status, 201, "{}", b.text);
        b.json["id"].as_i64().unwrap_or_default()
    }

    /// Creates an individual buyer; returns its id.
    pub async fn buyer(&self, kind: &str) -> i64 {
        let t = self.token("secretary").await;
        let phone = format!("139{:08}", rand_u32() % 100_000_000);
        let mut body = json!({"kind": kind, "name": "李女士", "phone": phone});
        if kind == "enterprise" {
            body["company"] = json!("皖酒集团");
        }
        let r = self.post(&t, "/api/v1/buyers", body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json["id"].as_i64().unwrap_or_default()
    }

    /// Marks an order line weighed as the station (`POST /order-lines/{id}/complete-weighing`).
    pub async fn complete_line(&self, line_id: i64) -> Reply {
        let t = self.token("station").await;
        self.send(
            Method::POST,
            &format!("/api/v1/order-lines/{line_id}/complete-weighing"),
            Some(&t),
            None,
        )
        .await
    }

    /// Marks every open line of an order weighed as the station.
    pub async fn complete_order(&self, order_id: i64) -> Reply {
        let t = self.token("station").await;
        self.send(
            Method::POST,
            &format!("/api/v1/orders/{order_id}/complete-weighing"),
            Some(&t),
            None,
        )
        .await
    }

    pub async fn stock(&self, batch_id: i64) -> i64 {
        let t = self.token("secretary").await;
        let r = self.get(&t, &format!("/api/v1/batches/{batch_id}")).await;
        r.json["stock_qty"].as_i64().unwrap_or(i64::MIN)
    }
}

pub fn rand_u32() -> u32 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

impl TestApp {
    /// A direct connection to this test's database, for checks the API cannot make.
    pub async fn raw_db(&self) -> sea_orm::DatabaseConnection {
        connect_on(
            &self.settings.database_url,
            self.settings.database_schema.as_deref(),
        )
        .await
    }
}

/// `zhunong ARGS` as an operator runs it, on the database `url` (and PostgreSQL `schema`).
pub fn cli_on(url: &str, schema: Option<&str>, args: &[&str]) -> std::process::Output {
    const BIN: &str = env!("CARGO_BIN_EXE_zhunong");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ZHUNONG_DATABASE_URL", url)
        .env("ZHUNONG_LOG_LEVEL", "warn");
    if let Some(schema) = schema {
        cmd.env("ZHUNONG_DATABASE_SCHEMA", schema);
    }
    cmd.output().unwrap_or_else(|e| panic!("run {BIN}: {e}"))
}

/// Everything a command printed.
pub fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

impl TestApp {
    /// `zhunong ARGS` on this test's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        cli_on(
            &self.settings.database_url,
            self.settings.database_schema.as_deref(),
            args,
        )
    }

    /// The first column of the first row of `sql` as an integer, read directly.
    pub async fn sql_i64(&self, sql: &str) -> i64 {
        sql_i64_on(
            &self.settings.database_url,
            self.settings.database_schema.as_deref(),
            sql,
        )
        .await
    }
}

/// A direct connection to the database `url` (and PostgreSQL `schema`).
pub async fn connect_on(url: &str, schema: Option<&str>) -> sea_orm::DatabaseConnection {
    let mut opts = sea_orm::ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).max_connections(1);
    if let Some(schema) = schema {
        opts.set_schema_search_path(schema.to_owned());
    }
    Database::connect(opts)
        .await
        .unwrap_or_else(|e| panic!("raw connection to {url}: {e}"))
}

/// The first column of the first row of `sql` on the database `url`, as an integer.
pub async fn sql_i64_on(url: &str, schema: Option<&str>, sql: &str) -> i64 {
    let db = connect_on(url, schema).await;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    db.close().await.ok();
    row.and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or_else(|| panic!("{sql}: no row"))
}
