//! A breaker in front of the database. While the database is known to be unreachable, requests
//! are answered 503 at once instead of each waiting the pool's acquire timeout; a background
//! probe closes the breaker as soon as the database answers again.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the probe tries the database while the breaker is open. Recovery is at most this
/// much behind the database.
const PROBE_EVERY: Duration = Duration::from_millis(100);
/// How long one probe may take; a database that does not answer in this time counts as down.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

pub struct Health {
    open: AtomicBool,
    /// The process is stopping: `/ready` says so, so load balancers send nothing new.
    stopping: AtomicBool,
    /// What the probe asks: a pool of its own on PostgreSQL.
    conn: DatabaseConnection,
}

impl Health {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self {
            open: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            conn,
        }
    }

    pub fn set_stopping(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// The database is known to be unreachable right now.
    pub fn is_down(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    /// Opens the breaker after a connection failure and starts probing; a second call while
    /// open does nothing.
    pub fn trip(self: &Arc<Self>) {
        if self.open.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("database unreachable; answering 503 until it is back");
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                if health.probe().await {
                    health.open.store(false, Ordering::Release);
                    tracing::info!("database reachable again");
                    return;
                }
            }
        });
    }

    /// One bounded `SELECT 1`.
    pub async fn probe(&self) -> bool {
        matches!(
            tokio::time::timeout(PROBE_TIMEOUT, self.conn.execute_unprepared("SELECT 1")).await,
            Ok(Ok(_))
        )
    }
}
