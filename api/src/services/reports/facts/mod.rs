//! Keeps `sales_facts` in step with the orders: every transaction that changes an order's
//! figures (placing, weighing, cancelling, a payment or refund, settling) rewrites that order's
//! rows before it commits, so the reports are exact the moment the write is acknowledged. The
//! figures come from [`crate::domain::sales::parts`].

mod write;

pub use write::{insert_rows, insert_sets, insert_statements};

use crate::db::Tx;
use crate::domain::sales::{FactLine, OrderAmounts, day_key, month_key, parts, week_key};
use crate::error::{AppError, AppResult, Invariant};
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use zhunong_entity::enums::{Fulfilment, OrderStatus, Pricing};
use zhunong_entity::{batch, buyer, order, order_line, payment, product, sales_fact};

/// What a line's batch says about it.
#[derive(Debug, Clone, Copy)]
pub struct BatchInfo {
    pub product_id: i64,
    pub grower_id: i64,
    pub by_weight: bool,
}

/// Everything an order's facts are made of.
pub struct OrderFigures<'a> {
    pub order: &'a order::Model,
    pub lines: &'a [order_line::Model],
    pub batches: &'a HashMap<i64, BatchInfo>,
    pub buyer_kind: &'static str,
    pub refunds_fen: i64,
    /// The order's share of its parcels' shipping cost.
    pub shipping_cost_fen: i64,
}

/// Rewrites the order's facts from what is stored now.
///
/// # Errors
/// Database errors; a missing order (404) or a line whose batch is missing (500).
pub async fn refresh(tx: &Tx, order_id: i64) -> AppResult<()> {
    refresh_many(tx, &[order_id]).await
}

/// What has been refunded on each of `orders` that has refunds, by any hand (fen, positive).
///
/// # Errors
/// Database errors.
pub async fn refunded_by_order(
    db: &impl ConnectionTrait,
    orders: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    let sums: Vec<(i64, i64)> = payment::Entity::find()
        .select_only()
        .column(payment::Column::OrderId)
        .column_as(
            Expr::col(payment::Column::AmountFen)
                .sum()
                .cast_as("BIGINT"),
            "refunded",
        )
        .filter(payment::Column::OrderId.is_in(orders.iter().copied()))
        .filter(payment::Column::AmountFen.lt(0))
        .group_by(payment::Column::OrderId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(sums.into_iter().map(|(order, sum)| (order, -sum)).collect())
}

/// Orders [`refresh_many`] rewrites per round of statements.
const REFRESH_CHUNK: usize = 500;

/// Rewrites the facts of many orders, as [`refresh`] of each would, in a few statements per
/// [`REFRESH_CHUNK`] orders (a bill's fees touch thousands of orders at once).
///
/// # Errors
/// Database errors; an order or a line's batch that is missing (500).
pub async fn refresh_many(tx: &Tx, order_ids: &[i64]) -> AppResult<()> {
    let mut ids = order_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for part in ids.chunks(REFRESH_CHUNK) {
        let orders =
            crate::services::rows::by_id::<order::Entity>(tx, part.iter().copied()).await?;
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.is_in(part.iter().copied()))
            .order_by_asc(order_line::Column::OrderId)
            .order_by_asc(order_line::Column::LineNo)
            .all(tx)
            .await?;
        let mut by_order: HashMap<i64, Vec<order_line::Model>> = HashMap::new();
        for l in lines {
            by_order.entry(l.order_id).or_default().push(l);
        }
        let batch_ids: HashSet<i64> = by_order.values().flatten().map(|l| l.batch_id).collect();
        let batches = batch_info(tx, batch_ids.into_iter().collect()).await?;
        let buyers =
            crate::services::rows::by_id::<buyer::Entity>(tx, orders.values().map(|o| o.buyer_id))
                .await?;
        let refunds = refunded_by_order(tx, part).await?;
        let parcels: Vec<i64> = orders
            .values()
            .filter(|o| o.fulfilment == Fulfilment::Parcel)
            .map(|o| o.id)
            .collect();
        let shipping = super::shipping_costs::of_orders(tx, &parcels).await?;
        let old = sales_fact::Entity::find()
            .filter(sales_fact::Column::OrderId.is_in(part.iter().copied()))
            .all(tx)
            .await?;
        sales_fact::Entity::delete_many()
            .filter(sales_fact::Column::OrderId.is_in(part.iter().copied()))
            .exec(tx)
            .await?;
        let mut new = Vec::new();
        for id in part {
            let o = orders.get(id).ok_or(AppError::NotFound("order"))?;
            let kind = buyers
                .get(&o.buyer_id)
                .invariant(&format!("the buyer of order {id} exists"))?
                .kind;
            let figures = OrderFigures {
                order: o,
                lines: by_order.get(id).map_or(&[][..], Vec::as_slice),
                batches: &batches,
                buyer_kind: kind.as_str(),
                refunds_fen: refunds.get(id).copied().unwrap_or(0),
                shipping_cost_fen: shipping.get(id).copied().unwrap_or(0),
            };
            new.extend(rows(&figures, tx.local_offset())?);
        }
        write::write(tx, &old, &new).await?;
    }
    Ok(())
}

