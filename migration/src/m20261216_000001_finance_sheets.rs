//! The public finance sheet (财务公开): a collective's income, spending, assets and debts for a
//! quarter or a month, drafted by the office, checked by the finance group, then published. A
//! published sheet is frozen: the database refuses a change to its content and any deletion; a
//! correction is a new version.

use crate::util::{a, indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a("finance_sheets"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("collective_id")))
                    .col(string_len(a("period"), 16))
                    .col(integer(a("version")))
                    .col(string_len(a("status"), 32))
                    .col(text(a("content")))
                    .col(big_integer(a("drafted_by")))
                    .col(timestamp_with_time_zone(a("drafted_at")))
                    .col(big_integer_null(a("checked_by")))
                    .col(timestamp_with_time_zone_null(a("checked_at")))
                    .col(string_len_null(a("check_note"), 500))
                    .col(big_integer_null(a("published_by")))
                    .col(timestamp_with_time_zone_null(a("published_at")))
                    .col(timestamp_with_time_zone_null(a("replaced_at")))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[(
                "ux_finance_sheets_version",
                "finance_sheets",
                &["collective_id", "period", "version"],
                true,
            )],
        )
        .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TRIGGER finance_sheets_frozen BEFORE UPDATE OF content, period, version, collective_id \
                     ON finance_sheets FOR EACH ROW WHEN (OLD.status IN ('published', 'replaced')) \
                     EXECUTE FUNCTION refuse_change()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER finance_sheets_kept BEFORE DELETE ON finance_sheets \
                     FOR EACH ROW EXECUTE FUNCTION refuse_change()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER finance_sheets_frozen BEFORE UPDATE OF content, period, version, collective_id \
                     ON finance_sheets WHEN OLD.status IN ('published', 'replaced') \
                     BEGIN SELECT RAISE(ABORT, 'a published finance sheet is frozen'); END",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER finance_sheets_kept BEFORE DELETE ON finance_sheets \
                     BEGIN SELECT RAISE(ABORT, 'finance sheets are kept: DELETE refused'); END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("finance_sheets")).to_owned())
            .await
    }
}
