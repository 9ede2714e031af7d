//! Recording crates and voiding tickets.

use super::apply::{
    LineChange, adjust_stock, apply_line, lock_line, refresh_order, refuse_complete,
};
use crate::db::{Db, Tx};
use crate::domain::caller::Caller;
use crate::domain::units::OrderId;
use crate::domain::units::OrderLineId;
use crate::domain::weighing::{crate_takes, net_g};
use crate::dto::orders::OrderOut;
use crate::dto::weighing::{ReasonRequest, TicketOut, WeighOut, WeighRequest};
use crate::error::{AppError, AppResult, ErrorCode, Invariant, Validator, is_unique_violation};
use crate::services::audit::{self, Change};
use crate::services::facts::Facts;
use crate::services::idempotency::{Keyed, Outcome, Placed, keyed_write};
use crate::services::orders::load_out;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use std::time::Duration;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::{order_line, weigh_ticket, weigh_ticket_void};

/// The configured bounds of a weighing.
#[derive(Clone, Copy)]
pub struct WeighLimits {
    pub tolerance_bp: i64,
    pub max_gross_g: i64,
    pub max_crates: usize,
}

/// The pricing of a batch's product, both immutable and cached.
pub(super) async fn pricing_of(
    db: &impl sea_orm::ConnectionTrait,
    facts: &Facts,
    batch_id: i64,
) -> AppResult<zhunong_entity::enums::Pricing> {
    let products = facts.batch_products(db, &[batch_id]).await?;
    let product = products
        .get(&batch_id)
        .copied()
        .invariant(&format!("the weighed line's batch {batch_id} exists"))?;
    facts.pricing(db, product).await
}

/// A line's weighing state, for the audit log.
pub(super) fn line_state(l: &order_line::Model) -> serde_json::Value {
    json!({"weighed_g": l.weighed_g, "final_amount_fen": l.final_amount_fen, "flagged": l.flagged,
           "stock_beyond_order": l.stock_beyond_order, "weighing_completed_at": l.weighing_completed_at})
}

/// Records one ticket per crate for an order line, then recomputes the line (catch weight,
/// tolerance flag) and the order. The line keeps its ordered quantity reserved; only weight
/// above what it holds is taken from the batch now.
///
/// # Errors
/// 422 for implausible weights (naming the crate), 404 for an unknown line, 409 if the order
/// cannot be weighed now, the line is already marked weighed (`weighing_complete`), or the
/// batch lacks the extra stock a heavier weight needs (`stock_shortfall`; nothing recorded).
///
/// With a key (`Idempotency-Key`), a station that lost the answer sends the same crates again
/// and gets the first answer back, with no second set of tickets.
pub async fn weigh(
    db: &Db,
    facts: &Facts,
    caller: &Caller,
    req: WeighRequest,
    limits: WeighLimits,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
) -> AppResult<Placed> {
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
    keyed_write(db, keyed, in_flight_wait, async |tx| {
        let out = record(tx, facts, caller, &req, &nets, limits).await?;
        let body = serde_json::to_string(&out).map_err(|e| AppError::Internal(e.into()))?;
        Ok((Outcome::Created, body))
    })
    .await
}

/// The tickets and the line's new state, in the caller's transaction.
async fn record(
    tx: &Tx,
    facts: &Facts,
    caller: &Caller,
    req: &WeighRequest,
    nets: &[i64],
    limits: WeighLimits,
) -> AppResult<WeighOut> {
    let (order, line) = match lock_line(tx, OrderLineId::new(req.order_line_id)).await {
        // The line is named in the body: an unknown one is a bad request, not a missing page.
        Err(AppError::NotFound(_)) => {
            return Err(AppError::field(
                "order_line_id",
                format!("no order line with id {}", req.order_line_id),
            ));
        }
        found => found?,
    };
    refuse_complete(&line)?;
    let pricing = pricing_of(tx, facts, line.batch_id).await?;
    let held = line.quantity + line.stock_beyond_order;
    let takes = crate_takes(pricing, held, line.weighed_g.unwrap_or(0), nets)
        .ok_or_else(|| AppError::field("crates", "the weighed amount is too large"))?;
    let taken: i64 = takes.iter().sum();
    adjust_stock(tx, line.batch_id, taken).await?;
    let now = chrono::Utc::now();
    let rows = req.crates.iter().zip(nets).zip(&takes);
    let tickets =
        weigh_ticket::Entity::insert_many(rows.map(|((c, net), take)| weigh_ticket::ActiveModel {
            order_id: Set(line.order_id),
            order_line_id: Set(line.id),
            gross_g: Set(c.gross_g),
            tare_g: Set(c.tare_g),
            net_g: Set(*net),
            scale_id: Set(req.scale_id.trim().to_owned()),
            operator_id: Set(caller.user_id),
            weighed_at: Set(now),
            note: Set(req.note.clone()),
            stock_taken: Set(*take),
            ..Default::default()
        }))
        .exec_with_returning(tx)
        .await?;
    let before = line_state(&line);
    let change = LineChange {
        beyond_delta: taken,
        completed_at: None,
    };
    let line = apply_line(tx, line, pricing, limits.tolerance_bp, change).await?;
    refresh_order(tx, order).await?;
    audit::record(tx, Change::of(Some(caller.user_id), AuditAction::Weigh, AuditEntity::OrderLine, line.id).before(before).after(json!({"line": line_state(&line), "tickets": tickets.iter().map(|t| t.id).collect::<Vec<_>>()})))
    .await?;
    let order = load_out(tx, OrderId::new(line.order_id)).await?;
    Ok(WeighOut {
        tickets: tickets
            .into_iter()
            .map(|t| TicketOut::new(t, false))
            .collect(),
        order,
    })
}

/// Voids a ticket (nothing is deleted): the batch gets back exactly what the ticket took, the
/// line is recomputed from its other tickets and, if it was marked weighed, re-opened — so the
/// order is `confirmed` again until the line is completed anew.
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
    let tx = db.begin_write().await?;
    let ticket = weigh_ticket::Entity::find_by_id(ticket_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound("weigh ticket"))?;
    let (order, line) = lock_line(&tx, OrderLineId::new(ticket.order_line_id)).await?;
    crate::services::fulfilment::refuse_if_packed(&tx, ticket.order_id, "re-weighed").await?;
    let voided = weigh_ticket_void::ActiveModel {
        ticket_id: Set(ticket.id),
        voided_by: Set(caller.user_id),
        voided_at: Set(chrono::Utc::now()),
        reason: Set(req.reason.trim().to_owned()),
        ..Default::default()
    }
    .insert(&tx)
    .await;
    if let Err(e) = voided {
        return Err(if is_unique_violation(&e) {
            AppError::Conflict {
                code: ErrorCode::AlreadyVoided,
                detail: format!("ticket {ticket_id} is already voided"),
            }
        } else {
            e.into()
        });
    }
    adjust_stock(&tx, line.batch_id, -ticket.stock_taken).await?;
    let pricing = pricing_of(&tx, facts, line.batch_id).await?;
    let before = line_state(&line);
    let change = LineChange {
        beyond_delta: -ticket.stock_taken,
        completed_at: None,
    };
    let line = apply_line(&tx, line, pricing, tolerance_bp, change).await?;
    refresh_order(&tx, order).await?;
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::VoidWeighTicket,
            AuditEntity::WeighTicket,
            ticket.id,
        )
        .before(before)
        .after(json!({"line": line_state(&line), "reason": req.reason})),
    )
    .await?;
    let out = load_out(&tx, OrderId::new(ticket.order_id)).await?;
    tx.commit().await?;
    Ok(out)
}
