//! Livestream selling: sessions with featured batches (live price, per-buyer limit), live totals
//! for the host's board, and the closing summary and CSV.

pub mod featured;
mod sessions;
mod totals;

pub use sessions::{LiveTerms, add_featured, create, end, get, list, start, terms_for_order};
pub use totals::{PackingLine, packing_lines, summary, totals};
