use super::apply::{apply_line, lock_weighable, refresh_order};
use crate::auth::extractor::Caller;
use crate::db::Db;
use crate::domain::weighing::net_g;
use crate::dto::orders::OrderOut;
use crate::dto::weighing::{ReasonRequest, TicketOut, WeighOut, WeighRequest};
use crate::error::{AppError, AppResult, Validator, is_unique_violation};
use crate::services::audit::{self, Change};
use crate::services::facts::Facts;
use crate::services::orders::load_out;
use crate::services::webhooks::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::{order, order_line, weigh_ticket, weigh_ticket_void};

/// The configured bounds of a weighing.
#[derive(Clone, Copy)]
pub struct WeighLimits {
    pub tolerance_bp: i64,
    pub max_gross_g: i64,
    pub max_crates: usize,
}

/// The pricing of a batch's product, both immutable and cached.
async fn pricing_of(
    db: &impl sea_orm::ConnectionTrait,
    facts: &Facts,
    batch_id: i64,
) -> AppResult<zhunong_entity::enums::Pricing> {
    let products = facts.batch_products(db, &[batch_id]).await?;
    facts
        .pricing(db, products.get(&batch_id).copied().unwrap_or_default())
        .await
}

fn line_state(l: &order_line::Model) -> serde_json::Value {
    json!({"weighed_g": l.weighed_g, "final_amount_fen": l.final_amount_fen, "flagged": l.flagged})
}

