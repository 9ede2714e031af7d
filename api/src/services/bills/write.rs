//! Writing a reconciled bill: the bill, its items, the payments it confirmed, and the
//! platform's fees and subsidies in the ledger, each against its order.

use super::draft::Draft;
use crate::db::Tx;
use crate::domain::bills::Bill;
use crate::domain::bills::matching::Tolerance;
use crate::domain::caller::Caller;
use crate::domain::labels::Label;
use crate::domain::settlement::Account;
use crate::error::AppResult;
use crate::services::audit::{self, Change};
use crate::services::money::ledger::{self, Entry, Header};
use crate::services::money::settle::{Resettle, resettle};
use chrono::FixedOffset;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use zhunong_entity::enums::{
    AuditAction, AuditEntity, BillClass, EntryKind, OrderStatus, TransactionKind,
};
use zhunong_entity::{bill, bill_item, order, reconciled_payment};

/// Writes the bill and its items; the bill's id.
///
/// # Errors
/// Database errors; the same file written meanwhile (its unique checksum).
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    tx: &Tx,
    caller: &Caller,
    b: &Bill,
    drafts: &[Draft],
    file_name: &str,
    sha256: &str,
    tol: Tolerance,
    offset: FixedOffset,
    reduce_commission_base: bool,
) -> AppResult<i64> {
    let now = chrono::Utc::now();
    let stored = bill::ActiveModel {
        kind: Set(b.kind),
        file_name: Set(file_name.to_owned()),
        sha256: Set(sha256.to_owned()),
        merchant_no: Set(b.merchant_no.clone()),
        period_from: Set(b.lines.iter().map(|l| l.at).min().unwrap_or(now)),
        period_to: Set(b.lines.iter().map(|l| l.at).max().unwrap_or(now)),
        lines: Set(i64::try_from(b.lines.len()).unwrap_or(i64::MAX)),
        amount_fen: Set(b.lines.iter().map(|l| l.amount_fen).sum()),
        fee_fen: Set(b.lines.iter().map(|l| l.fee_fen).sum()),
        subsidy_fen: Set(b.lines.iter().map(|l| l.subsidy_fen).sum()),
        fees_reduce_commission_base: Set(reduce_commission_base),
        time_tolerance_minutes: Set(tol.minutes),
        amount_tolerance_fen: Set(tol.fen),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let mut fee_posted = 0;
    let mut transactions = Vec::with_capacity(drafts.len());
    let mut touched = Vec::new();
    for d in drafts {
        let transaction_id = if d.post_fees && (d.fee_fen != 0 || d.subsidy_fen != 0) {
            fee_posted += d.fee_fen;
            let what = format!(
                "{} {} 平台费用 {} 元，补贴 {} 元",
                b.kind.label(),
                d.platform_ref.as_deref().unwrap_or(""),
                crate::domain::format::yuan(d.fee_fen),
                crate::domain::format::yuan(d.subsidy_fen)
            );
            let on = d
                .occurred_at
                .unwrap_or(now)
                .with_timezone(&offset)
                .date_naive();
            touched.extend(d.order_id);
            Some(
                post_fees(
                    tx,
                    caller.user_id,
                    Fees {
                        order_id: d.order_id,
                        description: &what,
                        on,
                        today: now.with_timezone(&offset).date_naive(),
                        fee_fen: d.fee_fen,
                        subsidy_fen: d.subsidy_fen,
                    },
                    reduce_commission_base,
                )
                .await?,
            )
        } else {
            None
        };
        transactions.push(transaction_id);
    }
    insert_items(tx, stored.id, drafts, &transactions, now).await?;
    // The orders' sales figures follow their fees, all in a few statements.
    crate::services::reports::facts::refresh_many(tx, &touched).await?;
    let matched = drafts
        .iter()
        .filter(|d| d.class == BillClass::Matched)
        .count();
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::ImportBill,
            AuditEntity::Bill,
            stored.id,
        )
        .after(serde_json::json!({
            "file_name": file_name,
            "kind": b.kind,
            "kind_label": b.kind.label(),
            "sha256": sha256,
            "items": drafts.len(),
            "matched": matched,
            "exceptions": drafts.len() - matched,
            "fee_fen": fee_posted,
        })),
    )
    .await?;
    Ok(stored.id)
}

