//! The changes a later export brings to orders imported before: refunds (each line once) and
//! cancellations; and what the writes of an import share ([`Terms`], [`Refused`]). New orders are
//! written in [`super::create`].

use super::plan::Refund;
use crate::db::Tx;
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::dto::money::RecordPayment;
use crate::error::{AppError, AppResult};
use crate::services::money::payments::write_payment;
use crate::services::money::rules::RuleSnapshot;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter};
use std::collections::HashMap;
use zhunong_entity::enums::{PaymentMethod, Pricing};
use zhunong_entity::{order, shop_order, shop_order_line};

/// What every new order of one import shares.
pub struct Terms<'a> {
    pub caller: &'a Caller,
    pub buyer_id: i64,
    pub import_id: i64,
    pub today: chrono::NaiveDate,
    /// The commission rule in force per batch, for the shop's channel.
    pub rules: &'a HashMap<i64, RuleSnapshot>,
    pub pricing: &'a HashMap<i64, Pricing>,
}

/// Why an order was not written, in the office's words; other errors are the database's.
pub enum Refused {
    Because(String),
    Failed(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<sea_orm::DbErr> for Refused {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Failed(e.into())
    }
}

/// Refunds each line once: the line's refunded amount moves from 0 only
/// under a conditional UPDATE, so a second import of the same refund finds nothing to do.
/// Answers how much was refunded here, in fen.
///
/// # Errors
/// Database errors; a refund beyond what was paid (409).
pub async fn refund_lines(
    tx: &Tx,
    caller: &Caller,
    order_id: i64,
    refunds: &[Refund],
    today: chrono::NaiveDate,
) -> AppResult<i64> {
    let mut done = 0;
    for Refund {
        line_id: line,
        sub_order_id: sub,
        fen,
    } in refunds
    {
        let paid = order::Entity::find_by_id(order_id)
            .one(tx)
            .await?
            .map_or(0, |o| o.paid_fen);
        let back = std::cmp::min(*fen, paid);
        if back <= 0 {
            continue;
        }
        let moved = shop_order_line::Entity::update_many()
            .col_expr(shop_order_line::Column::RefundedFen, Expr::value(back))
            .filter(shop_order_line::Column::OrderLineId.eq(*line))
            .filter(shop_order_line::Column::RefundedFen.eq(0))
            .exec(tx)
            .await?;
        if moved.rows_affected == 0 {
            continue;
        }
        let shop_after = shop_order::Entity::update_many()
            .col_expr(
                shop_order::Column::RefundedFen,
                Expr::col(shop_order::Column::RefundedFen).add(back),
            )
            .filter(shop_order::Column::OrderId.eq(order_id))
            .exec_with_returning(tx)
            .await?
            .first()
            .map_or(back, |s| s.refunded_fen);
        // The office may have refunded the buyer by hand before the shop's export said so: the
        // order's refunds are brought up to what the shop says, never past it, so the same
        // money is not returned twice.
        let refunded = crate::services::reports::facts::refunded_by_order(tx, &[order_id])
            .await?
            .get(&order_id)
            .copied()
            .unwrap_or(0);
        let owed = (shop_after - refunded).clamp(0, back);
        if owed == 0 {
            continue;
        }
        let refund = RecordPayment {
            amount_fen: -owed,
            method: PaymentMethod::Platform,
            reference: Some(format!("抖店 子订单 {sub}")),
            reason: Some("抖店售后退款".into()),
            paid_at: None,
        };
        write_payment(tx, caller, OrderId::new(order_id), &refund, today).await?;
        done += owed;
    }
    Ok(done)
}

/// Applies a planned change: the refunds, then the cancellation the shop made. Answers what was
/// refunded here, in fen (nothing when an earlier import did it).
///
/// # Errors
/// [`Refused::Because`] when the order has moved on meanwhile: it can no longer be cancelled
/// (packed, shipped, on a load), or a refund would exceed what is paid.
pub async fn change(
    tx: &Tx,
    caller: &Caller,
    order_id: i64,
    refunds: &[Refund],
    cancel: bool,
    today: chrono::NaiveDate,
) -> Result<i64, Refused> {
    let moved = refund_lines(tx, caller, order_id, refunds, today)
        .await
        .map_err(|e| match e {
            AppError::Conflict { detail, .. } => {
                Refused::Because(format!("抖店里的退款无法记入：{detail}"))
            }
            e => Refused::Failed(e),
        })?;
    if cancel {
        match crate::services::orders::cancel_in(
            tx,
            caller,
            OrderId::new(order_id),
            Some("抖店订单已关闭"),
        )
        .await
        {
            Ok(_) => {}
            Err(AppError::Conflict { detail, .. }) => {
                return Err(Refused::Because(format!(
                    "抖店已关闭，但本系统无法取消：{detail}"
                )));
            }
            Err(e) => return Err(e.into()),
        }
        shop_order::Entity::update_many()
            .col_expr(shop_order::Column::State, Expr::value("已关闭"))
            .filter(shop_order::Column::OrderId.eq(order_id))
            .exec(tx)
            .await?;
    }
    Ok(moved)
}
