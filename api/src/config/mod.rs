//! Settings: defaults, then an optional TOML file, then `ZHUNONG_*` environment variables. Each
//! variable name is derived from the field name (`ZHUNONG_DATABASE_URL` → `database_url`), so no
//! name is typed twice.

use chrono::Offset as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

mod lifetimes;
mod unknown;

use unknown::unknown_setting;

/// A secret string that never shows up in `Debug` output or logs.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `ZHUNONG_*` variables that belong to the command line, not to the settings. Any other unknown
/// `ZHUNONG_*` variable is an error, so a misspelt setting is not silently ignored.
const CLI_VARIABLES: [&str; 3] = ["config", "demo_password", "new_user_password"];

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://path?mode=rwc` (default) or `postgres://…`.
    pub database_url: String,
    /// PostgreSQL schema to use as `search_path` (tests give each run its own).
    pub database_schema: Option<String>,
    /// Connection pool size; doubles as admission control under load.
    pub database_max_connections: u32,
    /// How long a request waits for a pooled connection before it gets 503.
    pub database_acquire_timeout_secs: u64,
    /// PostgreSQL: a read or a connection that takes longer than this asks the health probe, so
    /// a database that went away while idle is noticed within this plus the probe's 0.4 s.
    pub database_stall_probe_millis: u64,
    /// Password hashes (argon2, 19 MiB each) computed at once; unset means half the cores.
    pub password_hash_concurrency: Option<usize>,
    /// PostgreSQL: a pooled connection idle longer than this is pinged before use (a restarted
    /// server dropped it); busier ones are not, which saves a round trip per request.
    pub database_ping_idle_millis: u64,
    /// PostgreSQL: a streaming replica (hot standby) that reports and the dashboard read from;
    /// writes always go to `database_url`. Unset: everything reads the primary.
    pub database_read_url: Option<Secret>,
    /// Reads fall back to the primary while the replica is further behind than this.
    pub database_read_max_lag_secs: u64,
    /// A replica that does not answer within this is taken as down for the request.
    pub database_read_timeout_millis: u64,
    /// After a replica failed, reads go to the primary for this long before it is tried again.
    pub database_read_retry_secs: u64,
    /// SQLite `synchronous` pragma: `normal` survives a killed process (WAL), `full` also power loss.
    pub sqlite_synchronous: String,
    /// Address and port to listen on.
    pub bind: String,
    /// HTTP worker threads; unset means one per core.
    pub workers: Option<usize>,
    /// HS256 secret, at least 32 bytes. If unset on SQLite, one is generated and kept beside the
    /// database file; PostgreSQL deployments must set it so every replica shares it.
    pub jwt_secret: Option<Secret>,
    /// Key id written into each token header, so secrets can be rotated.
    pub jwt_kid: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_ttl_secs: u64,
    /// How long a login lasts without entering the password again (refresh tokens), in seconds:
    /// enough for a show and its packing.
    pub refresh_ttl_secs: u64,
    /// Clock skew tolerated when checking `exp`/`nbf`.
    pub jwt_leeway_secs: u64,
    /// Password for the first `admin` user; if unset, a random one is generated and printed once.
    pub admin_password: Option<Secret>,
    /// `tracing` filter, e.g. `info` or `zhunong_api=debug`.
    pub log_level: String,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Longest a handler may run before the client gets 503.
    pub request_timeout_secs: u64,
    /// Largest page a list endpoint returns.
    pub max_page_size: u64,
    /// Most lines in one order.
    pub max_order_lines: usize,
    /// Failed logins a username may have from one address before each further failure makes
    /// that address wait, doubling from `login_delay_base_secs` up to `login_delay_max_secs`.
    pub login_max_failures: u32,
    pub login_delay_base_secs: u64,
    pub login_delay_max_secs: u64,
    /// Failures of one username from all addresses within the window after which every attempt
    /// for it is held `login_slowdown_millis` (slowed, never refused).
    pub login_user_slowdown_after: u32,
    pub login_slowdown_millis: u64,
    /// Failures from one address across all usernames within the window (password spraying)
    /// after which its attempts are held `login_slowdown_millis`, and after which they are
    /// refused (429) until the window has passed since its last failure.
    pub login_addr_slowdown_after: u32,
    pub login_addr_max_failures: u32,
    /// How long failure records are kept after the last failure.
    pub login_window_secs: u64,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` is believed; from anyone
    /// else the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// How long idempotent responses are kept (at least a day).
    pub idempotency_retention_hours: u64,
    /// Where `serve` writes its scheduled backups (SQLite): a folder, a mounted USB disk or a
    /// network share. None: no scheduled backups (`zhunong backup` still works).
    pub backup_dir: Option<String>,
    /// How often `serve` takes a backup.
    pub backup_every_minutes: u64,
    /// How long after start the first scheduled backup is taken.
    pub backup_first_after_secs: u64,
    /// Backups kept: the newest of each of this many hours, days and months.
    pub backup_keep_hourly: usize,
    pub backup_keep_daily: usize,
    pub backup_keep_monthly: usize,
    /// Where `GET /metrics` (Prometheus) is served, e.g. `127.0.0.1:9464`: an address of its own,
    /// never the public port. None: no metrics.
    pub metrics_bind: Option<String>,
    /// The list of erased buyers' ids, kept outside the database so that a restore from an older
    /// backup erases them again at start. Default: `<database file>.erased-buyers` beside the
    /// SQLite file; none on PostgreSQL unless set.
    pub erased_list: Option<String>,
    /// The most orders one buyer's personal-data export may hold.
    pub personal_export_max_orders: u64,
    /// How many things breaking one rule the integrity check lists (it counts all of them).
    pub check_max_listed: usize,
    /// How long a request waits for an earlier one with the same `Idempotency-Key` to finish
    /// (then it replays that answer); past it, 409.
    pub idempotency_in_flight_wait_secs: u64,
    /// Entries kept of facts that never change (a product's pricing, a buyer's kind).
    pub fact_cache_entries: usize,
    /// How far a weighed line may differ from what was ordered before it needs approval, in
    /// basis points of the ordered quantity (500 = ±5 %).
    pub weigh_tolerance_bp: i64,
    /// Heaviest gross weight one weigh ticket may record, in grams.
    pub max_gross_g: i64,
    /// Most crates in one weighing request.
    pub max_crates_per_weighing: usize,
    /// The village's offset from UTC in minutes, for "a day" in pick lists (480 = China).
    pub local_utc_offset_minutes: i32,
    /// Most lines in one partner (bulk) order.
    pub partner_max_order_lines: usize,
    /// Requests per second each partner API key may make, and the burst above that.
    pub partner_rate_per_sec: u64,
    pub partner_burst: u64,
    /// Webhook delivery: request timeout, and the waits before each retry (then it fails).
    pub webhook_timeout_secs: u64,
    pub webhook_retry_schedule_secs: Vec<u64>,
    /// How often the webhook worker looks for due deliveries, how many it claims at once, and
    /// how long a claim lasts before another worker may take the delivery over.
    pub webhook_poll_millis: u64,
    pub webhook_batch_size: u64,
    pub webhook_lease_secs: u64,
    /// Hosts (`name` or `ip`) webhooks may reach although they are private, loopback or plain
    /// HTTP. Empty in production; tests put their loopback receiver here.
    pub webhook_allow_hosts: Vec<String>,
    /// How often a live-totals stream recomputes on its own, to show stock sold through other
    /// channels (orders in the show are pushed at once).
    pub live_refresh_secs: u64,
    /// Run the webhook delivery worker in this process.
    pub webhook_worker: bool,
    /// After SIGTERM, how long the server keeps accepting connections (with `/ready` at 503)
    /// before it stops, so that requests already sent are answered rather than reset.
    pub shutdown_drain_millis: u64,
    /// After the drain, how long connections already queued get to be accepted and their
    /// requests started, while new ones are held back, before the port refuses connections.
    pub shutdown_settle_millis: u64,
    /// Channels whose orders are confirmed as they are placed, comma-separated (for example
    /// `livestream`, so that a helper's live orders go straight to the station). Empty: none.
    pub auto_confirm_channels: String,
    /// Rows (periods × groups) one sales report may have.
    pub report_max_rows: u64,
    /// Values one report filter may list.
    pub report_max_filter_values: usize,
    /// How often the sales roll-up folds what orders appended into the daily totals (ms). A
    /// report is exact either way; a longer pause leaves it more of the log's tail to add.
    pub sales_rollup_every_ms: u64,
    /// The address printed in a label's QR code (`https://zhunong.example.cn`), as buyers' phones
    /// reach the server. Unset: the address the label page was asked for.
    pub public_base_url: Option<String>,
    /// Scans of trace pages one address may make: a sustained rate per second and a burst.
    pub trace_rate_per_sec: u64,
    pub trace_burst: u64,
    /// Labels one label page may hold.
    pub label_max: usize,
    /// Days after shipping that a parcel not signed for counts as delivered (抖店 uses 10).
    pub parcel_auto_deliver_days: u32,
    /// How often the auto-delivery rule runs, and how many parcels one run delivers at most.
    pub parcel_auto_deliver_every_secs: u64,
    pub parcel_auto_deliver_batch: u64,
    /// Wrong pickup codes in a row before an order's hand-over is locked, and for how long.
    pub pickup_max_failures: i32,
    pub pickup_lock_secs: u64,
    /// Views of buyers' order pages one address may make: sustained per second, and a burst.
    pub buyer_page_rate_per_sec: u64,
    pub buyer_page_burst: u64,
    /// Rows one tracking-number file (import) or waiting-parcels export may have, and the
    /// largest file accepted, in bytes.
    pub tracking_file_max_rows: usize,
    pub tracking_file_max_bytes: usize,
    /// A Douyin shop order export: the largest file accepted (bytes), the most rows, the orders
    /// written per transaction, the orders read and worked through at a time (what memory
    /// holds of the file's rows), and how long one import may run (past the request timeout).
    pub import_max_bytes: usize,
    pub import_max_rows: usize,
    pub import_orders_per_tx: usize,
    pub import_orders_per_read: usize,
    pub import_timeout_secs: u64,
    /// Reconciling a bill: how far apart in minutes and fen a bill line and a payment may be and
    /// still be matched when no number ties them (the defaults of the upload's own settings).
    pub bill_time_tolerance_minutes: i64,
    pub bill_amount_tolerance_fen: i64,
    /// The village's merchant numbers: a WeChat Pay bill for another 商户号, or an Alipay bill for
    /// another account, is refused. Unset: any is taken.
    pub wechat_merchant_no: Option<String>,
    pub alipay_account: Option<String>,
    /// Whether the platforms' fees (less subsidies) come off an order's commission base. Off
    /// (the default), commission stays on net sales and the fees are the collective's cost of
    /// selling; on, commission is on what the village received, and the grower is owed that
    /// less the commission. Fixed on each order with its first fees.
    pub fees_reduce_commission_base: bool,
    /// The collective whose books hold the whole ledger (it takes the money in and owes the
    /// growers); unset: the first collective. Another collective's books hold only what is
    /// posted to its own account.
    pub books_collective_id: Option<i64>,
    /// Products a public finance sheet lists behind its commission income, largest sales first.
    pub finance_sheet_top_sales: u64,
    /// Group-chat robots: messages one robot is handed per window (WeCom and DingTalk allow 20 a
    /// minute; DingTalk blocks a robot for 10 minutes past that), and the window.
    pub robot_max_per_window: u32,
    pub robot_window_secs: u64,
    /// How often each replica looks for daily summaries and after-sales cases to tell, and for
    /// messages to send; how long a claimed message is held; the send timeout.
    pub robot_tick_secs: u64,
    pub robot_poll_millis: u64,
    pub robot_lease_secs: u64,
    pub robot_timeout_secs: u64,
    /// Waits before each retry of a message that could not be handed over; then it fails.
    pub robot_retry_schedule_secs: Vec<u64>,
    /// The largest markdown message each robot takes, in bytes (WeCom: 4096).
    pub robot_wecom_max_bytes: usize,
    pub robot_dingtalk_max_bytes: usize,
    /// An open after-sales case is told again as near its deadline this many hours before it.
    pub robot_case_warn_hours: u32,
    /// Hours the village has to answer an after-sales case, and hours after delivery that a
    /// buyer may open one from their page.
    pub claim_answer_hours: u32,
    pub claim_window_hours: u32,
    /// Photos one case may have, and the largest photo accepted, in bytes.
    pub claim_max_photos: u64,
    pub claim_photo_max_bytes: usize,
    /// Days after an order is delivered (or cancelled) that its recipient's name, phone and
    /// street address are kept; then only the district stays. Checked with the auto-delivery.
    pub recipient_retention_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/zhunong.db?mode=rwc".into(),
            database_schema: None,
            database_max_connections: 16,
            database_acquire_timeout_secs: 5,
            database_stall_probe_millis: 200,
            password_hash_concurrency: None,
            database_ping_idle_millis: 1_000,
            database_read_url: None,
            database_read_max_lag_secs: 30,
            database_read_timeout_millis: 1_000,
            database_read_retry_secs: 10,
            sqlite_synchronous: "normal".into(),
            bind: "127.0.0.1:8080".into(),
            workers: None,
            jwt_secret: None,
            jwt_kid: "k1".into(),
            jwt_issuer: "zhunong".into(),
            jwt_audience: "zhunong-api".into(),
            jwt_ttl_secs: 900,
            refresh_ttl_secs: 43_200,
            jwt_leeway_secs: 5,
            admin_password: None,
            log_level: "info".into(),
            max_body_bytes: 256 * 1024,
            request_timeout_secs: 30,
            max_page_size: 200,
            max_order_lines: 100,
            login_max_failures: 5,
            login_delay_base_secs: 1,
            login_delay_max_secs: 900,
            login_user_slowdown_after: 100,
            login_slowdown_millis: 1000,
            login_addr_slowdown_after: 30,
            login_addr_max_failures: 100,
            login_window_secs: 900,
            trusted_proxies: Vec::new(),
            idempotency_retention_hours: 48,
            backup_dir: None,
            backup_every_minutes: 60,
            backup_first_after_secs: 60,
            backup_keep_hourly: 24,
            backup_keep_daily: 14,
            backup_keep_monthly: 12,
            check_max_listed: 50,
            erased_list: None,
            personal_export_max_orders: 10_000,
            metrics_bind: None,
            idempotency_in_flight_wait_secs: 10,
            fact_cache_entries: 100_000,
            weigh_tolerance_bp: 500,
            max_gross_g: 1_000_000,
            max_crates_per_weighing: 100,
            local_utc_offset_minutes: 480,
            partner_max_order_lines: 500,
            partner_rate_per_sec: 10,
            partner_burst: 20,
            webhook_timeout_secs: 10,
            // About a day in all, as Standard Webhooks suggests: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
            webhook_retry_schedule_secs: vec![5, 300, 1_800, 7_200, 18_000, 36_000, 36_000],
            webhook_poll_millis: 1_000,
            webhook_batch_size: 50,
            webhook_lease_secs: 60,
            webhook_allow_hosts: Vec::new(),
            webhook_worker: true,
            shutdown_drain_millis: 300,
            shutdown_settle_millis: 100,
            auto_confirm_channels: String::new(),
            report_max_rows: 50_000,
            report_max_filter_values: 200,
            sales_rollup_every_ms: 1_000,
            public_base_url: None,
            trace_rate_per_sec: 1,
            trace_burst: 30,
            label_max: 400,
            parcel_auto_deliver_days: 10,
            parcel_auto_deliver_every_secs: 3_600,
            parcel_auto_deliver_batch: 500,
            pickup_max_failures: 5,
            pickup_lock_secs: 900,
            buyer_page_rate_per_sec: 1,
            buyer_page_burst: 30,
            tracking_file_max_rows: 10_000,
            tracking_file_max_bytes: 5 * 1024 * 1024,
            import_max_bytes: 50 * 1024 * 1024,
            import_max_rows: 100_000,
            import_orders_per_tx: 200,
            import_orders_per_read: 2_000,
            import_timeout_secs: 600,
            bill_time_tolerance_minutes: 30,
            bill_amount_tolerance_fen: 0,
            wechat_merchant_no: None,
            alipay_account: None,
            fees_reduce_commission_base: false,
            books_collective_id: None,
            finance_sheet_top_sales: 10,
            robot_max_per_window: 20,
            robot_window_secs: 60,
            robot_tick_secs: 30,
            robot_poll_millis: 1_000,
            robot_lease_secs: 30,
            robot_timeout_secs: 10,
            robot_retry_schedule_secs: vec![60, 300, 1_800],
            robot_wecom_max_bytes: 4_096,
            robot_dingtalk_max_bytes: 20_000,
            robot_case_warn_hours: 4,
            claim_answer_hours: 48,
            claim_window_hours: 48,
            claim_max_photos: 6,
            claim_photo_max_bytes: 5 * 1024 * 1024,
            recipient_retention_days: 180,
            live_refresh_secs: 5,
        }
    }
}

