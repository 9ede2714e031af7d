//! Livestream selling: live sessions, their featured batches (live price, per-buyer limit), what
//! each buyer has taken per session and batch (so the limit holds under concurrency), and the
//! session an order was taken in.

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
                    .table(a("live_sessions"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("platform"), 32))
                    .col(string_len(a("host"), 100))
                    .col(string_len(a("title"), 200))
                    .col(timestamp_with_time_zone(a("planned_start")))
                    .col(string_len(a("status"), 16))
                    .col(timestamp_with_time_zone_null(a("started_at")))
                    .col(timestamp_with_time_zone_null(a("ended_at")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk("live_sessions", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("live_featured"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("session_id")))
                    .col(big_integer(a("batch_id")))
                    .col(
                        big_integer(a("live_price_fen"))
                            .check(Expr::col(a("live_price_fen")).gte(0)),
                    )
                    .col(big_integer_null(a("per_buyer_limit")))
                    .foreign_key(&mut fk("live_featured", "session_id", "live_sessions"))
                    .foreign_key(&mut fk("live_featured", "batch_id", "batches"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("live_buyer_takes"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("session_id")))
                    .col(big_integer(a("buyer_id")))
                    .col(big_integer(a("batch_id")))
                    .col(big_integer(a("quantity")).check(Expr::col(a("quantity")).gte(0)))
                    .foreign_key(&mut fk("live_buyer_takes", "session_id", "live_sessions"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(a("orders"))
                    .add_column(big_integer_null(a("live_session_id")))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                (
                    "ux_live_featured",
                    "live_featured",
                    &["session_id", "batch_id"],
                    true,
                ),
                (
                    "ux_live_takes",
                    "live_buyer_takes",
                    &["session_id", "buyer_id", "batch_id"],
                    true,
                ),
                (
                    "ix_orders_live_session",
                    "orders",
                    &["live_session_id"],
                    false,
                ),
                (
                    "ix_live_sessions_status",
                    "live_sessions",
                    &["status"],
                    false,
                ),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(a("orders"))
                    .drop_column(a("live_session_id"))
                    .to_owned(),
            )
            .await?;
        for t in ["live_buyer_takes", "live_featured", "live_sessions"] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
