//! The buyer's own page, `/o/{token}`: an unguessable link (256 random bits) to one order, with
//! the recipient masked and nothing of any other order. The secretary can revoke and reissue it.

use crate::db::Db;
use crate::domain::address::mask;
use crate::domain::caller::Caller;
use crate::domain::order_number;
use crate::domain::shipping::{carrier_name, new_view_token};
use crate::domain::units::OrderId;
use crate::dto::fulfilment::{BuyerLine, BuyerParcel, BuyerView, PickupPointOut, ViewLink};
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity, OrderStatus};
use zhunong_entity::{
    batch, order, order_line, order_recipient, parcel, pickup_point, product, trace_code,
    weigh_ticket,
};

/// A token is 43 URL-safe base64 characters; anything else is not looked up.
pub fn is_token(t: &str) -> bool {
    t.len() == 43
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The order behind `token`, as its buyer may see it; `None` for no such (or a revoked) link.
///
/// # Errors
/// Database errors.
pub async fn find(db: &impl ConnectionTrait, token: &str) -> AppResult<Option<BuyerView>> {
    if !is_token(token) {
        return Ok(None);
    }
    let Some(o) = order::Entity::find()
        .filter(order::Column::ViewToken.eq(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(view_of(db, o).await?))
}

/// The order behind a buyer's link.
///
/// # Errors
/// 404 for no such (or a revoked) link.
pub async fn order_of(db: &impl ConnectionTrait, token: &str) -> AppResult<i64> {
    if !is_token(token) {
        return Err(AppError::NotFound("order"));
    }
    order::Entity::find()
        .filter(order::Column::ViewToken.eq(token))
        .one(db)
        .await?
        .map(|o| o.id)
        .ok_or(AppError::NotFound("order"))
}

/// The page's content for order `o`.
///
/// # Errors
/// Database errors.
pub async fn view_of(db: &impl ConnectionTrait, o: order::Model) -> AppResult<BuyerView> {
    let recipient = order_recipient::Entity::find_by_id(o.id).one(db).await?;
    let point = match o.pickup_point_id {
        Some(p) => pickup_point::Entity::find_by_id(p).one(db).await?,
        None => None,
    };
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .order_by_asc(order_line::Column::LineNo)
        .all(db)
        .await?;
    let tickets = weigh_ticket::Entity::find()
        .filter(weigh_ticket::Column::OrderId.eq(o.id))
        .all(db)
        .await?;
    let codes: HashMap<i64, String> = trace_code::Entity::find()
        .filter(trace_code::Column::WeighTicketId.is_in(tickets.iter().map(|t| t.id)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.weigh_ticket_id.map(|t| (t, c.code)))
        .collect();
    let mut out_lines = Vec::with_capacity(lines.len());
    for l in lines {
        let b = batch::Entity::find_by_id(l.batch_id).one(db).await?;
        let p = match &b {
            Some(b) => product::Entity::find_by_id(b.product_id).one(db).await?,
            None => None,
        };
        out_lines.push(BuyerLine {
            product: p.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            pricing: p.map_or(zhunong_entity::enums::Pricing::ByWeight, |p| p.pricing),
            quantity: l.quantity,
            net_g: l.weighed_g,
            amount_fen: l.final_amount_fen.unwrap_or(l.amount_fen),
            trace_paths: tickets
                .iter()
                .filter(|t| t.order_line_id == l.id)
                .filter_map(|t| codes.get(&t.id))
                .map(|c| format!("/t/{c}"))
                .collect(),
        });
    }
    let parcel_ids = super::read::parcel_ids_of(db, &[o.id]).await?;
    let parcels = parcel::Entity::find()
        .filter(parcel::Column::Id.is_in(parcel_ids))
        .order_by_asc(parcel::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| BuyerParcel {
            carrier_name: carrier_name(&p.carrier).unwrap_or_default().to_owned(),
            tracking_no: p.tracking_no,
            status: p.status,
            shipped_at: p.shipped_at,
            delivered_at: p.delivered_at,
        })
        .collect();
    let collected = o.picked_up_at.is_some() || o.status == OrderStatus::Cancelled;
    Ok(BuyerView {
        number: order_number::format(o.id),
        status: o.status,
        fulfilment: o.fulfilment,
        placed_at: o.created_at,
        total_fen: o.total_fen,
        final_total_fen: o.final_total_fen,
        recipient_name: recipient.as_ref().map(|r| mask::name(&r.name)),
        recipient_phone: recipient.as_ref().map(|r| mask::phone(&r.phone)),
        recipient_address: recipient
            .as_ref()
            .map(|r| mask::address(&r.province, &r.city, &r.district)),
        pickup_point: point.map(PickupPointOut::from),
        pickup_code: if collected { None } else { o.pickup_code },
        lines: out_lines,
        parcels,
        // Filled in by the caller: after-sales reads fulfilment, not the other way round.
        cases: Vec::new(),
        claim_until: None,
        shipped_at: o.shipped_at,
        delivered_at: o.delivered_at,
    })
}

/// Revokes the order's link and makes a new one.
///
/// # Errors
/// 404 unknown order.
pub async fn reissue(db: &Db, caller: &Caller, order_id: OrderId) -> AppResult<ViewLink> {
    let id = order_id.get();
    let token = new_view_token();
    db.write(async |tx| {
        let moved = order::Entity::update_many()
            .col_expr(order::Column::ViewToken, Expr::value(token.clone()))
            .filter(order::Column::Id.eq(id))
            .exec(tx)
            .await?;
        if moved.rows_affected == 0 {
            return Err(AppError::NotFound("order"));
        }
        crate::services::audit::record(
            tx,
            crate::services::audit::Change::of(
                Some(caller.user_id),
                AuditAction::ReissueOrderLink,
                AuditEntity::Order,
                id,
            ),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(ViewLink {
        view_path: format!("/o/{token}"),
    })
}
