//! Bills from the platforms that pay the village (the 抖店 settlement bill, WeChat Pay's and
//! Alipay's trade bills), each reconciled against the books: one row per bill, one item per
//! thing matched (a shop order, or one payment or refund), with its class and how the office
//! resolved it. A payment a bill confirmed is recorded as reconciled, once.

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
                    .table(a("bills"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("kind"), 32))
                    .col(string_len(a("file_name"), 200))
                    .col(string_len_uniq(a("sha256"), 64))
                    .col(string_len_null(a("merchant_no"), 64))
                    .col(timestamp_with_time_zone(a("period_from")))
                    .col(timestamp_with_time_zone(a("period_to")))
                    .col(big_integer(a("lines")))
                    .col(big_integer(a("amount_fen")))
                    .col(big_integer(a("fee_fen")))
                    .col(big_integer(a("subsidy_fen")))
                    .col(big_integer(a("time_tolerance_minutes")))
                    .col(big_integer(a("amount_tolerance_fen")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .to_owned(),
            )
            .await?;
        // Payments are append-only: that a bill confirmed one is a row of its own, and its
        // primary key lets a payment be reconciled once.
        manager
            .create_table(
                Table::create()
                    .table(a("reconciled_payments"))
                    .col(big_integer(a("payment_id")).primary_key())
                    .col(big_integer(a("bill_id")))
                    .col(big_integer(a("bill_item_id")))
                    .col(timestamp_with_time_zone(a("reconciled_at")))
                    .foreign_key(&mut fk("reconciled_payments", "payment_id", "payments"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("bill_items"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("bill_id")))
                    .col(string_len(a("class"), 32))
                    .col(string_len(a("rows"), 200))
                    .col(string_len_null(a("platform_ref"), 64))
                    .col(string_len_null(a("merchant_ref"), 64))
                    .col(timestamp_with_time_zone_null(a("occurred_at")))
                    .col(big_integer(a("bill_amount_fen")))
                    .col(big_integer(a("books_amount_fen")))
                    .col(big_integer(a("fee_fen")))
                    .col(big_integer(a("subsidy_fen")))
                    .col(big_integer_null(a("order_id")))
                    .col(big_integer_null(a("payment_id")))
                    .col(big_integer_null(a("transaction_id")))
                    .col(string_len_null(a("resolution"), 32))
                    .col(string_len_null(a("note"), 500))
                    .col(big_integer_null(a("resolved_by")))
                    .col(timestamp_with_time_zone_null(a("resolved_at")))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                ("ix_bill_items_bill", "bill_items", &["bill_id"], false),
                ("ix_bill_items_order", "bill_items", &["order_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["reconciled_payments", "bill_items", "bills"] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
