//! Traceability (溯源): the codes on crate and box labels, the labels themselves, the public
//! page a scan opens, and the scan counts the office reads.

pub mod codes;
pub mod labels;
pub mod origin;
pub mod public;
pub mod scans;
