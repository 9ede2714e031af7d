//! Database entities (sea-orm models). Nothing here knows about HTTP: entities never go over the
//! wire; `api/src/dto` builds response types from them.

pub mod api_key;
pub mod audit_log;
pub mod batch;
pub mod buyer;
pub mod collective;
pub mod commission_rule;
pub mod commission_rule_share;
pub mod contract_price;
pub mod enums;
pub mod grower;
pub mod grower_statement;
pub mod idempotency_key;
pub mod integrity_check;
pub mod ledger_entry;
pub mod ledger_transaction;
pub mod live_buyer_take;
pub mod live_featured;
pub mod live_session;
pub mod load;
pub mod order;
pub mod order_line;
pub mod payment;
pub mod product;
pub mod refresh_token;
pub mod sales_daily;
pub mod sales_fact;
pub mod trace_code;
pub mod trace_scan;
pub mod user;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod weigh_ticket;
pub mod weigh_ticket_void;
