//! The collective's books in the official shape: the chart each collective keeps, which account
//! each kind of ledger posting goes to (from a date forward, audited), and the vouchers and
//! trial balance made from the ledger through that mapping.

mod accounts;
mod closing;
pub mod disclosure;
mod entries;
mod statement;
mod trial_balance;
mod vouchers;

pub use accounts::{charts, choose_chart, collective_name, map_account, mapping};
pub use closing::{close_month, closed_through, closed_through_for_posting};
pub use statement::income_statement;
pub use trial_balance::trial_balance;
pub use vouchers::vouchers;
