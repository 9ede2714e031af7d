//! Weighing and loading: weigh tickets (several per line, one per crate), their voids, truck
//! loads, the catch-weight results on lines and orders, and the audit log.
//!
//! Tickets, voids and audit rows are never changed or deleted: triggers on both databases
//! refuse UPDATE and DELETE, so a correction is always a new row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WeighTickets {
    Table,
    Id,
    OrderId,
    OrderLineId,
    GrossG,
    TareG,
    NetG,
    ScaleId,
    OperatorId,
    WeighedAt,
    Note,
}

#[derive(DeriveIden)]
enum WeighTicketVoids {
    Table,
    Id,
    TicketId,
    VoidedBy,
    VoidedAt,
    Reason,
}

#[derive(DeriveIden)]
enum Loads {
    Table,
    Id,
    Plate,
    DriverName,
    DriverPhone,
    Destination,
    PlannedDate,
    CapacityKg,
    Status,
    TotalNetG,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    LoadedAt,
    DepartedAt,
    DeliveredAt,
    ReceivedBy,
    HandoverNote,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    Action,
    Entity,
    EntityId,
    Before,
    After,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

/// Tables no one may change or delete rows of.
const APPEND_ONLY: [&str; 3] = ["weigh_tickets", "weigh_ticket_voids", "audit_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WeighTickets::Table)
                    .col(big_pk_auto(WeighTickets::Id))
                    .col(big_integer(WeighTickets::OrderId))
                    .col(big_integer(WeighTickets::OrderLineId))
                    .col(big_integer(WeighTickets::GrossG).check(Expr::col(WeighTickets::GrossG).gt(0)))
                    .col(big_integer(WeighTickets::TareG).check(Expr::col(WeighTickets::TareG).gte(0)))
                    .col(big_integer(WeighTickets::NetG).check(Expr::col(WeighTickets::NetG).gt(0)))
                    .col(string_len(WeighTickets::ScaleId, 64))
                    .col(big_integer(WeighTickets::OperatorId))
                    .col(timestamp_with_time_zone(WeighTickets::WeighedAt))
                    .col(string_len_null(WeighTickets::Note, 500))
                    .check(
                        Expr::col(WeighTickets::NetG)
                            .eq(Expr::col(WeighTickets::GrossG).sub(Expr::col(WeighTickets::TareG))),
                    )
                    .foreign_key(ForeignKey::create().from(WeighTickets::Table, WeighTickets::OrderId).to(Orders::Table, Orders::Id))
                    .foreign_key(
                        ForeignKey::create().from(WeighTickets::Table, WeighTickets::OrderLineId).to(OrderLines::Table, OrderLines::Id),
                    )
                    .foreign_key(ForeignKey::create().from(WeighTickets::Table, WeighTickets::OperatorId).to(Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WeighTicketVoids::Table)
                    .col(big_pk_auto(WeighTicketVoids::Id))
                    .col(big_integer_uniq(WeighTicketVoids::TicketId))
                    .col(big_integer(WeighTicketVoids::VoidedBy))
                    .col(timestamp_with_time_zone(WeighTicketVoids::VoidedAt))
                    .col(string_len(WeighTicketVoids::Reason, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WeighTicketVoids::Table, WeighTicketVoids::TicketId)
                            .to(WeighTickets::Table, WeighTickets::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WeighTicketVoids::Table, WeighTicketVoids::VoidedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Loads::Table)
                    .col(big_pk_auto(Loads::Id))
                    .col(string_len(Loads::Plate, 20))
                    .col(string_len(Loads::DriverName, 100))
                    .col(string_len(Loads::DriverPhone, 32))
                    .col(string_len(Loads::Destination, 300))
                    .col(date(Loads::PlannedDate))
                    .col(big_integer_null(Loads::CapacityKg))
                    .col(string_len(Loads::Status, 16))
                    .col(
                        big_integer(Loads::TotalNetG)
                            .default(0)
                            .check(Expr::col(Loads::TotalNetG).gte(0)),
                    )
                    .col(big_integer(Loads::CreatedBy))
                    .col(timestamp_with_time_zone(Loads::CreatedAt))
                    .col(timestamp_with_time_zone(Loads::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Loads::LoadedAt))
                    .col(timestamp_with_time_zone_null(Loads::DepartedAt))
                    .col(timestamp_with_time_zone_null(Loads::DeliveredAt))
                    .col(string_len_null(Loads::ReceivedBy, 100))
                    .col(string_len_null(Loads::HandoverNote, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Loads::Table, Loads::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(big_integer_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::Entity, 32))
                    .col(big_integer(AuditLog::EntityId))
                    .col(json_null(AuditLog::Before))
                    .col(json_null(AuditLog::After))
                    .to_owned(),
            )
            .await?;

        // One column per ALTER: SQLite takes no more.
        let order_columns = [
            big_integer_null(Alias::new("final_total_fen")),
            boolean(Alias::new("weights_flagged"))
                .default(false)
                .to_owned(),
            big_integer_null(Alias::new("weights_approved_by")),
            timestamp_with_time_zone_null(Alias::new("weights_approved_at")),
            string_len_null(Alias::new("weights_approval_reason"), 500),
            big_integer_null(Alias::new("load_id")),
            timestamp_with_time_zone_null(Alias::new("delivered_at")),
        ];
        for mut c in order_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .add_column(&mut c)
                        .to_owned(),
                )
                .await?;
        }
        let line_columns = [
            big_integer_null(Alias::new("weighed_g")),
            big_integer_null(Alias::new("final_amount_fen")),
            boolean(Alias::new("flagged")).default(false).to_owned(),
        ];
        for mut c in line_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(OrderLines::Table)
                        .add_column(&mut c)
                        .to_owned(),
                )
                .await?;
        }

        crate::util::indexes(
            manager,
            &[
                (
                    "ix_weigh_tickets_line",
                    "weigh_tickets",
                    &["order_line_id"],
                    false,
                ),
                (
                    "ix_weigh_tickets_order",
                    "weigh_tickets",
                    &["order_id"],
                    false,
                ),
                ("ix_orders_load", "orders", &["load_id"], false),
                ("ix_loads_planned", "loads", &["planned_date"], false),
                (
                    "ix_audit_entity",
                    "audit_log",
                    &["entity", "entity_id"],
                    false,
                ),
            ],
        )
        .await?;

        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
                )
                .await?;
        }
        crate::util::append_only(manager, &APPEND_ONLY).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_log", "loads", "weigh_ticket_voids", "weigh_tickets"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        for c in [
            "final_total_fen",
            "weights_flagged",
            "weights_approved_by",
            "weights_approved_at",
            "weights_approval_reason",
            "load_id",
            "delivered_at",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Orders::Table)
                        .drop_column(Alias::new(c))
                        .to_owned(),
                )
                .await?;
        }
        for c in ["weighed_g", "final_amount_fen", "flagged"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OrderLines::Table)
                        .drop_column(Alias::new(c))
                        .to_owned(),
                )
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS refuse_change()")
                .await?;
        }
        Ok(())
    }
}
