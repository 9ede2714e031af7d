//! The SQLite side of [`super::Db`]: the file, its pools and its pragmas, a connection's
//! transaction state, the file's permissions and whether it can be written at all.

use super::Pools;
use crate::config::Settings;
use sea_orm::SqlxSqliteConnector;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::sqlx::{ConnectOptions as _, Connection as _};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Opens the SQLite file: a write pool of one connection behind the gate, and a read pool that
/// refuses writes; read-only and, without a WAL, immutable when the file cannot be written.
pub(super) async fn connect(settings: &Settings, read_only: bool) -> anyhow::Result<Pools> {
    let acquire = Duration::from_secs(settings.database_acquire_timeout_secs);
    let path = settings.sqlite_path();
    if let Some(parent) = path.as_deref().and_then(|p| p.parent())
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let synchronous = match settings.sqlite_synchronous.as_str() {
        "full" => SqliteSynchronous::Full,
        "normal" => SqliteSynchronous::Normal,
        other => anyhow::bail!("sqlite_synchronous must be normal or full, not {other}"),
    };
    let in_memory = path.is_none();
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
    // A read-only file is opened read-only. Without its WAL (a clean stop removed it) SQLite
    // could not create the shared-memory file beside it, so it is opened as immutable: nothing
    // can change it while the service runs, which is true of a read-only file.
    let opts = if read_only {
        let wal_gone = path.as_deref().is_some_and(|p| {
            let mut wal = p.as_os_str().to_owned();
            wal.push("-wal");
            !std::path::Path::new(&wal).exists()
        });
        opts.read_only(true).immutable(wal_gone)
    } else {
        opts
    };
    // One writer: the gate queues writers fairly, and one pooled connection serves them.
    // No ping before each use (sqlx's default): a file does not go away, and a connection left
    // in a bad state is caught by the check below.
    let write_pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(acquire)
        .test_before_acquire(false)
        .before_acquire(|conn, _| {
            Box::pin(async move { Ok(sqlite_outside_transaction(conn).await) })
        })
        .connect_with(opts.clone())
        .await?;
    let write = SqlxSqliteConnector::from_sqlx_sqlite_pool(write_pool);
    let gate = Some(Arc::new(Mutex::new(())));
    if in_memory {
        // Every in-memory connection is its own empty database: reads share the one writer.
        return Ok((write.clone(), write, gate));
    }
    if let Some(p) = &path {
        restrict_to_owner(p);
    }
    let read_pool = SqlitePoolOptions::new()
        .max_connections(settings.database_max_connections.clamp(1, 8))
        .acquire_timeout(acquire)
        .test_before_acquire(false)
        .connect_with(opts.pragma("query_only", "ON"))
        .await?;
    Ok((
        SqlxSqliteConnector::from_sqlx_sqlite_pool(read_pool),
        write,
        gate,
    ))
}

/// A connection whose transaction state is not clean (a COMMIT or ROLLBACK failed, for example
/// on a full disk, or SQLite rolled back on its own) is closed rather than reused: reusing it
/// would turn the next `BEGIN` into a savepoint of a transaction that never commits.
async fn sqlite_outside_transaction(conn: &mut SqliteConnection) -> bool {
    if conn.is_in_transaction() {
        tracing::warn!("discarding a SQLite connection left inside a transaction");
        return false;
    }
    match conn.lock_handle().await {
        Ok(mut handle) => {
            // SAFETY: the handle is locked for exclusive use for the duration of the call, and
            // sqlite3_get_autocommit only reads the connection's state.
            let autocommit =
                unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) };
            if autocommit == 0 {
                tracing::warn!("discarding a SQLite connection with an open transaction");
            }
            autocommit != 0
        }
        Err(_) => false,
    }
}

/// Whether the database file, and its WAL and shared-memory files where they exist, can be
/// opened for writing. A file that does not exist yet will be created, so it counts as writable.
pub(super) fn files_writable(path: &std::path::Path) -> bool {
    ["", "-wal", "-shm"].iter().all(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = std::path::PathBuf::from(name);
        !file.exists() || std::fs::OpenOptions::new().write(true).open(&file).is_ok()
    })
}

/// The database file and its WAL and shared-memory files hold every buyer's phone: owner only.
/// The owner's own bits are kept, so a file made read-only stays read-only.
fn restrict_to_owner(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let name = path.as_os_str().to_owned();
        for suffix in ["", "-wal", "-shm"] {
            let mut f = name.clone();
            f.push(suffix);
            let f = std::path::PathBuf::from(f);
            let Ok(meta) = std::fs::metadata(&f) else {
                continue;
            };
            let mode = meta.permissions().mode();
            if mode & 0o077 == 0 {
                continue;
            }
            let owner_only = std::fs::Permissions::from_mode(mode & 0o700);
            if let Err(e) = std::fs::set_permissions(&f, owner_only) {
                tracing::warn!(file = %f.display(), error = %e, "cannot restrict permissions");
            }
        }
    }
}
