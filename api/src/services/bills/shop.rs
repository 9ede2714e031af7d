//! The 抖店 settlement and fund bills against the shop's orders: their lines taken together per
//! order (one per 子订单, or per movement), compared with what the books hold as paid for the
//! order, or, for an order the bill only takes money back from, with its refunds; and the shop's
//! orders the settlement bill should have settled and did not. The shop's two bills tell of the
//! same money: an order's fees go into the ledger with the first of them that has it.

use super::draft::Draft;
use crate::db::Tx;
use crate::domain::bills::BillLine;
use crate::domain::bills::matching::{Tolerance, class_of, shop_order_class};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use std::collections::{HashMap, HashSet};
use zhunong_entity::enums::{BillClass, BillKind, OrderStatus};
use zhunong_entity::{bill, bill_item, order, payment, reconciled_payment, shop_order};

/// Ids per `IN (…)` list: well under SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 500;

/// The shop's bills, which tell of the same orders' money.
const SHOP_BILLS: [BillKind; 2] = [BillKind::DouyinSettlement, BillKind::DouyinFund];

struct Group {
    rows: Vec<usize>,
    platform_ref: String,
    at: DateTime<Utc>,
    amount_fen: i64,
    fee_fen: i64,
    subsidy_fen: i64,
}

fn groups(lines: &[BillLine]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for l in lines {
        let i = *at.entry(l.platform_ref.as_str()).or_insert_with(|| {
            out.push(Group {
                rows: Vec::new(),
                platform_ref: l.platform_ref.clone(),
                at: l.at,
                amount_fen: 0,
                fee_fen: 0,
                subsidy_fen: 0,
            });
            out.len() - 1
        });
        let g = &mut out[i];
        g.rows.push(l.row);
        g.at = g.at.max(l.at);
        g.amount_fen += l.amount_fen;
        g.fee_fen += l.fee_fen;
        g.subsidy_fen += l.subsidy_fen;
    }
    out
}

/// The items of a settlement bill.
///
/// # Errors
/// Database errors.
pub async fn drafts(
    tx: &Tx,
    kind: BillKind,
    lines: &[BillLine],
    tol: Tolerance,
) -> AppResult<Vec<Draft>> {
    let groups = groups(lines);
    let mut shop_orders: HashMap<String, shop_order::Model> = HashMap::new();
    for part in groups.chunks(CHUNK) {
        let refs = part.iter().map(|g| g.platform_ref.clone());
        for s in shop_order::Entity::find()
            .filter(shop_order::Column::PlatformOrderId.is_in(refs))
            .all(tx)
            .await?
        {
            shop_orders.insert(s.platform_order_id.clone(), s);
        }
    }
    let ids: Vec<i64> = shop_orders.values().map(|s| s.order_id).collect();
    let orders = crate::services::rows::by_id::<order::Entity>(tx, ids.iter().copied()).await?;
    let payments = payments_of(tx, &ids).await?;
    let settled_before = in_earlier_bills(tx, &ids).await?;
    let reconciled = reconciled(tx, payments.values().flatten().map(|p| p.id)).await?;

    let mut out = Vec::with_capacity(groups.len());
    for g in &groups {
        let found = shop_orders
            .get(&g.platform_ref)
            .and_then(|s| orders.get(&s.order_id));
        let mut d = Draft {
            class: BillClass::BillOnly,
            rows: g.rows.clone(),
            platform_ref: Some(g.platform_ref.clone()),
            merchant_ref: None,
            occurred_at: Some(g.at),
            bill_amount_fen: g.amount_fen,
            books_amount_fen: 0,
            fee_fen: g.fee_fen,
            subsidy_fen: g.subsidy_fen,
            order_id: None,
            confirms: Vec::new(),
            payment_id: None,
            post_fees: true,
        };
        if let Some(o) = found {
            let paid = payments.get(&o.id).map_or(&[][..], Vec::as_slice);
            d.order_id = Some(o.id);
            d.post_fees = !settled_before.contains(&o.id);
            if g.amount_fen < 0 {
                // Money taken back after an earlier settlement: the books' refunds answer it.
                let refunds: Vec<&payment::Model> =
                    paid.iter().filter(|p| p.amount_fen < 0).collect();
                d.books_amount_fen = refunds.iter().map(|p| p.amount_fen).sum();
                d.payment_id = refunds.first().map(|p| p.id);
                d.class = match class_of(g.amount_fen, d.books_amount_fen, tol) {
                    BillClass::Matched => BillClass::RefundedAfterSettlement,
                    other => other,
                };
                if d.class == BillClass::RefundedAfterSettlement {
                    d.confirms = refunds
                        .iter()
                        .filter(|p| !reconciled.contains(&p.id))
                        .map(|p| p.id)
                        .collect();
                }
                out.push(d);
                continue;
            }
            let refunded_after: i64 = paid
                .iter()
                .filter(|p| p.amount_fen < 0 && p.paid_at > g.at)
                .map(|p| -p.amount_fen)
                .sum();
            d.books_amount_fen = o.paid_fen;
            d.class = shop_order_class(g.amount_fen, o.paid_fen, refunded_after, tol);
            d.payment_id = paid.iter().find(|p| p.amount_fen > 0).map(|p| p.id);
            if d.class != BillClass::AmountDiffers {
                d.confirms = paid
                    .iter()
                    .filter(|p| p.amount_fen > 0 && !reconciled.contains(&p.id))
                    .map(|p| p.id)
                    .collect();
            }
        }
        out.push(d);
    }
    // The settlement bill says which orders it settles; the fund bill's movements do not say
    // when their orders were paid, so it cannot tell an order settled next month from one
    // never settled.
    if kind == BillKind::DouyinSettlement {
        let seen: HashSet<i64> = out.iter().filter_map(|d| d.order_id).collect();
        out.extend(unsettled(tx, lines, &seen).await?);
    }
    Ok(out)
}

