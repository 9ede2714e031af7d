//! How an order reaches its buyer besides a truck: its fulfilment (`load`, `parcel` or
//! `pickup`), the recipient of a parcel, the buyers' address books, the pickup points, and the
//! parcels with the crates each carries. Also the buyer's own order link (`view_token`) and the
//! pickup code with its count of wrong tries.

use crate::util::{a, add_columns, drop_columns, fk, indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const ORDER_COLUMNS: [&str; 8] = [
    "fulfilment",
    "pickup_point_id",
    "pickup_code",
    "pickup_failures",
    "pickup_locked_until",
    "picked_up_at",
    "shipped_at",
    "view_token",
];

/// The columns of an address, shared by a recipient and an address-book entry.
fn address(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(string_len(a("name"), 50))
        .col(string_len(a("phone"), 20))
        .col(string_len(a("province"), 20))
        .col(string_len(a("city"), 20))
        .col(string_len(a("district"), 20))
        .col(string_len(a("street"), 50))
        .col(string_len(a("detail"), 200))
        .col(string_len_null(a("raw_text"), 300))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            "orders",
            vec![
                string_len(a("fulfilment"), 16).default("load").to_owned(),
                big_integer_null(a("pickup_point_id")).to_owned(),
                string_len_null(a("pickup_code"), 16).to_owned(),
                integer(a("pickup_failures")).default(0).to_owned(),
                timestamp_with_time_zone_null(a("pickup_locked_until")).to_owned(),
                timestamp_with_time_zone_null(a("picked_up_at")).to_owned(),
                timestamp_with_time_zone_null(a("shipped_at")).to_owned(),
                string_len_null(a("view_token"), 64).to_owned(),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("pickup_points"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len_uniq(a("name"), 50))
                    .col(string_len(a("address"), 200))
                    .col(string_len(a("hours"), 100))
                    .col(boolean(a("active")).default(true))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .to_owned(),
            )
            .await?;
        let mut recipients = Table::create();
        recipients
            .table(a("order_recipients"))
            .col(big_integer(a("order_id")).primary_key());
        address(&mut recipients)
            .col(string_len(a("unsure"), 100).default(""))
            .col(timestamp_with_time_zone(a("created_at")))
            .foreign_key(&mut fk("order_recipients", "order_id", "orders"));
        manager.create_table(recipients.to_owned()).await?;
        let mut book = Table::create();
        book.table(a("buyer_addresses"))
            .col(big_pk_auto(a("id")))
            .col(big_integer(a("buyer_id")));
        address(&mut book)
            .col(boolean(a("is_default")).default(false))
            .col(timestamp_with_time_zone(a("created_at")))
            .foreign_key(&mut fk("buyer_addresses", "buyer_id", "buyers"));
        manager.create_table(book.to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(a("parcels"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("carrier"), 32))
                    .col(string_len_null(a("tracking_no"), 40))
                    .col(big_integer(a("weight_g")))
                    .col(big_integer_null(a("shipping_cost_fen")))
                    .col(string_len(a("status"), 16))
                    .col(big_integer(a("packed_by")))
                    .col(timestamp_with_time_zone(a("packed_at")))
                    .col(timestamp_with_time_zone_null(a("shipped_at")))
                    .col(timestamp_with_time_zone_null(a("delivered_at")))
                    .col(boolean(a("delivered_automatically")).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("parcel_items"))
                    .col(big_pk_auto(a("id")))
                    .col(big_integer(a("parcel_id")))
                    .col(big_integer(a("order_id")))
                    .col(big_integer(a("order_line_id")))
                    .col(big_integer(a("weigh_ticket_id")))
                    .foreign_key(&mut fk("parcel_items", "parcel_id", "parcels"))
                    .foreign_key(&mut fk("parcel_items", "order_id", "orders"))
                    .foreign_key(&mut fk("parcel_items", "weigh_ticket_id", "weigh_tickets"))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                ("idx_orders_view_token", "orders", &["view_token"], true),
                (
                    "idx_orders_fulfilment",
                    "orders",
                    &["fulfilment", "status"],
                    false,
                ),
                ("idx_parcels_tracking", "parcels", &["tracking_no"], true),
                (
                    "idx_parcels_status",
                    "parcels",
                    &["status", "shipped_at"],
                    false,
                ),
                // A crate travels in one parcel: two stations packing it cannot both succeed.
                (
                    "idx_parcel_items_crate",
                    "parcel_items",
                    &["weigh_ticket_id"],
                    true,
                ),
                (
                    "idx_parcel_items_order",
                    "parcel_items",
                    &["order_id"],
                    false,
                ),
                (
                    "idx_parcel_items_parcel",
                    "parcel_items",
                    &["parcel_id"],
                    false,
                ),
                (
                    "idx_buyer_addresses_buyer",
                    "buyer_addresses",
                    &["buyer_id"],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "parcel_items",
            "parcels",
            "buyer_addresses",
            "order_recipients",
            "pickup_points",
        ] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_orders_view_token")
                    .table(a("orders"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_orders_fulfilment")
                    .table(a("orders"))
                    .to_owned(),
            )
            .await?;
        drop_columns(manager, "orders", &ORDER_COLUMNS).await
    }
}
