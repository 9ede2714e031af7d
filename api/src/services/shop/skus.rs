//! The secretary's map from shop SKU codes to batches. A code maps to a batch, or to a product
//! whose newest open batch takes the import's orders; a change is audited and applies to the
//! next import (orders already imported keep their lines).

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::dto::shop::{SkuMapIn, SkuMapOut};
use crate::error::{AppError, AppResult, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity, BatchStatus};
use zhunong_entity::{batch, product, shop_sku_map};

/// Every map, by code.
///
/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<SkuMapOut>> {
    Ok(shop_sku_map::Entity::find()
        .order_by_asc(shop_sku_map::Column::SkuCode)
        .all(db)
        .await?
        .into_iter()
        .map(SkuMapOut::from)
        .collect())
}

/// Creates or replaces the map of one code.
///
/// # Errors
/// 422 for invalid fields, an unknown batch or product, or both or neither given.
pub async fn put(db: &Db, caller: &Caller, req: SkuMapIn) -> AppResult<SkuMapOut> {
    let code = req.sku_code.trim().to_owned();
    let mut v = Validator::default();
    v.text(&code, "sku_code", 64);
    v.check(
        req.batch_id.is_some() != req.product_id.is_some(),
        "batch_id",
        "give either batch_id or product_id",
    );
    v.check(
        (1..=1_000_000_000).contains(&req.units_per_item),
        "units_per_item",
        "must be between 1 and 1000000000",
    );
    v.finish()?;
    if let Some(b) = req.batch_id {
        batch::Entity::find_by_id(b)
            .one(&db.read)
            .await?
            .ok_or_else(|| AppError::field("batch_id", format!("no batch with id {b}")))?;
    }
    if let Some(p) = req.product_id {
        product::Entity::find_by_id(p)
            .one(&db.read)
            .await?
            .ok_or_else(|| AppError::field("product_id", format!("no product with id {p}")))?;
    }
    let tx = db.begin_write().await?;
    let now = chrono::Utc::now();
    shop_sku_map::Entity::insert(shop_sku_map::ActiveModel {
        sku_code: Set(code.clone()),
        batch_id: Set(req.batch_id),
        product_id: Set(req.product_id),
        units_per_item: Set(req.units_per_item),
        updated_by: Set(caller.user_id),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(shop_sku_map::Column::SkuCode)
            .update_columns([
                shop_sku_map::Column::BatchId,
                shop_sku_map::Column::ProductId,
                shop_sku_map::Column::UnitsPerItem,
                shop_sku_map::Column::UpdatedBy,
                shop_sku_map::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&tx)
    .await?;
    let stored = shop_sku_map::Entity::find()
        .filter(shop_sku_map::Column::SkuCode.eq(&code))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound("sku map"))?;
    audit::record(
        &tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::MapShopSku,
            AuditEntity::ShopSku,
            stored.id,
        )
        .after(serde_json::json!({
            "sku_code": stored.sku_code,
            "batch_id": stored.batch_id,
            "product_id": stored.product_id,
            "units_per_item": stored.units_per_item,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(stored.into())
}

/// Where an import's rows of one code go: the batch and the units per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub batch_id: i64,
    pub units_per_item: i64,
}

/// The target of every mapped code; a product map goes to the product's newest open batch, and
/// is left out while the product has none.
///
/// # Errors
/// Database errors.
pub async fn targets(db: &impl ConnectionTrait) -> AppResult<HashMap<String, Target>> {
    let maps = shop_sku_map::Entity::find().all(db).await?;
    let mut out = HashMap::with_capacity(maps.len());
    for m in maps {
        let batch_id = match (m.batch_id, m.product_id) {
            (Some(b), _) => Some(b),
            (None, Some(p)) => batch::Entity::find()
                .filter(batch::Column::ProductId.eq(p))
                .filter(batch::Column::Status.eq(BatchStatus::Open))
                .order_by_desc(batch::Column::Id)
                .one(db)
                .await?
                .map(|b| b.id),
            (None, None) => None,
        };
        if let Some(batch_id) = batch_id {
            out.insert(
                m.sku_code,
                Target {
                    batch_id,
                    units_per_item: m.units_per_item,
                },
            );
        }
    }
    Ok(out)
}
