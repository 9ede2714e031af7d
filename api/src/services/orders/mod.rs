//! Orders: placing them (stock taken atomically for all lines or none), confirming, cancelling
//! (stock returned). Reading them is in [`crate::services::order_reads`], re-exported here, so that
//! the money and weighing services can read an order without depending on how one is placed.

mod actions;
pub(crate) mod insert;
mod limits;
mod place;
mod shortage;
pub(crate) mod stock;

pub use crate::services::order_reads::{get, list, load_out, status_counts};
pub use actions::{cancel, cancel_in, confirm, confirm_pending_of_session};
pub use place::{OrderContext, Placed, Placer, place};
