//! Who may call, and how often: JWT issue/verify, roles, the login throttle, rate limits and
//! the cache of users' states. The extractors that read them from a request are in
//! [`crate::extract`].

pub mod client_addr;
pub mod jwt;
pub mod rate_limit;
pub mod roles;
pub mod shared_limit;
pub mod throttle;
pub mod user_states;

pub use crate::secrets::{api_key, password, random_hex};
pub use jwt::JwtKeys;
