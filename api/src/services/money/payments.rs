//! Payments and refunds against an order. The running total moves with a conditional UPDATE
//! that refuses overpayment and over-refunding atomically; a payment that completes a delivered
//! order settles it in the same transaction, and a refund on a settled order re-settles it.

use super::settle::{Resettle, SettledBy, resettle, settle_if_ready};
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::units::Fen;
use crate::domain::units::OrderId;
use crate::dto::events::{EventData, EventType};
use crate::dto::money::{PaymentOut, PaymentReceipt, RecordPayment};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use crate::services::idempotency::{self, Keyed};
use crate::services::idempotency::{Outcome, Placed};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
};
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{OrderStatus, PaymentStatus};
use zhunong_entity::{order, payment};

pub const MAX_PAYMENT_FEN: i64 = 100_000_000_000;

fn status_after(paid: Fen, due: Fen, was_refund: bool) -> PaymentStatus {
    match paid {
        Fen::ZERO if was_refund => PaymentStatus::Refunded,
        Fen::ZERO => PaymentStatus::Unpaid,
        p if p >= due => PaymentStatus::Paid,
        _ => PaymentStatus::PartiallyPaid,
    }
}

/// Records a payment (or a refund) and answers with the receipt; with an `Idempotency-Key`, a
/// retry gets the first receipt back.
///
/// # Errors
/// 422 for invalid fields or a reused key; 404 for an unknown order; 409 for a cancelled order,
/// an overpayment, or a refund of more than was paid.
pub async fn record(
    db: &Db,
    caller: &Caller,
    order: OrderId,
    req: RecordPayment,
    keyed: Option<Keyed>,
    day: NaiveDate,
    in_flight_wait: std::time::Duration,
) -> AppResult<Placed> {
    let mut v = Validator::default();
    v.check(
        req.amount_fen != 0 && (-MAX_PAYMENT_FEN..=MAX_PAYMENT_FEN).contains(&req.amount_fen),
        "amount_fen",
        format!("non-zero, at most {MAX_PAYMENT_FEN} either way"),
    );
    v.opt_text(req.reference.as_deref(), "reference", 100);
    v.opt_text(req.reason.as_deref(), "reason", 500);
    if req.amount_fen < 0 {
        v.check(
            req.reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
            "reason",
            "a refund needs a reason",
        );
    }
    v.finish()?;
    idempotency::keyed_write(db, keyed.as_ref(), in_flight_wait, async |tx| {
        write_payment(tx, caller, order, &req, day).await
    })
    .await
}

/// The transaction's part: the running total, the payment row, the status, settlement, the
/// event; the first answer. An after-sales refund calls it inside its own transaction.
///
/// # Errors
/// As [`record`], past validation.
pub async fn write_payment(
    tx: &Tx,
    caller: &Caller,
    order: OrderId,
    req: &RecordPayment,
    day: NaiveDate,
) -> AppResult<(Outcome, String)> {
    let order_id = order.get();
    let due = Func::coalesce([
        Expr::col(order::Column::FinalTotalFen),
        Expr::col(order::Column::TotalFen),
    ]);
    let moved = order::Entity::update_many()
        .col_expr(
            order::Column::PaidFen,
            Expr::col(order::Column::PaidFen).add(req.amount_fen),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled))
        .filter(
            Expr::col(order::Column::PaidFen)
                .add(req.amount_fen)
                .lte(due),
        )
        .filter(Expr::col(order::Column::PaidFen).add(req.amount_fen).gte(0))
        .exec_with_returning(tx)
        .await?;
    let Some(o) = moved.into_iter().next() else {
        let o = order::Entity::find_by_id(order_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let due = crate::domain::money::order_due_fen(&o);
        return Err(if o.status == OrderStatus::Cancelled {
            AppError::Conflict {
                code: ErrorCode::OrderCancelled,
                detail: "the order is cancelled".into(),
            }
        } else if req.amount_fen > 0 {
            AppError::Conflict {
                code: ErrorCode::Overpayment,
                detail: format!(
                    "{} fen is due and {} fen paid; {} fen more would overpay",
                    due.get(),
                    o.paid_fen,
                    req.amount_fen
                ),
            }
        } else {
            AppError::Conflict {
                code: ErrorCode::RefundExceedsPaid,
                detail: format!("only {} fen has been paid", o.paid_fen),
            }
        });
    };
    let p = payment::ActiveModel {
        order_id: Set(order_id),
        amount_fen: Set(req.amount_fen),
        method: Set(req.method),
        reference: Set(req.reference.clone()),
        reason: Set(req.reason.clone()),
        paid_at: Set(req.paid_at.unwrap_or_else(chrono::Utc::now)),
        recorded_by: Set(caller.user_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let due = crate::domain::money::order_due_fen(&o);
    let status = status_after(Fen::new(o.paid_fen), due, req.amount_fen < 0);
    order::Entity::update_many()
        .col_expr(order::Column::PaymentStatus, Expr::value(status))
        .filter(order::Column::Id.eq(order_id))
        .exec(tx)
        .await?;
    let refund = req.amount_fen < 0;
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            if refund {
                AuditAction::RefundPayment
            } else {
                AuditAction::RecordPayment
            },
            AuditEntity::Order,
            order_id,
        )
        .after(serde_json::json!({
            "payment_id": p.id,
            "amount_fen": p.amount_fen,
            "method": p.method,
            "reference": p.reference,
            "reason": p.reason,
            "paid_fen": o.paid_fen,
            "due_fen": due.get(),
        })),
    )
    .await?;
    let settled = if o.status == OrderStatus::Settled {
        resettle(tx, &o, caller.user_id, day, Resettle::Refund).await?;
        true
    } else {
        settle_if_ready(tx, order, caller.user_id, day, SettledBy::Payment).await?
    };
    // The report figures change with a refund (settling rewrote them already, after a refund
    // too); a payment that settles nothing leaves them as they were.
    if refund {
        crate::services::reports::facts::refresh(tx, order_id).await?;
    }
    let receipt = PaymentReceipt {
        payment: PaymentOut::from(p),
        order_id,
        due_fen: due.get(),
        paid_fen: o.paid_fen,
        payment_status: status,
        settled,
    };
    let body = serde_json::to_string(&receipt).map_err(|e| AppError::Internal(e.into()))?;
    let data = EventData {
        payment: Some(receipt),
        ..EventData::order(crate::services::order_reads::load_out(tx, order).await?)
    };
    crate::services::webhooks::outbox::emit(tx, EventType::PaymentRecorded, &data).await?;
    Ok((Outcome::Created, body))
}

/// The order's payments, oldest first.
///
/// # Errors
/// 404 for an unknown order.
pub async fn list(db: &impl sea_orm::ConnectionTrait, order_id: i64) -> AppResult<Vec<PaymentOut>> {
    order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    Ok(payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order_id))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(PaymentOut::from)
        .collect())
}