/// The rows for one order.
///
/// # Errors
/// A line whose batch is not in `f.batches`, or figures that overflow (500).
pub fn rows(f: &OrderFigures<'_>, offset: FixedOffset) -> AppResult<Vec<sales_fact::Model>> {
    let o = f.order;
    let mut inputs = Vec::with_capacity(f.lines.len());
    for l in f.lines {
        let b = f
            .batches
            .get(&l.batch_id)
            .invariant(&format!("batch {} of line {} is known", l.batch_id, l.id))?;
        let shares = crate::services::stored_shares::from_json(l.commission_shares.as_ref(), l.id)?;
        inputs.push(FactLine {
            line_id: l.id,
            by_weight: b.by_weight,
            quantity: l.quantity,
            weighed_g: l.weighed_g,
            ordered_amount_fen: l.amount_fen,
            weighed_amount_fen: l.weighing_completed_at.and(l.final_amount_fen),
            basis_points: l.commission_bp.unwrap_or(0),
            fen_per_jin: l.commission_fen_per_jin.unwrap_or(0),
            shares: shares
                .into_iter()
                .map(|s| (s.collective_id, s.shares))
                .collect(),
        });
    }
    let cancelled = o.status == OrderStatus::Cancelled;
    let amounts = OrderAmounts {
        refunds_fen: f.refunds_fen,
        shipping_cost_fen: f.shipping_cost_fen,
        platform_fees_fen: o.platform_fees_fen,
        fees_reduce_commission_base: o.fees_reduce_commission_base == Some(true),
        cancelled,
    };
    let parts = parts(&inputs, amounts).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("sales figures of order {} overflow", o.id))
    })?;
    let placed = local_day(o.created_at, offset);
    let settled = o
        .settled_at
        .filter(|_| o.status == OrderStatus::Settled)
        .map(|t| local_day(t, offset));
    let line_batch: HashMap<i64, i64> = f.lines.iter().map(|l| (l.id, l.batch_id)).collect();
    let mut seen: HashSet<(u8, i64)> = HashSet::new();
    let mut first = |level: u8, value: i64| i16::from(seen.insert((level, value)));
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let batch_id = line_batch[&p.line_id];
            let b = f.batches[&batch_id];
            Ok(sales_fact::Model {
                id: 0,
                order_id: o.id,
                line_id: p.line_id,
                collective_id: p.collective_id,
                placed_day: day_key(placed),
                placed_week: week_key(placed),
                placed_month: month_key(placed),
                settled_day: settled.map(day_key),
                settled_week: settled.map(week_key),
                settled_month: settled.map(month_key),
                product_id: b.product_id,
                batch_id,
                grower_id: b.grower_id,
                buyer_id: o.buyer_id,
                buyer_kind: f.buyer_kind.to_owned(),
                channel: o.channel.as_str().to_owned(),
                fulfilment: o.fulfilment.as_str().to_owned(),
                live_session_id: o.live_session_id,
                live_order_id: (!cancelled).then_some(o.id),
                live_line_id: (!cancelled).then_some(p.line_id),
                cancelled_order_id: cancelled.then_some(o.id),
                cancelled: i16::from(cancelled),
                h_order: i16::from(i == 0),
                h_product: first(1, b.product_id),
                h_batch: first(2, batch_id),
                h_grower: first(3, b.grower_id),
                h_collective: first(4, p.collective_id.unwrap_or(0)),
                h_line: first(5, p.line_id),
                quantity_g: p.quantity_g,
                pieces: p.pieces,
                ordered_amount_fen: p.ordered_amount_fen,
                final_amount_fen: p.final_amount_fen,
                refunds_fen: p.refunds_fen,
                net_sales_fen: p.net_sales_fen,
                commission_fen: p.commission_fen,
                grower_payable_fen: p.grower_payable_fen,
                shipping_cost_fen: p.shipping_cost_fen,
                platform_fees_fen: p.platform_fees_fen,
            })
        })
        .collect()
}

