//! Money: payments, commission rules (copied onto order lines when ordered), the double-entry
//! ledger, and frozen grower statements. Payments, ledger rows and statements are append-only:
//! triggers on both databases refuse UPDATE and DELETE.

use crate::util::{a, append_only, fk, indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPEND_ONLY: [&str; 4] = [
    "payments",
    "ledger_transactions",
    "ledger_entries",
    "grower_statements",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(a("payments"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("order_id")))
                    .col(big_integer(a("amount_fen")).check(Expr::col(a("amount_fen")).ne(0)))
                    .col(string_len(a("method"), 16))
                    .col(string_len_null(a("reference"), 100))
                    .col(string_len_null(a("reason"), 500))
                    .col(timestamp_with_time_zone(a("paid_at")))
                    .col(big_integer(a("recorded_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk("payments", "order_id", "orders"))
                    .foreign_key(&mut fk("payments", "recorded_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("commission_rules"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("scope"), 16))
                    .col(big_integer_null(a("batch_id")))
                    .col(big_integer_null(a("product_id")))
                    .col(string_len_null(a("channel"), 16))
                    .col(
                        big_integer(a("basis_points"))
                            .check(Expr::col(a("basis_points")).between(0, 10_000)),
                    )
                    .col(big_integer(a("fen_per_jin")).check(Expr::col(a("fen_per_jin")).gte(0)))
                    .col(date(a("valid_from")))
                    .col(date_null(a("valid_to")))
                    .col(string_len_null(a("note"), 500))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk("commission_rules", "batch_id", "batches"))
                    .foreign_key(&mut fk("commission_rules", "product_id", "products"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("commission_rule_shares"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("rule_id")))
                    .col(big_integer(a("collective_id")))
                    .col(big_integer(a("shares")).check(Expr::col(a("shares")).gt(0)))
                    .foreign_key(&mut fk(
                        "commission_rule_shares",
                        "rule_id",
                        "commission_rules",
                    ))
                    .foreign_key(&mut fk(
                        "commission_rule_shares",
                        "collective_id",
                        "collectives",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("ledger_transactions"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("kind"), 32))
                    .col(big_integer_null(a("order_id")))
                    .col(big_integer_null(a("reverses_id")))
                    .col(string_len(a("description"), 500))
                    .col(date(a("occurred_on")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("ledger_entries"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("transaction_id")))
                    .col(string_len(a("account"), 64))
                    .col(string_len(a("entry_kind"), 32))
                    .col(big_integer_null(a("collective_id")))
                    .col(big_integer_null(a("grower_id")))
                    .col(string_len_null(a("category"), 32))
                    .col(big_integer(a("amount_fen")))
                    .col(big_integer(a("quantity_g")).default(0))
                    .col(date(a("occurred_on")))
                    .col(integer(a("period")))
                    .foreign_key(&mut fk(
                        "ledger_entries",
                        "transaction_id",
                        "ledger_transactions",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("grower_statements"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("grower_id")))
                    .col(date(a("period_from")))
                    .col(date(a("period_to")))
                    .col(big_integer(a("after_transaction_id")))
                    .col(big_integer(a("through_transaction_id")))
                    .col(big_integer(a("quantity_g")))
                    .col(big_integer(a("sales_fen")))
                    .col(big_integer(a("commission_fen")))
                    .col(big_integer(a("payable_fen")))
                    .col(big_integer(a("paid_out_fen")))
                    .col(big_integer(a("opening_balance_fen")))
                    .col(big_integer(a("balance_fen")))
                    .col(big_integer(a("issued_by")))
                    .col(timestamp_with_time_zone(a("issued_at")))
                    .foreign_key(&mut fk("grower_statements", "grower_id", "growers"))
                    .to_owned(),
            )
            .await?;

        let mut line_cols = [
            big_integer_null(a("commission_rule_id")),
            big_integer_null(a("commission_bp")),
            big_integer_null(a("commission_fen_per_jin")),
            json_null(a("commission_shares")),
        ];
        for c in &mut line_cols {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("order_lines"))
                        .add_column(c)
                        .to_owned(),
                )
                .await?;
        }
        let mut order_cols = [
            big_integer(a("paid_fen")).default(0).to_owned(),
            big_integer_null(a("settlement_transaction_id")),
            timestamp_with_time_zone_null(a("settled_at")),
        ];
        for c in &mut order_cols {
            manager
                .alter_table(Table::alter().table(a("orders")).add_column(c).to_owned())
                .await?;
        }

        indexes(
            manager,
            &[
                ("ix_payments_order", "payments", &["order_id"], false),
                ("ix_rules_batch", "commission_rules", &["batch_id"], false),
                (
                    "ix_rules_product",
                    "commission_rules",
                    &["product_id"],
                    false,
                ),
                (
                    "ix_rule_shares_rule",
                    "commission_rule_shares",
                    &["rule_id"],
                    false,
                ),
                (
                    "ix_ledger_tx_order",
                    "ledger_transactions",
                    &["order_id"],
                    false,
                ),
                (
                    "ix_ledger_entries_tx",
                    "ledger_entries",
                    &["transaction_id"],
                    false,
                ),
                (
                    "ix_ledger_entries_collective",
                    "ledger_entries",
                    &["collective_id", "period"],
                    false,
                ),
                (
                    "ix_ledger_entries_grower",
                    "ledger_entries",
                    &["grower_id", "transaction_id"],
                    false,
                ),
                (
                    "ux_statements_grower_through",
                    "grower_statements",
                    &["grower_id", "through_transaction_id"],
                    true,
                ),
            ],
        )
        .await?;

        append_only(manager, &APPEND_ONLY).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "grower_statements",
            "ledger_entries",
            "ledger_transactions",
            "commission_rule_shares",
            "commission_rules",
            "payments",
        ] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        for c in [
            "commission_rule_id",
            "commission_bp",
            "commission_fen_per_jin",
            "commission_shares",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("order_lines"))
                        .drop_column(a(c))
                        .to_owned(),
                )
                .await?;
        }
        for c in ["paid_fen", "settlement_transaction_id", "settled_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("orders"))
                        .drop_column(a(c))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
