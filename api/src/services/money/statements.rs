//! Grower statements and payouts. A statement covers the grower's ledger entries after the
//! previous statement, up to the newest transaction, and is frozen once issued: a correction
//! posted later falls on the next statement.

use super::ledger::{Entry, Header, post};
use crate::db::Tx;
use crate::domain::caller::Caller;
use crate::domain::settlement::Account;
use crate::dto::money::{RecordPayout, StatementOut, TransactionOut};
use crate::error::{AppError, AppResult, ErrorCode, Invariant, Validator, is_unique_violation};
use crate::services::audit::{self, Change};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::enums::{EntryKind, TransactionKind};
use zhunong_entity::{grower, grower_statement, ledger_entry};

/// Σ of the grower's entries of `kind` in (after, through]; amount and quantity.
async fn sum(
    db: &impl ConnectionTrait,
    grower_id: i64,
    kind: Option<EntryKind>,
    after: i64,
    through: i64,
) -> AppResult<(i64, i64)> {
    let mut q = ledger_entry::Entity::find()
        .select_only()
        .column_as(
            Expr::col(ledger_entry::Column::AmountFen)
                .sum()
                .cast_as("BIGINT"),
            "amount",
        )
        .column_as(
            Expr::col(ledger_entry::Column::QuantityG)
                .sum()
                .cast_as("BIGINT"),
            "quantity",
        )
        .filter(ledger_entry::Column::GrowerId.eq(grower_id))
        .filter(ledger_entry::Column::TransactionId.gt(after))
        .filter(ledger_entry::Column::TransactionId.lte(through));
    if let Some(k) = kind {
        q = q.filter(ledger_entry::Column::EntryKind.eq(k));
    }
    let row: Option<(Option<i64>, Option<i64>)> = q.into_tuple().one(db).await?;
    let (a, qn) = row.unwrap_or_default();
    Ok((a.unwrap_or(0), qn.unwrap_or(0)))
}

/// What the collective owes the grower now: −Σ of all the grower's entries.
///
/// # Errors
/// Database errors.
pub async fn outstanding(db: &impl ConnectionTrait, grower_id: i64) -> AppResult<i64> {
    Ok(-sum(db, grower_id, None, 0, i64::MAX).await?.0)
}

