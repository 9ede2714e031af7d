//! Live totals as SQL aggregates over the session's orders — integers throughout — and the
//! closing summary and the lines for the packing team.

use super::sessions::{featured, get};
use crate::domain::format::mask_name;
use crate::dto::live::{BatchTotals, FeaturedOut, SessionSummary, TopBuyer, Totals};
use crate::error::{AppError, AppResult, Invariant};
use sea_orm::sea_query::{Alias, Expr, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use zhunong_entity::enums::{OrderStatus, Pricing};
use zhunong_entity::{buyer, live_session, order, order_line};

fn live_orders(session_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(order::Column::Id)
        .from(order::Entity)
        .and_where(order::Column::LiveSessionId.eq(session_id))
        .and_where(order::Column::Status.ne(OrderStatus::Cancelled))
        .to_owned()
}

/// # Errors
/// 404 for an unknown session.
pub async fn totals(db: &impl ConnectionTrait, session_id: i64) -> AppResult<Totals> {
    let session = live_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("live session"))?;
    let (orders, revenue, buyers): (i64, Option<i64>, i64) = order::Entity::find()
        .select_only()
        .column_as(Expr::col(order::Column::Id).count(), "orders")
        .column_as(
            Expr::col(order::Column::TotalFen).sum().cast_as("BIGINT"),
            "revenue",
        )
        .column_as(Expr::cust("COUNT(DISTINCT buyer_id)"), "buyers")
        .filter(order::Column::LiveSessionId.eq(session_id))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let (shop_orders, shop_revenue): (i64, Option<i64>) = order::Entity::find()
        .select_only()
        .column_as(Expr::col(order::Column::Id).count(), "orders")
        .column_as(
            Expr::col(order::Column::TotalFen).sum().cast_as("BIGINT"),
            "revenue",
        )
        .filter(order::Column::LiveSessionId.eq(session_id))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled))
        .filter(order::Column::Channel.eq(zhunong_entity::enums::Channel::DouyinShop))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let cancelled: i64 = order::Entity::find()
        .select_only()
        .column_as(Expr::col(order::Column::Id).count(), "n")
        .filter(order::Column::LiveSessionId.eq(session_id))
        .filter(order::Column::Status.eq(OrderStatus::Cancelled))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let sold: HashMap<i64, (i64, i64)> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::BatchId)
        .column_as(
            Expr::col(order_line::Column::Quantity)
                .sum()
                .cast_as("BIGINT"),
            "qty",
        )
        .column_as(
            Expr::col(order_line::Column::AmountFen)
                .sum()
                .cast_as("BIGINT"),
            "revenue",
        )
        .filter(order_line::Column::OrderId.in_subquery(live_orders(session_id)))
        .group_by(order_line::Column::BatchId)
        .into_tuple::<(i64, Option<i64>, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(b, q, r)| (b, (q.unwrap_or(0), r.unwrap_or(0))))
        .collect();
    let batches = featured(db, session_id)
        .await?
        .into_iter()
        .map(|f| {
            let (sold_qty, revenue_fen) = sold.get(&f.batch_id).copied().unwrap_or((0, 0));
            BatchTotals {
                batch_id: f.batch_id,
                product_name: f.product_name,
                pricing: f.pricing,
                unit_label: f.unit_label,
                sold_qty,
                revenue_fen,
                stock_qty: f.stock_qty,
                live_price_fen: f.live_price_fen,
                on_sale: f.on_sale,
            }
        })
        .collect();
    let top: Vec<(i64, i64, Option<i64>)> = order::Entity::find()
        .select_only()
        .column(order::Column::BuyerId)
        .column_as(Expr::col(order::Column::Id).count(), "orders")
        .column_as(
            Expr::col(order::Column::TotalFen).sum().cast_as("BIGINT"),
            "revenue",
        )
        .filter(order::Column::LiveSessionId.eq(session_id))
        .filter(order::Column::Status.ne(OrderStatus::Cancelled))
        .group_by(order::Column::BuyerId)
        .order_by(Expr::col(Alias::new("revenue")), Order::Desc)
        .order_by_asc(order::Column::BuyerId)
        .limit(5)
        .into_tuple()
        .all(db)
        .await?;
    let names: HashMap<i64, String> =
        crate::services::rows::by_id::<buyer::Entity>(db, top.iter().map(|t| t.0))
            .await?
            .into_values()
            .map(|b| {
                let shown = if session.board_full_names {
                    b.name
                } else {
                    mask_name(&b.name)
                };
                (b.id, shown)
            })
            .collect();
    let top_buyers = top
        .into_iter()
        .map(|(buyer_id, orders, revenue)| {
            Ok(TopBuyer {
                buyer_id,
                name: names
                    .get(&buyer_id)
                    .invariant("a buyer with orders exists")?
                    .clone(),
                orders,
                // SUM over no paid lines is NULL: nothing yet.
                revenue_fen: revenue.unwrap_or(0),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Totals {
        session_id,
        status: session.status,
        orders,
        cancelled,
        buyers,
        revenue_fen: revenue.unwrap_or(0),
        shop_orders,
        shop_revenue_fen: shop_revenue.unwrap_or(0),
        batches,
        top_buyers,
        updated_at: chrono::Utc::now(),
    })
}

/// # Errors
/// 404 for an unknown session.
pub async fn summary(db: &impl ConnectionTrait, session_id: i64) -> AppResult<SessionSummary> {
    let session = get(db, session_id).await?;
    let totals = totals(db, session_id).await?;
    let duration_secs = session
        .started_at
        .map(|s| (session.ended_at.unwrap_or_else(chrono::Utc::now) - s).num_seconds());
    Ok(SessionSummary {
        session,
        duration_secs,
        totals,
    })
}

/// The session's order lines for the packing team, in order and line order, each with its
/// buyer and its featured batch's product (`render::live_orders` writes them as CSV).
///
/// # Errors
/// 404 for an unknown session; 500 if a line's batch is not featured in its show.
pub async fn packing_lines(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> AppResult<Vec<PackingLine>> {
    let featured: HashMap<i64, FeaturedOut> = featured(db, session_id)
        .await?
        .into_iter()
        .map(|f| (f.batch_id, f))
        .collect();
    let orders = order::Entity::find()
        .filter(order::Column::LiveSessionId.eq(session_id))
        .order_by_asc(order::Column::Id)
        .all(db)
        .await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(orders.iter().map(|o| o.id).collect::<Vec<_>>()))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let buyers: HashMap<i64, buyer::Model> =
        crate::services::rows::by_id::<buyer::Entity>(db, orders.iter().map(|o| o.buyer_id))
            .await?;
    let by_id: HashMap<i64, &order::Model> = orders.iter().map(|o| (o.id, o)).collect();
    lines
        .into_iter()
        .map(|l| {
            let o = by_id.get(&l.order_id).invariant(&format!(
                "order line {} belongs to an order of the show",
                l.id
            ))?;
            // A live order takes only the show's featured batches (`terms_for_order`).
            let f = featured.get(&l.batch_id).invariant(&format!(
                "batch {} of order line {} is featured in show {session_id}",
                l.batch_id, l.id
            ))?;
            Ok(PackingLine {
                order_id: o.id,
                status: o.status,
                buyer: buyers.get(&o.buyer_id).cloned(),
                product: f.product_name.clone(),
                pricing: f.pricing,
                unit_label: f.unit_label.clone(),
                quantity: l.quantity,
                amount_fen: l.amount_fen,
            })
        })
        .collect()
}

/// One order line of a show, as the packing team reads it.
pub struct PackingLine {
    pub order_id: i64,
    pub status: OrderStatus,
    pub buyer: Option<buyer::Model>,
    pub product: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    /// Grams (by weight) or pieces.
    pub quantity: i64,
    pub amount_fen: i64,
}
