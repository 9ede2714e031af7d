//! A breaker in front of the database. While the database is known to be unreachable, requests
//! are answered 503 at once instead of each waiting the pool's acquire timeout; a background
//! probe closes the breaker as soon as the database answers again.
//!
//! A database can also go away while no request is using it: the next requests then sit in the
//! pool's connect loop (sqlx retries a refused connection until the acquire timeout) and nothing
//! fails to open the breaker. [`Health::bounded`] covers that: work that has not finished after
//! the stall threshold asks the probe, and gives up with 503 as soon as the breaker opens.

use super::fault::{Fault, why_away};
use crate::error::Outage;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, RuntimeErr};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How often the probe tries the database while the breaker is open. Recovery is at most this
/// much behind the database.
const PROBE_EVERY: Duration = Duration::from_millis(100);
/// How long one probe may take; a database that does not answer in this time counts as down.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(400);

pub struct Health {
    /// `true` while the breaker is open. A watch, so that waiting work can be released the
    /// moment it opens.
    open: watch::Sender<bool>,
    /// Why it is open, as the last failure said: a server that is shutting down or restarting
    /// (PostgreSQL 57P01–57P03) is not one that cannot be reached.
    cause: Mutex<Fault>,
    /// A stall check is running; others wait for its verdict instead of starting their own.
    checking: AtomicBool,
    /// The process is stopping: `/ready` says so, so load balancers send nothing new.
    stopping: AtomicBool,
    /// After how long unfinished work asks the probe; `None` never (SQLite: a file does not go
    /// away, and its probe shares the read pool, so a busy pool would look like an outage).
    stall_after: Option<Duration>,
    /// What the probe asks: a pool of its own on PostgreSQL.
    conn: DatabaseConnection,
}

impl Health {
    pub fn new(conn: DatabaseConnection, stall_after: Option<Duration>) -> Self {
        Self {
            open: watch::Sender::new(false),
            cause: Mutex::new(Fault::Unreachable),
            checking: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            stall_after,
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
        *self.open.borrow()
    }

    /// Why requests are refused right now, if they are.
    pub fn outage(&self) -> Option<Outage> {
        self.is_down()
            .then(|| Outage::of_fault(self.cause()))
            .flatten()
    }

    fn cause(&self) -> Fault {
        *self
            .cause
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_cause(&self, fault: Fault) {
        *self
            .cause
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fault;
    }

    /// Opens the breaker after a connection failure and starts probing; a second call while
    /// open only updates the cause.
    pub fn trip(self: &Arc<Self>, cause: Fault) {
        self.set_cause(cause);
        if self.open.send_replace(true) {
            return;
        }
        tracing::warn!(?cause, "database away; answering 503 until it is back");
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                match health.probe().await {
                    Ok(()) => {
                        health.open.send_replace(false);
                        tracing::info!("database reachable again");
                        return;
                    }
                    Err(cause) => health.set_cause(cause),
                }
            }
        });
    }

    /// One bounded `SELECT 1`; what kept it from answering, if it did not.
    ///
    /// # Errors
    /// The database did not answer within [`PROBE_TIMEOUT`], or refused.
    pub async fn probe(&self) -> Result<(), Fault> {
        match tokio::time::timeout(PROBE_TIMEOUT, self.conn.execute_unprepared("SELECT 1")).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(why_away(&e)),
            Err(_) => Err(Fault::Unreachable),
        }
    }

    /// Runs `work` (getting a connection, or a read that may have to get one), but answers
    /// "unreachable" instead of waiting for it once the breaker is open. Work still unfinished
    /// after the stall threshold starts a probe, so an outage that no request has seen yet
    /// opens the breaker within the threshold plus [`PROBE_TIMEOUT`]. Only for work that is
    /// safe to abandon midway: nothing here may be a write.
    ///
    /// # Errors
    /// `work`'s own error, or [`DbErr::Conn`] when the breaker opened first.
    pub async fn bounded<T>(
        self: &Arc<Self>,
        work: impl Future<Output = Result<T, DbErr>>,
    ) -> Result<T, DbErr> {
        let Some(stall_after) = self.stall_after else {
            return work.await;
        };
        if self.is_down() {
            return Err(unreachable());
        }
        let mut work = std::pin::pin!(work);
        tokio::select! {
            biased;
            done = &mut work => return done,
            () = tokio::time::sleep(stall_after) => {}
        }
        self.check_in_background();
        let mut open = self.open.subscribe();
        tokio::select! {
            biased;
            done = &mut work => done,
            _ = open.wait_for(|is_open| *is_open) => Err(unreachable()),
        }
    }

    /// Probes once (at most one such probe runs at a time) and opens the breaker if the
    /// database does not answer.
    fn check_in_background(self: &Arc<Self>) {
        if self.is_down() || self.checking.swap(true, Ordering::AcqRel) {
            return;
        }
        let health = self.clone();
        tokio::spawn(async move {
            if let Err(cause) = health.probe().await {
                health.trip(cause);
            }
            health.checking.store(false, Ordering::Release);
        });
    }
}

fn unreachable() -> DbErr {
    DbErr::Conn(RuntimeErr::Internal("database unreachable".into()))
}
