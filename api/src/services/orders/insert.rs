//! Writing a new order, its lines and its sales figures, inside the placing transaction.
//!
//! Every call costs more than the work it carries on a small order: a round trip to another
//! process on PostgreSQL, a hand-off to the connection's worker thread and back on SQLite. So
//! the order, its lines, their sales facts and the daily totals' log go in two calls rather
//! than four; see [`insert`].

use crate::db::Tx;
use crate::db::chunks;
use crate::db::json_rows::{self, JsonRows};
use crate::error::{AppError, AppResult, Invariant};
use crate::services::reports::facts::{self as sales_facts, BatchInfo, OrderFigures};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryTrait,
};
use std::collections::HashMap;
use zhunong_entity::{order, order_line};

/// A new line as it will be stored, before the database gives it and its order their ids: the
/// price and amount it was sold at, and the commission rule in force copied onto it (with the
/// rule's shares as stored JSON). `fixed` marks an amount weighing does not change.
pub struct SoldLine<'a> {
    pub line_no: usize,
    pub batch_id: i64,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    pub rule: Option<&'a crate::services::money::rules::RuleSnapshot>,
    pub shares: Option<sea_orm::prelude::Json>,
    pub fixed: bool,
}

impl SoldLine<'_> {
    /// Every column given, so the row stored is the one the figures are computed from.
    pub fn model(self) -> order_line::Model {
        order_line::Model {
            id: 0,
            order_id: 0,
            line_no: i32::try_from(self.line_no).unwrap_or(i32::MAX),
            batch_id: self.batch_id,
            quantity: self.quantity,
            unit_price_fen: self.unit_price_fen,
            amount_fen: self.amount_fen,
            weighed_g: None,
            final_amount_fen: None,
            flagged: false,
            weighing_completed_at: None,
            stock_beyond_order: 0,
            commission_rule_id: self.rule.map(|r| r.rule_id),
            commission_bp: self.rule.map(|r| r.basis_points),
            commission_fen_per_jin: self.rule.map(|r| r.fen_per_jin),
            commission_shares: self.shares,
            fixed_amount: self.fixed,
        }
    }
}

/// What the order's figures need besides its rows.
pub struct FigureTerms<'a> {
    pub batches: &'a HashMap<i64, BatchInfo>,
    pub buyer_kind: &'static str,
}

/// Inserts the order and its lines (`lines` carry every column but their ids and the order's),
/// and writes their sales facts and daily totals. Answers the rows as stored.
///
/// Two calls on either database:
/// 1. the order's `INSERT … RETURNING`, which also reserves its lines' ids;
/// 2. the lines with those ids, their sales facts and the daily totals' log rows: one statement
///    on PostgreSQL (the facts and log as data-modifying CTEs), one text of several statements
///    on SQLite ([`chunks::one_call`]).
///
/// # Errors
/// Database errors; figures that overflow (500).
pub async fn insert(
    tx: &Tx,
    order: order::ActiveModel,
    mut lines: Vec<order_line::Model>,
    terms: &FigureTerms<'_>,
) -> AppResult<(order::Model, Vec<order_line::Model>)> {
    let backend = tx.get_database_backend();
    let mut insert_order = order::Entity::insert(order).into_query();
    insert_order.returning(
        Query::returning().exprs([Expr::cust("*"), reserve_line_ids(backend, lines.len())]),
    );
    let row = tx
        .query_one_raw(backend.build(&insert_order))
        .await?
        .invariant("an INSERT … RETURNING answers its row")?;
    let order = order::Model::from_query_result(&row, "")?;
    let ids = reserved_line_ids(backend, &row, lines.len())?;
    for (line, id) in lines.iter_mut().zip(ids) {
        line.id = id;
        line.order_id = order.id;
    }

    // Every column of the lines is given (their ids were reserved above), so the rows stored
    // are `lines` as they are: no RETURNING to send back and decode.
    let figures = figures(&order, &lines, terms);
    let statement = if backend == DbBackend::Postgres {
        let mut sets = vec![JsonRows::of_models::<order_line::Entity>(&lines, &[])?];
        sets.extend(sales_facts::insert_sets(&figures, tx.local_offset())?);
        json_rows::insert_all(sets, "")
    } else {
        let rows: Vec<_> = lines
            .iter()
            .map(|l| l.clone().into_active_model().reset_all())
            .collect();
        let mut statements = chunks::insert_statements(backend, &rows);
        statements.extend(sales_facts::insert_statements(&figures, tx.local_offset())?);
        chunks::one_call(statements)
    };
    tx.execute_raw(statement.invariant("an order has lines to insert")?)
        .await?;
    Ok((order, lines))
}

/// The `RETURNING` expression that reserves `n` line ids for the order being inserted, as
/// `line_ids`:
/// - PostgreSQL: `nextval` hands out ids no other transaction gets, committed or not, as the
///   column's own default would;
/// - SQLite: the last id given so far (`AUTOINCREMENT` never gives an id twice, so the larger of
///   its counter and the largest id). The write transaction holds the file's one write lock
///   until it commits, so no one else takes the ids that follow.
///
/// The count is the number of lines, never user text.
fn reserve_line_ids(backend: DbBackend, n: usize) -> Expr {
    if backend == DbBackend::Postgres {
        Expr::cust(format!(
            "(SELECT json_agg(nextval(pg_get_serial_sequence('order_lines', 'id'))) \
             FROM generate_series(1, {n})) AS line_ids"
        ))
    } else {
        Expr::cust(
            "(SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'order_lines'), 0), \
                         COALESCE((SELECT MAX(id) FROM order_lines), 0))) AS line_ids",
        )
    }
}

/// The `n` line ids [`reserve_line_ids`] reserved, in ascending order.
fn reserved_line_ids(
    backend: DbBackend,
    row: &sea_orm::QueryResult,
    n: usize,
) -> AppResult<Vec<i64>> {
    if backend != DbBackend::Postgres {
        let last: i64 = row.try_get("", "line_ids")?;
        return Ok((1..).map(|i| last + i).take(n).collect());
    }
    let reserved: serde_json::Value = row.try_get("", "line_ids")?;
    let mut ids: Vec<i64> = serde_json::from_value(reserved)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reserved line ids: {e}")))?;
    ids.sort_unstable();
    if ids.len() != n {
        return Err(AppError::Internal(anyhow::anyhow!(
            "reserved {} line ids for {n} lines",
            ids.len()
        )));
    }
    Ok(ids)
}

fn figures<'a>(
    order: &'a order::Model,
    lines: &'a [order_line::Model],
    terms: &FigureTerms<'a>,
) -> OrderFigures<'a> {
    OrderFigures {
        order,
        lines,
        batches: terms.batches,
        buyer_kind: terms.buyer_kind,
        refunds_fen: 0,
        shipping_cost_fen: 0,
    }
}
