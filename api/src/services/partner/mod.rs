//! The partner API's services: keys for enterprise buyers, partners' own orders
//! (every read is scoped to the partner's buyer, so another buyer's id is simply not found), and
//! webhook endpoints.

pub mod keys;
pub mod orders;
pub mod webhooks;
