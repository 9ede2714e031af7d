//! A month's vouchers (记账凭证): each ledger transaction of the books dated in the month, numbered
//! 记-0001 … by date then posting order, with its 摘要, lines, originals attached and maker.

use super::accounts::Books;
use super::entries::{self, Names};
use crate::domain::books::chart;
use crate::domain::books::mapping::Auxiliary;
use crate::domain::books::voucher::number;
use crate::dto::books::{VoucherLineOut, VoucherOut, VouchersOut};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};
use zhunong_entity::{batch, ledger_transaction, order_line, payment, product, user, weigh_ticket};

/// The first and last day of `2026-11`.
///
/// # Errors
/// 422 for anything else.
pub fn month_days(month: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    crate::domain::books::closing::month_days(month)
        .ok_or_else(|| AppError::field("month", "a month such as 2026-11"))
}

/// The month's vouchers of the collective's books; with `closed_only`, only a closed month's,
/// which are final.
///
/// # Errors
/// 404 for an unknown collective; 422 for a bad month; 409 `unmapped_posting`, or `month_open`
/// for a month not closed when `closed_only`.
pub async fn vouchers(
    db: &impl ConnectionTrait,
    collective_id: i64,
    month: &str,
    closed_only: bool,
    keeper_setting: Option<i64>,
) -> AppResult<VouchersOut> {
    let (first, last) = month_days(month)?;
    let closed = super::closing::closed_through(db)
        .await?
        .is_some_and(|c| c >= crate::domain::books::closing::month_key(first));
    if closed_only && !closed {
        return Err(AppError::Conflict {
            code: ErrorCode::MonthOpen,
            detail: format!("{month} is not closed"),
        });
    }
    let books = Books::load(db, collective_id, keeper_setting).await?;
    let names = Names::load(db).await?;
    let txns = entries::transactions(db, &books, first, last).await?;
    let headers =
        crate::services::rows::by_id::<ledger_transaction::Entity>(db, txns.iter().map(|t| t.id))
            .await?;
    let reversed = crate::services::rows::by_id::<ledger_transaction::Entity>(
        db,
        headers.values().filter_map(|h| h.reverses_id),
    )
    .await?;
    let orders: Vec<i64> = headers.values().filter_map(|h| h.order_id).collect();
    let originals = originals(db, &orders).await?;
    let products = products(db, &orders).await?;
    let makers: HashMap<i64, String> =
        crate::services::rows::by_id::<user::Entity>(db, headers.values().map(|h| h.created_by))
            .await?
            .into_iter()
            .map(|(id, u)| (id, u.display_name.unwrap_or(u.username)))
            .collect();
    // The month's own numbers, for reversals of its vouchers; an earlier month's are asked for.
    let numbers: HashMap<i64, usize> = txns
        .iter()
        .enumerate()
        .map(|(n, t)| (t.id, n + 1))
        .collect();
    let mut out = Vec::with_capacity(txns.len());
    let (mut debit, mut credit) = (0i64, 0i64);
    for (n, t) in txns.iter().enumerate() {
        let lines = entries::lines(&books, &names, t)?;
        let header = headers.get(&t.id);
        let kind = header.map(|h| h.kind).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("transaction {} has no header", t.id))
        })?;
        let order = header.and_then(|h| h.order_id);
        let mut summary = header.map_or_else(String::new, |h| h.description.clone());
        let growers: BTreeSet<&str> = lines
            .iter()
            .filter_map(|l| match l.auxiliary {
                Some(Auxiliary::Grower(g)) => Some(names.grower(g)),
                _ => None,
            })
            .collect();
        for word in growers.into_iter().chain(
            order
                .and_then(|o| products.get(&o))
                .into_iter()
                .flatten()
                .map(String::as_str),
        ) {
            summary.push(' ');
            summary.push_str(word);
        }
        // A reversal names the voucher it reverses: `（冲 2026-11 记-0003）`.
        if let Some(r) = header
            .and_then(|h| h.reverses_id)
            .and_then(|r| reversed.get(&r))
        {
            let n = match numbers.get(&r.id) {
                Some(n) => *n,
                None => entries::number_of(db, &books, r.id, r.occurred_on).await?,
            };
            summary.push_str(&format!(
                "（冲 {} {}）",
                r.occurred_on.format("%Y-%m"),
                number(n)
            ));
        }
        let summary: String = summary.chars().take(200).collect();
        let mut total = 0;
        let lines_out: Vec<VoucherLineOut> = lines
            .iter()
            .map(|l| {
                let (d, c) = if l.amount_fen >= 0 {
                    (l.amount_fen, 0)
                } else {
                    (0, -l.amount_fen)
                };
                total += d;
                credit += c;
                VoucherLineOut {
                    account_code: l.code.to_owned(),
                    account_name: chart::find(books.chart(), l.code)
                        .map_or("", |a| a.name)
                        .to_owned(),
                    auxiliary: l.auxiliary.map(|a| names.auxiliary(a)),
                    debit_fen: d,
                    credit_fen: c,
                }
            })
            .collect();
        debit += total;
        out.push(VoucherOut {
            number: number(n + 1),
            date: t.occurred_on,
            transaction_id: t.id,
            kind,
            summary,
            attachments: order.map_or(1, |o| {
                std::cmp::max(originals.get(&o).copied().unwrap_or(0), 1)
            }),
            made_by: header
                .and_then(|h| makers.get(&h.created_by))
                .cloned()
                .unwrap_or_default(),
            lines: lines_out,
            total_fen: total,
        });
    }
    Ok(VouchersOut {
        collective_id,
        chart: books.chart(),
        month: month.to_owned(),
        closed,
        vouchers: out,
        debit_total_fen: debit,
        credit_total_fen: credit,
    })
}

