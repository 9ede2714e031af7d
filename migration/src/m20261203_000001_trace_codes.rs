//! Trace codes (溯源码): the code printed as a QR code on a crate's label, one per weigh ticket,
//! and one per batch for boxes that are not weighed. A code is 16 base32 characters of 80 random
//! bits, made when a label is first printed. `trace_scans` counts the scans of each code per
//! local day (`day_key` as `20261201`).

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CODES: &str = "trace_codes";
const SCANS: &str = "trace_scans";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a(CODES))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("code"), 32))
                    .col(big_integer(a("batch_id")))
                    // Set for a crate's code; NULL for the batch's own code.
                    .col(big_integer_null(a("weigh_ticket_id")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut crate::util::fk(CODES, "batch_id", "batches"))
                    .foreign_key(&mut crate::util::fk(
                        CODES,
                        "weigh_ticket_id",
                        "weigh_tickets",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_trace_codes_code", "code"),
            ("idx_trace_codes_ticket", "weigh_ticket_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(a(CODES))
                        .col(a(col))
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        // One batch code per batch: the unique key is on batch_id where there is no ticket.
        // Both databases take a partial unique index.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_trace_codes_batch ON trace_codes (batch_id) \
                 WHERE weigh_ticket_id IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a(SCANS))
                    .col(big_integer(a("code_id")))
                    .col(integer(a("day_key")))
                    .col(big_integer(a("scans")))
                    .primary_key(Index::create().col(a("code_id")).col(a("day_key")))
                    .foreign_key(&mut crate::util::fk(SCANS, "code_id", CODES))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a(SCANS)).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(a(CODES)).to_owned())
            .await
    }
}
