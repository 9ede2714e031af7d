//! Database connections for both backends, and the one way to open a write transaction.
//!
//! SQLite has a single writer. Write transactions there are opened `BEGIN IMMEDIATE` behind an
//! in-process gate, so concurrent requests queue fairly instead of spinning on "database is locked".
//! PostgreSQL needs no gate: stock is taken with conditional UPDATEs that lock the rows they touch.
//!
//! Reads and writes use separate pools. The read pool's connections refuse writes, so the only
//! way to write is a [`Tx`]. A write connection whose transaction state is unknown after an
//! error (a failed COMMIT on a full disk, a ROLLBACK that failed) is closed, never reused.

use crate::config::Settings;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::{ConnectOptions as _, Connection as _};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode,
    SqlxPostgresConnector, TransactionOptions, TransactionTrait,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

pub mod chunks;
pub mod fault;
pub mod health;
pub mod hub;
pub mod json_rows;
mod read;
pub mod replica;
mod sqlite;
mod tx;

pub use fault::{Fault, classify};
pub use read::Reader;
pub use replica::ReportReader;
pub use tx::Tx;

/// The database: a pool for reads that refuses writes, and a pool for write transactions.
#[derive(Clone)]
pub struct Db {
    /// For reads outside a write transaction. Its connections are read-only (SQLite
    /// `query_only`, PostgreSQL `default_transaction_read_only`), so a write can only go
    /// through a [`Tx`]. Bounded by the breaker.
    pub read: Reader,
    write: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
    pub hub: Arc<hub::Hub>,
    pub health: Arc<health::Health>,
    /// A streaming replica for reports, if one is configured.
    replica: Option<Arc<replica::Replica>>,
    /// The village's time zone: what "today" and a sale's local date mean.
    pub local_offset: chrono::FixedOffset,
    /// The SQLite file (or its WAL) could not be opened for writing at start, as after a crash
    /// on a disk remounted read-only: reads are served, every write is refused as `read_only`.
    read_only: bool,
}

impl Db {
    /// Connects to the database the settings name, creating the SQLite file (and its folder) if
    /// needed.
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        let read_only = settings
            .sqlite_path()
            .is_some_and(|p| !sqlite::files_writable(&p));
        if read_only {
            tracing::warn!(
                "the database file cannot be written (read-only file or disk): serving reads only"
            );
        }
        let (read, write, write_gate) = if settings.is_sqlite() {
            sqlite::connect(settings, read_only).await?
        } else {
            connect_postgres(settings).await?
        };
        let hub = Arc::new(hub::Hub::new(
            write.get_database_backend(),
            settings.database_schema.as_deref(),
        ));
        let (probe, stall_after) = if settings.is_sqlite() {
            (read.clone(), None)
        } else {
            let stall = Duration::from_millis(settings.database_stall_probe_millis);
            (probe_pool(settings)?, Some(stall))
        };
        let health = Arc::new(health::Health::new(probe, stall_after));
        let replica = connect_replica(settings)?.map(Arc::new);
        Ok(Self {
            read: Reader::new(read, health.clone()),
            write,
            write_gate,
            hub,
            health,
            replica,
            local_offset: settings.local_offset(),
            read_only,
        })
    }

    /// Whether every write is refused because the database file is read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    /// Opens a write transaction: `BEGIN IMMEDIATE` behind the writer gate on SQLite, a plain
    /// `BEGIN` on PostgreSQL.
    ///
    /// # Errors
    /// No connection could be had or `BEGIN` failed.
    pub async fn begin_write(&self) -> Result<Tx, DbErr> {
        if self.read_only {
            return Err(DbErr::Custom(fault::READ_ONLY_MODE.into()));
        }
        let gate = self.hold_write_gate().await;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        // Getting the connection and BEGIN may be abandoned; nothing is written yet.
        let waiting = crate::metrics::Acquiring::start();
        let txn = self
            .health
            .bounded(self.write.begin_with_options(options))
            .await;
        drop(waiting);
        let txn = txn?;
        Ok(Tx::new(txn, self.hub.clone(), gate, self.local_offset))
    }

    /// SQLite's one writer at a time: the gate writers queue at (none on PostgreSQL).
    async fn hold_write_gate(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        }
    }

    /// Whether a streaming replica is configured for reports.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Where a report reads: the replica while it is fresh enough (see [`replica`]), else the
    /// primary's read pool.
    pub async fn for_reports(&self) -> ReportReader {
        ReportReader::choose(&self.read, self.replica.as_ref()).await
    }

    /// Runs `work` in a write transaction: commits if it succeeds, rolls back if it fails.
    ///
    /// # Errors
    /// Whatever `work` returns, or a failed commit (then nothing was written).
    pub async fn write<T>(
        &self,
        work: impl AsyncFnOnce(&Tx) -> crate::error::AppResult<T>,
    ) -> crate::error::AppResult<T> {
        let tx = self.begin_write().await?;
        let out = work(&tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Opens the breaker if `e` says the database cannot be reached.
    pub fn observe_failure(&self, e: &DbErr) {
        if fault::is_unreachable(e) {
            self.health.trip(fault::why_away(e));
        }
    }

    /// SQLite: rewrites the whole file (`VACUUM`), then copies the WAL into it and truncates
    /// the WAL, so that nothing a transaction removed (an erasure) is left anywhere in the file:
    /// not in free space inside pages, where B-tree splits and merges leave old cells, nor in
    /// free pages, nor in the WAL's older frames. Writers wait at the gate meanwhile (about a
    /// second per 100 MB); erasures are rare. PostgreSQL: nothing.
    pub async fn compact(&self) {
        if self.backend() != DbBackend::Sqlite || self.read_only {
            return;
        }
        let _gate = self.hold_write_gate().await;
        if let Err(e) = self.write.execute_unprepared("VACUUM").await {
            tracing::warn!(error = %e, "VACUUM after an erasure failed");
        }
        let done = self
            .write
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ))
            .await;
        match done.map(|r| r.and_then(|r| r.try_get_by_index::<i32>(0).ok())) {
            Ok(Some(0)) => {}
            Ok(busy) => tracing::warn!(?busy, "checkpoint after an erasure was not complete"),
            Err(e) => tracing::warn!(error = %e, "checkpoint after an erasure failed"),
        }
    }

    /// Whether the database answers within the probe timeout.
    pub async fn ping(&self) -> bool {
        !self.health.is_down() && self.health.probe().await.is_ok()
    }

    /// The connection the notice listener takes its pool from.
    pub fn listener_source(&self) -> &DatabaseConnection {
        &self.write
    }

    /// Refuses to go on when migrations are pending (a read-only database cannot take them).
    ///
    /// # Errors
    /// Migrations are pending, or the list of applied ones could not be read.
    pub async fn ensure_no_pending_migrations(&self) -> anyhow::Result<()> {
        use zhunong_migration::MigratorTrait;
        let pending = zhunong_migration::Migrator::get_pending_migrations(&self.write).await?;
        anyhow::ensure!(
            pending.is_empty(),
            "the database file is read-only and {} migration(s) are pending: make the file and \
             its folder writable, then start again",
            pending.len()
        );
        Ok(())
    }

    /// Applies every pending migration.
    ///
    /// # Errors
    /// A migration failed.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        use zhunong_migration::MigratorTrait;
        zhunong_migration::Migrator::up(&self.write, None).await
    }
}

