//! The integrity checks the office ran (`POST /api/v1/integrity-checks`): when, by whom, whether
//! every invariant held, and the report (JSON), so the result is kept and shown on the dashboard.

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "integrity_checks";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a(TABLE))
                    .col(big_pk_auto(a("id")))
                    .col(timestamp_with_time_zone(a("checked_at")))
                    .col(big_integer_null(a("run_by")))
                    .col(boolean(a("ok")))
                    .col(big_integer(a("violations")))
                    .col(big_integer(a("took_ms")))
                    .col(json(a("report")))
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
