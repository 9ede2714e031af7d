//! The read side of [`super::Db`]: the read-only pool, with every statement bounded by the
//! breaker ([`super::health::Health::bounded`]), so a read never waits out the acquire timeout
//! for a database that has gone away. Reads are safe to abandon midway.

use super::health::Health;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use std::sync::Arc;

#[derive(Clone)]
pub struct Reader {
    conn: DatabaseConnection,
    health: Arc<Health>,
}

impl Reader {
    pub(super) fn new(conn: DatabaseConnection, health: Arc<Health>) -> Self {
        Self { conn, health }
    }

    /// The pool itself, for a read that needs one snapshot across statements (the integrity
    /// check's read-only transaction); not bounded by the breaker.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.conn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.health.bounded(self.conn.execute_raw(stmt)).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.health.bounded(self.conn.execute_unprepared(sql)).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.health.bounded(self.conn.query_one_raw(stmt)).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.health.bounded(self.conn.query_all_raw(stmt)).await
    }

    fn support_returning(&self) -> bool {
        self.conn.support_returning()
    }
}
