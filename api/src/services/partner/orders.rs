use crate::db::Db;
use crate::domain::caller::PartnerAuth;
use crate::domain::units::OrderId;
use crate::dto::Page;
use crate::dto::money::PaymentOut;
use crate::dto::orders::{CreateOrder, NewOrderLine, OrderFilter};
use crate::dto::partner::{PartnerOrder, PartnerOrderOut, TruckOut};
use crate::error::{AppError, AppResult};
use crate::services::idempotency::Keyed;
use crate::services::orders::{self, OrderContext, Placed, Placer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use zhunong_entity::enums::Channel;
use zhunong_entity::{load, order, payment};

/// Places a partner's bulk order for its own buyer, at its contract prices.
///
/// # Errors
/// As for any order: 422, 409 (short lines listed, key in flight), plus a reused key.
pub async fn place(
    db: &Db,
    ctx: &OrderContext<'_>,
    partner: &PartnerAuth,
    req: PartnerOrder,
    key: String,
    path: &str,
) -> AppResult<Placed> {
    let keyed = Keyed::for_post(format!("partner:{}", partner.buyer_id), key, path, &req)?;
    let order = CreateOrder {
        buyer_id: partner.buyer_id,
        channel: Channel::PartnerApi,
        note: req.note,
        live_session_id: None,
        fulfilment: req.fulfilment,
        recipient: req.recipient,
        pickup_point_id: None,
        lines: req
            .lines
            .into_iter()
            .map(|l| NewOrderLine {
                batch_id: l.batch_id,
                quantity: l.quantity,
            })
            .collect(),
    };
    let acting_user = super::keys::acting_user(&db.read, &partner.key_id).await?;
    orders::place(db, ctx, Placer::Partner { acting_user }, order, Some(keyed)).await
}

/// The partner's orders, newest first.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    partner: &PartnerAuth,
    mut f: OrderFilter,
    paging: (u64, u64),
) -> AppResult<Page<crate::dto::orders::OrderOut>> {
    // Scoped to the partner's buyer whatever the filter asked for.
    f.buyer_id = Some(partner.buyer_id);
    orders::list(db, f, paging).await
}

/// One of the partner's orders with its truck and payments; any other order is "not found".
///
/// # Errors
/// 404 for an order that is missing or not the partner's.
pub async fn get(
    db: &impl ConnectionTrait,
    partner: &PartnerAuth,
    id: i64,
) -> AppResult<PartnerOrderOut> {
    let own = order::Entity::find_by_id(id)
        .filter(order::Column::BuyerId.eq(partner.buyer_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let out = orders::load_out(db, OrderId::new(own.id)).await?;
    let truck = match own.load_id {
        Some(l) => load::Entity::find_by_id(l)
            .one(db)
            .await?
            .map(|l| TruckOut {
                load_id: l.id,
                plate: l.plate,
                driver_name: l.driver_name,
                driver_phone: l.driver_phone,
                destination: l.destination,
                status: l.status,
            }),
        None => None,
    };
    let payments = payment::Entity::find()
        .filter(payment::Column::OrderId.eq(own.id))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(PaymentOut::from)
        .collect();
    Ok(PartnerOrderOut {
        order: out,
        truck,
        payments,
    })
}
