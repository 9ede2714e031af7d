//! The parcels waiting to ship, as a courier's batch-printing tool imports them: one row per
//! weighed parcel order, with its recipient, full address, weight and contents.

use crate::domain::order_number;
use crate::error::AppResult;
use crate::render::table::Cell;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use zhunong_entity::enums::{Fulfilment, OrderStatus, Pricing};
use zhunong_entity::{
    batch, order, order_line, order_recipient, product, weigh_ticket, weigh_ticket_void,
};

pub const HEADERS: [&str; 11] = [
    "订单号",
    "收件人",
    "收件人手机",
    "省",
    "市",
    "区县",
    "详细地址",
    "完整地址",
    "重量（千克）",
    "物品",
    "备注",
];

/// Weighed parcel orders not yet shipped, oldest first, at most `max`.
///
/// # Errors
/// Database errors.
pub async fn waiting(db: &impl ConnectionTrait, max: u64) -> AppResult<Vec<Vec<Cell>>> {
    let orders = order::Entity::find()
        .filter(order::Column::Fulfilment.eq(Fulfilment::Parcel))
        .filter(order::Column::Status.eq(OrderStatus::Weighed))
        .order_by_asc(order::Column::Id)
        .limit(max)
        .all(db)
        .await?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let mut recipients = HashMap::new();
    let mut lines: HashMap<i64, Vec<order_line::Model>> = HashMap::new();
    let mut net: HashMap<i64, i64> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in order_recipient::Entity::find()
            .filter(order_recipient::Column::OrderId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            recipients.insert(r.order_id, r);
        }
        for l in order_line::Entity::find()
            .filter(order_line::Column::OrderId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            lines.entry(l.order_id).or_default().push(l);
        }
        let tickets = weigh_ticket::Entity::find()
            .filter(weigh_ticket::Column::OrderId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let voided: Vec<i64> = weigh_ticket_void::Entity::find()
            .select_only()
            .column(weigh_ticket_void::Column::TicketId)
            .filter(weigh_ticket_void::Column::TicketId.is_in(tickets.iter().map(|t| t.id)))
            .into_tuple()
            .all(db)
            .await?;
        for t in tickets.iter().filter(|t| !voided.contains(&t.id)) {
            *net.entry(t.order_id).or_default() += t.net_g;
        }
    }
    // Product names by batch, looked up once each.
    let mut names: HashMap<i64, (String, Pricing)> = HashMap::new();
    for l in lines.values().flatten() {
        if names.contains_key(&l.batch_id) {
            continue;
        }
        if let Some(b) = batch::Entity::find_by_id(l.batch_id).one(db).await?
            && let Some(p) = product::Entity::find_by_id(b.product_id).one(db).await?
        {
            names.insert(l.batch_id, (p.name, p.pricing));
        }
    }
    Ok(orders
        .into_iter()
        .map(|o| {
            let r = recipients.get(&o.id);
            let field =
                |f: fn(&order_recipient::Model) -> &String| r.map(f).cloned().unwrap_or_default();
            let street_detail = format!("{}{}", field(|r| &r.street), field(|r| &r.detail));
            let full = format!(
                "{}{}{}{}",
                field(|r| &r.province),
                field(|r| &r.city),
                field(|r| &r.district),
                street_detail
            );
            let contents: Vec<String> = lines
                .get(&o.id)
                .into_iter()
                .flatten()
                .map(|l| {
                    let (name, pricing) = names
                        .get(&l.batch_id)
                        .cloned()
                        .unwrap_or((String::new(), Pricing::ByWeight));
                    match (pricing, l.weighed_g) {
                        (Pricing::ByPiece, _) => format!("{name}×{}", l.quantity),
                        (_, Some(g)) => format!("{name} {}斤", crate::domain::format::jin(g)),
                        (_, None) => name,
                    }
                })
                .collect();
            let grams = net.get(&o.id).copied().unwrap_or(0);
            vec![
                Cell::Text(order_number::format(o.id)),
                Cell::Text(field(|r| &r.name)),
                Cell::Text(field(|r| &r.phone)),
                Cell::Text(field(|r| &r.province)),
                Cell::Text(field(|r| &r.city)),
                Cell::Text(field(|r| &r.district)),
                Cell::Text(street_detail),
                Cell::Text(full),
                Cell::Text(format!("{}.{:02}", grams / 1000, (grams % 1000) / 10)),
                Cell::Text(contents.join("；")),
                Cell::Text(o.note.unwrap_or_default()),
            ]
        })
        .collect())
}
