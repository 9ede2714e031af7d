//! `sales_daily_log`: what orders add to the daily totals, appended in their own transactions
//! and folded into `sales_daily` by the roll-up (see `services::reports::daily`). The columns
//! of a daily-totals row, without its unique key: an order's write is an insert that waits on
//! nobody. Reports read the daily totals and this log together.

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "sales_daily_log";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a(TABLE)).col(big_pk_auto(a("id")));
        t.col(small_integer(a("basis")));
        for c in ["day_key", "week_key", "month_key"] {
            t.col(integer(a(c)));
        }
        for c in [
            "product_id",
            "batch_id",
            "grower_id",
            "collective_id",
            "live_session_id",
        ] {
            t.col(big_integer(a(c)));
        }
        t.col(string_len(a("buyer_kind"), 16))
            .col(string_len(a("channel"), 16))
            .col(small_integer(a("cancelled")));
        for c in SUMS {
            t.col(big_integer(a(c)));
        }
        manager.create_table(t.to_owned()).await?;
        // A report reads the log's tail by day like the daily totals.
        manager
            .create_index(
                Index::create()
                    .name("idx_sales_daily_log_day")
                    .table(a(TABLE))
                    .col(a("basis"))
                    .col(a("day_key"))
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

const SUMS: [&str; 16] = [
    "h_order",
    "h_product",
    "h_batch",
    "h_grower",
    "h_collective",
    "h_line",
    "share_rows",
    "quantity_g",
    "pieces",
    "ordered_amount_fen",
    "final_amount_fen",
    "refunds_fen",
    "net_sales_fen",
    "commission_fen",
    "grower_payable_fen",
    "shipping_cost_fen",
];
