//! Refresh tokens: opaque, stored as SHA-256, one row per issued token. Tokens of one login form
//! a family; each use rotates (marks the row used and issues the next), and the reuse of a used
//! one revokes the whole family.

use crate::util::a;
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
                    .table(a("refresh_tokens"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("user_id")))
                    .col(string_len(a("family"), 64))
                    .col(string_len_uniq(a("token_hash"), 64))
                    .col(big_integer(a("token_version")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(timestamp_with_time_zone(a("expires_at")))
                    .col(timestamp_with_time_zone_null(a("used_at")))
                    .col(timestamp_with_time_zone_null(a("revoked_at")))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("refresh_tokens"), a("user_id"))
                            .to(a("users"), a("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_tokens_family")
                    .table(a("refresh_tokens"))
                    .col(a("family"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(a("refresh_tokens")).to_owned())
            .await
    }
}
