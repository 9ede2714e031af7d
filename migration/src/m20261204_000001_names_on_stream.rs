//! What the live room knows a buyer by: their Douyin nickname (抖音昵称), which is what the
//! helper hears during a show. And, per show, whether the host's board (which goes on stream)
//! may show buyers' full names; by default it shows them masked (张**).

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
            "buyers",
            vec![string_len_null(a("douyin_nickname"), 100).to_owned()],
        )
        .await?;
        add_columns(
            manager,
            "live_sessions",
            vec![boolean(a("board_full_names")).default(false).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "live_sessions", &["board_full_names"]).await?;
        drop_columns(manager, "buyers", &["douyin_nickname"]).await
    }
}
