//! The data of a load's manifest: every order on the truck with its buyer, lines, crates, net
//! weights and amounts, and the totals. The net weight total is the load's own, kept with the
//! load as orders join and leave it, so the station's screen and the printed manifest say the
//! same. A line's net weight is its `weighed_g`, which weighing keeps equal to the sum of its live
//! weigh tickets (the load's total is summed from those), so the lines add up to the total.

use crate::dto::loads::LoadOut;
use crate::error::{AppResult, Invariant};
use crate::services::loads::get;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use zhunong_entity::{batch, buyer, order, order_line, product, weigh_ticket, weigh_ticket_void};

pub struct ManifestLine {
    pub line_no: i32,
    pub product: String,
    pub batch_code: String,
    pub crates: usize,
    pub net_g: i64,
    pub amount_fen: i64,
}

pub struct ManifestOrder {
    pub number: String,
    pub buyer: String,
    pub phone: String,
    pub address: String,
    pub lines: Vec<ManifestLine>,
}

pub struct Manifest {
    pub load: LoadOut,
    pub orders: Vec<ManifestOrder>,
    pub total_crates: usize,
    pub total_net_g: i64,
    pub total_amount_fen: i64,
}

/// # Errors
/// 404 for an unknown load.
pub async fn manifest(db: &impl ConnectionTrait, load_id: i64) -> AppResult<Manifest> {
    let load = get(db, load_id).await?;
    let orders = order::Entity::find()
        .filter(order::Column::LoadId.eq(load_id))
        .order_by_asc(order::Column::Id)
        .all(db)
        .await?;
    let order_ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(order_ids.clone()))
        .order_by_asc(order_line::Column::OrderId)
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let buyers: HashMap<i64, buyer::Model> =
        crate::services::rows::by_id::<buyer::Entity>(db, orders.iter().map(|o| o.buyer_id))
            .await?;
    let batches: HashMap<i64, batch::Model> =
        crate::services::rows::by_id::<batch::Entity>(db, lines.iter().map(|l| l.batch_id)).await?;
    let products: HashMap<i64, String> =
        crate::services::rows::by_id::<product::Entity>(db, batches.values().map(|b| b.product_id))
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.name))
            .collect();
    let tickets = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::OrderId.is_in(order_ids))
        .all(db)
        .await?;
    let voided: HashSet<i64> = weigh_ticket_void::Entity::find()
        .filter(
            weigh_ticket_void::Column::TicketId
                .is_in(tickets.iter().map(|t| t.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.ticket_id)
        .collect();
    let mut crates: HashMap<i64, usize> = HashMap::new();
    for t in tickets.iter().filter(|t| !voided.contains(&t.id)) {
        *crates.entry(t.order_line_id).or_default() += 1;
    }
    let mut by_order: HashMap<i64, Vec<ManifestLine>> = HashMap::new();
    for l in &lines {
        let b = batches
            .get(&l.batch_id)
            .invariant("a loaded line's batch exists")?;
        by_order.entry(l.order_id).or_default().push(ManifestLine {
            line_no: l.line_no,
            product: products
                .get(&b.product_id)
                .invariant("a batch's product exists")?
                .clone(),
            // A batch without a code is shown by its number, as on its label.
            batch_code: b.code.clone().unwrap_or_else(|| format!("#{}", l.batch_id)),
            crates: crates.get(&l.id).copied().unwrap_or(0),
            net_g: l.weighed_g.unwrap_or(0),
            amount_fen: crate::domain::money::line_due_fen(l).get(),
        });
    }
    let orders: Vec<ManifestOrder> = orders
        .iter()
        .map(|o| {
            let b = buyers
                .get(&o.buyer_id)
                .invariant("an order's buyer exists")?;
            Ok(ManifestOrder {
                number: crate::domain::order_number::format(o.id),
                buyer: b.company.clone().unwrap_or_else(|| b.name.clone()),
                // A buyer may have no phone or address on file: the sheet leaves them blank.
                phone: b.phone.clone().unwrap_or_default(),
                address: b.address.clone().unwrap_or_default(),
                lines: by_order.remove(&o.id).unwrap_or_default(),
            })
        })
        .collect::<AppResult<_>>()?;
    let all = orders.iter().flat_map(|o| o.lines.iter());
    let (total_crates, total_amount_fen) =
        all.fold((0, 0), |(c, f), l| (c + l.crates, f + l.amount_fen));
    Ok(Manifest {
        total_net_g: load.total_net_g,
        load,
        orders,
        total_crates,
        total_amount_fen,
    })
}
