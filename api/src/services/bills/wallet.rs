//! A WeChat Pay or Alipay trade bill against the payments and refunds recorded by that method:
//! each line matched to one payment (by number, else by amount and time), and the payments of
//! the bill's span that no line matched.

use super::draft::Draft;
use super::shop::reconciled;
use crate::db::Tx;
use crate::domain::bills::BillLine;
use crate::domain::bills::matching::{BookPayment, Tolerance, class_of, match_payments};
use crate::error::AppResult;
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use zhunong_entity::enums::{BillClass, BillKind, OrderStatus, PaymentMethod};
use zhunong_entity::{order, payment};

/// The payment method a bill's money came by.
pub fn method_of(kind: BillKind) -> PaymentMethod {
    match kind {
        BillKind::WechatAll => PaymentMethod::WechatPay,
        BillKind::Alipay => PaymentMethod::Alipay,
        BillKind::DouyinSettlement | BillKind::DouyinFund => PaymentMethod::Platform,
    }
}

/// The items of a payment bill.
///
/// # Errors
/// Database errors.
pub async fn drafts(
    tx: &Tx,
    kind: BillKind,
    lines: &[BillLine],
    tol: Tolerance,
) -> AppResult<Vec<Draft>> {
    let (Some(from), Some(to)) = (
        lines.iter().map(|l| l.at).min(),
        lines.iter().map(|l| l.at).max(),
    ) else {
        return Ok(Vec::new());
    };
    let margin = Duration::minutes(tol.minutes);
    let mut candidates = payment::Entity::find()
        .filter(payment::Column::Method.eq(method_of(kind)))
        .filter(payment::Column::PaidAt.between(from - margin, to + margin))
        .order_by_asc(payment::Column::PaidAt)
        .order_by_asc(payment::Column::Id)
        .all(tx)
        .await?;
    let done = reconciled(tx, candidates.iter().map(|p| p.id)).await?;
    candidates.retain(|p| !done.contains(&p.id));
    let books: Vec<BookPayment> = candidates
        .iter()
        .map(|p| BookPayment {
            id: p.id,
            order_id: p.order_id,
            order_number: crate::domain::order_number::format(p.order_id),
            amount_fen: p.amount_fen,
            at: p.paid_at,
            reference: p.reference.clone(),
        })
        .collect();
    let matched = match_payments(lines, &books, tol);
    let unmatched_orders = orders_named(tx, lines, &matched).await?;

    let mut out = Vec::with_capacity(lines.len());
    let mut taken = HashSet::new();
    for (line, m) in lines.iter().zip(&matched) {
        let mut d = Draft {
            class: BillClass::BillOnly,
            rows: vec![line.row],
            platform_ref: Some(line.platform_ref.clone()),
            merchant_ref: line
                .refund_ref
                .clone()
                .or_else(|| line.merchant_ref.clone()),
            occurred_at: Some(line.at),
            bill_amount_fen: line.amount_fen,
            books_amount_fen: 0,
            fee_fen: line.fee_fen,
            subsidy_fen: line.subsidy_fen,
            order_id: None,
            confirms: Vec::new(),
            payment_id: None,
            post_fees: true,
        };
        match m {
            Some(m) => {
                let p = &books[m.payment];
                taken.insert(p.id);
                d.order_id = Some(p.order_id);
                d.payment_id = Some(p.id);
                d.books_amount_fen = p.amount_fen;
                d.class = if m.by_number {
                    class_of(line.amount_fen, p.amount_fen, tol)
                } else {
                    BillClass::Matched
                };
                if d.class == BillClass::Matched {
                    d.confirms.push(p.id);
                }
            }
            None => {
                d.order_id = line
                    .merchant_ref
                    .as_deref()
                    .and_then(crate::domain::order_number::parse)
                    .filter(|id| unmatched_orders.contains(id));
            }
        }
        out.push(d);
    }
    for p in &books {
        if !taken.contains(&p.id) && p.at >= from && p.at <= to {
            out.push(Draft::books_only(
                p.order_id,
                Some(p.id),
                p.reference.clone(),
                p.at,
                p.amount_fen,
            ));
        }
    }
    Ok(out)
}

/// The orders, among those the unmatched lines' merchant numbers name, that exist and are not
/// cancelled: the office may record the line's money on them.
async fn orders_named(
    tx: &Tx,
    lines: &[BillLine],
    matched: &[Option<crate::domain::bills::matching::PaymentMatch>],
) -> AppResult<HashSet<i64>> {
    let ids: Vec<i64> = lines
        .iter()
        .zip(matched)
        .filter(|(_, m)| m.is_none())
        .filter_map(|(l, _)| {
            l.merchant_ref
                .as_deref()
                .and_then(crate::domain::order_number::parse)
        })
        .collect();
    let found = crate::services::rows::by_id::<order::Entity>(tx, ids).await?;
    Ok(found
        .values()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .map(|o| o.id)
        .collect())
}
