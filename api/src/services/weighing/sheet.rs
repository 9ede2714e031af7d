//! The weighing sheet: what the station shows for one order.

use crate::domain::units::OrderId;
use crate::dto::weighing::{SheetLine, TicketOut, WeighingSheet};
use crate::error::{AppResult, Invariant};
use crate::services::orders::load_out;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use zhunong_entity::{batch, buyer, product, weigh_ticket, weigh_ticket_void};

/// The order with, per line, its product, completion state and every ticket (voided ones
/// marked).
///
/// # Errors
/// 404 for an unknown order.
pub async fn sheet(db: &impl ConnectionTrait, order_id: i64) -> AppResult<WeighingSheet> {
    let order = load_out(db, OrderId::new(order_id)).await?;
    let buyer_name = buyer::Entity::find_by_id(order.buyer_id)
        .one(db)
        .await?
        .map(|b| b.name)
        .unwrap_or_default();
    let batch_ids: Vec<i64> = order.lines.iter().map(|l| l.batch_id).collect();
    let batches: HashMap<i64, batch::Model> =
        crate::services::rows::by_id::<batch::Entity>(db, batch_ids).await?;
    let product_ids: Vec<i64> = batches.values().map(|b| b.product_id).collect();
    let products: HashMap<i64, product::Model> =
        crate::services::rows::by_id::<product::Entity>(db, product_ids).await?;
    let tickets = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::OrderId.eq(order_id))
        .order_by_asc(weigh_ticket::Column::Id)
        .all(db)
        .await?;
    let ticket_ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    let voided: HashSet<i64> = weigh_ticket_void::Entity::find()
        .filter(weigh_ticket_void::Column::TicketId.is_in(ticket_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.ticket_id)
        .collect();
    let mut per_line: HashMap<i64, Vec<TicketOut>> = HashMap::new();
    for t in tickets {
        let is_void = voided.contains(&t.id);
        per_line
            .entry(t.order_line_id)
            .or_default()
            .push(TicketOut::new(t, is_void));
    }
    let lines = order
        .lines
        .iter()
        .map(|l| {
            let product = batches
                .get(&l.batch_id)
                .and_then(|b| products.get(&b.product_id))
                .invariant("an order line's batch and its product exist")?;
            Ok(SheetLine {
                line_id: l.line_id,
                line_no: l.line_no,
                batch_id: l.batch_id,
                product_name: product.name.clone(),
                pricing: product.pricing,
                unit_label: product.unit_label.clone(),
                quantity: l.quantity,
                unit_price_fen: l.unit_price_fen,
                amount_fen: l.amount_fen,
                weighed_g: l.weighed_g,
                final_amount_fen: l.final_amount_fen,
                flagged: l.flagged,
                weighing_completed_at: l.weighing_completed_at,
                stock_held: l.stock_held,
                tickets: per_line.remove(&l.line_id).unwrap_or_default(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(WeighingSheet {
        weighing_complete: order
            .lines
            .iter()
            .all(|l| l.weighing_completed_at.is_some()),
        order,
        buyer_name,
        lines,
    })
}
