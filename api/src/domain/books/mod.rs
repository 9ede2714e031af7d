//! The collective's books in the official shape: the charts of accounts, which account each
//! kind of ledger posting goes to, and vouchers and the trial balance made from the ledger.

pub mod chart;
pub mod closing;
pub mod disclosure;
pub mod mapping;
pub mod statement;
pub mod upper;
pub mod voucher;
