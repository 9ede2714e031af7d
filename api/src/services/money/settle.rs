//! Settling an order: once it is delivered and fully paid, its final amount is posted to the
//! ledger as grower payable plus commission to each collective, in the same transaction as the
//! status change. A conditional UPDATE makes sure an order settles exactly once, however many
//! requests race to settle it. A refund after settlement reverses the settlement and posts a new
//! one for what remains paid; nothing is edited.

use super::ledger::{Entry, Header, post};
use crate::db::Tx;
use crate::domain::commission::spread_by_amount;
use crate::domain::settlement::{Leg, SettleLine, postings, scale_amounts};
use crate::domain::units::OrderId;
use crate::dto::money::{SettleOrders, SettleOutcome, SkipCode, Skipped};
use crate::error::{AppError, AppResult, Invariant};
use crate::services::audit::{self, Change};
use crate::services::stored_shares;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{EntryKind, IncomeCategory, OrderStatus, TransactionKind};
use zhunong_entity::{batch, ledger_entry, order, order_line};

pub(crate) fn entry_kind(leg: Leg) -> EntryKind {
    match leg {
        Leg::CashIn => EntryKind::CashIn,
        Leg::Sale => EntryKind::Sale,
        Leg::CommissionWithheld => EntryKind::CommissionWithheld,
        Leg::Commission => EntryKind::Commission,
        Leg::FeesBorne | Leg::FeesCharged => EntryKind::PlatformFee,
    }
}

/// The order's lines as settlement inputs, with their amounts scaled to `total` if given, and
/// the order's platform fees (less subsidies) spread over them by final amount where they come
/// off the commission base, as the sales figures spread them.
async fn settle_lines(
    db: &impl ConnectionTrait,
    o: &order::Model,
    total: Option<i64>,
) -> AppResult<Vec<SettleLine>> {
    let order_id = o.id;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let growers: HashMap<i64, i64> =
        crate::services::rows::by_id::<batch::Entity>(db, lines.iter().map(|l| l.batch_id))
            .await?
            .into_iter()
            .map(|(id, b)| (id, b.grower_id))
            .collect();
    let amounts: Vec<i64> = lines
        .iter()
        .map(|l| crate::domain::money::line_due_fen(l).get())
        .collect();
    let base_fees = if o.fees_reduce_commission_base == Some(true) {
        o.platform_fees_fen
    } else {
        0
    };
    let fees = spread_by_amount(&amounts, base_fees)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("platform fees overflow")))?;
    let amounts = match total {
        Some(t) => scale_amounts(&amounts, t)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("refund larger than the order")))?,
        None => amounts,
    };
    lines
        .iter()
        .zip(amounts)
        .zip(fees)
        .map(|((l, amount_fen), fees_fen)| {
            let shares = stored_shares::from_json(l.commission_shares.as_ref(), l.id)?;
            let grower_id = growers.get(&l.batch_id).copied().invariant(&format!(
                "batch {} of order line {} has a grower",
                l.batch_id, l.id
            ))?;
            Ok(SettleLine {
                grower_id,
                amount_fen,
                quantity_g: l.weighed_g.unwrap_or(0),
                basis_points: l.commission_bp.unwrap_or(0),
                fen_per_jin: l.commission_fen_per_jin.unwrap_or(0),
                shares: shares
                    .into_iter()
                    .map(|s| (s.collective_id, s.shares))
                    .collect(),
                fees_fen,
            })
        })
        .collect()
}

async fn post_settlement(
    tx: &Tx,
    o: &order::Model,
    total: Option<i64>,
    actor: i64,
    day: NaiveDate,
) -> AppResult<Option<i64>> {
    let order_id = o.id;
    let lines = settle_lines(tx, o, total).await?;
    let p = postings(&lines)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("settlement overflow")))?;
    if p.is_empty() {
        return Ok(None);
    }
    let entries: Vec<Entry> = p
        .into_iter()
        .map(|x| Entry {
            account: x.account,
            kind: entry_kind(x.leg),
            category: (x.leg == Leg::Commission).then_some(IncomeCategory::SalesCommission),
            amount_fen: x.amount_fen,
            quantity_g: x.quantity_g,
        })
        .collect();
    let description = format!("结算 {}", crate::domain::order_number::format(order_id));
    let header = Header {
        kind: TransactionKind::Settlement,
        order_id: Some(order_id),
        reverses_id: None,
        description: &description,
        occurred_on: day,
        actor,
    };
    Ok(Some(post(tx, header, &entries).await?))
}

/// What made an order settle, as the audit log tells it.
#[derive(Clone, Copy, Debug)]
pub enum SettledBy {
    /// The payment that made it fully paid.
    Payment,
    /// It was delivered already fully paid.
    Delivery,
    /// The secretary settled it from the office.
    Hand,
}

impl SettledBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Delivery => "delivery",
            Self::Hand => "hand",
        }
    }
}

