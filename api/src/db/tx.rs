//! The write transaction. Only [`crate::db::Db::begin_write`] makes one, and the pool that
//! serves reads refuses writes, so every write goes through a `Tx`.
//!
//! A `Tx` is poisoned by the first error of any statement in it: later statements are not sent
//! and `commit` refuses. On SQLite some errors (`SQLITE_FULL`, I/O errors) roll the transaction
//! back on the spot, and statements sent after that would each commit on their own. Poisoning
//! makes "an error inside a write transaction is never answered 2xx" hold whatever the caller
//! does with the error.

use super::fault::{Fault, classify};
use super::hub::{Hub, Notice};
use crate::error::{AppError, AppResult};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use std::sync::Arc;
use std::sync::Mutex;
use tokio::sync::OwnedMutexGuard;

pub struct Tx {
    txn: DatabaseTransaction,
    hub: Arc<Hub>,
    /// The first error seen, kept as text (a `DbErr` is not `Clone`) with its fault class.
    poisoned: Mutex<Option<(String, Option<Fault>)>>,
    /// Notices to hand to this process's subscribers once the commit has succeeded (SQLite);
    /// PostgreSQL delivers its NOTIFYs at commit by itself.
    notices: Mutex<Vec<Notice>>,
    /// On SQLite, the writer gate, held until commit or drop.
    _gate: Option<OwnedMutexGuard<()>>,
    local_offset: chrono::FixedOffset,
}

impl Tx {
    pub(super) fn new(
        txn: DatabaseTransaction,
        hub: Arc<Hub>,
        gate: Option<OwnedMutexGuard<()>>,
        local_offset: chrono::FixedOffset,
    ) -> Self {
        Self {
            txn,
            hub,
            poisoned: Mutex::new(None),
            notices: Mutex::new(Vec::new()),
            _gate: gate,
            local_offset,
        }
    }

    /// The village's time zone, for writes that record a local date.
    pub fn local_offset(&self) -> chrono::FixedOffset {
        self.local_offset
    }

    /// Commits, then hands the transaction's notices to subscribers.
    ///
    /// # Errors
    /// An earlier statement failed (nothing is committed), or the commit failed.
    pub async fn commit(self) -> AppResult<()> {
        if let Some((first, fault)) = self.first_error() {
            self.txn.rollback().await.ok();
            return Err(match fault {
                Some(f) => AppError::Transient(f),
                None => AppError::Internal(anyhow::anyhow!(
                    "refusing to commit a transaction in which a statement failed: {first}"
                )),
            });
        }
        let notices = std::mem::take(&mut *lock(&self.notices));
        self.txn.commit().await?;
        for n in notices {
            self.hub.after_commit(n);
        }
        Ok(())
    }

    /// # Errors
    /// The rollback could not be sent; the database rolls back on its own when the connection
    /// closes (and a connection left inside a transaction is never reused).
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }

    /// Sends a change notice that subscribers (on every replica) receive only if this
    /// transaction commits: a NOTIFY inside the transaction on PostgreSQL, a send after the
    /// commit on SQLite.
    ///
    /// # Errors
    /// Database errors.
    pub async fn notify(&self, notice: Notice) -> Result<(), DbErr> {
        if let Some(sql) = self.hub.notify_sql(notice) {
            self.execute_unprepared(&sql).await?;
        } else {
            lock(&self.notices).push(notice);
        }
        Ok(())
    }

    fn first_error(&self) -> Option<(String, Option<Fault>)> {
        lock(&self.poisoned).clone()
    }

    fn check(&self) -> Result<(), DbErr> {
        match self.first_error() {
            Some((first, _)) => Err(DbErr::Custom(format!(
                "an earlier statement in this transaction failed: {first}"
            ))),
            None => Ok(()),
        }
    }

    fn observe<T>(&self, r: Result<T, DbErr>) -> Result<T, DbErr> {
        if let Err(e) = &r {
            lock(&self.poisoned).get_or_insert_with(|| (e.to_string(), classify(e)));
        }
        r
    }
}

/// A poisoned std mutex only means another thread panicked while pushing to a Vec; the data is
/// still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait::async_trait]
impl ConnectionTrait for Tx {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.check()?;
        self.observe(self.txn.execute_raw(stmt).await)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.check()?;
        self.observe(self.txn.execute_unprepared(sql).await)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.check()?;
        self.observe(self.txn.query_one_raw(stmt).await)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.check()?;
        self.observe(self.txn.query_all_raw(stmt).await)
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
