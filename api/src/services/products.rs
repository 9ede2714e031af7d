use super::{conflict_on_duplicate, must_find, paginate};
use crate::db::Tx;
use crate::dto::Page;
use crate::dto::catalog::{CreateProduct, ProductFilter, ProductOut, UpdateProduct};
use crate::error::{AppResult, Validator};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use zhunong_entity::product::{ActiveModel, Column, Entity};

const DUPLICATE: &str = "a product with this name exists";

fn validate(name: Option<&str>, unit_label: Option<&str>) -> AppResult<()> {
    let mut v = Validator::default();
    if let Some(n) = name {
        v.text(n, "name", 100);
    }
    v.opt_text(unit_label, "unit_label", 16);
    v.finish()
}

/// # Errors
/// Invalid fields (422) or a duplicate name (409).
pub async fn create(db: &crate::db::Db, req: CreateProduct) -> AppResult<ProductOut> {
    db.write(async |tx| create_in(tx, req).await).await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(tx: &Tx, req: CreateProduct) -> AppResult<ProductOut> {
    validate(Some(&req.name), req.unit_label.as_deref())?;
    let now = chrono::Utc::now();
    let m = ActiveModel {
        name: Set(req.name.trim().to_owned()),
        pricing: Set(req.pricing),
        unit_label: Set(req.unit_label),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map_err(|e| conflict_on_duplicate(e, DUPLICATE))?;
    Ok(m.into())
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<ProductOut> {
    Ok(must_find::<Entity, _>(db, id, "product").await?.into())
}

/// # Errors
/// 404 if missing, 422 for invalid fields, 409 for a duplicate name.
pub async fn update(db: &crate::db::Db, id: i64, req: UpdateProduct) -> AppResult<ProductOut> {
    db.write(async |tx| {
        validate(
            req.name.as_deref(),
            req.unit_label.as_ref().and_then(|u| u.as_deref()),
        )?;
        let mut m: ActiveModel = must_find::<Entity, _>(tx, id, "product").await?.into();
        if let Some(name) = req.name {
            m.name = Set(name.trim().to_owned());
        }
        if let Some(label) = req.unit_label {
            m.unit_label = Set(label);
        }
        m.updated_at = Set(chrono::Utc::now());
        Ok(m.update(tx)
            .await
            .map_err(|e| conflict_on_duplicate(e, DUPLICATE))?
            .into())
    })
    .await
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: ProductFilter,
    paging: (u64, u64),
) -> AppResult<Page<ProductOut>> {
    let mut q = Entity::find().order_by_asc(Column::Id);
    if let Some(p) = f.pricing {
        q = q.filter(Column::Pricing.eq(p));
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(Column::Name.like(super::contains_pattern(text)));
    }
    paginate(db, q, paging, ProductOut::from).await
}
