//! One integration test binary: a real server per test, real HTTP, a real database (SQLite by
//! default; PostgreSQL when `TEST_DATABASE_URL` is set).

mod accounts;
mod at_rest;
mod audit;
mod auth;
mod catalog;
mod compose;
mod concurrency;
mod csv_exports;
mod demo;
mod durability;
mod errors;
mod grower_account;
mod health_and_docs;
mod helpers;
mod idempotency;
mod layers;
mod live;
mod live_featured;
mod live_room;
mod loads;
mod messages;
mod money;
mod order_desk;
mod orders;
mod partner;
mod process;
mod read_replica;
mod receivables;
mod replicas;
mod reports;
mod roles;
mod sessions;
mod trace;
mod webhook_contract;
mod weighing;
