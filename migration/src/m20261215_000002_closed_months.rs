//! Closing the books month by month: a closed month takes no more postings dated inside it (a
//! late one goes into the first open month, noting the month it corrects), so its vouchers and
//! their numbers never change. Closing a month closes every month before it; append-only.

use crate::util::{a, append_only};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a("closed_months"))
                    .col(integer(a("month")).primary_key())
                    .col(big_integer(a("closed_by")))
                    .col(timestamp_with_time_zone(a("closed_at")))
                    .to_owned(),
            )
            .await?;
        append_only(manager, &["closed_months"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("closed_months")).to_owned())
            .await
    }
}
