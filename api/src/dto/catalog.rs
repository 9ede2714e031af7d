//! Collectives, growers, products and batches.

use super::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::{BatchStatus, GrowerKind, Pricing};
use zhunong_entity::{batch, collective, grower, product};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollective {
    #[schema(example = "红光村股份经济合作社")]
    pub name: String,
    pub region: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCollective {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollectiveOut {
    pub id: i64,
    pub name: String,
    pub region: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<collective::Model> for CollectiveOut {
    fn from(m: collective::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            region: m.region,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CollectiveFilter {
    /// Part of the name.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrower {
    pub collective_id: i64,
    #[schema(example = "王飞")]
    pub name: String,
    pub kind: GrowerKind,
    pub phone: Option<String>,
    /// Planted area in whole mu.
    pub area_mu: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGrower {
    pub collective_id: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<GrowerKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub area_mu: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrowerOut {
    pub id: i64,
    pub collective_id: i64,
    pub name: String,
    pub kind: GrowerKind,
    pub phone: Option<String>,
    pub area_mu: Option<i64>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<grower::Model> for GrowerOut {
    fn from(m: grower::Model) -> Self {
        Self {
            id: m.id,
            collective_id: m.collective_id,
            name: m.name,
            kind: m.kind,
            phone: m.phone,
            area_mu: m.area_mu,
            note: m.note,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrowerFilter {
    pub collective_id: Option<i64>,
    pub kind: Option<GrowerKind>,
    /// Part of the name.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProduct {
    #[schema(example = "阳光玫瑰葡萄")]
    pub name: String,
    /// Fixed once created: quantities of existing batches and orders depend on it.
    pub pricing: Pricing,
    /// What one piece is called, for `by_piece` products (箱, 串).
    pub unit_label: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProduct {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub unit_label: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductOut {
    pub id: i64,
    pub name: String,
    pub pricing: Pricing,
    pub unit_label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<product::Model> for ProductOut {
    fn from(m: product::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            pricing: m.pricing,
            unit_label: m.unit_label,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilter {
    pub pricing: Option<Pricing>,
    /// Part of the name.
    pub q: Option<String>,
}

/// A new batch. Quantities are in the product's base unit (grams for `by_weight`, pieces for
/// `by_piece`); prices are fen per jin (500 g) or fen per piece.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBatch {
    pub product_id: i64,
    pub grower_id: i64,
    pub code: Option<String>,
    #[serde(deserialize_with = "crate::dto::date::strict")]
    pub harvest_date: NaiveDate,
    #[schema(example = 1_500_000)]
    pub quantity: i64,
    #[schema(example = 300)]
    pub retail_price_fen: i64,
    #[schema(example = 260)]
    pub enterprise_price_fen: i64,
    pub storage_place: Option<String>,
}

/// Changes to a batch. Stock changes only through orders and `stock_adjustment` (a signed
/// correction, e.g. after a recount); it can never go below zero.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub harvest_date: Option<NaiveDate>,
    pub retail_price_fen: Option<i64>,
    pub enterprise_price_fen: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub storage_place: Option<Option<String>>,
    pub status: Option<BatchStatus>,
    /// Added to stock (negative to remove, for spoilage or a recount); refused if stock would
    /// go below zero, that is below what orders already hold. Needs a `reason`.
    pub stock_adjustment: Option<i64>,
    /// Why (for example 霉烂 or 盘点), up to 200 characters; kept in the audit log with the
    /// change. Required with a nonzero `stock_adjustment`.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    pub id: i64,
    pub product_id: i64,
    pub grower_id: i64,
    pub code: Option<String>,
    pub harvest_date: NaiveDate,
    pub initial_qty: i64,
    /// Quantity on hand, in the product's base unit.
    pub stock_qty: i64,
    pub retail_price_fen: i64,
    pub enterprise_price_fen: i64,
    pub storage_place: Option<String>,
    pub status: BatchStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<batch::Model> for BatchOut {
    fn from(m: batch::Model) -> Self {
        Self {
            id: m.id,
            product_id: m.product_id,
            grower_id: m.grower_id,
            code: m.code,
            harvest_date: m.harvest_date,
            initial_qty: m.initial_qty,
            stock_qty: m.stock_qty,
            retail_price_fen: m.retail_price_fen,
            enterprise_price_fen: m.enterprise_price_fen,
            storage_place: m.storage_place,
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchFilter {
    pub product_id: Option<i64>,
    pub grower_id: Option<i64>,
    pub status: Option<BatchStatus>,
    /// Harvested on or after this date.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub harvested_from: Option<NaiveDate>,
    /// Harvested on or before this date.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub harvested_to: Option<NaiveDate>,
}
