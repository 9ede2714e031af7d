//! The partner API and what the secretary sets up for it: keys, contract prices, webhooks.

use super::orders::OrderOut;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::Pricing;
use zhunong_entity::{api_key, contract_price, webhook_delivery, webhook_endpoint};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    pub label: Option<String>,
}

/// A new key. `key` is shown this once and stored nowhere in plain text.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewKeyOut {
    pub key_id: String,
    #[schema(example = "znk_1a2b3c4d_…")]
    pub key: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    pub key_id: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for KeyOut {
    fn from(m: api_key::Model) -> Self {
        Self {
            key_id: m.key_id,
            label: m.label,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        }
    }
}

/// An agreed price for a product or one batch (give exactly one), from a minimum quantity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContractPrice {
    pub product_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub price_fen: i64,
    pub min_quantity: Option<i64>,
    #[serde(deserialize_with = "crate::dto::date::strict")]
    pub valid_from: NaiveDate,
    #[serde(default, deserialize_with = "crate::dto::date::strict_opt")]
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractPriceOut {
    pub id: i64,
    pub product_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub price_fen: i64,
    pub min_quantity: Option<i64>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl From<contract_price::Model> for ContractPriceOut {
    fn from(m: contract_price::Model) -> Self {
        Self {
            id: m.id,
            product_id: m.product_id,
            batch_id: m.batch_id,
            price_fen: m.price_fen,
            min_quantity: m.min_quantity,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
        }
    }
}

/// An open batch as a partner sees it: its own price and what is available.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogItem {
    pub batch_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub pricing: Pricing,
    pub harvest_date: NaiveDate,
    pub available_qty: i64,
    /// The partner's contract price if one applies today (from `min_quantity`), else the
    /// enterprise price.
    pub price_fen: i64,
    pub contract_min_quantity: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerOrderLine {
    pub batch_id: i64,
    #[schema(example = 50000)]
    pub quantity: i64,
}

/// A bulk order: all lines are reserved or none.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerOrder {
    pub note: Option<String>,
    pub lines: Vec<PartnerOrderLine>,
    /// `load` (the default) or `parcel`, sent to `recipient` (or the buyer's default address).
    #[serde(default)]
    pub fulfilment: Option<zhunong_entity::enums::Fulfilment>,
    #[serde(default)]
    pub recipient: Option<super::fulfilment::RecipientIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TruckOut {
    pub load_id: i64,
    pub plate: String,
    pub driver_name: String,
    pub driver_phone: String,
    pub destination: String,
    pub status: zhunong_entity::enums::LoadStatus,
}

/// The partner's own order with everything it may know about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOrderOut {
    pub order: OrderOut,
    pub truck: Option<TruckOut>,
    pub payments: Vec<super::money::PaymentOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    #[schema(example = "https://erp.example.com/zhunong/webhooks")]
    pub url: String,
    /// Any of `order.confirmed`, `order.weighed`, `order.loaded`, `order.delivered`,
    /// `order.cancelled`, `payment.recorded`.
    pub events: Vec<String>,
    /// The version of the event bodies this endpoint receives, fixed for its life: 2 (the
    /// current, and the default) or 1 (the shape before 2026-12-01; see the CHANGELOG).
    #[schema(minimum = 1, maximum = 2)]
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The version of the event bodies it receives.
    pub version: i32,
}

impl From<webhook_endpoint::Model> for WebhookOut {
    fn from(m: webhook_endpoint::Model) -> Self {
        Self {
            id: m.id,
            url: m.url,
            events: serde_json::from_value(m.events).unwrap_or_default(),
            enabled: m.enabled,
            disabled_reason: m.disabled_reason,
            created_at: m.created_at,
            version: m.version,
        }
    }
}

/// A webhook with its signing secret, shown when created or rotated.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    pub webhook: WebhookOut,
    #[schema(example = "whsec_…")]
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: i64,
    pub endpoint_id: i64,
    pub message_id: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<webhook_delivery::Model> for DeliveryOut {
    fn from(m: webhook_delivery::Model) -> Self {
        Self {
            id: m.id,
            endpoint_id: m.endpoint_id,
            message_id: m.message_id,
            event_type: m.event_type,
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_status_code: m.last_status_code,
            last_error: m.last_error,
            created_at: m.created_at,
            delivered_at: m.delivered_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    /// `pending`, `delivered` or `failed`.
    pub status: Option<String>,
}