/// Issues the next statement for a grower.
///
/// # Errors
/// 404 for an unknown grower; 409 if nothing was posted since the last statement.
pub async fn issue(
    db: &crate::db::Db,
    caller: &Caller,
    grower_id: i64,
    today: NaiveDate,
) -> AppResult<StatementOut> {
    let tx = db.begin_write().await?;
    grower::Entity::find_by_id(grower_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound("grower"))?;
    let last = grower_statement::Entity::find()
        .filter(grower_statement::Column::GrowerId.eq(grower_id))
        .order_by_desc(grower_statement::Column::ThroughTransactionId)
        .one(&tx)
        .await?;
    let (after, opening, from) = match &last {
        Some(s) => (s.through_transaction_id, s.balance_fen, s.period_to),
        None => (0, 0, NaiveDate::MIN),
    };
    let newest: Option<(i64, NaiveDate)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::TransactionId)
        .column(ledger_entry::Column::OccurredOn)
        .filter(ledger_entry::Column::GrowerId.eq(grower_id))
        .filter(ledger_entry::Column::TransactionId.gt(after))
        .order_by_desc(ledger_entry::Column::TransactionId)
        .into_tuple()
        .one(&tx)
        .await?;
    let Some((through, _)) = newest else {
        return Err(AppError::Conflict {
            code: ErrorCode::NothingToState,
            detail: "nothing was posted for this grower since the last statement".into(),
        });
    };
    let first: Option<NaiveDate> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::OccurredOn)
        .filter(ledger_entry::Column::GrowerId.eq(grower_id))
        .filter(ledger_entry::Column::TransactionId.gt(after))
        .order_by_asc(ledger_entry::Column::TransactionId)
        .into_tuple()
        .one(&tx)
        .await?;
    let (sales, quantity) = sum(&tx, grower_id, Some(EntryKind::Sale), after, through).await?;
    let (withheld, _) = sum(
        &tx,
        grower_id,
        Some(EntryKind::CommissionWithheld),
        after,
        through,
    )
    .await?;
    let (fees, _) = sum(&tx, grower_id, Some(EntryKind::PlatformFee), after, through).await?;
    let (paid_out, _) = sum(&tx, grower_id, Some(EntryKind::Payout), after, through).await?;
    let (sales, payable) = (-sales, -sales - withheld - fees);
    let m = grower_statement::ActiveModel {
        grower_id: Set(grower_id),
        period_from: Set(if last.is_some() {
            from
        } else {
            first.unwrap_or(today)
        }),
        period_to: Set(today),
        after_transaction_id: Set(after),
        through_transaction_id: Set(through),
        quantity_g: Set(quantity),
        sales_fen: Set(sales),
        commission_fen: Set(withheld),
        platform_fees_fen: Set(fees),
        payable_fen: Set(payable),
        paid_out_fen: Set(paid_out),
        opening_balance_fen: Set(opening),
        balance_fen: Set(opening + payable - paid_out),
        issued_by: Set(caller.user_id),
        issued_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict {
                code: ErrorCode::StatementExists,
                detail: "this statement was just issued".into(),
            }
        } else {
            e.into()
        }
    })?;
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::IssueStatement,
            AuditEntity::Grower,
            grower_id,
        )
        .after(serde_json::json!({
            "statement_id": m.id,
            "period_from": m.period_from,
            "period_to": m.period_to,
            "quantity_g": m.quantity_g,
            "payable_fen": m.payable_fen,
            "paid_out_fen": m.paid_out_fen,
            "balance_fen": m.balance_fen,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(m.into())
}

/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait, grower_id: i64) -> AppResult<Vec<StatementOut>> {
    Ok(grower_statement::Entity::find()
        .filter(grower_statement::Column::GrowerId.eq(grower_id))
        .order_by_asc(grower_statement::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(StatementOut::from)
        .collect())
}

/// Pays a grower part or all of what they are owed.
///
/// # Errors
/// 404 unknown grower; 422 for a non-positive amount; 409 if it exceeds what is owed.
pub async fn payout(
    db: &crate::db::Db,
    caller: &Caller,
    grower_id: i64,
    req: RecordPayout,
    today: NaiveDate,
    keyed: Option<&crate::services::idempotency::Keyed>,
    in_flight_wait: std::time::Duration,
) -> AppResult<crate::services::idempotency::Placed> {
    let mut v = Validator::default();
    v.check(
        (1..=super::payments::MAX_PAYMENT_FEN).contains(&req.amount_fen),
        "amount_fen",
        "must be positive",
    );
    v.opt_text(req.reference.as_deref(), "reference", 100);
    v.finish()?;
    crate::services::idempotency::keyed_write(db, keyed, in_flight_wait, async |tx| {
        let out = write_payout(tx, caller, grower_id, &req, today).await?;
        let body = serde_json::to_string(&out).invariant("a transaction serialises")?;
        Ok((crate::services::idempotency::Outcome::Created, body))
    })
    .await
}

/// The transaction's part of a payout: the balance check and the two postings.
async fn write_payout(
    tx: &Tx,
    caller: &Caller,
    grower_id: i64,
    req: &RecordPayout,
    today: NaiveDate,
) -> AppResult<TransactionOut> {
    let grower = grower::Entity::find_by_id(grower_id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound("grower"))?;
    let owed = outstanding(tx, grower_id).await?;
    if req.amount_fen > owed {
        return Err(AppError::Conflict {
            code: ErrorCode::PayoutExceedsBalance,
            detail: format!("the grower is owed {owed} fen"),
        });
    }
    // What the secretary and the grower read on the statement: the name and the method in
    // Chinese.
    let description = format!(
        "付款给种植户 {}（{}{}）",
        grower.name,
        crate::domain::labels::Label::label(req.method),
        req.reference
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    );
    let header = Header {
        kind: TransactionKind::Payout,
        order_id: None,
        reverses_id: None,
        description: &description,
        occurred_on: today,
        actor: caller.user_id,
    };
    let entries = [
        Entry {
            account: Account::Grower(grower_id),
            kind: EntryKind::Payout,
            category: None,
            amount_fen: req.amount_fen,
            quantity_g: 0,
        },
        Entry {
            account: Account::Cash,
            kind: EntryKind::CashOut,
            category: None,
            amount_fen: -req.amount_fen,
            quantity_g: 0,
        },
    ];
    let id = post(tx, header, &entries).await?;
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::Payout,
            AuditEntity::Grower,
            grower_id,
        )
        .before(serde_json::json!({"owed_fen": owed}))
        .after(serde_json::json!({
            "amount_fen": req.amount_fen,
            "method": req.method,
            "reference": req.reference,
            "transaction_id": id,
        })),
    )
    .await?;
    super::ledger::get(tx, id).await
}
