//! Weighing completes explicitly. A line keeps its ordered quantity reserved while it is weighed
//! crate by crate and returns any shortfall only when the station marks it complete, so a line
//! needs its completion time and what it holds from its batch beyond the order; each ticket
//! records the stock it took beyond what the line already held, so that a void gives back
//! exactly that; an order counts its `order.weighed` announcements so a correction can say
//! which one it supersedes.
//!
//! Lines weighed under the old rule (stock moved to the weighed net at every ticket) are
//! complete: their holding is already the weighed net. Their tickets took nothing recorded, so a
//! later void of one gives nothing back and the re-opened line keeps what it holds until it is
//! completed again.

use crate::util::{a, add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            "order_lines",
            vec![
                timestamp_with_time_zone_null(a("weighing_completed_at")),
                big_integer(a("stock_beyond_order")).default(0).to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            "weigh_tickets",
            vec![big_integer(a("stock_taken")).default(0).to_owned()],
        )
        .await?;
        add_columns(
            manager,
            "orders",
            vec![integer(a("weighed_revision")).default(0).to_owned()],
        )
        .await?;

        let db = manager.get_connection();
        // Completed at its last live ticket; a `by_weight` line holds its weighed net.
        db.execute_unprepared(
            "UPDATE order_lines SET weighing_completed_at = \
               (SELECT MAX(t.weighed_at) FROM weigh_tickets t WHERE t.order_line_id = order_lines.id \
                  AND t.id NOT IN (SELECT v.ticket_id FROM weigh_ticket_voids v)) \
             WHERE weighed_g IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE order_lines SET stock_beyond_order = weighed_g - quantity \
             WHERE weighed_g IS NOT NULL AND EXISTS (SELECT 1 FROM batches b \
               JOIN products p ON p.id = b.product_id \
               WHERE b.id = order_lines.batch_id AND p.pricing = 'by_weight')",
        )
        .await?;
        // A fully weighed order was announced once.
        db.execute_unprepared(
            "UPDATE orders SET weighed_revision = 1 WHERE final_total_fen IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "orders", &["weighed_revision"]).await?;
        drop_columns(manager, "weigh_tickets", &["stock_taken"]).await?;
        drop_columns(
            manager,
            "order_lines",
            &["weighing_completed_at", "stock_beyond_order"],
        )
        .await
    }
}
