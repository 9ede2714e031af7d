//! Orders from the Douyin shop (抖店): the secretary's map from the shop's SKU codes (商家编码) to
//! batches, each imported order's platform ids and money as the shop reported them, and every
//! import with its per-row results. Lines priced by the shop keep their amount when weighed
//! (`order_lines.fixed_amount`): the buyer paid for a box, not by the jin.

use crate::util::{a, add_columns, drop_columns, fk, indexes};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            "order_lines",
            vec![boolean(a("fixed_amount")).default(false).to_owned()],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("shop_sku_maps"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len_uniq(a("sku_code"), 64))
                    .col(big_integer_null(a("batch_id")))
                    .col(big_integer_null(a("product_id")))
                    .col(big_integer(a("units_per_item")))
                    .col(big_integer(a("updated_by")))
                    .col(timestamp_with_time_zone(a("updated_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("shop_imports"))
                    .col(big_pk_auto(a("id")))
                    .col(string_len(a("file_name"), 200))
                    .col(string_len(a("sha256"), 64))
                    .col(boolean(a("dry_run")))
                    .col(big_integer(a("created_by")))
                    .col(timestamp_with_time_zone(a("created_at")))
                    .col(big_integer(a("rows_total")))
                    .col(big_integer(a("rows_new")))
                    .col(big_integer(a("rows_unchanged")))
                    .col(big_integer(a("rows_updated")))
                    .col(big_integer(a("rows_refused")))
                    .col(text(a("columns_used")))
                    .col(text(a("columns_unknown")))
                    .col(text(a("results_csv")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("shop_orders"))
                    .col(big_integer(a("order_id")).primary_key())
                    .col(string_len_uniq(a("platform_order_id"), 32))
                    .col(string_len(a("state"), 64))
                    .col(big_integer(a("goods_fen")))
                    .col(big_integer(a("shipping_fen")))
                    .col(big_integer(a("paid_fen")))
                    .col(big_integer(a("platform_discount_fen")))
                    .col(big_integer(a("shop_discount_fen")))
                    .col(big_integer(a("host_discount_fen")))
                    .col(big_integer(a("refunded_fen")).default(0))
                    .col(timestamp_with_time_zone(a("paid_at")))
                    .col(big_integer(a("import_id")))
                    .col(timestamp_with_time_zone_null(a("shipped_back_at")))
                    .foreign_key(&mut fk("shop_orders", "order_id", "orders"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("shop_order_lines"))
                    .col(big_integer(a("order_line_id")).primary_key())
                    .col(big_integer(a("order_id")))
                    .col(string_len_uniq(a("sub_order_id"), 32))
                    .col(string_len(a("sku_code"), 64))
                    .col(string_len(a("state"), 64))
                    .col(big_integer(a("refunded_fen")).default(0))
                    .foreign_key(&mut fk("shop_order_lines", "order_line_id", "order_lines"))
                    .to_owned(),
            )
            .await?;
        indexes(
            manager,
            &[
                (
                    "ix_shop_order_lines_order",
                    "shop_order_lines",
                    &["order_id"],
                    false,
                ),
                (
                    "ix_shop_imports_created",
                    "shop_imports",
                    &["created_at"],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "shop_order_lines",
            "shop_orders",
            "shop_imports",
            "shop_sku_maps",
        ] {
            manager
                .drop_table(Table::drop().table(a(t)).to_owned())
                .await?;
        }
        drop_columns(manager, "order_lines", &["fixed_amount"]).await
    }
}
