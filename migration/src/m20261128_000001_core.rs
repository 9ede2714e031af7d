//! The order core: users, catalog (collectives, growers, products, batches), buyers, orders and
//! their lines, and stored idempotent responses.
//!
//! Stock lives on `batches.stock_qty` with a CHECK that it never goes below zero: the service takes
//! stock with a conditional UPDATE, and the CHECK is the last line of defence behind it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Collectives {
    Table,
    Id,
    Name,
    Region,
}

#[derive(DeriveIden)]
enum Growers {
    Table,
    Id,
    CollectiveId,
    Name,
    Kind,
    Phone,
    AreaMu,
    Note,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Name,
    Pricing,
    UnitLabel,
}

#[derive(DeriveIden)]
enum Batches {
    Table,
    Id,
    ProductId,
    GrowerId,
    Code,
    HarvestDate,
    InitialQty,
    StockQty,
    RetailPriceFen,
    EnterprisePriceFen,
    StoragePlace,
    Status,
}

#[derive(DeriveIden)]
enum Buyers {
    Table,
    Id,
    Kind,
    Name,
    Phone,
    Address,
    Company,
    Contacts,
    PaymentTerms,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    BuyerId,
    Channel,
    Status,
    PaymentStatus,
    TotalFen,
    Note,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ConfirmedAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    LineNo,
    BatchId,
    Quantity,
    UnitPriceFen,
    AmountFen,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    Scope,
    Key,
    RequestHash,
    StatusCode,
    ResponseBody,
    CreatedAt,
}

