//! The labels of an order, a load or a batch: one per live crate (weigh ticket) with its net
//! weight, and for lines without a crate (boxes, or produce not weighed) one per box, or one for
//! the line, with the batch's code.

use super::codes;
use super::origin::{Origin, of_batch};
use crate::db::{Db, Tx};
use crate::domain::format::{jin, piece_unit};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use zhunong_entity::enums::Pricing;
use zhunong_entity::{load, order, order_line, weigh_ticket, weigh_ticket_void};

/// What to print labels for.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Order(i64),
    Load(i64),
    /// `copies` labels of the batch's own code, for boxes packed ahead.
    Batch {
        id: i64,
        copies: usize,
    },
}

pub struct Label {
    pub code: String,
    pub origin: std::sync::Arc<Origin>,
    /// `净重 9.70 斤`, `1 箱`, `订购 10 斤`, or empty for a batch label.
    pub weight: String,
    pub order_number: Option<String>,
}

/// The labels, in order and line order; codes are made for what has none yet.
///
/// # Errors
/// 404 for an unknown order, load or batch; 422 when there would be more than `max` labels.
pub async fn labels(db: &Db, target: Target, max: usize) -> AppResult<Vec<Label>> {
    // Two stations printing the same order at the same moment may both make a code for a
    // ticket; the loser's transaction is run again and finds the winner's.
    for attempt in 0..3 {
        let tx = db.begin_write().await?;
        match build(&tx, target, max).await {
            Ok(out) => {
                tx.commit().await?;
                return Ok(out);
            }
            Err(e) if attempt < 2 && codes::is_race(&e) => tx.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "trace codes kept colliding"
    )))
}

async fn build(tx: &Tx, target: Target, max: usize) -> AppResult<Vec<Label>> {
    let mut origins: HashMap<i64, std::sync::Arc<Origin>> = HashMap::new();
    let mut out = Vec::new();
    let too_many = || AppError::field("", format!("more than {max} labels; print a smaller set"));
    let order_ids: Vec<i64> = match target {
        Target::Batch { id, copies } => {
            let origin = std::sync::Arc::new(of_batch(tx, id).await?);
            if copies > max {
                return Err(too_many());
            }
            let code = codes::for_batch(tx, id).await?;
            for _ in 0..copies {
                out.push(Label {
                    code: code.clone(),
                    origin: origin.clone(),
                    weight: String::new(),
                    order_number: None,
                });
            }
            return Ok(out);
        }
        Target::Order(id) => {
            order::Entity::find_by_id(id)
                .one(tx)
                .await?
                .ok_or(AppError::NotFound("order"))?;
            vec![id]
        }
        Target::Load(id) => {
            load::Entity::find_by_id(id)
                .one(tx)
                .await?
                .ok_or(AppError::NotFound("load"))?;
            order::Entity::find()
                .filter(order::Column::LoadId.eq(id))
                .order_by_asc(order::Column::Id)
                .all(tx)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect()
        }
    };
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(order_ids.clone()))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::LineNo)
        .all(tx)
        .await?;
    let tickets = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::OrderId.is_in(order_ids))
        .order_by_asc(weigh_ticket::Column::Id)
        .all(tx)
        .await?;
    let voided: HashSet<i64> = weigh_ticket_void::Entity::find()
        .filter(weigh_ticket_void::Column::TicketId.is_in(tickets.iter().map(|t| t.id)))
        .all(tx)
        .await?
        .into_iter()
        .map(|v| v.ticket_id)
        .collect();
    let live: Vec<&weigh_ticket::Model> =
        tickets.iter().filter(|t| !voided.contains(&t.id)).collect();
    let batch_of_line: HashMap<i64, i64> = lines.iter().map(|l| (l.id, l.batch_id)).collect();
    let ticket_batches: Vec<(i64, i64)> = live
        .iter()
        .filter_map(|t| batch_of_line.get(&t.order_line_id).map(|b| (t.id, *b)))
        .collect();
    let ticket_codes = codes::for_tickets(tx, &ticket_batches).await?;
    // A batch's own code, for its lines without a crate: looked up once per batch.
    let mut batch_codes: HashMap<i64, String> = HashMap::new();
    for l in &lines {
        let origin = match origins.get(&l.batch_id) {
            Some(o) => o.clone(),
            None => {
                let o = std::sync::Arc::new(of_batch(tx, l.batch_id).await?);
                origins.insert(l.batch_id, o.clone());
                o
            }
        };
        let number = Some(crate::domain::order_number::format(l.order_id));
        let crates: Vec<&&weigh_ticket::Model> =
            live.iter().filter(|t| t.order_line_id == l.id).collect();
        if crates.is_empty() {
            let code = match batch_codes.get(&l.batch_id) {
                Some(c) => c.clone(),
                None => {
                    let c = codes::for_batch(tx, l.batch_id).await?;
                    batch_codes.insert(l.batch_id, c.clone());
                    c
                }
            };
            let (count, weight) = match origin.pricing {
                Pricing::ByPiece => (
                    usize::try_from(l.quantity).unwrap_or(usize::MAX),
                    format!("1 {}", piece_unit(origin.unit_label.as_deref())),
                ),
                Pricing::ByWeight => (1, format!("订购 {} 斤", jin(l.quantity))),
            };
            if out.len().saturating_add(count) > max {
                return Err(too_many());
            }
            for _ in 0..count {
                out.push(Label {
                    code: code.clone(),
                    origin: origin.clone(),
                    weight: weight.clone(),
                    order_number: number.clone(),
                });
            }
        } else {
            for t in crates {
                if out.len() >= max {
                    return Err(too_many());
                }
                out.push(Label {
                    code: ticket_codes.get(&t.id).cloned().unwrap_or_default(),
                    origin: origin.clone(),
                    weight: format!("净重 {} 斤", jin(t.net_g)),
                    order_number: number.clone(),
                });
            }
        }
    }
    Ok(out)
}
