use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::Pricing;

/// `?date=2026-11-28` (orders confirmed that local day and not yet weighed) or `?load_id=3`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickListQuery {
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub date: Option<NaiveDate>,
    pub load_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PickOrder {
    pub order_id: i64,
    pub number: String,
    pub buyer_name: String,
    pub quantity: i64,
}

/// What to take from one batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct PickBatch {
    pub batch_id: i64,
    pub batch_code: Option<String>,
    pub product_name: String,
    pub pricing: Pricing,
    /// What one piece is called (箱, 把); a by-piece product without one counts in 件.
    pub unit_label: Option<String>,
    pub storage_place: Option<String>,
    /// In the product's base unit (grams or pieces).
    pub total_quantity: i64,
    pub orders: Vec<PickOrder>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PickProduct {
    pub product_id: i64,
    pub product_name: String,
    pub pricing: Pricing,
    /// What one piece is called (箱, 把); a by-piece product without one counts in 件.
    pub unit_label: Option<String>,
    pub total_quantity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PickList {
    pub date: Option<NaiveDate>,
    pub load_id: Option<i64>,
    pub batches: Vec<PickBatch>,
    pub products: Vec<PickProduct>,
}
