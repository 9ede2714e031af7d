//! Loads the names a page of audit entries reads with: one query per kind of thing, for the
//! ids on that page only.

use crate::domain::audit_text::{BatchName, LineOf, Names, Wanted};
use crate::domain::format::piece_unit;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use zhunong_entity::enums::Pricing;
use zhunong_entity::{
    batch, buyer, collective, grower, load, order, order_line, product, user, weigh_ticket,
};

fn unique(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What pages call a staff member: the display name, else the login name.
pub fn staff_name(u: &user::Model) -> String {
    u.display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| u.username.clone())
}

/// # Errors
/// Database errors.
pub async fn load(db: &impl ConnectionTrait, mut w: Wanted) -> Result<Names, DbErr> {
    let mut n = Names::default();
    // Lines and tickets first: they name the orders and batches to look up next.
    for l in order_line::Entity::find()
        .filter(order_line::Column::Id.is_in(unique(std::mem::take(&mut w.lines))))
        .all(db)
        .await?
    {
        w.orders.push(l.order_id);
        w.batches.push(l.batch_id);
        n.lines.insert(
            l.id,
            LineOf {
                order_id: l.order_id,
                batch_id: l.batch_id,
            },
        );
    }
    let tickets = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::Id.is_in(unique(std::mem::take(&mut w.tickets))))
        .all(db)
        .await?;
    let ticket_lines: HashMap<i64, i64> = tickets.iter().map(|t| (t.id, t.order_line_id)).collect();
    for l in order_line::Entity::find()
        .filter(order_line::Column::Id.is_in(unique(ticket_lines.values().copied().collect())))
        .all(db)
        .await?
    {
        w.orders.push(l.order_id);
        w.batches.push(l.batch_id);
        for (ticket, _) in ticket_lines.iter().filter(|(_, line)| **line == l.id) {
            n.tickets.insert(
                *ticket,
                LineOf {
                    order_id: l.order_id,
                    batch_id: l.batch_id,
                },
            );
        }
    }
    let orders = order::Entity::find()
        .filter(order::Column::Id.is_in(unique(w.orders)))
        .all(db)
        .await?;
    w.buyers.extend(orders.iter().map(|o| o.buyer_id));
    let batches = batch::Entity::find()
        .filter(batch::Column::Id.is_in(unique(w.batches)))
        .all(db)
        .await?;
    w.products.extend(batches.iter().map(|b| b.product_id));
    for u in user::Entity::find()
        .filter(user::Column::Id.is_in(unique(w.users)))
        .all(db)
        .await?
    {
        n.users.insert(u.id, staff_name(&u));
    }
    for b in buyer::Entity::find()
        .filter(buyer::Column::Id.is_in(unique(w.buyers)))
        .all(db)
        .await?
    {
        n.buyers.insert(b.id, b.name);
    }
    n.order_buyers = orders
        .iter()
        .filter_map(|o| Some((o.id, n.buyers.get(&o.buyer_id)?.clone())))
        .collect();
    let products: HashMap<i64, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(unique(w.products)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    n.products = products.values().map(|p| (p.id, p.name.clone())).collect();
    for b in batches {
        let p = products.get(&b.product_id);
        let which = b
            .code
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| format!("{}采收", b.harvest_date.format("%-m月%-d日")));
        n.batches.insert(
            b.id,
            BatchName {
                label: format!("{} {which}", p.map_or("", |p| p.name.as_str()))
                    .trim()
                    .to_owned(),
                piece_unit: p
                    .filter(|p| p.pricing == Pricing::ByPiece)
                    .map(|p| piece_unit(p.unit_label.as_deref()).to_owned()),
            },
        );
    }
    for l in load::Entity::find()
        .filter(load::Column::Id.is_in(unique(w.loads)))
        .all(db)
        .await?
    {
        n.loads.insert(l.id, l.plate);
    }
    for g in grower::Entity::find()
        .filter(grower::Column::Id.is_in(unique(w.growers)))
        .all(db)
        .await?
    {
        n.growers.insert(g.id, g.name);
    }
    for c in collective::Entity::find()
        .filter(collective::Column::Id.is_in(unique(w.collectives)))
        .all(db)
        .await?
    {
        n.collectives.insert(c.id, c.name);
    }
    Ok(n)
}
