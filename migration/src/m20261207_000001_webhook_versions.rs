//! Each webhook endpoint keeps the version of the event bodies it was registered for, so that a
//! partner's receiver never sees a body change shape under it. Endpoints registered before
//! versions existed have been receiving version 2, and keep it.

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
            "webhook_endpoints",
            vec![integer(a("version")).default(2).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "webhook_endpoints", &["version"]).await
    }
}
