//! The shapes of webhook bodies, by version. An endpoint is pinned to the version it was
//! registered with, so a partner's receiver never sees a body change shape under it; a change of
//! shape is a new version, and the older ones stay as they were. Every body says its `type` and
//! its `version`.
//!
//! - **2** (current, since 2026-12-01): one envelope, `data.order` always, with `data.truck`,
//!   `data.payment`, `data.weighing` or `data.parcels` where the event concerns them
//!   (`WebhookEvent` in the OpenAPI document). Since 2026-12-10 the order also says its
//!   `fulfilment` and `shipped_at` (fields added, as the CHANGELOG says).
//! - **1** (before): `data` was the order itself for `order.confirmed` and `order.cancelled`;
//!   the order with `revision` and `supersedes_revision` beside its fields for `order.weighed`;
//!   `{order, truck, received_by}` for `order.loaded` and `order.delivered`; the payment receipt
//!   alone for `payment.recorded`. The order's fields added later are left out of it.
//!
//! `tests/api/webhook_contract.rs` keeps one example body per event and version, and fails when a
//! body changes without a new version.

use crate::dto::events::{EventData, EventType};
use serde_json::{Map, Value, json};

/// The version an endpoint gets unless it asks for another.
pub const CURRENT: i32 = 2;
/// Every version an endpoint may be registered for.
pub const SUPPORTED: [i32; 2] = [1, 2];

/// The body of `event` about `data`, in the shape of `version`.
///
/// # Errors
/// The data could not be serialised (it always can) or the version is not one of [`SUPPORTED`].
pub fn body(
    version: i32,
    event: EventType,
    timestamp: &str,
    data: &EventData,
) -> Result<Value, String> {
    let data = match version {
        2 => value(data)?,
        1 => version_1_data(event, data)?,
        other => return Err(format!("no webhook body version {other}")),
    };
    Ok(json!({"type": event.as_str(), "version": version, "timestamp": timestamp, "data": data}))
}

fn value<T: serde::Serialize>(v: &T) -> Result<Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

/// The order as version 1 had it: without the fields added since (how it is fulfilled).
fn version_1_order(data: &EventData) -> Result<Value, String> {
    let mut order = as_object(value(&data.order)?)?;
    for added in ["fulfilment", "shipped_at"] {
        order.remove(added);
    }
    Ok(Value::Object(order))
}

fn version_1_data(event: EventType, data: &EventData) -> Result<Value, String> {
    Ok(match event {
        EventType::OrderConfirmed | EventType::OrderCancelled => version_1_order(data)?,
        // Newer than version 1: its body is the current one, an order and its parcels.
        EventType::OrderShipped => value(data)?,
        EventType::OrderWeighed => {
            let mut order = as_object(version_1_order(data)?)?;
            let weighing = data.weighing.ok_or("order.weighed without its revision")?;
            order.insert("revision".into(), weighing.revision.into());
            order.insert(
                "supersedes_revision".into(),
                weighing
                    .supersedes_revision
                    .map_or(Value::Null, Value::from),
            );
            Value::Object(order)
        }
        EventType::OrderLoaded | EventType::OrderDelivered => {
            let truck = data.truck.as_ref().map(|t| {
                json!({"load_id": t.load_id, "plate": t.plate, "driver_name": t.driver_name,
                       "driver_phone": t.driver_phone, "destination": t.destination})
            });
            let received_by = data.truck.as_ref().and_then(|t| t.received_by.clone());
            json!({"order": version_1_order(data)?, "truck": truck, "received_by": received_by})
        }
        EventType::PaymentRecorded => value(
            data.payment
                .as_ref()
                .ok_or("payment.recorded without its payment")?,
        )?,
    })
}

fn as_object(v: Value) -> Result<Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(format!("expected an object, got {other}")),
    }
}