/// The read pool, the write pool, and the writer gate (SQLite).
type Pools = (
    DatabaseConnection,
    DatabaseConnection,
    Option<Arc<Mutex<()>>>,
);

/// One connection of its own for health probes, so that a busy pool is not mistaken for an
/// unreachable database.
fn probe_pool(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let mut opts = PgConnectOptions::from_str(&settings.database_url)?
        .log_statements(tracing::log::LevelFilter::Trace);
    if let Some(schema) = &settings.database_schema {
        opts = opts.options([("search_path", schema.as_str())]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(health::PROBE_TIMEOUT)
        .connect_lazy_with(opts);
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// The read replica's pool, if `database_read_url` names one: read-only, connected lazily (a
/// replica that is down does not keep the service from starting), and named so that the
/// replica's `pg_stat_activity` shows who reads there.
fn connect_replica(settings: &Settings) -> anyhow::Result<Option<replica::Replica>> {
    let Some(url) = settings.database_read_url.as_ref().map(|s| s.expose()) else {
        return Ok(None);
    };
    if url.is_empty() {
        return Ok(None);
    }
    anyhow::ensure!(
        !settings.is_sqlite(),
        "database_read_url needs PostgreSQL: SQLite has no replicas"
    );
    let timeout = Duration::from_millis(settings.database_read_timeout_millis.max(1));
    let mut options = vec![("default_transaction_read_only", "on")];
    if let Some(schema) = &settings.database_schema {
        options.push(("search_path", schema.as_str()));
    }
    let mut opts = PgConnectOptions::from_str(url)?
        .log_statements(tracing::log::LevelFilter::Trace)
        .options(options);
    if opts.get_application_name().is_none() {
        opts = opts.application_name("zhunong-reports");
    }
    let pool = pg_pool(settings)
        .max_connections(settings.database_max_connections.max(1).div_ceil(2))
        .acquire_timeout(timeout)
        .connect_lazy_with(opts);
    Ok(Some(replica::Replica::new(
        SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
        timeout,
        Duration::from_secs(settings.database_read_max_lag_secs),
        Duration::from_secs(settings.database_read_retry_secs),
    )))
}

/// Pool options every PostgreSQL pool shares. A connection left inside a transaction is closed,
/// never handed out. One idle for `database_ping_idle_millis` or longer is pinged first, so that
/// one the server dropped meanwhile (a restart) is replaced rather than failing a request. One in
/// steady use is handed out as it is: sqlx's default pings before every use, a round trip per
/// request that a busy service pays for nothing.
fn pg_pool(settings: &Settings) -> PgPoolOptions {
    let ping_after = Duration::from_millis(settings.database_ping_idle_millis);
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if conn.is_in_transaction() {
                    return Ok(false);
                }
                if meta.idle_for >= ping_after {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

async fn connect_postgres(settings: &Settings) -> anyhow::Result<Pools> {
    let acquire = Duration::from_secs(settings.database_acquire_timeout_secs);
    let base = PgConnectOptions::from_str(&settings.database_url)?
        .log_statements(tracing::log::LevelFilter::Trace);
    let mut options = Vec::new();
    if let Some(schema) = &settings.database_schema {
        options.push(("search_path", schema.as_str()));
    }
    let max = settings.database_max_connections.max(1);
    let write_pool = pg_pool(settings)
        .max_connections(max)
        .acquire_timeout(acquire)
        .connect_with(base.clone().options(options.clone()))
        .await?;
    options.push(("default_transaction_read_only", "on"));
    // Reads outside a transaction are short; half as many connections keep the total near the
    // configured size (the server's own limit is shared by every replica).
    let read_pool = pg_pool(settings)
        .max_connections(max.div_ceil(2))
        .acquire_timeout(acquire)
        .connect_lazy_with(base.options(options));
    Ok((
        SqlxPostgresConnector::from_sqlx_postgres_pool(read_pool),
        SqlxPostgresConnector::from_sqlx_postgres_pool(write_pool),
        None,
    ))
}
