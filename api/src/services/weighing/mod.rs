//! Weighing at the station: tickets per crate, catch-weight amounts, the ordered quantity kept
//! reserved until the station marks a line weighed, tolerance flags and their approval, voids,
//! and `order.weighed` once the whole order is complete.

mod announce;
mod apply;
mod approve;
mod complete;
mod sheet;
mod weigh;

pub use apply::live_net_g;
pub use approve::approve;
pub use complete::{complete_line, complete_order};
pub use sheet::sheet;
pub use weigh::{WeighLimits, void, weigh};
