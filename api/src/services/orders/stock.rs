//! Taking stock for an order, inside its write transaction, never below zero.
//!
//! Small orders (the hot path: one or two batches) use one conditional UPDATE per batch in
//! batch-id order, so the row lock is the first thing the transaction takes. Bulk orders lock
//! their batches in id order first (`SELECT … ORDER BY id FOR UPDATE`; SQLite has one writer
//! anyway) and then take every batch's quantity in a single UPDATE, so a 500-line order costs two
//! statements, not five hundred, and two bulk orders cannot deadlock.

use crate::db::Tx;
use crate::domain::units::BatchId;
use crate::error::AppResult;
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::batch::{Column, Entity, Model};
use zhunong_entity::enums::BatchStatus;

/// Above this many batches an order takes its stock set-based.
const SET_BASED_FROM: usize = 3;

/// The batches taken from (as they are after the update) and the ids of those that could not
/// give their quantity (short, closed or missing). If any are short the caller rolls back.
pub struct Taken {
    pub locked: HashMap<BatchId, Model>,
    pub short: Vec<BatchId>,
}

/// # Errors
/// Database errors.
/// `needs` is the quantity (grams, or pieces) to take from each batch.
pub async fn take(tx: &Tx, needs: &BTreeMap<BatchId, i64>) -> AppResult<Taken> {
    let mut locked = HashMap::with_capacity(needs.len());
    if needs.len() < SET_BASED_FROM {
        let mut short = Vec::new();
        for (&batch_id, &quantity) in needs {
            let rows = Entity::update_many()
                .col_expr(Column::StockQty, Expr::col(Column::StockQty).sub(quantity))
                .filter(Column::Id.eq(batch_id.get()))
                .filter(Column::StockQty.gte(quantity))
                .filter(Column::Status.eq(BatchStatus::Open))
                .exec_with_returning(tx)
                .await?;
            match rows.into_iter().next() {
                Some(b) => {
                    locked.insert(batch_id, b);
                }
                None => short.push(batch_id),
            }
        }
        return Ok(Taken { locked, short });
    }
    let ids: Vec<i64> = needs.keys().map(|b| b.get()).collect();
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.clone()))
        .order_by_asc(Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .all(tx)
        .await?;
    let quantity_of = || {
        needs
            .iter()
            .fold(CaseStatement::new(), |case, (&id, &q)| {
                case.case(Expr::col(Column::Id).eq(id.get()), q)
            })
            .finally(0)
    };
    let rows = Entity::update_many()
        .col_expr(
            Column::StockQty,
            Expr::col(Column::StockQty).sub(quantity_of()),
        )
        .filter(Column::Id.is_in(ids.clone()))
        .filter(Column::Status.eq(BatchStatus::Open))
        .filter(Expr::col(Column::StockQty).gte(quantity_of()))
        .exec_with_returning(tx)
        .await?;
    for b in rows {
        locked.insert(BatchId::new(b.id), b);
    }
    let short = needs
        .keys()
        .copied()
        .filter(|id| !locked.contains_key(id))
        .collect();
    Ok(Taken { locked, short })
}
