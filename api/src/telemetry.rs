//! Logging: `tracing` with an env-filter built from the configured level. sqlx statement logs
//! are kept at `warn` unless asked for, or they drown everything else.

use tracing_subscriber::EnvFilter;

pub fn init(level: &str) {
    let filter = EnvFilter::try_new(format!("sqlx=warn,sea_orm=warn,{level}"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
