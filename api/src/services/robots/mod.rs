//! Group-chat robots: the office registers them (their keys and secrets sealed); what they are
//! told is written to their outbox, in the transaction of the change it tells or by each
//! replica's scheduler once per key; the worker sends it within each robot's rate, with retries.

pub mod outbox;
pub mod registry;
pub mod schedule;
pub mod worker;
