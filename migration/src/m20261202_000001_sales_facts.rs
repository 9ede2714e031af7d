//! Sales facts: what the sales reports add up, one row per order line and collective share,
//! written in the same transaction as every change to the order's figures (placing, weighing,
//! cancelling, paying, refunding, settling). Dates are stored as integer keys in the village's
//! local time (`20260930`, the ISO week's Monday `20260928`, the month `202609`), so grouping by
//! day, week, month, quarter or year needs no date SQL of either database.
//!
//! A line whose commission is shared by several collectives has one row per collective with its
//! amounts split by the shares (largest remainder), so the rows of a line add up to the line
//! exactly; a line without commission has one row with no collective. A cancelled line keeps
//! its row with every amount zero and `cancelled_order_id` set.
//!
//! Both tables are derived: they have no foreign keys, and the service fills them for any order
//! that lacks facts at start-up.

use crate::util::a;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "sales_facts";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(a(TABLE)).col(big_pk_auto(a("id")));
        for c in ["order_id", "line_id"] {
            t.col(big_integer(a(c)));
        }
        t.col(big_integer_null(a("collective_id")));
        for c in ["placed_day", "placed_week", "placed_month"] {
            t.col(integer(a(c)));
        }
        for c in ["settled_day", "settled_week", "settled_month"] {
            t.col(integer_null(a(c)));
        }
        for c in ["product_id", "batch_id", "grower_id", "buyer_id"] {
            t.col(big_integer(a(c)));
        }
        t.col(string_len(a("buyer_kind"), 16))
            .col(string_len(a("channel"), 16));
        for c in [
            "live_session_id",
            "live_order_id",
            "live_line_id",
            "cancelled_order_id",
        ] {
            t.col(big_integer_null(a(c)));
        }
        // `cancelled` is 1 for the rows of a cancelled order. The `h_…` markers are 1 on the
        // first row of each order (h_order), of each pair of an order and a product, batch,
        // grower or collective (h_product, …), and of each line (h_line): adding them up counts
        // orders and lines exactly at any grouping with one line-level dimension, without
        // COUNT(DISTINCT …).
        for c in [
            "cancelled",
            "h_order",
            "h_product",
            "h_batch",
            "h_grower",
            "h_collective",
            "h_line",
        ] {
            t.col(small_integer(a(c)));
        }
        for c in [
            "quantity_g",
            "pieces",
            "ordered_amount_fen",
            "final_amount_fen",
            "refunds_fen",
            "net_sales_fen",
            "commission_fen",
            "grower_payable_fen",
        ] {
            t.col(big_integer(a(c)));
        }
        manager.create_table(t.to_owned()).await?;
        for (name, cols) in [
            ("idx_sales_facts_order", &["order_id"][..]),
            ("idx_sales_facts_placed", &["placed_day", "product_id"][..]),
            (
                "idx_sales_facts_settled",
                &["settled_day", "product_id"][..],
            ),
        ] {
            let mut i = Index::create();
            i.name(name).table(a(TABLE));
            for c in cols {
                i.col(a(c));
            }
            manager.create_index(i.to_owned()).await?;
        }
        daily(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a(DAILY)).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(a(TABLE)).to_owned())
            .await
    }
}

const DAILY: &str = "sales_daily";

/// `sales_daily`: the facts added up per day and per everything a report groups or filters by
/// except the buyer, once by placing date (`basis` 0) and once by settlement date (1). The same
/// transactions keep it, by adding the difference between an order's old and new facts, so a
/// year's report reads a few tens of thousands of rows instead of a million. A missing
/// collective or live session is 0 here (not NULL), so that the key is unique.
async fn daily(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut t = Table::create();
    t.table(a(DAILY)).col(big_pk_auto(a("id")));
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
    let mut key = Index::create();
    key.name("idx_sales_daily_key").table(a(DAILY)).unique();
    for c in KEY {
        key.col(a(c));
    }
    manager.create_index(key.to_owned()).await
}

/// The key of a `sales_daily` row: its day first, so a span is one index range.
const KEY: [&str; 10] = [
    "basis",
    "day_key",
    "product_id",
    "batch_id",
    "grower_id",
    "collective_id",
    "live_session_id",
    "buyer_kind",
    "channel",
    "cancelled",
];

const SUMS: [&str; 15] = [
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
];
