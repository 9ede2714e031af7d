//! The office's answer to an exception: record the money the bill has and the books lack as a
//! payment, record what the platform kept as its fee, or explain it with a note. An item is
//! resolved once, and every answer is audited.

use super::wallet::method_of;
use super::write::{Fees, post_fees};
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::labels::Label;
use crate::domain::units::OrderId;
use crate::dto::bills::{BillItemOut, ResolveItem};
use crate::dto::money::RecordPayment;
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use chrono::{FixedOffset, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use zhunong_entity::enums::{AuditAction, AuditEntity, BillClass, BillResolution};
use zhunong_entity::{bill, bill_item, reconciled_payment};

fn refused(detail: impl Into<String>) -> AppError {
    AppError::Conflict {
        code: ErrorCode::InvalidTransition,
        detail: detail.into(),
    }
}

/// What resolving an exception needs to know of the books: today, the local offset (the day a
/// bill's line falls on), and whether fees come off the commission base.
#[derive(Clone, Copy, Debug)]
pub struct Books {
    pub day: NaiveDate,
    pub offset: FixedOffset,
    pub fees_reduce_commission_base: bool,
}

/// Resolves one exception of a bill.
///
/// # Errors
/// 404 for an unknown bill or item; 422 for an explanation without a note; 409 for a matched or
/// already resolved item, or an action that does not fit it.
pub async fn resolve(
    db: &Db,
    caller: &Caller,
    bill_id: i64,
    item_id: i64,
    req: ResolveItem,
    books: Books,
) -> AppResult<BillItemOut> {
    let Books { day, offset, .. } = books;
    let mut v = Validator::default();
    v.opt_text(req.note.as_deref(), "note", 500);
    if req.resolution == BillResolution::Explained {
        v.check(
            req.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
            "note",
            "an explanation needs a note",
        );
    }
    v.finish()?;
    db.write(async |tx| {
        let b = bill::Entity::find_by_id(bill_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("bill"))?;
        let item = bill_item::Entity::find_by_id(item_id)
            .filter(bill_item::Column::BillId.eq(bill_id))
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("bill item"))?;
        if item.class == BillClass::Matched {
            return Err(refused(
                "the item matches the books; there is nothing to resolve",
            ));
        }
        if item.resolution.is_some() {
            return Err(refused("the item is resolved already"));
        }
        let diff = item.bill_amount_fen - item.books_amount_fen;
        let (payment_id, transaction_id) = match req.resolution {
            BillResolution::Explained => (item.payment_id, item.transaction_id),
            BillResolution::PaymentRecorded => {
                let p = record_payment(tx, caller, &b, &item, diff, day).await?;
                (Some(p), item.transaction_id)
            }
            BillResolution::FeeRecorded => {
                let (Some(order), BillClass::AmountDiffers) = (item.order_id, item.class) else {
                    return Err(refused(
                        "only an amount that differs on a known order can be a fee",
                    ));
                };
                let (fee, subsidy) = if diff < 0 { (-diff, 0) } else { (0, diff) };
                let what = format!(
                    "对账 {} {}：差额记为平台费用",
                    b.kind.label(),
                    item.platform_ref.as_deref().unwrap_or("")
                );
                let on = item
                    .occurred_at
                    .map_or(day, |t| t.with_timezone(&offset).date_naive());
                let fees = Fees {
                    order_id: Some(order),
                    description: &what,
                    on,
                    today: day,
                    fee_fen: fee,
                    subsidy_fen: subsidy,
                };
                let t =
                    post_fees(tx, caller.user_id, fees, books.fees_reduce_commission_base).await?;
                crate::services::reports::facts::refresh(tx, order).await?;
                (item.payment_id, Some(t))
            }
        };
        let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let now = chrono::Utc::now();
        let done = bill_item::Entity::update_many()
            .col_expr(bill_item::Column::Resolution, Expr::value(req.resolution))
            .col_expr(
                bill_item::Column::Note,
                Expr::value(note.map(str::to_owned)),
            )
            .col_expr(bill_item::Column::ResolvedBy, Expr::value(caller.user_id))
            .col_expr(bill_item::Column::ResolvedAt, Expr::value(now))
            .col_expr(bill_item::Column::PaymentId, Expr::value(payment_id))
            .col_expr(
                bill_item::Column::TransactionId,
                Expr::value(transaction_id),
            )
            .filter(bill_item::Column::Id.eq(item.id))
            .filter(bill_item::Column::Resolution.is_null())
            .exec_with_returning(tx)
            .await?;
        let Some(stored) = done.into_iter().next() else {
            return Err(refused("the item is resolved already"));
        };
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::ResolveBillItem,
                AuditEntity::BillItem,
                item.id,
            )
            .after(serde_json::json!({
                "bill_id": bill_id,
                "resolution": req.resolution,
                "resolution_label": req.resolution.label(),
                "reason": note,
                "diff_fen": diff,
                "payment_id": payment_id,
                "transaction_id": transaction_id,
            })),
        )
        .await?;
        Ok(BillItemOut::from(stored))
    })
    .await
}

/// Records the difference as a payment (or a refund, where the bill's is one) on the item's
/// order, by the bill's method, and marks it confirmed by the bill.
async fn record_payment(
    tx: &Tx,
    caller: &Caller,
    b: &bill::Model,
    item: &bill_item::Model,
    diff: i64,
    day: NaiveDate,
) -> AppResult<i64> {
    let Some(order) = item.order_id.map(OrderId::new) else {
        return Err(refused(
            "the bill names no order of the books to record the money on",
        ));
    };
    // More money in the bill than in the books; or a refund the bill has and the books lack. A
    // payment bill short of the books is not a refund: that difference is the platform's (a
    // fee) or explained.
    let refund_lacking = diff < 0 && item.bill_amount_fen < 0;
    if !(diff > 0 || refund_lacking) {
        return Err(refused("the bill has no money the books lack"));
    }
    let req = RecordPayment {
        amount_fen: diff,
        method: method_of(b.kind),
        reference: item.platform_ref.clone(),
        reason: (diff < 0).then(|| format!("对账补记：{}", b.kind.label())),
        paid_at: item.occurred_at,
    };
    let (_, body) =
        crate::services::money::payments::write_payment(tx, caller, order, &req, day).await?;
    let payment_id = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["payment"]["id"].as_i64())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a payment receipt without its id")))?;
    reconciled_payment::ActiveModel {
        payment_id: Set(payment_id),
        bill_id: Set(b.id),
        bill_item_id: Set(item.id),
        reconciled_at: Set(chrono::Utc::now()),
    }
    .insert(tx)
    .await?;
    Ok(payment_id)
}
