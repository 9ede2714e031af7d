//! Per-buyer limits of a live show. What each buyer holds of each featured batch is a row; the
//! limit is a conditional UPDATE on it, taken after the batch's stock row lock, so concurrent
//! taps by one buyer cannot together exceed it.

use crate::db::Tx;
use crate::domain::units::{BatchId, BuyerId};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::services::live::LiveTerms;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use zhunong_entity::live_buyer_take::{ActiveModel, Column, Entity};

/// Adds `needs` (quantity per batch) to what the buyer holds, within each batch's limit.
///
/// # Errors
/// 409 `buyer_limit_reached` naming the batch; database errors.
pub async fn take_within_limits(
    tx: &Tx,
    terms: &LiveTerms,
    buyer: BuyerId,
    needs: &BTreeMap<BatchId, i64>,
) -> AppResult<()> {
    let buyer_id = buyer.get();
    for (&batch, &quantity) in needs {
        let batch_id = batch.get();
        let Some(limit) = terms
            .featured
            .get(&batch_id)
            .and_then(|f| f.per_buyer_limit)
        else {
            continue;
        };
        let row = ActiveModel {
            session_id: Set(terms.session_id),
            buyer_id: Set(buyer_id),
            batch_id: Set(batch_id),
            quantity: Set(0),
            ..Default::default()
        };
        Entity::insert(row)
            .on_conflict_do_nothing_on([Column::SessionId, Column::BuyerId, Column::BatchId])
            .exec_without_returning(tx)
            .await?;
        let res = Entity::update_many()
            .col_expr(Column::Quantity, Expr::col(Column::Quantity).add(quantity))
            .filter(Column::SessionId.eq(terms.session_id))
            .filter(Column::BuyerId.eq(buyer_id))
            .filter(Column::BatchId.eq(batch_id))
            .filter(Expr::col(Column::Quantity).add(quantity).lte(limit))
            .exec(tx)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::Conflict {
                code: ErrorCode::BuyerLimitReached,
                detail: format!(
                    "each buyer may take at most {limit} of batch {batch_id} in this show"
                ),
            });
        }
    }
    Ok(())
}

/// Gives back what a cancelled live order held.
///
/// # Errors
/// Database errors.
pub async fn release(
    tx: &Tx,
    session_id: i64,
    buyer: BuyerId,
    needs: &BTreeMap<BatchId, i64>,
) -> AppResult<()> {
    let buyer_id = buyer.get();
    for (&batch, &quantity) in needs {
        let batch_id = batch.get();
        Entity::update_many()
            .col_expr(Column::Quantity, Expr::col(Column::Quantity).sub(quantity))
            .filter(Column::SessionId.eq(session_id))
            .filter(Column::BuyerId.eq(buyer_id))
            .filter(Column::BatchId.eq(batch_id))
            .filter(Column::Quantity.gte(quantity))
            .exec(tx)
            .await?;
    }
    Ok(())
}
