//! Failed logins shared by every replica on one PostgreSQL: one row per (username, address) pair
//! and one per username, each with its count of failures in a row and when the last one was, in
//! microseconds on the database's clock. SQLite, one process by design, keeps these in memory
//! and never writes here.

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "login_failures";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a(TABLE))
                    .col(string_len(a("bucket"), 200).primary_key())
                    .col(integer(a("failures")))
                    .col(big_integer(a("last_us")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a(TABLE)).to_owned())
            .await
    }
}
