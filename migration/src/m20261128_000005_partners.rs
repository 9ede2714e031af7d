//! The partner API: API keys (only a hash stored), contract prices, webhook endpoints, and the
//! webhook outbox that events are written to in the same transaction as the change.

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
                    .table(a("api_keys"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("buyer_id")))
                    .col(string_len_uniq(a("key_id"), 16))
                    .col(string_len(a("secret_hash"), 64))
                    .col(string_len_null(a("label"), 100))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(timestamp_with_time_zone_null(a("revoked_at")))
                    .col(timestamp_with_time_zone_null(a("last_used_at")))
                    .foreign_key(&mut fk("api_keys", "buyer_id", "buyers"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("contract_prices"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("buyer_id")))
                    .col(big_integer_null(a("product_id")))
                    .col(big_integer_null(a("batch_id")))
                    .col(big_integer(a("price_fen")).check(Expr::col(a("price_fen")).gte(0)))
                    .col(big_integer_null(a("min_quantity")))
                    .col(date(a("valid_from")))
                    .col(date_null(a("valid_to")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk("contract_prices", "buyer_id", "buyers"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_endpoints"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("buyer_id")))
                    .col(string_len(a("url"), 2000))
                    .col(json(a("events")))
                    .col(string_len(a("secret"), 100))
                    .col(string_len_null(a("previous_secret"), 100))
                    .col(timestamp_with_time_zone_null(a(
                        "previous_secret_expires_at",
                    )))
                    .col(boolean(a("enabled")).default(true))
                    .col(string_len_null(a("disabled_reason"), 200))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .foreign_key(&mut fk("webhook_endpoints", "buyer_id", "buyers"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_deliveries"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("endpoint_id")))
                    .col(string_len(a("message_id"), 64))
                    .col(string_len(a("event_type"), 32))
                    .col(text(a("payload")))
                    .col(string_len(a("status"), 16))
                    .col(integer(a("attempts")).default(0))
                    .col(timestamp_with_time_zone(a("next_attempt_at")))
                    .col(timestamp_with_time_zone_null(a("lease_until")))
                    .col(integer_null(a("last_status_code")))
                    .col(string_len_null(a("last_error"), 500))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(timestamp_with_time_zone_null(a("delivered_at")))
                    .foreign_key(&mut fk(
                        "webhook_deliveries",
                        "endpoint_id",
                        "webhook_endpoints",
                    ))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                ("ix_api_keys_buyer", "api_keys", &["buyer_id"], false),
                (
                    "ix_contract_prices_buyer",
                    "contract_prices",
                    &["buyer_id"],
                    false,
                ),
                (
                    "ix_webhook_endpoints_buyer",
                    "webhook_endpoints",
                    &["buyer_id"],
                    false,
                ),
                (
                    "ix_webhook_deliveries_due",
                    "webhook_deliveries",
                    &["status", "next_attempt_at"],
                    false,
                ),
                (
                    "ix_webhook_deliveries_endpoint",
                    "webhook_deliveries",
                    &["endpoint_id"],
                    false,
                ),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "webhook_deliveries",
            "webhook_endpoints",
            "contract_prices",
            "api_keys",
        ] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
