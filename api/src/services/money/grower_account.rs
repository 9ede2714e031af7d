//! A grower's account over a chosen period, for the office to print on one page: the balance
//! owed at the start, the month-by-month money from the ledger, the sales by product from the
//! sales figures (by settlement date), the payouts, and the balance at the end. Unlike a
//! statement it is not frozen: it reads the books as they stand.

use crate::dto::grower_account::{
    AccountFigures, AccountMonth, AccountPayout, AccountProduct, AccountQuery, GrowerAccount,
};
use crate::dto::reports::{Basis, Dimension, Metric};
use crate::error::{AppError, AppResult, Invariant, Validator};
use crate::services::reports::request::{FilterValue, SalesRequest};
use crate::services::reports::sales::{self, ReportLimits};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeMap;
use zhunong_entity::enums::EntryKind;
use zhunong_entity::{grower, ledger_entry, ledger_transaction};

/// Longest period one account covers.
pub const MAX_ACCOUNT_DAYS: i64 = 3 * 366;

fn add(f: &mut AccountFigures, e: &ledger_entry::Model) {
    match e.entry_kind {
        EntryKind::Sale => {
            f.sales_fen -= e.amount_fen;
            f.quantity_g += e.quantity_g;
        }
        EntryKind::CommissionWithheld => f.commission_fen += e.amount_fen,
        EntryKind::PlatformFee => f.platform_fees_fen += e.amount_fen,
        EntryKind::Payout => f.paid_out_fen += e.amount_fen,
        _ => {}
    }
    f.payable_fen = f.sales_fen - f.commission_fen - f.platform_fees_fen;
}

fn month_key(d: NaiveDate) -> String {
    format!("{}-{:02}", d.year(), d.month())
}

/// Every month from `from`'s to `to`'s, as `2026-09`.
fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = from.with_day(1).unwrap_or(from);
    while d <= to {
        out.push(month_key(d));
        d = d
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    out
}

/// # Errors
/// 404 for an unknown grower; 422 for `to` before `from` or a period over three years.
pub async fn account(
    db: &crate::db::ReportReader,
    grower_id: i64,
    q: AccountQuery,
    limits: ReportLimits,
) -> AppResult<GrowerAccount> {
    let mut v = Validator::default();
    v.check(q.from <= q.to, "to", "must not be before from");
    v.check(
        (q.to - q.from).num_days() < MAX_ACCOUNT_DAYS,
        "to",
        format!("the period may be at most {MAX_ACCOUNT_DAYS} days"),
    );
    v.finish()?;
    let g = grower::Entity::find_by_id(grower_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("grower"))?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::GrowerId.eq(grower_id))
        .filter(ledger_entry::Column::OccurredOn.lte(q.to))
        .order_by_asc(ledger_entry::Column::OccurredOn)
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await?;
    let mut opening = 0;
    let mut totals = AccountFigures::default();
    let mut by_month: BTreeMap<String, AccountFigures> = months_between(q.from, q.to)
        .into_iter()
        .map(|m| (m, AccountFigures::default()))
        .collect();
    let mut payout_txns = Vec::new();
    for e in &entries {
        if e.occurred_on < q.from {
            opening -= e.amount_fen;
            continue;
        }
        add(&mut totals, e);
        if let Some(m) = by_month.get_mut(&month_key(e.occurred_on)) {
            add(m, e);
        }
        if e.entry_kind == EntryKind::Payout {
            payout_txns.push((e.transaction_id, e.occurred_on, e.amount_fen));
        }
    }
    let closing = -entries.iter().map(|e| e.amount_fen).sum::<i64>();
    // A grower's entries are sales, commission withheld, the platforms' fees borne and payouts
    // only, so the books close.
    debug_assert_eq!(closing, opening + totals.payable_fen - totals.paid_out_fen);
    let descriptions: BTreeMap<i64, String> = crate::services::rows::by_id::<
        ledger_transaction::Entity,
    >(db, payout_txns.iter().map(|(t, _, _)| *t))
    .await?
    .into_iter()
    .map(|(id, t)| (id, t.description))
    .collect();
    let payouts = payout_txns
        .into_iter()
        .map(|(t, on, amount)| AccountPayout {
            occurred_on: on,
            amount_fen: amount,
            description: descriptions.get(&t).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(GrowerAccount {
        grower_id,
        grower: g.name,
        from: q.from,
        to: q.to,
        opening_balance_fen: opening,
        closing_balance_fen: closing,
        totals,
        months: by_month
            .into_iter()
            .map(|(month, figures)| AccountMonth { month, figures })
            .collect(),
        products: products(db, grower_id, q.from, q.to, limits).await?,
        payouts,
    })
}

/// The grower's sales by product in the period, by settlement date.
async fn products(
    db: &crate::db::ReportReader,
    grower_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    limits: ReportLimits,
) -> AppResult<Vec<AccountProduct>> {
    let req = SalesRequest {
        from,
        to,
        basis: Basis::Settled,
        interval: crate::domain::periods::Interval::None,
        group_by: vec![Dimension::Product],
        filters: BTreeMap::from([("grower_id", vec![FilterValue::Id(grower_id)])]),
        compare: None,
        order_by: Metric::NetSalesFen,
        descending: true,
        limit: None,
    };
    let report = sales::report(db, &req, limits).await?;
    report
        .rows
        .into_iter()
        .filter(|r| r.metrics.net_sales_fen != 0 || r.metrics.quantity_g != 0)
        .map(|r| {
            let p = r
                .dimensions
                .get("product")
                .invariant("a report grouped by product names its product")?;
            Ok(AccountProduct {
                product_id: p.id.invariant("a product in a report has its id")?,
                product: p.label.clone(),
                quantity_g: r.metrics.quantity_g,
                pieces: r.metrics.pieces,
                net_sales_fen: r.metrics.net_sales_fen,
                commission_fen: r.metrics.commission_fen,
                payable_fen: r.metrics.grower_payable_fen,
            })
        })
        .collect()
}
