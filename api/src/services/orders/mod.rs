//! Orders: placing them (stock taken atomically for all lines or none), confirming, cancelling
//! (stock returned), and reading them.

mod actions;
mod place;
mod query;

pub use actions::{cancel, confirm};
pub use place::{Placed, place};
pub use query::{get, list, load_out};
