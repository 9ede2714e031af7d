use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::enums::LoadStatus;
use zhunong_entity::load;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLoad {
    #[schema(example = "皖A·12345")]
    pub plate: String,
    pub driver_name: String,
    pub driver_phone: String,
    pub destination: String,
    #[serde(deserialize_with = "crate::dto::date::strict")]
    pub planned_date: NaiveDate,
    /// The truck's capacity; the load's net weight may not exceed it.
    pub capacity_kg: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddOrder {
    pub order_id: i64,
}

/// Who received the goods.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverLoad {
    #[schema(example = "赵经理")]
    pub received_by: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoadOut {
    pub id: i64,
    pub plate: String,
    pub driver_name: String,
    pub driver_phone: String,
    pub destination: String,
    pub planned_date: NaiveDate,
    pub capacity_kg: Option<i64>,
    pub status: LoadStatus,
    pub total_net_g: i64,
    pub order_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub loaded_at: Option<DateTime<Utc>>,
    pub departed_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub received_by: Option<String>,
    pub handover_note: Option<String>,
}

impl LoadOut {
    pub fn new(m: load::Model, order_ids: Vec<i64>) -> Self {
        Self {
            id: m.id,
            plate: m.plate,
            driver_name: m.driver_name,
            driver_phone: m.driver_phone,
            destination: m.destination,
            planned_date: m.planned_date,
            capacity_kg: m.capacity_kg,
            status: m.status,
            total_net_g: m.total_net_g,
            order_ids,
            created_at: m.created_at,
            loaded_at: m.loaded_at,
            departed_at: m.departed_at,
            delivered_at: m.delivered_at,
            received_by: m.received_by,
            handover_note: m.handover_note,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoadFilter {
    pub status: Option<LoadStatus>,
    /// Planned on this day.
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub planned_date: Option<NaiveDate>,
}
