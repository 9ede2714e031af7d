//! Loads the names a page of audit entries reads with: one query per kind of thing, for the
//! ids on that page only.

use crate::domain::audit_text::{BatchName, LineOf, Names, Wanted};
use crate::domain::format::piece_unit;
use crate::services::rows::by_id;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use zhunong_entity::enums::Pricing;
use zhunong_entity::{
    batch, buyer, collective, grower, load, order, order_line, product, user, weigh_ticket,
};

/// What pages call a staff member: the display name, else the login name.
pub fn staff_name(u: &user::Model) -> String {
    u.display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| u.username.clone())
}

/// # Errors
/// Database errors.
pub async fn load(db: &impl ConnectionTrait, mut w: Wanted) -> crate::error::AppResult<Names> {
    let mut n = Names::default();
    // Lines and tickets first: they name the orders and batches to look up next.
    for l in by_id::<order_line::Entity>(db, std::mem::take(&mut w.lines))
        .await?
        .into_values()
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
    let tickets = by_id::<weigh_ticket::Entity>(db, std::mem::take(&mut w.tickets))
        .await?
        .into_values()
        .collect::<Vec<_>>();
    let ticket_lines: HashMap<i64, i64> = tickets.iter().map(|t| (t.id, t.order_line_id)).collect();
    for l in by_id::<order_line::Entity>(db, ticket_lines.values().copied())
        .await?
        .into_values()
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
    let orders = by_id::<order::Entity>(db, w.orders)
        .await?
        .into_values()
        .collect::<Vec<_>>();
    w.buyers.extend(orders.iter().map(|o| o.buyer_id));
    let batches = by_id::<batch::Entity>(db, w.batches)
        .await?
        .into_values()
        .collect::<Vec<_>>();
    w.products.extend(batches.iter().map(|b| b.product_id));
    for u in by_id::<user::Entity>(db, w.users).await?.into_values() {
        n.users.insert(u.id, staff_name(&u));
    }
    for b in by_id::<buyer::Entity>(db, w.buyers).await?.into_values() {
        n.buyers.insert(b.id, b.name);
    }
    n.order_buyers = orders
        .iter()
        .filter_map(|o| Some((o.id, n.buyers.get(&o.buyer_id)?.clone())))
        .collect();
    let products: HashMap<i64, product::Model> = by_id::<product::Entity>(db, w.products).await?;
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
    for l in by_id::<load::Entity>(db, w.loads).await?.into_values() {
        n.loads.insert(l.id, l.plate);
    }
    for g in by_id::<grower::Entity>(db, w.growers).await?.into_values() {
        n.growers.insert(g.id, g.name);
    }
    for c in by_id::<collective::Entity>(db, w.collectives)
        .await?
        .into_values()
    {
        n.collectives.insert(c.id, c.name);
    }
    Ok(n)
}
