//! Orders: placing them (stock taken atomically for all lines or none), confirming, cancelling
//! (stock returned), and reading them.

mod actions;
mod insert;
mod limits;
mod place;
mod query;
mod shortage;
mod stock;

pub use actions::{cancel, confirm, confirm_pending_of_session};
pub use place::{OrderContext, Placed, Placer, place};
pub(crate) use query::search;
pub use query::{get, list, load_out, status_counts};
