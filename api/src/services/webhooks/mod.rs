//! Webhooks to partners: events written to an outbox in the same transaction as the change,
//! delivered by a background worker, signed per the Standard Webhooks scheme, retried with
//! backoff, never sent to private or loopback addresses.

pub mod outbox;
pub mod secret_box;
pub mod sign;
pub mod ssrf;
pub mod versions;
pub mod worker;

/// The events a partner can subscribe to.
pub const EVENTS: [&str; 6] = [
    "order.confirmed",
    "order.weighed",
    "order.loaded",
    "order.delivered",
    "order.cancelled",
    "payment.recorded",
];
