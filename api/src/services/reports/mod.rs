//! Sales reports: the facts the orders keep up to date, and the one engine that adds them up.

pub mod aggregate;
pub mod daily;
pub mod facts;
pub mod fulfilment;
pub mod labels;
pub mod request;
pub mod sales;
pub mod shipping_costs;
pub mod summary;
