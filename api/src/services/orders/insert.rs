//! Writing a new order, its lines and its sales figures, inside the placing transaction.
//!
//! On PostgreSQL every statement is a round trip to another process, and an order's path is
//! short, so the writes go in two statements rather than four:
//! 1. the order's `INSERT … RETURNING`, which also reserves its lines' ids from their sequence;
//! 2. the lines' `INSERT … RETURNING`, carrying the sales facts and the daily totals they add to
//!    as data-modifying CTEs (the facts name their line ids, reserved in 1).
//!
//! On SQLite a statement is a call into the same process: the order, its lines, then the figures.
//! Both write the same rows.

use crate::db::Tx;
use crate::db::json_rows::{self, JsonRows};
use crate::error::{AppError, AppResult, Invariant};
use crate::services::reports::facts::{self as sales_facts, BatchInfo, OrderFigures};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, IntoActiveModel, QueryTrait,
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
/// # Errors
/// Database errors; figures that overflow (500).
pub async fn insert(
    tx: &Tx,
    order: order::ActiveModel,
    lines: Vec<order_line::Model>,
    terms: &FigureTerms<'_>,
) -> AppResult<(order::Model, Vec<order_line::Model>)> {
    if tx.get_database_backend() == DbBackend::Postgres {
        return insert_postgres(tx, order, lines, terms).await;
    }
    let order = order.insert(tx).await?;
    let rows = lines.into_iter().map(|mut l| {
        l.order_id = order.id;
        let mut a = l.into_active_model().reset_all();
        a.id = NotSet;
        a
    });
    let lines = order_line::Entity::insert_many(rows)
        .exec_with_returning(tx)
        .await?;
    let figures = figures(&order, &lines, terms);
    sales_facts::insert(tx, &figures, tx.local_offset()).await?;
    Ok((order, lines))
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

async fn insert_postgres(
    tx: &Tx,
    order: order::ActiveModel,
    mut lines: Vec<order_line::Model>,
    terms: &FigureTerms<'_>,
) -> AppResult<(order::Model, Vec<order_line::Model>)> {
    let backend = DbBackend::Postgres;
    let mut insert_order = order::Entity::insert(order).into_query();
    // `nextval` hands out ids no other transaction gets, committed or not, as the column's own
    // default would; the count is the number of lines, never user text.
    insert_order.returning(Query::returning().exprs([
        Expr::cust("*"),
        Expr::cust(format!(
            "(SELECT json_agg(nextval(pg_get_serial_sequence('order_lines', 'id'))) \
             FROM generate_series(1, {})) AS line_ids",
            lines.len()
        )),
    ]));
    let row = tx
        .query_one_raw(backend.build(&insert_order))
        .await?
        .invariant("an INSERT … RETURNING answers its row")?;
    let order = order::Model::from_query_result(&row, "")?;
    let reserved: serde_json::Value = row.try_get("", "line_ids")?;
    let mut ids: Vec<i64> = serde_json::from_value(reserved)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reserved line ids: {e}")))?;
    ids.sort_unstable();
    if ids.len() != lines.len() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "reserved {} line ids for {} lines",
            ids.len(),
            lines.len()
        )));
    }
    for (line, id) in lines.iter_mut().zip(ids) {
        line.id = id;
        line.order_id = order.id;
    }

    // Every column of the lines is given (their ids were reserved above), so the rows stored
    // are `lines` as they are: no RETURNING to send back and decode.
    let mut sets = vec![JsonRows::of_models::<order_line::Entity>(&lines, &[])?];
    sets.extend(sales_facts::insert_sets(
        &figures(&order, &lines, terms),
        tx.local_offset(),
    )?);
    let statement = json_rows::insert_all(sets, "").invariant("an order has lines to insert")?;
    tx.execute_raw(statement).await?;
    Ok((order, lines))
}
