//! After-sales cases (售后) for fresh produce. A case is opened on an order's lines by the helper,
//! the secretary or the buyer (within `ZHUNONG_CLAIM_WINDOW_HOURS` of delivery); the village
//! answers within `ZHUNONG_CLAIM_ANSWER_HOURS`: a refund in full or in part through the ordinary
//! refund path (so the ledger, the commission and the grower's statement follow to the fen, also
//! after settlement), a rejection with a reason, or a free reship. open → answered → closed; a
//! case may be reopened once, with a new deadline.

pub mod decide;
pub mod photos;

use crate::db::Db;
use crate::domain::order_number;
use crate::dto::after_sales::{BuyerCase, CaseFilter, CaseOut, NewCase};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity, CaseKind, CaseStatus, OrderStatus};
use zhunong_entity::{after_sales_case, after_sales_line, after_sales_photo, order, order_line};

/// How long the village has to answer, and how long after delivery a buyer may claim.
#[derive(Clone, Copy)]
pub struct CaseTimes {
    pub answer: chrono::Duration,
    pub window: chrono::Duration,
}

/// Who opens a case.
#[derive(Clone, Copy)]
pub enum Opener {
    Staff(i64),
    /// The buyer, on their own page: only after delivery, within the window.
    Buyer,
}

/// The most money one claim may ask, in fen.
const MAX_CLAIM_FEN: i64 = 100_000_000;

fn validate(c: &NewCase) -> AppResult<()> {
    let mut v = Validator::default();
    v.opt_text(c.note.as_deref(), "note", 500);
    if let Some(f) = c.claimed_fen {
        v.check(
            (1..=MAX_CLAIM_FEN).contains(&f),
            "claimed_fen",
            format!("between 1 and {MAX_CLAIM_FEN}"),
        );
    }
    for (name, value) in [
        ("claimed_g", c.claimed_g),
        ("claimed_count", c.claimed_count),
    ] {
        if let Some(x) = value {
            v.check(
                (1..=100_000_000).contains(&x),
                name,
                "between 1 and 100000000",
            );
        }
    }
    v.finish()
}

