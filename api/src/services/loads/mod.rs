//! Truck loads: building one from weighed orders (capacity kept), then loaded → departed →
//! delivered, moving its orders along.

mod advance;
mod manifest;
mod moves;

pub use advance::{delivered, departed, loaded};
pub use manifest::{Manifest, ManifestLine, ManifestOrder, manifest};
pub use moves::{add_order, create, get, list, remove_order};
