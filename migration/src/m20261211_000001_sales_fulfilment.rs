//! The sales figures learn how each order reached its buyer, and what its parcels cost to ship:
//! `sales_facts.fulfilment` (a report dimension, read from the facts) and `shipping_cost_fen`
//! on the facts and the daily totals (a metric).
//!
//! Only columns with defaults are added, and the daily totals keep their key, so a replica still
//! running the previous version keeps writing orders while the others restart. Its facts say
//! `load` with no shipping cost; for a parcel or pickup order written in that window that is
//! wrong, and `zhunong check` names the order.
//!
//! The facts of orders that are not `load` are deleted; the start after this migration writes
//! them again (the backfill of orders without facts) and adds the daily totals up afresh.

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
            "sales_facts",
            vec![
                string_len(a("fulfilment"), 16).default("load").to_owned(),
                big_integer(a("shipping_cost_fen")).default(0).to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            "sales_daily",
            vec![big_integer(a("shipping_cost_fen")).default(0).to_owned()],
        )
        .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM sales_facts WHERE order_id IN \
                 (SELECT id FROM orders WHERE fulfilment <> 'load')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "sales_daily", &["shipping_cost_fen"]).await?;
        drop_columns(manager, "sales_facts", &["fulfilment", "shipping_cost_fen"]).await
    }
}
