use crate::domain::units::OrderId;
use crate::dto::Page;
use crate::dto::orders::{BuyerBrief, OrderFilter, OrderOut, StatusCounts};
use crate::error::{AppError, AppResult};
use crate::services::paginate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use zhunong_entity::{buyer, order, order_line};

/// The order with its lines.
///
/// # Errors
/// 404 if missing.
pub async fn load_out(db: &impl ConnectionTrait, order: OrderId) -> AppResult<OrderOut> {
    let order_id = order.get();
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    Ok(OrderOut::new(o, lines))
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, order: OrderId) -> AppResult<OrderOut> {
    load_out(db, order).await
}

/// An order number, or the buyer's name, company or phone containing `text`.
pub(crate) fn search(text: &str) -> sea_orm::Condition {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let like = crate::services::contains_pattern(text);
    let buyers = Query::select()
        .column(buyer::Column::Id)
        .from(buyer::Entity)
        .cond_where(
            sea_orm::Condition::any()
                .add(Expr::col(buyer::Column::Name).like(like.clone()))
                .add(Expr::col(buyer::Column::Company).like(like.clone()))
                .add(Expr::col(buyer::Column::Phone).like(like)),
        )
        .to_owned();
    let mut any = sea_orm::Condition::any().add(order::Column::BuyerId.in_subquery(buyers));
    if let Some(id) = crate::domain::order_number::parse(text) {
        any = any.add(order::Column::Id.eq(id));
    }
    any
}

/// The orders `f` selects, its `status` aside: the list and the status counts share it.
fn filtered(f: &OrderFilter) -> AppResult<sea_orm::Select<order::Entity>> {
    let mut v = crate::error::Validator::default();
    for (name, at) in [("from", f.from), ("to", f.to)] {
        // Within what both databases can compare (PostgreSQL stops at year 294276).
        let year = at.map(|t| chrono::Datelike::year(&t));
        v.check(
            year.is_none_or(|y| (1900..=9999).contains(&y)),
            name,
            "must be between the years 1900 and 9999",
        );
    }
    v.check(
        f.q.as_deref().is_none_or(|q| q.chars().count() <= 50),
        "q",
        "must be at most 50 characters",
    );
    v.finish()?;
    let mut q = order::Entity::find();
    if let Some(c) = f.channel {
        q = q.filter(order::Column::Channel.eq(c));
    }
    if let Some(b) = f.buyer_id {
        q = q.filter(order::Column::BuyerId.eq(b));
    }
    if let Some(m) = f.fulfilment {
        q = q.filter(order::Column::Fulfilment.eq(m));
    }
    if let Some(from) = f.from {
        q = q.filter(order::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(order::Column::CreatedAt.lt(to));
    }
    if let Some(p) = f.payment_status {
        q = q.filter(order::Column::PaymentStatus.eq(p));
    }
    if let Some(s) = f.live_session_id {
        q = q.filter(order::Column::LiveSessionId.eq(s));
    }
    if f.weights_flagged == Some(true) {
        q = q
            .filter(order::Column::WeightsFlagged.eq(true))
            .filter(order::Column::WeightsApprovedAt.is_null());
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(search(text));
    }
    Ok(q)
}

/// How many orders `f` selects in each status (its `status` aside).
///
/// # Errors
/// 422 for bad filters; database errors.
pub async fn status_counts(db: &impl ConnectionTrait, f: OrderFilter) -> AppResult<StatusCounts> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    use zhunong_entity::enums::OrderStatus as S;
    let q = filtered(&f)?;
    let rows: Vec<(S, i64)> = q
        .clone()
        .select_only()
        .column(order::Column::Status)
        .column_as(order::Column::Id.count(), "n")
        .group_by(order::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut c = StatusCounts::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        c.all += n;
        *match status {
            S::Pending => &mut c.pending,
            S::Confirmed => &mut c.confirmed,
            S::Weighed => &mut c.weighed,
            S::Loaded => &mut c.loaded,
            S::Shipped => &mut c.shipped,
            S::Delivered => &mut c.delivered,
            S::Settled => &mut c.settled,
            S::Cancelled => &mut c.cancelled,
        } += n;
    }
    c.weights_flagged = q
        .filter(order::Column::WeightsFlagged.eq(true))
        .filter(order::Column::WeightsApprovedAt.is_null())
        .count(db)
        .await?;
    Ok(c)
}

/// Newest first, with their lines (one query for all lines of the page) and buyers.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: OrderFilter,
    paging: (u64, u64),
) -> AppResult<Page<OrderOut>> {
    let mut q = filtered(&f)?
        .order_by_desc(order::Column::CreatedAt)
        .order_by_desc(order::Column::Id);
    if let Some(s) = f.status {
        q = q.filter(order::Column::Status.eq(s));
    }
    let page = paginate(db, q, paging, |m| m).await?;
    let ids: Vec<i64> = page.items.iter().map(|o| o.id).collect();
    let mut lines: HashMap<i64, Vec<order_line::Model>> = HashMap::new();
    if !ids.is_empty() {
        for l in order_line::Entity::find()
            .filter(order_line::Column::OrderId.is_in(ids))
            .order_by_asc(order_line::Column::OrderId)
            .order_by_asc(order_line::Column::LineNo)
            .all(db)
            .await?
        {
            lines.entry(l.order_id).or_default().push(l);
        }
    }
    let buyers: HashMap<i64, BuyerBrief> =
        crate::services::rows::by_id::<buyer::Entity>(db, page.items.iter().map(|o| o.buyer_id))
            .await?
            .into_values()
            .map(|b| {
                let brief = BuyerBrief {
                    name: b.name,
                    phone: b.phone,
                    company: b.company,
                };
                (b.id, brief)
            })
            .collect();
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|o| {
                let ls = lines.remove(&o.id).unwrap_or_default();
                let buyer = buyers.get(&o.buyer_id).cloned();
                OrderOut {
                    buyer,
                    ..OrderOut::new(o, ls)
                }
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}
