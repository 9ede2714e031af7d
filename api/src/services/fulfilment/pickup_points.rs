//! The pickup points (自提点) the secretary defines.

use crate::db::Db;
use crate::dto::fulfilment::{NewPickupPoint, PickupPointOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator, is_unique_violation};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use zhunong_entity::pickup_point;

fn validate(p: &NewPickupPoint) -> AppResult<()> {
    let mut v = Validator::default();
    v.text(&p.name, "name", 50);
    v.text(&p.address, "address", 200);
    v.text(&p.hours, "hours", 100);
    v.finish()
}

fn duplicate(e: sea_orm::DbErr, name: &str) -> AppError {
    if is_unique_violation(&e) {
        AppError::Conflict {
            code: ErrorCode::Duplicate,
            detail: format!("a pickup point named {name} exists"),
        }
    } else {
        e.into()
    }
}

/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<PickupPointOut>> {
    Ok(pickup_point::Entity::find()
        .order_by_asc(pickup_point::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// # Errors
/// 422 bad fields; 409 a name taken.
pub async fn create(db: &Db, p: NewPickupPoint) -> AppResult<PickupPointOut> {
    validate(&p)?;
    db.write(async |tx| {
        let row = pickup_point::ActiveModel {
            name: Set(p.name.trim().to_owned()),
            address: Set(p.address.trim().to_owned()),
            hours: Set(p.hours.trim().to_owned()),
            active: Set(p.active.unwrap_or(true)),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await
        .map_err(|e| duplicate(e, &p.name))?;
        Ok(row.into())
    })
    .await
}

/// # Errors
/// 404 unknown point; 422 bad fields; 409 a name taken.
pub async fn update(db: &Db, id: i64, p: NewPickupPoint) -> AppResult<PickupPointOut> {
    validate(&p)?;
    db.write(async |tx| {
        let row =
            crate::services::must_find::<pickup_point::Entity, _>(tx, id, "pickup point").await?;
        let mut m: pickup_point::ActiveModel = row.into();
        m.name = Set(p.name.trim().to_owned());
        m.address = Set(p.address.trim().to_owned());
        m.hours = Set(p.hours.trim().to_owned());
        if let Some(a) = p.active {
            m.active = Set(a);
        }
        Ok(m.update(tx)
            .await
            .map_err(|e| duplicate(e, &p.name))?
            .into())
    })
    .await
}
