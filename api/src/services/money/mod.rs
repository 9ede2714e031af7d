//! Money: payments and refunds, commission rules, settling orders into the double-entry ledger,
//! other collective income, grower statements and payouts, and the income report.

pub mod grower_account;
pub mod ledger;
pub mod payments;
pub mod receivables;
pub mod reports;
pub mod rules;
pub mod settle;
pub mod statements;
