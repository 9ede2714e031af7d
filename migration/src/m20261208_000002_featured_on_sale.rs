//! A batch featured in a live show can be taken off sale during the show (and put back), so the
//! helper can stop orders for it without ending the show. Featured batches start on sale.

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
            "live_featured",
            vec![boolean(a("on_sale")).default(true).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "live_featured", &["on_sale"]).await
    }
}