/// A fact row to insert (its id left to the database).
pub fn active(m: &sales_fact::Model) -> sales_fact::ActiveModel {
    let mut a: sales_fact::ActiveModel = m.clone().into_active_model();
    a.id = NotSet;
    a.reset_all()
}

pub fn local_day(t: DateTime<Utc>, offset: FixedOffset) -> chrono::NaiveDate {
    t.with_timezone(&offset).date_naive()
}

/// Product, grower and pricing of each batch.
///
/// # Errors
/// Database errors.
pub async fn batch_info(
    db: &impl ConnectionTrait,
    batch_ids: Vec<i64>,
) -> AppResult<HashMap<i64, BatchInfo>> {
    let rows: Vec<(i64, i64, i64, Pricing)> = batch::Entity::find()
        .select_only()
        .column(batch::Column::Id)
        .column(batch::Column::ProductId)
        .column(batch::Column::GrowerId)
        .column(product::Column::Pricing)
        .inner_join(product::Entity)
        .filter(batch::Column::Id.is_in(batch_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, product_id, grower_id, pricing)| {
            (
                id,
                BatchInfo {
                    product_id,
                    grower_id,
                    by_weight: pricing == Pricing::ByWeight,
                },
            )
        })
        .collect())
}

/// Orders the backfill rewrites in one transaction.
const BACKFILL_CHUNK: u64 = 500;

/// Writes the facts of every order that has none: orders placed before the table existed, or
/// written by a bulk import; then the daily totals afresh. Returns how many orders it filled.
///
/// # Errors
/// Database errors.
pub async fn backfill(db: &crate::db::Db) -> AppResult<u64> {
    use sea_orm::sea_query::Query;
    let mut after = 0i64;
    let mut filled = 0u64;
    loop {
        let missing = Query::select()
            .expr(Expr::val(1))
            .from(sales_fact::Entity)
            .and_where(
                Expr::col((sales_fact::Entity, sales_fact::Column::OrderId))
                    .equals((order::Entity, order::Column::Id)),
            )
            .to_owned();
        let ids: Vec<i64> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .filter(order::Column::Id.gt(after))
            .filter(Expr::exists(missing).not())
            .order_by_asc(order::Column::Id)
            .limit(BACKFILL_CHUNK)
            .into_tuple()
            .all(&db.read)
            .await?;
        let Some(last) = ids.last().copied() else {
            if filled > 0 {
                // Facts written apart from their orders' transactions (an import, a repair):
                // the daily totals are added up afresh from all the facts.
                db.write(async |tx| super::daily::rebuild(tx).await).await?;
            }
            return Ok(filled);
        };
        db.write(async |tx| {
            for id in &ids {
                refresh(tx, *id).await?;
            }
            Ok(())
        })
        .await?;
        filled += ids.len() as u64;
        after = last;
    }
}
