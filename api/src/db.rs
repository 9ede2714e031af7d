//! Database connections for both backends, and the one way to open a write transaction.
//!
//! SQLite has a single writer. Write transactions there are opened `BEGIN IMMEDIATE` behind an
//! in-process gate, so concurrent requests queue fairly instead of spinning on "database is locked".
//! PostgreSQL needs no gate: stock is taken with conditional UPDATEs that lock the rows they touch.

use crate::config::Settings;
use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    SqlxPostgresConnector, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
}

/// A write transaction; on SQLite it also holds the writer gate until commit or drop.
pub struct WriteTxn {
    pub txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// # Errors
    /// The rollback could not be sent; the database rolls back on its own when the connection
    /// closes.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Db {
    /// Connects to the database the settings name, creating the SQLite file (and its folder) if
    /// needed.
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        let acquire = Duration::from_secs(settings.database_acquire_timeout_secs);
        if settings.is_sqlite() {
            if let Some(parent) = settings.sqlite_path().as_deref().and_then(|p| p.parent())
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            let synchronous = match settings.sqlite_synchronous.as_str() {
                "full" => SqliteSynchronous::Full,
                "normal" => SqliteSynchronous::Normal,
                other => anyhow::bail!("sqlite_synchronous must be normal or full, not {other}"),
            };
            let in_memory = settings.sqlite_path().is_none();
            let opts = SqliteConnectOptions::from_str(&settings.database_url)?
                .create_if_missing(true)
                .journal_mode(if in_memory {
                    SqliteJournalMode::Memory
                } else {
                    SqliteJournalMode::Wal
                })
                .synchronous(synchronous)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .log_statements(tracing::log::LevelFilter::Trace);
            // Every in-memory connection is its own empty database: keep exactly one.
            let max = if in_memory {
                1
            } else {
                settings.database_max_connections.clamp(1, 8)
            };
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .acquire_timeout(acquire)
                .connect_with(opts)
                .await?;
            Ok(Self {
                conn: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
                write_gate: Some(Arc::new(Mutex::new(()))),
            })
        } else {
            let mut opts = PgConnectOptions::from_str(&settings.database_url)?
                .log_statements(tracing::log::LevelFilter::Trace);
            if let Some(schema) = &settings.database_schema {
                opts = opts.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(settings.database_max_connections.max(1))
                .acquire_timeout(acquire)
                .connect_with(opts)
                .await?;
            Ok(Self {
                conn: SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
                write_gate: None,
            })
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Opens a write transaction: `BEGIN IMMEDIATE` behind the writer gate on SQLite, a plain
    /// `BEGIN` on PostgreSQL.
    ///
    /// # Errors
    /// No connection could be had or `BEGIN` failed.
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let txn = self.conn.begin_with_options(options).await?;
        Ok(WriteTxn { txn, _gate: gate })
    }

    /// Applies every pending migration.
    ///
    /// # Errors
    /// A migration failed.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        use zhunong_migration::MigratorTrait;
        zhunong_migration::Migrator::up(&self.conn, None).await
    }
}
