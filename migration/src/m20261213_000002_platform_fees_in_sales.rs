//! What the platforms kept from an order, net of what they added (fees − subsidies), on the order
//! and in its sales figures: the reports' `platform_fees_fen`, and net sales less it, what the
//! village actually received.

use crate::util::{a, add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["orders", "sales_facts", "sales_daily", "sales_daily_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            add_columns(
                manager,
                t,
                vec![big_integer(a("platform_fees_fen")).default(0).to_owned()],
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            drop_columns(manager, t, &["platform_fees_fen"]).await?;
        }
        Ok(())
    }
}