/// Opens a case on `order_id`.
///
/// # Errors
/// 404 unknown order; 422 bad fields or lines not of the order; 409 a cancelled order, not yet
/// delivered or past the window (for the buyer, naming the deadline), or an open case on the
/// same lines.
pub async fn open(
    db: &Db,
    by: Opener,
    order_id: i64,
    req: NewCase,
    times: CaseTimes,
) -> AppResult<CaseOut> {
    validate(&req)?;
    let id = db
        .write(async |tx| {
            let now = chrono::Utc::now();
            // The order's row is locked first: two claims at once on the same lines cannot both
            // find no open case.
            let touched = order::Entity::update_many()
                .col_expr(order::Column::UpdatedAt, Expr::value(now))
                .filter(order::Column::Id.eq(order_id))
                .exec(tx)
                .await?;
            if touched.rows_affected == 0 {
                return Err(AppError::NotFound("order"));
            }
            let o = crate::services::must_find::<order::Entity, _>(tx, order_id, "order").await?;
            check_claimable(&o, by, times, now)?;
            let all: Vec<i64> = order_line::Entity::find()
                .select_only()
                .column(order_line::Column::Id)
                .filter(order_line::Column::OrderId.eq(order_id))
                .into_tuple()
                .all(tx)
                .await?;
            let lines = match &req.line_ids {
                Some(ids) if !ids.is_empty() => {
                    if let Some(bad) = ids.iter().find(|l| !all.contains(l)) {
                        return Err(AppError::field(
                            "line_ids",
                            format!("line {bad} is not a line of this order"),
                        ));
                    }
                    ids.clone()
                }
                _ => all,
            };
            let busy = after_sales_line::Entity::find()
                .filter(after_sales_line::Column::OrderLineId.is_in(lines.clone()))
                .filter(
                    after_sales_line::Column::CaseId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(after_sales_case::Column::Id)
                            .from(after_sales_case::Entity)
                            .and_where(after_sales_case::Column::Status.eq(CaseStatus::Open))
                            .to_owned(),
                    ),
                )
                .one(tx)
                .await?;
            if let Some(b) = busy {
                return Err(AppError::Conflict {
                    code: ErrorCode::CaseOpen,
                    detail: format!("case {} is open on the same lines", b.case_id),
                });
            }
            let c = after_sales_case::ActiveModel {
                order_id: Set(order_id),
                kind: Set(req.kind.unwrap_or(CaseKind::Refund)),
                reason: Set(req.reason),
                note: Set(req.note.clone()),
                claimed_fen: Set(req.claimed_fen),
                claimed_g: Set(req.claimed_g),
                claimed_count: Set(req.claimed_count),
                status: Set(CaseStatus::Open),
                deadline_at: Set(now + times.answer),
                opened_by: Set(match by {
                    Opener::Staff(u) => Some(u),
                    Opener::Buyer => None,
                }),
                opened_by_buyer: Set(matches!(by, Opener::Buyer)),
                created_at: Set(now),
                reopened: Set(false),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            after_sales_line::Entity::insert_many(lines.iter().map(|l| {
                after_sales_line::ActiveModel {
                    case_id: Set(c.id),
                    order_line_id: Set(*l),
                    ..Default::default()
                }
            }))
            .exec(tx)
            .await?;
            let actor = match by {
                Opener::Staff(u) => Some(u),
                Opener::Buyer => None,
            };
            audit::record(
                tx,
                Change::of(actor, AuditAction::OpenCase, AuditEntity::Order, order_id).after(
                    serde_json::json!({
                        "case_id": c.id,
                        "kind": c.kind,
                        "reason": c.reason,
                        "claimed_fen": c.claimed_fen,
                        "by_buyer": matches!(by, Opener::Buyer),
                    }),
                ),
            )
            .await?;
            Ok(c.id)
        })
        .await?;
    get(&db.read, id).await
}

/// The order may be claimed on: not cancelled; for the buyer, delivered and within the window.
fn check_claimable(
    o: &order::Model,
    by: Opener,
    times: CaseTimes,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    if o.status == OrderStatus::Cancelled {
        return Err(AppError::Conflict {
            code: ErrorCode::OrderCancelled,
            detail: "the order is cancelled".into(),
        });
    }
    if let Opener::Buyer = by {
        let Some(delivered) = o.delivered_at else {
            return Err(AppError::Conflict {
                code: ErrorCode::ClaimWindowClosed,
                detail: "a claim is opened once the order is delivered".into(),
            });
        };
        let until = delivered + times.window;
        if now > until {
            return Err(AppError::Conflict {
                code: ErrorCode::ClaimWindowClosed,
                detail: format!(
                    "claims for this order closed at {}",
                    until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            });
        }
    } else if matches!(o.status, OrderStatus::Pending | OrderStatus::Confirmed) {
        return Err(AppError::Conflict {
            code: ErrorCode::InvalidTransition,
            detail: format!("the order is {}; nothing has left yet", o.status.as_str()),
        });
    }
    Ok(())
}

/// # Errors
/// 404 unknown case.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<CaseOut> {
    let c = crate::services::must_find::<after_sales_case::Entity, _>(db, id, "after-sales case")
        .await?;
    Ok(out_many(db, vec![c])
        .await?
        .pop()
        .unwrap_or_else(|| unreachable!("one in, one out")))
}