/// The items, many rows a statement, then the payments they confirmed. An item is found again
/// by its row numbers, which no two items of a bill share (what only the books have has none,
/// and confirms nothing).
async fn insert_items(
    tx: &Tx,
    bill_id: i64,
    drafts: &[Draft],
    transactions: &[Option<i64>],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use sea_orm::QuerySelect;
    let rows: Vec<bill_item::ActiveModel> = drafts
        .iter()
        .zip(transactions)
        .map(|(d, t)| bill_item::ActiveModel {
            bill_id: Set(bill_id),
            class: Set(d.class),
            rows: Set(rows_text(&d.rows)),
            platform_ref: Set(d.platform_ref.clone()),
            merchant_ref: Set(d.merchant_ref.clone()),
            occurred_at: Set(d.occurred_at),
            bill_amount_fen: Set(d.bill_amount_fen),
            books_amount_fen: Set(d.books_amount_fen),
            fee_fen: Set(d.fee_fen),
            subsidy_fen: Set(d.subsidy_fen),
            order_id: Set(d.order_id),
            payment_id: Set(d.payment_id),
            transaction_id: Set(*t),
            ..Default::default()
        })
        .collect();
    crate::db::chunks::insert_chunked(tx, &rows).await?;
    if drafts.iter().all(|d| d.confirms.is_empty()) {
        return Ok(());
    }
    let ids: std::collections::HashMap<String, i64> = bill_item::Entity::find()
        .select_only()
        .column(bill_item::Column::Rows)
        .column(bill_item::Column::Id)
        .filter(bill_item::Column::BillId.eq(bill_id))
        .filter(bill_item::Column::Rows.ne(""))
        .into_tuple::<(String, i64)>()
        .all(tx)
        .await?
        .into_iter()
        .collect();
    let mut confirmed = Vec::new();
    for d in drafts.iter().filter(|d| !d.confirms.is_empty()) {
        let item = ids.get(&rows_text(&d.rows)).copied().ok_or_else(|| {
            crate::error::AppError::Internal(anyhow::anyhow!("a bill item written is not found"))
        })?;
        confirmed.extend(d.confirms.iter().map(|p| reconciled_payment::ActiveModel {
            payment_id: Set(*p),
            bill_id: Set(bill_id),
            bill_item_id: Set(item),
            reconciled_at: Set(now),
        }));
    }
    crate::db::chunks::insert_chunked(tx, &confirmed).await
}

/// Row numbers as stored: `3,4,5`, cut short of the column's 200 characters with `…`.
fn rows_text(rows: &[usize]) -> String {
    let mut s = String::new();
    for r in rows {
        let next = if s.is_empty() {
            r.to_string()
        } else {
            format!(",{r}")
        };
        if s.len() + next.len() > 190 {
            s.push_str(",…");
            break;
        }
        s.push_str(&next);
    }
    s
}

/// A platform's fee and subsidy on one order, to post.
pub struct Fees<'a> {
    pub order_id: Option<i64>,
    pub description: &'a str,
    /// The day of the bill's line, which the fees are posted on.
    pub on: chrono::NaiveDate,
    /// Today: a settled order settled again because of them is settled on the day it is done.
    pub today: chrono::NaiveDate,
    pub fee_fen: i64,
    pub subsidy_fen: i64,
}

/// Posts a platform's fee (kept from the money it passed on: the cash is less) and subsidy
/// (added to it: the cash is more) against an order; the transaction's id. The order carries
/// the sum, which its sales figures read (the reports' `platform_fees_fen` and
/// `net_received_fen`): the caller rewrites them before it commits.
///
/// Whether the fees come off the order's commission base is fixed on the order with its first
/// fees (`reduce_commission_base`, the setting in force then). Where they do, a settled order is
/// settled again so its commission and what its grower is owed follow; where they do not, its
/// commission does not change and the fees are the collective's cost of selling.
///
/// # Errors
/// Database errors.
pub async fn post_fees(
    tx: &Tx,
    actor: i64,
    f: Fees<'_>,
    reduce_commission_base: bool,
) -> AppResult<i64> {
    let Fees {
        order_id,
        description,
        on,
        today,
        fee_fen,
        subsidy_fen,
    } = f;
    let entry = |account, kind, amount_fen| Entry {
        account,
        kind,
        category: None,
        amount_fen,
        quantity_g: 0,
    };
    let cash_kind = |fen: i64| {
        if fen >= 0 {
            EntryKind::CashIn
        } else {
            EntryKind::CashOut
        }
    };
    let mut entries = Vec::new();
    if fee_fen != 0 {
        entries.push(entry(
            Account::PlatformFees,
            EntryKind::PlatformFee,
            fee_fen,
        ));
        entries.push(entry(Account::Cash, cash_kind(-fee_fen), -fee_fen));
    }
    if subsidy_fen != 0 {
        entries.push(entry(Account::Cash, cash_kind(subsidy_fen), subsidy_fen));
        entries.push(entry(
            Account::PlatformSubsidies,
            EntryKind::PlatformSubsidy,
            -subsidy_fen,
        ));
    }
    let description: String = description.chars().take(500).collect();
    let posted = ledger::post(
        tx,
        Header {
            kind: TransactionKind::PlatformFees,
            order_id,
            reverses_id: None,
            description: &description,
            occurred_on: on,
            actor,
        },
        &entries,
    )
    .await?;
    if let Some(id) = order_id {
        let charged = order::Entity::update_many()
            .col_expr(
                order::Column::PlatformFeesFen,
                Expr::col(order::Column::PlatformFeesFen).add(fee_fen - subsidy_fen),
            )
            .col_expr(
                order::Column::FeesReduceCommissionBase,
                Func::coalesce([
                    Expr::col(order::Column::FeesReduceCommissionBase),
                    Expr::value(reduce_commission_base),
                ])
                .into(),
            )
            .filter(order::Column::Id.eq(id))
            .exec_with_returning(tx)
            .await?;
        if let Some(o) = charged.into_iter().next()
            && o.fees_reduce_commission_base == Some(true)
            && o.status == OrderStatus::Settled
        {
            resettle(tx, &o, actor, today, Resettle::PlatformFees).await?;
        }
    }
    Ok(posted)
}
