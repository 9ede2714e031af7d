//! What a packing slip shows: the order's recipient (or pickup point), its crates with their
//! trace codes (made where missing, as labels are), and its note.

use crate::db::Db;
use crate::domain::units::OrderId;
use crate::dto::fulfilment::FulfilmentOut;
use crate::error::AppResult;
use crate::services::trace::labels::{Label, Target, labels};

pub struct SlipData {
    pub number: String,
    pub fulfilment: FulfilmentOut,
    pub note: Option<String>,
    pub labels: Vec<Label>,
}

/// # Errors
/// 404 unknown order; 422 more than `max` crates.
pub async fn gather(db: &Db, order: OrderId, max: usize) -> AppResult<SlipData> {
    let fulfilment = super::read::fulfilment(&db.read, order).await?;
    let o = crate::services::must_find::<zhunong_entity::order::Entity, _>(
        &db.read,
        order.get(),
        "order",
    )
    .await?;
    Ok(SlipData {
        number: crate::domain::order_number::format(order.get()),
        fulfilment,
        note: o.note,
        labels: labels(db, Target::Order(order.get()), max).await?,
    })
}