/// The originals behind each order's vouchers: its weigh tickets and payments.
async fn originals(db: &impl ConnectionTrait, orders: &[i64]) -> AppResult<HashMap<i64, i64>> {
    let mut out: HashMap<i64, i64> = HashMap::new();
    for part in orders.chunks(10_000) {
        let tickets: Vec<(i64, i64)> = weigh_ticket::Entity::find()
            .select_only()
            .column(weigh_ticket::Column::OrderId)
            .column_as(Expr::col(weigh_ticket::Column::Id).count(), "n")
            .filter(weigh_ticket::Column::OrderId.is_in(part.iter().copied()))
            .group_by(weigh_ticket::Column::OrderId)
            .into_tuple()
            .all(db)
            .await?;
        let payments: Vec<(i64, i64)> = payment::Entity::find()
            .select_only()
            .column(payment::Column::OrderId)
            .column_as(Expr::col(payment::Column::Id).count(), "n")
            .filter(payment::Column::OrderId.is_in(part.iter().copied()))
            .group_by(payment::Column::OrderId)
            .into_tuple()
            .all(db)
            .await?;
        for (order, n) in tickets.into_iter().chain(payments) {
            *out.entry(order).or_default() += n;
        }
    }
    Ok(out)
}

/// The names of the products on each order, in line order.
async fn products(
    db: &impl ConnectionTrait,
    orders: &[i64],
) -> AppResult<HashMap<i64, Vec<String>>> {
    let mut lines: Vec<(i64, i64)> = Vec::new();
    for part in orders.chunks(10_000) {
        lines.extend(
            order_line::Entity::find()
                .select_only()
                .column(order_line::Column::OrderId)
                .column(order_line::Column::BatchId)
                .filter(order_line::Column::OrderId.is_in(part.iter().copied()))
                .order_by_asc(order_line::Column::OrderId)
                .order_by_asc(order_line::Column::LineNo)
                .into_tuple::<(i64, i64)>()
                .all(db)
                .await?,
        );
    }
    let batches =
        crate::services::rows::by_id::<batch::Entity>(db, lines.iter().map(|l| l.1)).await?;
    let names: HashMap<i64, String> =
        crate::services::rows::by_id::<product::Entity>(db, batches.values().map(|b| b.product_id))
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.name))
            .collect();
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (order, b) in lines {
        if let Some(name) = batches.get(&b).and_then(|b| names.get(&b.product_id)) {
            let v = out.entry(order).or_default();
            if !v.contains(name) {
                v.push(name.clone());
            }
        }
    }
    Ok(out)
}
