//! The village's answer to a case, and closing or reopening it.

use super::{CaseTimes, get};
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::dto::after_sales::{CaseOut, DecideCase, DecisionIn};
use crate::dto::money::RecordPayment;
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use zhunong_entity::enums::{AuditAction, AuditEntity, CaseDecision, CaseStatus};
use zhunong_entity::{after_sales_case, payment};

fn validate(req: &DecideCase, claimed: Option<i64>) -> AppResult<Option<i64>> {
    let mut v = Validator::default();
    v.opt_text(req.reason.as_deref(), "reason", 500);
    let amount = match req.decision {
        DecisionIn::Agree => {
            v.check(
                claimed.is_some(),
                "amount_fen",
                "the claim names no amount: agree to part of it with amount_fen",
            );
            v.check(
                req.amount_fen.is_none() || req.amount_fen == claimed,
                "amount_fen",
                "agreeing in full refunds what was claimed",
            );
            claimed
        }
        DecisionIn::PartlyAgree => {
            let ok = req
                .amount_fen
                .is_some_and(|a| a >= 1 && claimed.is_none_or(|c| a < c));
            v.check(ok, "amount_fen", "at least 1 fen, and less than the claim");
            req.amount_fen
        }
        DecisionIn::Reject => {
            v.check(
                req.reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
                "reason",
                "a rejection needs a reason the buyer can read",
            );
            None
        }
        DecisionIn::Reship => None,
    };
    v.finish()?;
    Ok(amount)
}

/// Answers an open case.
///
/// # Errors
/// 404 unknown case; 422 bad fields; 409 a case not open, a refund beyond what was paid, or
/// short stock for a reship.
pub async fn decide(
    db: &Db,
    caller: &Caller,
    case_id: i64,
    req: DecideCase,
    ctx: &crate::services::orders::OrderContext<'_>,
) -> AppResult<CaseOut> {
    let c = crate::services::must_find::<after_sales_case::Entity, _>(
        &db.read,
        case_id,
        "after-sales case",
    )
    .await?;
    let amount = validate(&req, c.claimed_fen)?;
    if c.status != CaseStatus::Open {
        return Err(not_open(&c));
    }
    // A reship is an order of its own, placed first; if the answer then fails, it is cancelled.
    let reship = if req.decision == DecisionIn::Reship {
        Some(super::photos::place_reship(db, caller, &c, ctx).await?)
    } else {
        None
    };
    let answered = db
        .write(async |tx| answer(tx, caller, &c, &req, amount, reship, ctx.today).await)
        .await;
    if let (Err(_), Some(order)) = (&answered, reship) {
        let _ = crate::services::orders::cancel(
            db,
            caller,
            crate::domain::units::OrderId::new(order),
            Some("售后补寄未成立".into()),
        )
        .await;
    }
    answered?;
    get(&db.read, case_id).await
}

fn not_open(c: &after_sales_case::Model) -> AppError {
    AppError::Conflict {
        code: ErrorCode::InvalidTransition,
        detail: format!(
            "the case is {}; only an open case is answered",
            c.status.as_str()
        ),
    }
}

async fn answer(
    tx: &Tx,
    caller: &Caller,
    c: &after_sales_case::Model,
    req: &DecideCase,
    amount: Option<i64>,
    reship: Option<i64>,
    day: chrono::NaiveDate,
) -> AppResult<()> {
    let now = chrono::Utc::now();
    let decision = match req.decision {
        DecisionIn::Agree => CaseDecision::Agreed,
        DecisionIn::PartlyAgree => CaseDecision::PartlyAgreed,
        DecisionIn::Reject => CaseDecision::Rejected,
        DecisionIn::Reship => CaseDecision::Reshipped,
    };
    let won = after_sales_case::Entity::update_many()
        .col_expr(
            after_sales_case::Column::Status,
            Expr::value(CaseStatus::Answered),
        )
        .col_expr(after_sales_case::Column::Decision, Expr::value(decision))
        .col_expr(after_sales_case::Column::DecidedFen, Expr::value(amount))
        .col_expr(
            after_sales_case::Column::DecisionReason,
            Expr::value(req.reason.clone()),
        )
        .col_expr(
            after_sales_case::Column::DecidedBy,
            Expr::value(caller.user_id),
        )
        .col_expr(after_sales_case::Column::DecidedAt, Expr::value(now))
        .col_expr(after_sales_case::Column::ReshipOrderId, Expr::value(reship))
        .filter(after_sales_case::Column::Id.eq(c.id))
        .filter(after_sales_case::Column::Status.eq(CaseStatus::Open))
        .exec(tx)
        .await?;
    if won.rows_affected == 0 {
        return Err(AppError::Conflict {
            code: ErrorCode::InvalidTransition,
            detail: "the case was answered meanwhile".into(),
        });
    }
    if let Some(fen) = amount {
        let method = payment::Entity::find()
            .filter(payment::Column::OrderId.eq(c.order_id))
            .filter(payment::Column::AmountFen.gt(0))
            .order_by_desc(payment::Column::Id)
            .one(tx)
            .await?
            .map(|p| p.method)
            .ok_or_else(|| AppError::Conflict {
                code: ErrorCode::RefundExceedsPaid,
                detail: "nothing has been paid for this order".into(),
            })?;
        let refund = RecordPayment {
            amount_fen: -fen,
            method,
            reference: Some(format!("售后{}", c.id)),
            reason: Some(
                req.reason
                    .clone()
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or_else(|| "售后退款".into()),
            ),
            paid_at: None,
        };
        let (_, body) = crate::services::money::payments::write_payment(
            tx,
            caller,
            crate::domain::units::OrderId::new(c.order_id),
            &refund,
            day,
        )
        .await?;
        let payment_id = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["payment"]["id"].as_i64());
        after_sales_case::Entity::update_many()
            .col_expr(
                after_sales_case::Column::RefundPaymentId,
                Expr::value(payment_id),
            )
            .filter(after_sales_case::Column::Id.eq(c.id))
            .exec(tx)
            .await?;
    }
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::DecideCase,
            AuditEntity::Order,
            c.order_id,
        )
        .after(serde_json::json!({
            "case_id": c.id,
            "decision": decision,
            "amount_fen": amount,
            "reason": req.reason,
            "reship_order_id": reship,
        })),
    )
    .await?;
    Ok(())
}

