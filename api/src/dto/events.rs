//! Webhook events: one envelope for every event. `data.order` is always the order as it stands
//! after the change; `truck`, `payment` and `weighing` are there when the event concerns them.
//! The schemas are in the OpenAPI document (`WebhookEvent`), so a partner can generate types.

use super::money::PaymentReceipt;
use super::orders::OrderOut;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Each event's name is written once, here; the enum, its wire name and the list a partner
/// subscribes from all come from this table.
macro_rules! event_types {
    ($($variant:ident = $name:literal,)+) => {
        /// What happened.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum EventType {
            $(
                #[serde(rename = $name)]
                $variant,
            )+
        }

        impl EventType {
            pub const ALL: &[Self] = &[$(Self::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }
    };
}

// Written by hand because utoipa's derive does not see a name passed in through a macro.
impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("What happened."))
            .enum_values(Some(Self::ALL.iter().map(|e| e.as_str())))
            .into()
    }
}

impl ToSchema for EventType {}

event_types! {
    OrderConfirmed = "order.confirmed",
    OrderWeighed = "order.weighed",
    OrderLoaded = "order.loaded",
    OrderShipped = "order.shipped",
    OrderDelivered = "order.delivered",
    OrderCancelled = "order.cancelled",
    PaymentRecorded = "payment.recorded",
}

/// The truck an order is on (`order.loaded`, `order.delivered`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Truck {
    pub load_id: i64,
    pub plate: String,
    pub driver_name: String,
    pub driver_phone: String,
    pub destination: String,
    /// Who signed for the goods (`order.delivered`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_by: Option<String>,
}

/// Which weighing of the order this is (`order.weighed`). A correction (a void, a new weight,
/// completed again) sends the next revision, which supersedes the one it names.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct WeighingRevision {
    /// 1 for the first completed weighing of the order, one more for each correction.
    pub revision: i32,
    /// The revision this event replaces; null for the first.
    pub supersedes_revision: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventData {
    pub order: OrderOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truck: Option<Truck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentReceipt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighing: Option<WeighingRevision>,
    /// The order's parcels (`order.shipped`, and `order.delivered` of a parcel order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parcels: Option<Vec<super::fulfilment::ParcelOut>>,
}

impl EventData {
    /// An event about the order alone.
    pub fn order(order: OrderOut) -> Self {
        Self {
            order,
            truck: None,
            payment: None,
            weighing: None,
            parcels: None,
        }
    }
}

/// The body of every webhook delivery in version 2 (the current), signed per Standard Webhooks.
/// An endpoint registered for version 1 receives the older shape (see the CHANGELOG).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub type_: EventType,
    /// The version of this body's shape: the one its endpoint was registered for.
    #[schema(example = 2)]
    pub version: i32,
    /// RFC 3339, to the second.
    pub timestamp: String,
    pub data: EventData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_the_wire_names() {
        for &e in EventType::ALL {
            assert_eq!(
                serde_json::to_value(e).ok(),
                Some(serde_json::Value::String(e.as_str().into()))
            );
        }
    }
}