fn created_updated(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone(Alias::new("updated_at")))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(text(Users::PasswordHash))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::Active).default(true))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;

        let mut t = Table::create();
        t.table(Collectives::Table)
            .col(big_pk_auto(Collectives::Id))
            .col(string_len_uniq(Collectives::Name, 100))
            .col(string_len_null(Collectives::Region, 200));
        manager
            .create_table(created_updated(&mut t).to_owned())
            .await?;

        let mut t = Table::create();
        t.table(Growers::Table)
            .col(big_pk_auto(Growers::Id))
            .col(big_integer(Growers::CollectiveId))
            .col(string_len(Growers::Name, 100))
            .col(string_len(Growers::Kind, 16))
            .col(string_len_null(Growers::Phone, 32))
            .col(big_integer_null(Growers::AreaMu))
            .col(text_null(Growers::Note))
            .foreign_key(
                ForeignKey::create()
                    .from(Growers::Table, Growers::CollectiveId)
                    .to(Collectives::Table, Collectives::Id),
            );
        manager
            .create_table(created_updated(&mut t).to_owned())
            .await?;

        let mut t = Table::create();
        t.table(Products::Table)
            .col(big_pk_auto(Products::Id))
            .col(string_len_uniq(Products::Name, 100))
            .col(string_len(Products::Pricing, 16))
            .col(string_len_null(Products::UnitLabel, 16));
        manager
            .create_table(created_updated(&mut t).to_owned())
            .await?;

        let mut t = Table::create();
        t.table(Batches::Table)
            .col(big_pk_auto(Batches::Id))
            .col(big_integer(Batches::ProductId))
            .col(big_integer(Batches::GrowerId))
            .col(string_len_null(Batches::Code, 64))
            .col(date(Batches::HarvestDate))
            .col(big_integer(Batches::InitialQty).check(Expr::col(Batches::InitialQty).gte(0)))
            .col(big_integer(Batches::StockQty).check(Expr::col(Batches::StockQty).gte(0)))
            .col(
                big_integer(Batches::RetailPriceFen)
                    .check(Expr::col(Batches::RetailPriceFen).gte(0)),
            )
            .col(
                big_integer(Batches::EnterprisePriceFen)
                    .check(Expr::col(Batches::EnterprisePriceFen).gte(0)),
            )
            .col(string_len_null(Batches::StoragePlace, 200))
            .col(string_len(Batches::Status, 16))
            .foreign_key(
                ForeignKey::create()
                    .from(Batches::Table, Batches::ProductId)
                    .to(Products::Table, Products::Id),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(Batches::Table, Batches::GrowerId)
                    .to(Growers::Table, Growers::Id),
            );
        manager
            .create_table(created_updated(&mut t).to_owned())
            .await?;

        let mut t = Table::create();
        t.table(Buyers::Table)
            .col(big_pk_auto(Buyers::Id))
            .col(string_len(Buyers::Kind, 16))
            .col(string_len(Buyers::Name, 100))
            .col(string_len_null(Buyers::Phone, 32).unique_key())
            .col(string_len_null(Buyers::Address, 300))
            .col(string_len_null(Buyers::Company, 200))
            .col(json(Buyers::Contacts))
            .col(string_len_null(Buyers::PaymentTerms, 200));
        manager
            .create_table(created_updated(&mut t).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(big_pk_auto(Orders::Id))
                    .col(big_integer(Orders::BuyerId))
                    .col(string_len(Orders::Channel, 16))
                    .col(string_len(Orders::Status, 16))
                    .col(string_len(Orders::PaymentStatus, 16))
                    .col(big_integer(Orders::TotalFen).check(Expr::col(Orders::TotalFen).gte(0)))
                    .col(string_len_null(Orders::Note, 500))
                    .col(big_integer(Orders::CreatedBy))
                    .col(timestamp_with_time_zone(Orders::CreatedAt))
                    .col(timestamp_with_time_zone(Orders::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Orders::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Orders::CancelledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Orders::Table, Orders::BuyerId)
                            .to(Buyers::Table, Buyers::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Orders::Table, Orders::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrderLines::Table)
                    .col(big_pk_auto(OrderLines::Id))
                    .col(big_integer(OrderLines::OrderId))
                    .col(integer(OrderLines::LineNo))
                    .col(big_integer(OrderLines::BatchId))
                    .col(
                        big_integer(OrderLines::Quantity)
                            .check(Expr::col(OrderLines::Quantity).gt(0)),
                    )
                    .col(big_integer(OrderLines::UnitPriceFen))
                    .col(big_integer(OrderLines::AmountFen))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderLines::Table, OrderLines::OrderId)
                            .to(Orders::Table, Orders::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderLines::Table, OrderLines::BatchId)
                            .to(Batches::Table, Batches::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(big_pk_auto(IdempotencyKeys::Id))
                    .col(string_len(IdempotencyKeys::Scope, 64))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::RequestHash, 64))
                    .col(integer(IdempotencyKeys::StatusCode))
                    .col(text(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .to_owned(),
            )
            .await?;

        let indexes: [(&str, &str, &[&str], bool); 10] = [
            (
                "ux_idempotency_scope_key",
                "idempotency_keys",
                &["scope", "key"],
                true,
            ),
            (
                "ix_idempotency_created",
                "idempotency_keys",
                &["created_at"],
                false,
            ),
            (
                "ix_growers_collective",
                "growers",
                &["collective_id"],
                false,
            ),
            ("ix_batches_product", "batches", &["product_id"], false),
            ("ix_batches_grower", "batches", &["grower_id"], false),
            ("ix_orders_created", "orders", &["created_at"], false),
            (
                "ix_orders_status_created",
                "orders",
                &["status", "created_at"],
                false,
            ),
            (
                "ix_orders_buyer_created",
                "orders",
                &["buyer_id", "created_at"],
                false,
            ),
            ("ix_order_lines_order", "order_lines", &["order_id"], false),
            ("ix_order_lines_batch", "order_lines", &["batch_id"], false),
        ];
        crate::util::indexes(manager, &indexes).await?;

        if manager.get_database_backend() == DbBackend::Postgres {
            // The batch row is the hot row of a flash sale: leave room for HOT updates and vacuum
            // it aggressively, or it bloats within minutes and throughput falls tenfold.
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE batches SET (fillfactor = 70, \
                     autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 1000, \
                     autovacuum_vacuum_cost_delay = 0)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "idempotency_keys",
            "order_lines",
            "orders",
            "buyers",
            "batches",
            "products",
            "growers",
            "collectives",
            "users",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
