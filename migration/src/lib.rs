//! Schema migrations. The schema of every environment — the SQLite default, PostgreSQL, each test's
//! fresh database — comes from these files and nothing else. This crate never imports `entity`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_core;
mod m20261128_000002_weighing;
mod m20261128_000003_money;
mod m20261128_000004_live;
mod m20261128_000005_partners;
mod m20261201_000001_weighing_complete;
mod m20261201_000002_token_version;
mod m20261201_000003_refresh_tokens;
mod m20261202_000001_sales_facts;
mod m20261203_000001_trace_codes;
mod m20261204_000001_names_on_stream;
mod m20261205_000001_rate_limits;
mod m20261206_000001_login_failures;
mod m20261207_000001_webhook_versions;
mod m20261208_000001_display_names;
mod m20261208_000002_featured_on_sale;
mod m20261209_000001_integrity_checks;
mod m20261209_000002_buyer_erasure;
mod m20261210_000001_parcels;
mod m20261210_000002_after_sales;
mod m20261211_000001_sales_fulfilment;
mod m20261211_000002_sales_daily_log;
mod m20261212_000001_shop_imports;
mod m20261213_000001_bills;
mod m20261213_000002_platform_fees_in_sales;
mod m20261214_000001_fees_in_commission_base;
mod m20261215_000001_books;
mod m20261215_000002_closed_months;
mod m20261216_000001_finance_sheets;
mod m20261216_000002_chat_robots;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_core::Migration),
            Box::new(m20261128_000002_weighing::Migration),
            Box::new(m20261128_000003_money::Migration),
            Box::new(m20261128_000004_live::Migration),
            Box::new(m20261128_000005_partners::Migration),
            Box::new(m20261201_000001_weighing_complete::Migration),
            Box::new(m20261201_000002_token_version::Migration),
            Box::new(m20261201_000003_refresh_tokens::Migration),
            Box::new(m20261202_000001_sales_facts::Migration),
            Box::new(m20261203_000001_trace_codes::Migration),
            Box::new(m20261204_000001_names_on_stream::Migration),
            Box::new(m20261205_000001_rate_limits::Migration),
            Box::new(m20261206_000001_login_failures::Migration),
            Box::new(m20261207_000001_webhook_versions::Migration),
            Box::new(m20261208_000001_display_names::Migration),
            Box::new(m20261208_000002_featured_on_sale::Migration),
            Box::new(m20261209_000001_integrity_checks::Migration),
            Box::new(m20261209_000002_buyer_erasure::Migration),
            Box::new(m20261210_000001_parcels::Migration),
            Box::new(m20261210_000002_after_sales::Migration),
            Box::new(m20261211_000001_sales_fulfilment::Migration),
            Box::new(m20261211_000002_sales_daily_log::Migration),
            Box::new(m20261212_000001_shop_imports::Migration),
            Box::new(m20261213_000001_bills::Migration),
            Box::new(m20261213_000002_platform_fees_in_sales::Migration),
            Box::new(m20261214_000001_fees_in_commission_base::Migration),
            Box::new(m20261215_000001_books::Migration),
            Box::new(m20261215_000002_closed_months::Migration),
            Box::new(m20261216_000001_finance_sheets::Migration),
            Box::new(m20261216_000002_chat_robots::Migration),
        ]
    }
}
