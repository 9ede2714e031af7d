//! Whether the platforms' fees come off an order's commission base: fixed on the order when its
//! first fees are posted (the setting then in force), so changing the setting later changes no
//! order already charged. A bill keeps the setting it was applied under, and a grower's statement
//! carries the fees the grower bore.

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
            "orders",
            vec![boolean_null(a("fees_reduce_commission_base")).to_owned()],
        )
        .await?;
        add_columns(
            manager,
            "bills",
            vec![
                boolean(a("fees_reduce_commission_base"))
                    .default(false)
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            "grower_statements",
            vec![big_integer(a("platform_fees_fen")).default(0).to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "grower_statements", &["platform_fees_fen"]).await?;
        drop_columns(manager, "bills", &["fees_reduce_commission_base"]).await?;
        drop_columns(manager, "orders", &["fees_reduce_commission_base"]).await
    }
}
