//! Facts that never change once written — a product's pricing, a buyer's kind — kept in process
//! memory so the hot path of placing an order does not read them again. Because they are
//! immutable, every replica's copy is right; the map is cleared when it reaches its bound.

use crate::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use zhunong_entity::enums::{BuyerKind, Pricing};
use zhunong_entity::{batch, buyer, product};

pub struct Facts {
    max_entries: usize,
    pricing: RwLock<HashMap<i64, Pricing>>,
    buyer_kind: RwLock<HashMap<i64, BuyerKind>>,
    batch_product: RwLock<HashMap<i64, i64>>,
}

fn cached<K: Eq + Hash + Copy, V: Copy>(map: &RwLock<HashMap<K, V>>, key: K) -> Option<V> {
    map.read()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .copied()
}

fn remember<K: Eq + Hash, V>(map: &RwLock<HashMap<K, V>>, key: K, value: V, max: usize) {
    let mut m = map.write().unwrap_or_else(|p| p.into_inner());
    if m.len() >= max {
        m.clear();
    }
    m.insert(key, value);
}

impl Facts {
    pub fn new(max_entries: usize) -> Self {
        Self {
            max_entries: max_entries.max(1),
            pricing: RwLock::default(),
            buyer_kind: RwLock::default(),
            batch_product: RwLock::default(),
        }
    }

    /// How a product is priced (`pricing` cannot be changed after creation).
    ///
    /// # Errors
    /// Database errors, or the product is missing (a broken foreign key: 500).
    pub async fn pricing(&self, db: &impl ConnectionTrait, product_id: i64) -> AppResult<Pricing> {
        if let Some(p) = cached(&self.pricing, product_id) {
            return Ok(p);
        }
        let p = product::Entity::find_by_id(product_id)
            .one(db)
            .await?
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "batch refers to missing product {product_id}"
                ))
            })?
            .pricing;
        remember(&self.pricing, product_id, p, self.max_entries);
        Ok(p)
    }

    /// A buyer's kind (`kind` cannot be changed after creation); `None` if there is no such buyer.
    ///
    /// # Errors
    /// Database errors.
    pub async fn buyer_kind(
        &self,
        db: &impl ConnectionTrait,
        buyer_id: i64,
    ) -> AppResult<Option<BuyerKind>> {
        if let Some(k) = cached(&self.buyer_kind, buyer_id) {
            return Ok(Some(k));
        }
        let Some(b) = buyer::Entity::find_by_id(buyer_id).one(db).await? else {
            return Ok(None);
        };
        remember(&self.buyer_kind, buyer_id, b.kind, self.max_entries);
        Ok(Some(b.kind))
    }

    /// The product of each batch (a batch's product cannot be changed); unknown batches are
    /// left out.
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch_products(
        &self,
        db: &impl ConnectionTrait,
        batch_ids: &[i64],
    ) -> AppResult<HashMap<i64, i64>> {
        let mut found = HashMap::with_capacity(batch_ids.len());
        let mut missing = Vec::new();
        for &id in batch_ids {
            match cached(&self.batch_product, id) {
                Some(p) => {
                    found.insert(id, p);
                }
                None => missing.push(id),
            }
        }
        if !missing.is_empty() {
            use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
            let rows: Vec<(i64, i64)> = batch::Entity::find()
                .select_only()
                .column(batch::Column::Id)
                .column(batch::Column::ProductId)
                .filter(batch::Column::Id.is_in(missing))
                .into_tuple()
                .all(db)
                .await?;
            for (id, product) in rows {
                remember(&self.batch_product, id, product, self.max_entries);
                found.insert(id, product);
            }
        }
        Ok(found)
    }
}