/// Settles the order if it is delivered and fully paid; `false` if it is not (or another
/// request settled it first).
///
/// # Errors
/// Database errors.
pub async fn settle_if_ready(
    tx: &Tx,
    order: OrderId,
    actor: i64,
    day: NaiveDate,
    by: SettledBy,
) -> AppResult<bool> {
    let order_id = order.get();
    let due = Func::coalesce([
        Expr::col(order::Column::FinalTotalFen),
        Expr::col(order::Column::TotalFen),
    ]);
    let now = chrono::Utc::now();
    let won = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Settled))
        .col_expr(order::Column::SettledAt, Expr::value(now))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.eq(OrderStatus::Delivered))
        .filter(Expr::col(order::Column::PaidFen).eq(due))
        .filter(order::Column::PaidFen.gt(0))
        .exec_with_returning(tx)
        .await?;
    let Some(settled) = won.into_iter().next() else {
        return Ok(false);
    };
    let transaction_id = post_settlement(tx, &settled, None, actor, day).await?;
    audit::record(
        tx,
        Change::of(
            Some(actor),
            AuditAction::SettleOrder,
            AuditEntity::Order,
            order_id,
        )
        .after(serde_json::json!({
            "amount_fen": settled.paid_fen,
            "trigger": by.as_str(),
            "transaction_id": transaction_id,
        })),
    )
    .await?;
    order::Entity::update_many()
        .col_expr(
            order::Column::SettlementTransactionId,
            Expr::value(transaction_id),
        )
        .filter(order::Column::Id.eq(order_id))
        .exec(tx)
        .await?;
    crate::services::reports::facts::refresh(tx, order_id).await?;
    Ok(true)
}

/// Why a settled order is settled again.
#[derive(Clone, Copy, Debug)]
pub enum Resettle {
    /// A refund: what remains paid is settled.
    Refund,
    /// The platforms' fees arrived and come off the commission base.
    PlatformFees,
}

impl Resettle {
    fn label(self) -> &'static str {
        match self {
            Self::Refund => "退款",
            Self::PlatformFees => "平台费用",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Refund => "refund",
            Self::PlatformFees => "platform_fees",
        }
    }
}

/// After a refund on a settled order, or fees that come off its commission base: reverse the
/// current settlement and settle what remains paid, as `o` (read in this transaction) now
/// stands.
///
/// # Errors
/// Database errors.
pub async fn resettle(
    tx: &Tx,
    o: &order::Model,
    actor: i64,
    day: NaiveDate,
    why: Resettle,
) -> AppResult<()> {
    if let Some(current) = o.settlement_transaction_id {
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::TransactionId.eq(current))
            .all(tx)
            .await?;
        let reversed: Vec<Entry> = entries
            .into_iter()
            .map(|e| Entry {
                account: parse_account(&e),
                kind: e.entry_kind,
                category: e.category,
                amount_fen: -e.amount_fen,
                quantity_g: -e.quantity_g,
            })
            .collect();
        let description = format!(
            "冲销 {}（{}）",
            crate::domain::order_number::format(o.id),
            why.label()
        );
        let header = Header {
            kind: TransactionKind::Reversal,
            order_id: Some(o.id),
            reverses_id: Some(current),
            description: &description,
            occurred_on: day,
            actor,
        };
        post(tx, header, &reversed).await?;
    }
    let new = if o.paid_fen > 0 {
        post_settlement(tx, o, Some(o.paid_fen), actor, day).await?
    } else {
        None
    };
    order::Entity::update_many()
        .col_expr(order::Column::SettlementTransactionId, Expr::value(new))
        .filter(order::Column::Id.eq(o.id))
        .exec(tx)
        .await?;
    audit::record(
        tx,
        Change::of(
            Some(actor),
            AuditAction::ResettleOrder,
            AuditEntity::Order,
            o.id,
        )
        .before(serde_json::json!({"transaction_id": o.settlement_transaction_id}))
        .after(serde_json::json!({
            "amount_fen": o.paid_fen,
            "transaction_id": new,
            "reason": why.as_str(),
        })),
    )
    .await?;
    Ok(())
}

fn parse_account(e: &ledger_entry::Model) -> crate::domain::settlement::Account {
    use crate::domain::settlement::Account;
    match (e.collective_id, e.grower_id, e.account.as_str()) {
        (Some(c), _, _) => Account::Collective(c),
        (_, Some(g), _) => Account::Grower(g),
        (_, _, "platform_fees") => Account::PlatformFees,
        (_, _, "platform_subsidies") => Account::PlatformSubsidies,
        _ => Account::Cash,
    }
}

/// The secretary settles several orders; each that is not ready is listed with the reason.
///
/// # Errors
/// Database errors.
pub async fn settle_many(
    db: &crate::db::Db,
    actor: i64,
    req: SettleOrders,
    day: NaiveDate,
) -> AppResult<SettleOutcome> {
    let mut v = crate::error::Validator::default();
    v.check(
        (1..=500).contains(&req.order_ids.len()),
        "order_ids",
        "between 1 and 500 orders",
    );
    v.finish()?;
    let mut out = SettleOutcome {
        settled: Vec::new(),
        skipped: Vec::new(),
    };
    for id in req.order_ids {
        let tx = db.begin_write().await?;
        if settle_if_ready(&tx, OrderId::new(id), actor, day, SettledBy::Hand).await? {
            tx.commit().await?;
            out.settled.push(id);
            continue;
        }
        let (code, reason) = match order::Entity::find_by_id(id).one(&tx).await? {
            None => (SkipCode::NotFound, "no such order".to_owned()),
            Some(o) if o.status == OrderStatus::Settled => {
                (SkipCode::AlreadySettled, "already settled".to_owned())
            }
            Some(o) if o.status != OrderStatus::Delivered => (
                SkipCode::NotDelivered,
                format!("the order is {}, not delivered", o.status.as_str()),
            ),
            Some(_) => (SkipCode::NotFullyPaid, "not fully paid".to_owned()),
        };
        tx.rollback().await?;
        out.skipped.push(Skipped {
            order_id: id,
            code,
            reason,
        });
    }
    Ok(out)
}
