//! After-sales cases (售后) for fresh produce: a claim on an order's lines, with its type,
//! reason, what is claimed, the village's deadline to answer, the decision and who made it, and
//! the buyer's photos (kept in the database, so every replica reads them and backups hold them).

use crate::util::{a, fk, indexes};
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
                    .table(a("after_sales_cases"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("order_id")))
                    .col(string_len(a("kind"), 16))
                    .col(string_len(a("reason"), 16))
                    .col(string_len_null(a("note"), 500))
                    .col(big_integer_null(a("claimed_fen")))
                    .col(big_integer_null(a("claimed_g")))
                    .col(big_integer_null(a("claimed_count")))
                    .col(string_len(a("status"), 16))
                    .col(string_len_null(a("decision"), 16))
                    .col(big_integer_null(a("decided_fen")))
                    .col(string_len_null(a("decision_reason"), 500))
                    .col(big_integer_null(a("decided_by")))
                    .col(timestamp_with_time_zone_null(a("decided_at")))
                    .col(big_integer_null(a("refund_payment_id")))
                    .col(big_integer_null(a("reship_order_id")))
                    .col(timestamp_with_time_zone(a("deadline_at")))
                    .col(boolean(a("reopened")).default(false))
                    .col(big_integer_null(a("opened_by")))
                    .col(boolean(a("opened_by_buyer")).default(false))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(timestamp_with_time_zone_null(a("closed_at")))
                    .foreign_key(&mut fk("after_sales_cases", "order_id", "orders"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("after_sales_lines"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("case_id")))
                    .col(big_integer(a("order_line_id")))
                    .foreign_key(&mut fk("after_sales_lines", "case_id", "after_sales_cases"))
                    .foreign_key(&mut fk("after_sales_lines", "order_line_id", "order_lines"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("after_sales_photos"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("case_id")))
                    .col(string_len(a("content_type"), 32))
                    .col(big_integer(a("size")))
                    .col(blob(a("bytes")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk(
                        "after_sales_photos",
                        "case_id",
                        "after_sales_cases",
                    ))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                (
                    "idx_after_sales_order",
                    "after_sales_cases",
                    &["order_id"],
                    false,
                ),
                (
                    "idx_after_sales_status",
                    "after_sales_cases",
                    &["status", "deadline_at"],
                    false,
                ),
                (
                    "idx_after_sales_lines_case",
                    "after_sales_lines",
                    &["case_id"],
                    false,
                ),
                (
                    "idx_after_sales_lines_line",
                    "after_sales_lines",
                    &["order_line_id"],
                    false,
                ),
                (
                    "idx_after_sales_photos_case",
                    "after_sales_photos",
                    &["case_id"],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "after_sales_photos",
            "after_sales_lines",
            "after_sales_cases",
        ] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