impl Settings {
    /// Loads settings: defaults, then the TOML file named by `ZHUNONG_CONFIG` (or `zhunong.toml` if
    /// present), then `ZHUNONG_*` variables.
    ///
    /// # Errors
    /// A malformed file, a variable of the wrong type, or a setting that does not exist (named,
    /// with the closest real one).
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("ZHUNONG_CONFIG").unwrap_or_else(|_| "zhunong.toml".into());
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("ZHUNONG_").ignore(&CLI_VARIABLES))
            .extract::<Self>()
            .map_err(|e| match &e.kind {
                figment::error::Kind::UnknownField(field, known) => {
                    anyhow::anyhow!("{}", unknown_setting(field, known, e.metadata.as_ref()))
                }
                _ => anyhow::Error::new(e),
            })
            .and_then(Self::checked_lifetimes)
    }

    /// The channels of `auto_confirm_channels`.
    ///
    /// # Errors
    /// A name that is no channel.
    pub fn auto_confirm(&self) -> anyhow::Result<Vec<zhunong_entity::enums::Channel>> {
        self.auto_confirm_channels
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
                    anyhow::anyhow!(
                        "auto_confirm_channels: {s} is not a channel (livestream, partner_api, expo, phone, walk_in)"
                    )
                })
            })
            .collect()
    }

    /// The village's time zone; an offset beyond ±18 h, which no place has, falls back to UTC.
    pub fn local_offset(&self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.local_utc_offset_minutes.saturating_mul(60))
            .unwrap_or_else(|| chrono::Utc.fix())
    }

    /// How the integrity check reads this village's database.
    pub fn check_options(&self) -> crate::check::Options {
        crate::check::Options {
            local_offset: self.local_offset(),
            max_listed: self.check_max_listed,
        }
    }

    /// Where the ids of erased buyers are listed (see `erased_list`).
    pub fn erased_list_path(&self) -> Option<PathBuf> {
        match &self.erased_list {
            Some(p) => Some(PathBuf::from(p)),
            None => self.sqlite_path().map(|db| erased_list_beside(&db)),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The SQLite database file, if the URL names one (not `:memory:`).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite:")?;
        let rest = rest.trim_start_matches("//");
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") {
            None
        } else {
            Some(PathBuf::from(path))
        }
    }
}

/// The default list of erased buyers of the SQLite database at `db`.
pub fn erased_list_beside(db: &std::path::Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".erased-buyers");
    db.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_path_is_read_from_the_url() {
        let s = Settings::default();
        assert_eq!(s.sqlite_path(), Some(PathBuf::from("data/zhunong.db")));
        let s = Settings {
            database_url: "sqlite::memory:".into(),
            ..Settings::default()
        };
        assert_eq!(s.sqlite_path(), None);
        let s = Settings {
            database_url: "postgres://x/y".into(),
            ..Settings::default()
        };
        assert!(!s.is_sqlite());
    }

    #[test]
    fn secrets_are_not_printed() {
        let s = Settings {
            jwt_secret: Some(Secret::new("abc")),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("abc"));
    }
}
