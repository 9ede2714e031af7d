//! Reports from a PostgreSQL streaming replica (`database_read_url`), with their freshness.
//!
//! Before a report, one probe asks the primary for its WAL position and the replica how far it
//! has replayed. A replica that has replayed past that position holds everything committed
//! before the probe, so the report is as of the probe's start. One behind says as of its last
//! replayed commit (`pg_last_xact_replay_timestamp()`), a lower bound. The report reads the
//! primary instead while the replica is behind by more than `database_read_max_lag_secs`, or
//! does not answer within `database_read_timeout_millis`; a replica that failed is left alone
//! for `database_read_retry_secs`. While the primary itself cannot be reached, the replica
//! answers however far behind it is, and the answer says so.
//!
//! A statement that fails on the replica midway is sent to the primary, and the rest of that
//! report reads the primary too; the report then says `read_from: primary` with the replica's
//! (older) `as_of`, which still bounds everything it read.

use super::Reader;
use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Which database answered a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    Primary,
    Replica,
}

/// How fresh a report is: everything committed before `as_of` is in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    pub as_of: DateTime<Utc>,
    pub read_from: ReadFrom,
}

pub struct Replica {
    conn: DatabaseConnection,
    timeout: Duration,
    max_lag: Duration,
    retry_after: Duration,
    resting_until: Mutex<Option<Instant>>,
}

const PRIMARY_POSITION: &str = "SELECT pg_current_wal_lsn()::text AS lsn";
const REPLICA_POSITION: &str = "SELECT pg_is_in_recovery() AS standby, \
     COALESCE(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false) AS caught_up, \
     pg_last_xact_replay_timestamp() AS replayed_at";

impl Replica {
    pub fn new(
        conn: DatabaseConnection,
        timeout: Duration,
        max_lag: Duration,
        retry_after: Duration,
    ) -> Self {
        Self {
            conn,
            timeout,
            max_lag,
            retry_after,
            resting_until: Mutex::new(None),
        }
    }

    fn resting(&self) -> bool {
        let until = self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        until.is_some_and(|t| Instant::now() < t)
    }

    fn rest(&self, why: &dyn std::fmt::Display) {
        tracing::warn!(error = %why, "the read replica failed; reports read the primary for now");
        *self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Instant::now() + self.retry_after);
    }

    async fn bounded<T>(&self, work: impl Future<Output = Result<T, DbErr>>) -> Result<T, DbErr> {
        tokio::time::timeout(self.timeout, work)
            .await
            .unwrap_or_else(|_| Err(DbErr::Custom("the read replica did not answer".into())))
    }

    /// How fresh the replica is now, or `None` if reports should read the primary.
    async fn freshness(&self, primary: &Reader, started: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // The primary's position; unknown if the primary cannot be reached.
        let position: Option<String> = match primary.query_one_raw(pg(PRIMARY_POSITION, [])).await {
            Ok(row) => row.and_then(|r| r.try_get("", "lsn").ok()),
            Err(_) => None,
        };
        let asked = self
            .bounded(
                self.conn
                    .query_one_raw(pg(REPLICA_POSITION, [position.clone().into()])),
            )
            .await;
        let row = match asked {
            Ok(Some(row)) => row,
            Ok(None) => return None,
            Err(e) => {
                self.rest(&e);
                return None;
            }
        };
        let standby: bool = row.try_get("", "standby").unwrap_or(false);
        let caught_up: bool = row.try_get("", "caught_up").unwrap_or(false);
        let replayed_at: Option<DateTime<Utc>> = row.try_get("", "replayed_at").unwrap_or(None);
        if !standby || caught_up {
            return Some(started);
        }
        let replayed_at = replayed_at?;
        let lag = (started - replayed_at).to_std().unwrap_or_default();
        if position.is_some() && lag > self.max_lag {
            tracing::info!(
                lag_ms = lag.as_millis(),
                "the read replica lags; reports read the primary"
            );
            return None;
        }
        Some(replayed_at)
    }
}

fn pg(sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The connection a report reads through: the replica if it is fresh enough, else the primary's
/// read pool.
pub struct ReportReader {
    primary: Reader,
    replica: Option<Arc<Replica>>,
    as_of: DateTime<Utc>,
    fell_back: AtomicBool,
}

impl ReportReader {
    /// Chooses where a report reads, probing the replica if there is one.
    pub async fn choose(primary: &Reader, replica: Option<&Arc<Replica>>) -> Self {
        let started = Utc::now();
        let chosen = match replica {
            Some(r) if !r.resting() => r.freshness(primary, started).await.map(|t| (r, t)),
            _ => None,
        };
        Self {
            primary: primary.clone(),
            replica: chosen.map(|(r, _)| r.clone()),
            as_of: chosen.map_or(started, |(_, t)| t),
            fell_back: AtomicBool::new(false),
        }
    }

    pub fn freshness(&self) -> Freshness {
        let on_replica = self.replica.is_some() && !self.fell_back.load(Ordering::Acquire);
        Freshness {
            as_of: self.as_of,
            read_from: if on_replica {
                ReadFrom::Replica
            } else {
                ReadFrom::Primary
            },
        }
    }

    /// The replica, unless this report has already fallen back to the primary.
    fn replica(&self) -> Option<&Replica> {
        self.replica
            .as_deref()
            .filter(|_| !self.fell_back.load(Ordering::Acquire))
    }

    fn fall_back(&self, replica: &Replica, e: &DbErr) {
        replica.rest(e);
        self.fell_back.store(true, Ordering::Release);
    }
}

/// Runs `$call` on the replica if it is in use, and on the primary if it is not or it failed.
macro_rules! on_replica_or_primary {
    ($self:ident, $conn:ident => $call:expr) => {{
        if let Some(replica) = $self.replica() {
            let $conn = &replica.conn;
            match replica.bounded($call).await {
                Ok(v) => return Ok(v),
                Err(e) => $self.fall_back(replica, &e),
            }
        }
        let $conn = &$self.primary;
        $call.await
    }};
}

#[async_trait::async_trait]
impl ConnectionTrait for ReportReader {
    fn get_database_backend(&self) -> DbBackend {
        self.primary.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        on_replica_or_primary!(self, c => c.execute_raw(stmt.clone()))
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        on_replica_or_primary!(self, c => c.execute_unprepared(sql))
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        on_replica_or_primary!(self, c => c.query_one_raw(stmt.clone()))
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        on_replica_or_primary!(self, c => c.query_all_raw(stmt.clone()))
    }

    fn support_returning(&self) -> bool {
        self.primary.support_returning()
    }
}
