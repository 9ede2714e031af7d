//! Truck loads: building one from weighed orders (capacity kept), then loaded → departed →
//! delivered, moving its orders along.

mod manifest;
mod moves;

pub use manifest::{Manifest, ManifestLine, ManifestOrder, manifest};
pub use moves::{add_order, create, delivered, departed, get, list, loaded, remove_order};
