//! Staff get a display name, in Chinese, for pages and the audit log; the login name stays
//! ASCII. Accounts made before this have none, and pages show their login name until an
//! administrator gives them one.

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
            vec![string_null(a("display_name")).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "users", &["display_name"]).await
    }
}
