//! A per-user token version. Every access token carries the version it was issued under; when a
//! user is disabled, changes role or gets a new password the version moves on, and older tokens
//! stop working at their next request.

use crate::util::{a, add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            "users",
            vec![big_integer(a("token_version")).default(0).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "users", &["token_version"]).await
    }
}
