//! The collective's books in the official shape: each collective's chart of accounts (the 2023
//! system by default), and the mapping of each kind of ledger posting to an account of it. A
//! mapping row applies from its date forward; a change is a new row, so the mapping in force on
//! any past day can always be read again.

use crate::util::{a, append_only, indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::add_columns(
            manager,
            "collectives",
            vec![string_len(a("chart"), 32).default("cac2023").to_owned()],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("book_mappings"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("collective_id")))
                    .col(string_len(a("chart"), 32))
                    .col(string_len(a("posting_kind"), 32))
                    .col(string_len(a("account_code"), 16))
                    .col(date(a("effective_from")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[(
                "ix_book_mappings_collective",
                "book_mappings",
                &["collective_id", "chart", "posting_kind", "effective_from"],
                false,
            )],
        )
        .await?;
        append_only(manager, &["book_mappings"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("book_mappings")).to_owned())
            .await?;
        crate::util::drop_columns(manager, "collectives", &["chart"]).await
    }
}