/// Closes an answered case.
///
/// # Errors
/// 404 unknown case; 409 unless answered.
pub async fn close(db: &Db, caller: &Caller, case_id: i64) -> AppResult<CaseOut> {
    move_case(
        db,
        caller,
        case_id,
        CaseStatus::Answered,
        CaseStatus::Closed,
        None,
    )
    .await
}

/// Reopens an answered or closed case once, with a new deadline.
///
/// # Errors
/// 404 unknown case; 409 if open, or reopened before.
pub async fn reopen(
    db: &Db,
    caller: &Caller,
    case_id: i64,
    times: CaseTimes,
) -> AppResult<CaseOut> {
    let c = crate::services::must_find::<after_sales_case::Entity, _>(
        &db.read,
        case_id,
        "after-sales case",
    )
    .await?;
    if c.reopened {
        return Err(AppError::Conflict {
            code: ErrorCode::AlreadyReopened,
            detail: "a case is reopened once only".into(),
        });
    }
    let from = if c.status == CaseStatus::Closed {
        CaseStatus::Closed
    } else {
        CaseStatus::Answered
    };
    move_case(
        db,
        caller,
        case_id,
        from,
        CaseStatus::Open,
        Some(chrono::Utc::now() + times.answer),
    )
    .await
}

async fn move_case(
    db: &Db,
    caller: &Caller,
    case_id: i64,
    from: CaseStatus,
    to: CaseStatus,
    deadline: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<CaseOut> {
    db.write(async |tx| {
        let c = crate::services::must_find::<after_sales_case::Entity, _>(
            tx,
            case_id,
            "after-sales case",
        )
        .await?;
        let now = chrono::Utc::now();
        let mut u = after_sales_case::Entity::update_many()
            .col_expr(after_sales_case::Column::Status, Expr::value(to))
            .filter(after_sales_case::Column::Id.eq(case_id))
            .filter(after_sales_case::Column::Status.eq(from));
        u = match (to, deadline) {
            (CaseStatus::Closed, _) => {
                u.col_expr(after_sales_case::Column::ClosedAt, Expr::value(now))
            }
            (_, Some(d)) => u
                .col_expr(after_sales_case::Column::DeadlineAt, Expr::value(d))
                .col_expr(after_sales_case::Column::Reopened, Expr::value(true))
                .filter(after_sales_case::Column::Reopened.eq(false)),
            _ => u,
        };
        if u.exec(tx).await?.rows_affected == 0 {
            return Err(AppError::Conflict {
                code: ErrorCode::InvalidTransition,
                detail: format!(
                    "the case is {}; it cannot become {}",
                    c.status.as_str(),
                    to.as_str()
                ),
            });
        }
        let action = if to == CaseStatus::Closed {
            AuditAction::CloseCase
        } else {
            AuditAction::ReopenCase
        };
        audit::record(
            tx,
            Change::of(Some(caller.user_id), action, AuditEntity::Order, c.order_id)
                .after(serde_json::json!({"case_id": case_id, "deadline_at": deadline})),
        )
        .await?;
        Ok(())
    })
    .await?;
    get(&db.read, case_id).await
}
