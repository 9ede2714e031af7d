//! Webhooks to partners: events written to an outbox in the same transaction as the change,
//! delivered by a background worker, signed per the Standard Webhooks scheme, retried with
//! backoff, never sent to private or loopback addresses.

pub mod outbox;
pub mod secret_box;
pub mod sign;
pub mod ssrf;
pub mod versions;
pub mod worker;
