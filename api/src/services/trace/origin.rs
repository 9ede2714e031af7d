//! Where a batch came from: its product, grower, village and harvest date, as a label and the
//! public page print them. Nothing here is about the buyer.

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait};
use zhunong_entity::enums::Pricing;
use zhunong_entity::{batch, collective, grower, product};

pub struct Origin {
    pub batch_id: i64,
    pub batch_code: Option<String>,
    pub product: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    pub grower: String,
    pub village: String,
    pub region: Option<String>,
    pub harvest_date: NaiveDate,
}

/// # Errors
/// 404 for an unknown batch; database errors.
pub async fn of_batch(db: &impl ConnectionTrait, batch_id: i64) -> AppResult<Origin> {
    let b = batch::Entity::find_by_id(batch_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("batch"))?;
    let p = product::Entity::find_by_id(b.product_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("product"))?;
    let g = grower::Entity::find_by_id(b.grower_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("grower"))?;
    let c = collective::Entity::find_by_id(g.collective_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("collective"))?;
    Ok(Origin {
        batch_id,
        batch_code: b.code,
        product: p.name,
        pricing: p.pricing,
        unit_label: p.unit_label,
        grower: g.name,
        village: c.name,
        region: c.region,
        harvest_date: b.harvest_date,
    })
}