/// Records one ticket per crate for an order line, then recomputes the line (catch weight,
/// stock, tolerance flag) and the order.
///
/// # Errors
/// 422 for implausible weights (naming the crate), 404 for an unknown line, 409 if the order
/// cannot be weighed now or the batch lacks the extra stock a heavier weight needs.
pub async fn weigh(
    db: &Db,
    facts: &Facts,
    caller: &Caller,
    req: WeighRequest,
    limits: WeighLimits,
) -> AppResult<WeighOut> {
    let mut v = Validator::default();
    v.text(&req.scale_id, "scale_id", 64);
    v.opt_text(req.note.as_deref(), "note", 500);
    v.check(!req.crates.is_empty(), "crates", "at least one crate");
    v.check(
        req.crates.len() <= limits.max_crates,
        "crates",
        format!("at most {} crates per request", limits.max_crates),
    );
    let mut nets = Vec::with_capacity(req.crates.len());
    for (i, c) in req.crates.iter().enumerate() {
        match net_g(c.gross_g, c.tare_g, limits.max_gross_g) {
            Ok(n) => nets.push(n),
            Err(e) => v.check(false, format!("crates[{i}]"), e.to_string()),
        }
    }
    v.finish()?;

    let txn = db.begin_write().await?;
    let line = order_line::Entity::find_by_id(req.order_line_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("order line"))?;
    let order = lock_weighable(&txn, line.order_id).await?;
    let now = chrono::Utc::now();
    let tickets =
        weigh_ticket::Entity::insert_many(req.crates.iter().zip(&nets).map(|(c, net)| {
            weigh_ticket::ActiveModel {
                order_id: Set(line.order_id),
                order_line_id: Set(line.id),
                gross_g: Set(c.gross_g),
                tare_g: Set(c.tare_g),
                net_g: Set(*net),
                scale_id: Set(req.scale_id.trim().to_owned()),
                operator_id: Set(caller.user_id),
                weighed_at: Set(now),
                note: Set(req.note.clone()),
                ..Default::default()
            }
        }))
        .exec_with_returning(&txn)
        .await?;
    let pricing = pricing_of(&txn, facts, line.batch_id).await?;
    let before = line_state(&line);
    let line = apply_line(&txn, line, pricing, limits.tolerance_bp).await?;
    let was = order.status;
    let now_status = refresh_order(&txn, order).await?.status;
    audit::record(&txn, Change {
        actor: caller.user_id,
        action: "weigh",
        entity: "order_line",
        entity_id: line.id,
        before: Some(before),
        after: Some(json!({"line": line_state(&line), "tickets": tickets.iter().map(|t| t.id).collect::<Vec<_>>()})),
    })
    .await?;
    let order = load_out(&txn, line.order_id).await?;
    if was != OrderStatus::Weighed && now_status == OrderStatus::Weighed {
        outbox::emit(
            &txn,
            order.buyer_id,
            "order.weighed",
            serde_json::json!(order),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(WeighOut {
        tickets: tickets
            .into_iter()
            .map(|t| TicketOut::new(t, false))
            .collect(),
        order,
    })
}

/// Voids a ticket (nothing is deleted) and reverses its effect on the line, the stock and the
/// order.
///
/// # Errors
/// 404 for an unknown ticket, 409 if it is already voided or the order is loaded.
pub async fn void(
    db: &Db,
    facts: &Facts,
    caller: &Caller,
    ticket_id: i64,
    req: ReasonRequest,
    tolerance_bp: i64,
) -> AppResult<OrderOut> {
    let mut v = Validator::default();
    v.text(&req.reason, "reason", 500);
    v.finish()?;
    let txn = db.begin_write().await?;
    let ticket = weigh_ticket::Entity::find_by_id(ticket_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("weigh ticket"))?;
    let order = lock_weighable(&txn, ticket.order_id).await?;
    let voided = weigh_ticket_void::ActiveModel {
        ticket_id: Set(ticket.id),
        voided_by: Set(caller.user_id),
        voided_at: Set(chrono::Utc::now()),
        reason: Set(req.reason.trim().to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    if let Err(e) = voided {
        return Err(if is_unique_violation(&e) {
            AppError::Conflict {
                code: "already_voided",
                detail: format!("ticket {ticket_id} is already voided"),
            }
        } else {
            e.into()
        });
    }
    let line = order_line::Entity::find_by_id(ticket.order_line_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("order line"))?;
    let pricing = pricing_of(&txn, facts, line.batch_id).await?;
    let before = line_state(&line);
    let line = apply_line(&txn, line, pricing, tolerance_bp).await?;
    refresh_order(&txn, order).await?;
    audit::record(
        &txn,
        Change {
            actor: caller.user_id,
            action: "void_weigh_ticket",
            entity: "weigh_ticket",
            entity_id: ticket.id,
            before: Some(before),
            after: Some(json!({"line": line_state(&line), "reason": req.reason})),
        },
    )
    .await?;
    let out = load_out(&txn, ticket.order_id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Accepts out-of-tolerance weights so the order can be loaded.
///
/// # Errors
/// 404 for an unknown order, 409 if it is not weighed, not flagged, or already approved.
pub async fn approve(
    db: &Db,
    caller: &Caller,
    order_id: i64,
    req: ReasonRequest,
) -> AppResult<OrderOut> {
    let mut v = Validator::default();
    v.text(&req.reason, "reason", 500);
    v.finish()?;
    let txn = db.begin_write().await?;
    let now = chrono::Utc::now();
    let res = order::Entity::update_many()
        .col_expr(
            order::Column::WeightsApprovedBy,
            Expr::value(caller.user_id),
        )
        .col_expr(order::Column::WeightsApprovedAt, Expr::value(now))
        .col_expr(
            order::Column::WeightsApprovalReason,
            Expr::value(req.reason.trim()),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order_id))
        .filter(order::Column::Status.eq(OrderStatus::Weighed))
        .filter(order::Column::WeightsFlagged.eq(true))
        .filter(order::Column::WeightsApprovedAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        let o = order::Entity::find_by_id(order_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let detail = if o.status != OrderStatus::Weighed {
            format!("the order is {}, not weighed", o.status.as_str())
        } else if !o.weights_flagged {
            "the order's weights are within tolerance; nothing to approve".into()
        } else {
            "the weights are already approved".into()
        };
        return Err(AppError::Conflict {
            code: "nothing_to_approve",
            detail,
        });
    }
    audit::record(
        &txn,
        Change {
            actor: caller.user_id,
            action: "approve_weights",
            entity: "order",
            entity_id: order_id,
            before: None,
            after: Some(json!({"reason": req.reason})),
        },
    )
    .await?;
    let out = load_out(&txn, order_id).await?;
    txn.commit().await?;
    Ok(out)
}