async fn payments_of(tx: &Tx, orders: &[i64]) -> AppResult<HashMap<i64, Vec<payment::Model>>> {
    let mut out: HashMap<i64, Vec<payment::Model>> = HashMap::new();
    for part in orders.chunks(CHUNK) {
        for p in payment::Entity::find()
            .filter(payment::Column::OrderId.is_in(part.iter().copied()))
            .all(tx)
            .await?
        {
            out.entry(p.order_id).or_default().push(p);
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|p| p.id);
    }
    Ok(out)
}

/// The items of the shop's bills that settled or took back an order's money (what only the
/// books have settled nothing).
fn shop_bill_items() -> sea_orm::Select<bill_item::Entity> {
    let shop_bills = Query::select()
        .column(bill::Column::Id)
        .from(bill::Entity)
        .and_where(bill::Column::Kind.is_in(SHOP_BILLS))
        .to_owned();
    bill_item::Entity::find()
        .filter(bill_item::Column::BillId.in_subquery(shop_bills))
        .filter(bill_item::Column::Class.ne(BillClass::BooksOnly))
        .filter(bill_item::Column::OrderId.is_not_null())
}

/// The orders an earlier bill of the shop already had: their fees are in the ledger once.
async fn in_earlier_bills(tx: &Tx, orders: &[i64]) -> AppResult<HashSet<i64>> {
    let mut out = HashSet::new();
    for part in orders.chunks(CHUNK) {
        let had: Vec<Option<i64>> = shop_bill_items()
            .filter(bill_item::Column::OrderId.is_in(part.iter().copied()))
            .select_only()
            .column(bill_item::Column::OrderId)
            .into_tuple()
            .all(tx)
            .await?;
        out.extend(had.into_iter().flatten());
    }
    Ok(out)
}

/// Which of `payments` a bill has confirmed already.
pub async fn reconciled(tx: &Tx, payments: impl Iterator<Item = i64>) -> AppResult<HashSet<i64>> {
    let ids: Vec<i64> = payments.collect();
    let mut out = HashSet::new();
    for part in ids.chunks(CHUNK) {
        out.extend(
            reconciled_payment::Entity::find()
                .filter(reconciled_payment::Column::PaymentId.is_in(part.iter().copied()))
                .all(tx)
                .await?
                .into_iter()
                .map(|r| r.payment_id),
        );
    }
    Ok(out)
}

/// The shop's orders paid within the bill's span (its lines' 下单时间, else their settlement
/// times) that are still worth money in the books, and that neither this bill nor an earlier
/// one settled: the platform owes them.
async fn unsettled(tx: &Tx, lines: &[BillLine], seen: &HashSet<i64>) -> AppResult<Vec<Draft>> {
    let times: Vec<DateTime<Utc>> = match lines
        .iter()
        .filter_map(|l| l.ordered_at)
        .collect::<Vec<_>>()
    {
        t if t.is_empty() => lines.iter().map(|l| l.at).collect(),
        t => t,
    };
    let (Some(from), Some(to)) = (times.iter().min(), times.iter().max()) else {
        return Ok(Vec::new());
    };
    let settled = shop_bill_items()
        .select_only()
        .column(bill_item::Column::OrderId)
        .into_query();
    let candidates = shop_order::Entity::find()
        .filter(shop_order::Column::PaidAt.between(*from, *to))
        .filter(shop_order::Column::OrderId.not_in_subquery(settled))
        .all(tx)
        .await?;
    let orders =
        crate::services::rows::by_id::<order::Entity>(tx, candidates.iter().map(|s| s.order_id))
            .await?;
    let mut out = Vec::new();
    for s in candidates {
        let Some(o) = orders.get(&s.order_id) else {
            continue;
        };
        if seen.contains(&o.id) || o.status == OrderStatus::Cancelled || o.paid_fen <= 0 {
            continue;
        }
        out.push(Draft::books_only(
            o.id,
            None,
            Some(s.platform_order_id.clone()),
            s.paid_at,
            o.paid_fen,
        ));
    }
    out.sort_by_key(|d| d.occurred_at);
    Ok(out)
}
