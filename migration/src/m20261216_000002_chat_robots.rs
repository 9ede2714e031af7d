//! Group-chat robots (企业微信, 钉钉) and their outbox: each message is a row, written once per
//! robot and key (so two replicas write a daily summary once), then sent within the robot's rate
//! with retries; a refusal stays visible with its error.

use crate::util::{a, indexes};
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
                    .table(a("chat_robots"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("name"), 64))
                    .col(string_len(a("kind"), 32))
                    .col(text(a("url_sealed")))
                    .col(string_len(a("url_hint"), 200))
                    .col(text_null(a("secret_sealed")))
                    .col(boolean(a("daily_summary")))
                    .col(string_len(a("daily_at"), 5))
                    .col(boolean(a("show_summary")))
                    .col(boolean(a("after_sales")))
                    .col(boolean(a("finance_sheets")))
                    .col(boolean(a("enabled")))
                    .col(big_integer(a("cases_seen_through")))
                    .col(timestamp_with_time_zone(a("deadlines_warned_through")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("chat_messages"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("robot_id")))
                    .col(string_len(a("topic"), 32))
                    .col(string_len_null(a("dedupe_key"), 100))
                    .col(string_len(a("title"), 100))
                    .col(text(a("body")))
                    .col(string_len(a("status"), 32))
                    .col(integer(a("attempts")))
                    .col(timestamp_with_time_zone(a("next_attempt_at")))
                    .col(timestamp_with_time_zone_null(a("lease_until")))
                    .col(timestamp_with_time_zone_null(a("last_attempt_at")))
                    .col(string_len_null(a("last_error"), 500))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(timestamp_with_time_zone_null(a("sent_at")))
                    .foreign_key(&mut crate::util::fk(
                        "chat_messages",
                        "robot_id",
                        "chat_robots",
                    ))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                (
                    "ux_chat_messages_key",
                    "chat_messages",
                    &["robot_id", "dedupe_key"],
                    true,
                ),
                (
                    "ix_chat_messages_due",
                    "chat_messages",
                    &["status", "next_attempt_at"],
                    false,
                ),
                (
                    "ix_chat_messages_robot",
                    "chat_messages",
                    &["robot_id", "last_attempt_at"],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("chat_messages")).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(a("chat_robots")).to_owned())
            .await
    }
}
