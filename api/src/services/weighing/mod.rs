//! Weighing at the station: tickets per crate, catch-weight amounts, stock corrected by the
//! difference between ordered and weighed, tolerance flags and their approval, voids.

mod apply;
mod sheet;
mod weigh;

pub use apply::live_net_g;
pub use sheet::sheet;
pub use weigh::{WeighLimits, approve, void, weigh};
