//! Rate limits shared by every replica on one PostgreSQL: one row per bucket (a partner key),
//! holding its theoretical arrival time in microseconds (GCRA). SQLite, one process by design,
//! keeps its limits in memory and never writes here.

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "rate_limits";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a(TABLE))
                    .col(string_len(a("bucket"), 128).primary_key())
                    .col(big_integer(a("tat_us")))
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