/// Cases, open ones by the time left (the most urgent first), then the rest newest first.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &CaseFilter,
    limit: u64,
) -> AppResult<Vec<CaseOut>> {
    let mut q = after_sales_case::Entity::find();
    if let Some(s) = f.status {
        q = q.filter(after_sales_case::Column::Status.eq(s));
    }
    if let Some(o) = f.order_id {
        q = q.filter(after_sales_case::Column::OrderId.eq(o));
    }
    let mut cases = q
        .order_by_desc(after_sales_case::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    cases.sort_by_key(|c| {
        (
            c.status != CaseStatus::Open,
            if c.status == CaseStatus::Open {
                c.deadline_at.timestamp()
            } else {
                -c.id
            },
        )
    });
    out_many(db, cases).await
}

/// Every case on these orders, oldest first, read a chunk of orders at a time (a buyer's
/// personal-data export).
///
/// # Errors
/// Database errors.
pub async fn for_orders(db: &impl ConnectionTrait, order_ids: &[i64]) -> AppResult<Vec<CaseOut>> {
    let mut cases = Vec::new();
    for chunk in order_ids.chunks(500) {
        cases.extend(
            after_sales_case::Entity::find()
                .filter(after_sales_case::Column::OrderId.is_in(chunk.to_vec()))
                .order_by_asc(after_sales_case::Column::Id)
                .all(db)
                .await?,
        );
    }
    out_many(db, cases).await
}

async fn out_many(
    db: &impl ConnectionTrait,
    cases: Vec<after_sales_case::Model>,
) -> AppResult<Vec<CaseOut>> {
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let mut lines: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut photos: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for l in after_sales_line::Entity::find()
            .filter(after_sales_line::Column::CaseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            lines.entry(l.case_id).or_default().push(l.order_line_id);
        }
        let ps: Vec<(i64, i64)> = after_sales_photo::Entity::find()
            .select_only()
            .column(after_sales_photo::Column::Id)
            .column(after_sales_photo::Column::CaseId)
            .filter(after_sales_photo::Column::CaseId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for (p, c) in ps {
            photos.entry(c).or_default().push(p);
        }
    }
    let order_ids: Vec<i64> = cases.iter().map(|c| c.order_id).collect();
    let mut paid: HashMap<i64, i64> = HashMap::new();
    for chunk in order_ids.chunks(500) {
        let rows: Vec<(i64, i64)> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .column(order::Column::PaidFen)
            .filter(order::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        paid.extend(rows);
    }
    let now = chrono::Utc::now();
    Ok(cases
        .into_iter()
        .map(|c| {
            let open = c.status == CaseStatus::Open;
            CaseOut {
                id: c.id,
                order_id: c.order_id,
                order_number: order_number::format(c.order_id),
                kind: c.kind,
                reason: c.reason,
                note: c.note,
                line_ids: lines.remove(&c.id).unwrap_or_default(),
                claimed_fen: c.claimed_fen,
                claimed_g: c.claimed_g,
                claimed_count: c.claimed_count,
                status: c.status,
                decision: c.decision,
                decided_fen: c.decided_fen,
                decision_reason: c.decision_reason,
                decided_at: c.decided_at,
                reship_order_id: c.reship_order_id,
                deadline_at: c.deadline_at,
                overdue: open && now > c.deadline_at,
                seconds_left: open.then(|| (c.deadline_at - now).num_seconds()),
                reopened: c.reopened,
                opened_by_buyer: c.opened_by_buyer,
                created_at: c.created_at,
                closed_at: c.closed_at,
                photo_ids: photos.remove(&c.id).unwrap_or_default(),
                paid_fen: paid.get(&c.order_id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// The order's cases as its buyer sees them.
///
/// # Errors
/// Database errors.
pub async fn for_buyer(db: &impl ConnectionTrait, order_id: i64) -> AppResult<Vec<BuyerCase>> {
    let cases = list(
        db,
        &CaseFilter {
            status: None,
            order_id: Some(order_id),
        },
        100,
    )
    .await?;
    Ok(cases
        .into_iter()
        .map(|c| BuyerCase {
            id: c.id,
            kind: c.kind,
            reason: c.reason,
            status: c.status,
            decision: c.decision,
            decided_fen: c.decided_fen,
            decision_reason: c.decision_reason,
            created_at: c.created_at,
            photos: c.photo_ids.len(),
        })
        .collect())
}
