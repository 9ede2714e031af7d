//! The Douyin shop (抖店): the SKU maps, importing the shop's order exports, and the ship-back
//! file that marks their parcels shipped in the shop.

pub mod import;
pub mod ship_back;
pub mod skus;
