//! What a scan shows: the crate's or batch's origin, its weighing and departure, and what the
//! sale gave the village, from the commission posted at settlement (the sales facts hold it per
//! line and collective, by settlement's own rules, refunds included). Never a buyer, never a
//! price.

use super::origin::{Origin, of_batch};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use zhunong_entity::enums::OrderStatus;
use zhunong_entity::{
    collective, load, order, order_line, sales_fact, trace_code, weigh_ticket, weigh_ticket_void,
};

/// What the sale gave the collectives.
pub enum Contribution {
    /// Not settled yet (待结算).
    Pending,
    Cancelled,
    /// Posted, per collective (name, fen); empty when no rule gave any commission.
    Posted(Vec<(String, i64)>),
}

pub struct Crate {
    pub weighed_at: DateTime<Utc>,
    pub net_g: i64,
    pub voided: bool,
    pub departed_at: Option<DateTime<Utc>>,
    /// A load may be delivered without being marked departed first.
    pub delivered_at: Option<DateTime<Utc>>,
}

pub struct TraceView {
    pub code_id: i64,
    pub origin: Origin,
    /// A crate's code; `None` for a batch's.
    pub crate_: Option<Crate>,
    pub contribution: Contribution,
}

/// The view for `code`, or `None` for a code that was never issued.
///
/// # Errors
/// Database errors.
pub async fn find(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<TraceView>> {
    let Some(c) = trace_code::Entity::find()
        .filter(trace_code::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let origin = of_batch(db, c.batch_id).await?;
    let Some(ticket_id) = c.weigh_ticket_id else {
        let contribution =
            Contribution::Posted(posted(db, sales_fact::Column::BatchId.eq(c.batch_id)).await?);
        return Ok(Some(TraceView {
            code_id: c.id,
            origin,
            crate_: None,
            contribution,
        }));
    };
    let t = weigh_ticket::Entity::find_by_id(ticket_id).one(db).await?;
    let Some(t) = t else {
        return Ok(None);
    };
    let voided = weigh_ticket_void::Entity::find()
        .filter(weigh_ticket_void::Column::TicketId.eq(t.id))
        .one(db)
        .await?
        .is_some();
    let line = order_line::Entity::find_by_id(t.order_line_id)
        .one(db)
        .await?;
    let o = order::Entity::find_by_id(t.order_id).one(db).await?;
    let truck = match o.as_ref().and_then(|o| o.load_id) {
        Some(l) => load::Entity::find_by_id(l).one(db).await?,
        None => None,
    };
    let contribution = match (o.as_ref().map(|o| o.status), line) {
        (Some(OrderStatus::Cancelled), _) => Contribution::Cancelled,
        (Some(OrderStatus::Settled), Some(l)) => {
            Contribution::Posted(posted(db, sales_fact::Column::LineId.eq(l.id)).await?)
        }
        _ => Contribution::Pending,
    };
    Ok(Some(TraceView {
        code_id: c.id,
        origin,
        crate_: Some(Crate {
            weighed_at: t.weighed_at,
            net_g: t.net_g,
            voided,
            departed_at: truck.as_ref().and_then(|l| l.departed_at),
            delivered_at: truck.as_ref().and_then(|l| l.delivered_at),
        }),
        contribution,
    }))
}

/// Commission posted at settlement for the facts matching `which`, per collective.
async fn posted(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
) -> AppResult<Vec<(String, i64)>> {
    let rows: Vec<(Option<i64>, Option<i64>)> = sales_fact::Entity::find()
        .select_only()
        .column(sales_fact::Column::CollectiveId)
        // SUM of a bigint is numeric on PostgreSQL: cast back to read it as i64.
        .column_as(
            sea_orm::sea_query::Expr::cust("CAST(SUM(commission_fen) AS BIGINT)"),
            "commission",
        )
        .filter(which)
        .filter(sales_fact::Column::SettledDay.is_not_null())
        .filter(sales_fact::Column::Cancelled.eq(0))
        .filter(sales_fact::Column::CollectiveId.is_not_null())
        .group_by(sales_fact::Column::CollectiveId)
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
    let names: HashMap<i64, String> = crate::services::rows::by_id::<collective::Entity>(db, ids)
        .await?
        .into_iter()
        .map(|(id, c)| (id, c.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, fen)| {
            let id = id?;
            Some((
                names.get(&id).cloned().unwrap_or_default(),
                fen.unwrap_or(0),
            ))
        })
        .filter(|(_, fen)| *fen > 0)
        .collect())
}
