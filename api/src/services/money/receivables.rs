//! What the settlement screen lists: delivered orders that still wait for money (oldest
//! delivery first, with the buyer and what is owed), and the orders settled, newest first.
//! Money is recorded with `payments::record`, which settles an order the moment it is paid in
//! full; nothing here writes.

use crate::domain::units::Fen;
use crate::dto::Page;
use crate::dto::receivables::{
    Receivable, ReceivableFilter, Receivables, SettledFilter, SettledOrder,
};
use crate::error::{AppResult, Invariant, Validator};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::{buyer, order};

fn check_q(v: &mut Validator, q: Option<&str>) {
    v.check(
        q.is_none_or(|q| q.chars().count() <= 50),
        "q",
        "at most 50 characters",
    );
}

fn searched(q: Option<&str>) -> Condition {
    match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(text) => crate::services::order_reads::search(text),
        None => Condition::all(),
    }
}

/// What the order is due: the final amount once weighed, else the ordered amount.
fn due() -> sea_orm::sea_query::SimpleExpr {
    Func::coalesce([
        Expr::col(order::Column::FinalTotalFen),
        Expr::col(order::Column::TotalFen),
    ])
    .into()
}

async fn buyers_of(
    db: &impl ConnectionTrait,
    orders: &[order::Model],
) -> AppResult<HashMap<i64, buyer::Model>> {
    crate::services::rows::by_id::<buyer::Entity>(db, orders.iter().map(|o| o.buyer_id)).await
}

/// Delivered, unsettled orders, the longest waiting first, with what they owe in all.
///
/// # Errors
/// 422 for a search text over 50 characters; database errors.
pub async fn awaiting_money(
    db: &impl ConnectionTrait,
    f: ReceivableFilter,
    (page, per_page): (u64, u64),
) -> AppResult<Receivables> {
    let mut v = Validator::default();
    check_q(&mut v, f.q.as_deref());
    v.finish()?;
    let delivered = order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::Delivered))
        .filter(searched(f.q.as_deref()));
    let total = delivered.clone().count(db).await?;
    let owed: Option<Option<i64>> = delivered
        .clone()
        .select_only()
        .column_as(
            due()
                .sub(Expr::col(order::Column::PaidFen))
                .sum()
                .cast_as("BIGINT"),
            "owed",
        )
        .into_tuple()
        .one(db)
        .await?;
    let fully_paid_unsettled = delivered
        .clone()
        .filter(Expr::col(order::Column::PaidFen).eq(due()))
        .filter(order::Column::PaidFen.gt(0))
        .count(db)
        .await?;
    let rows = delivered
        .order_by_asc(order::Column::DeliveredAt)
        .order_by_asc(order::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let buyers = buyers_of(db, &rows).await?;
    let items = rows
        .into_iter()
        .map(|o| {
            let b = buyers
                .get(&o.buyer_id)
                .invariant("an order's buyer exists")?;
            let due = crate::domain::money::order_due_fen(&o);
            let paid = Fen::new(o.paid_fen);
            Ok(Receivable {
                order_id: o.id,
                number: crate::domain::order_number::format(o.id),
                buyer_id: o.buyer_id,
                buyer_name: b.name.clone(),
                buyer_phone: b.phone.clone(),
                buyer_company: b.company.clone(),
                delivered_at: o.delivered_at,
                due_fen: due.get(),
                paid_fen: paid.get(),
                outstanding_fen: due.checked_sub(paid).invariant("what is owed fits")?.get(),
                payment_status: o.payment_status,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Receivables {
        items,
        page,
        per_page,
        total,
        outstanding_fen: owed.flatten().unwrap_or(0),
        fully_paid_unsettled,
    })
}

/// Settled orders, the most recently settled first, filtered by local settlement date.
///
/// # Errors
/// 422 for `to` before `from` or a long search text; database errors.
pub async fn settled(
    db: &impl ConnectionTrait,
    f: SettledFilter,
    paging: (u64, u64),
    offset: chrono::FixedOffset,
) -> AppResult<Page<SettledOrder>> {
    let mut v = Validator::default();
    check_q(&mut v, f.q.as_deref());
    crate::services::check_span(&mut v, f.from, f.to);
    v.finish()?;
    let (since, before) = crate::services::local_days(f.from, f.to, offset);
    let mut q = order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::Settled))
        .filter(searched(f.q.as_deref()))
        .order_by_desc(order::Column::SettledAt)
        .order_by_desc(order::Column::Id);
    if let Some(t) = since {
        q = q.filter(order::Column::SettledAt.gte(t));
    }
    if let Some(t) = before {
        q = q.filter(order::Column::SettledAt.lt(t));
    }
    let page = crate::services::paginate(db, q, paging, |m| m).await?;
    let buyers = buyers_of(db, &page.items).await?;
    Ok(Page {
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|o| SettledOrder {
                order_id: o.id,
                number: crate::domain::order_number::format(o.id),
                buyer_id: o.buyer_id,
                buyer_name: buyers
                    .get(&o.buyer_id)
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                settled_at: o.settled_at,
                paid_fen: o.paid_fen,
                settlement_transaction_id: o.settlement_transaction_id,
            })
            .collect(),
    })
}
