//! Writing sales facts and their entries in the daily totals' log, in one call to the database
//! on every change to an order.

use super::{OrderFigures, active, rows};
use crate::db::Tx;
use crate::db::json_rows::{self, JsonRows};
use crate::error::AppResult;
use crate::services::reports::daily;
use chrono::FixedOffset;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use zhunong_entity::sales_fact;

/// Writes the facts of new orders (rows made by [`rows`]), and their entries in the daily totals'
/// log, in one go: an import writes a group of orders at a time.
///
/// # Errors
/// Database errors; figures that overflow (500).
pub async fn insert_rows(tx: &Tx, new: &[sales_fact::Model]) -> AppResult<()> {
    write(tx, &[], new).await
}

/// PostgreSQL: a new order's facts and their entries in the daily totals' log, as row sets for
/// the caller's own statement (the one inserting the order's lines, see
/// [`json_rows::insert_all`]), so that they cost no round trip of their own; empty if the order
/// has no facts.
///
/// # Errors
/// Figures that overflow (500).
pub fn insert_sets(f: &OrderFigures<'_>, offset: FixedOffset) -> AppResult<Vec<JsonRows>> {
    postgres_sets(&[], &rows(f, offset)?)
}

/// The `new` facts and the log's difference from `old`, as row sets (PostgreSQL).
fn postgres_sets(old: &[sales_fact::Model], new: &[sales_fact::Model]) -> AppResult<Vec<JsonRows>> {
    let mut sets = Vec::with_capacity(2);
    if !new.is_empty() {
        sets.push(JsonRows::of_models::<sales_fact::Entity>(new, &["id"])?);
    }
    sets.extend(daily::append_rows(old, new)?);
    Ok(sets)
}

/// Replaces `old` facts by `new` ones, and appends the difference to the daily totals' log: one
/// call on every change to an order, a statement with CTEs on PostgreSQL, one text of several
/// statements on SQLite (a new order's go with its lines: `insert_sets`, `insert_statements`).
pub(super) async fn write(
    tx: &Tx,
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> AppResult<()> {
    let backend = tx.get_database_backend();
    if backend == DbBackend::Postgres {
        if let Some(statement) = json_rows::insert_all(postgres_sets(old, new)?, "") {
            tx.execute_raw(statement).await?;
        }
        return Ok(());
    }
    if let Some(statement) = crate::db::chunks::one_call(sqlite_statements(old, new)?) {
        tx.execute_raw(statement).await?;
    }
    Ok(())
}

/// SQLite: a new order's facts and their entries in the daily totals' log, as statements for
/// the caller's own call (the one inserting the order's lines, see
/// [`crate::db::chunks::one_call`]); empty if the order has no facts.
///
/// # Errors
/// Figures that overflow (500).
pub fn insert_statements(f: &OrderFigures<'_>, offset: FixedOffset) -> AppResult<Vec<Statement>> {
    sqlite_statements(&[], &rows(f, offset)?)
}

/// The statements inserting the `new` facts and appending the log's difference from `old`
/// (SQLite).
fn sqlite_statements(
    old: &[sales_fact::Model],
    new: &[sales_fact::Model],
) -> AppResult<Vec<Statement>> {
    let rows: Vec<sales_fact::ActiveModel> = new.iter().map(active).collect();
    let mut statements = crate::db::chunks::insert_statements(DbBackend::Sqlite, &rows);
    if let Some(q) = daily::append(old, new)? {
        statements.push(DbBackend::Sqlite.build(&q));
    }
    Ok(statements)
}
