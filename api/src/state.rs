//! What every handler can reach.

use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Db;
use std::sync::Arc;

pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub login_throttle: LoginThrottle,
    pub facts: crate::services::facts::Facts,
}

impl AppState {
    /// Checks paging parameters against the configured maximum.
    ///
    /// # Errors
    /// 422 naming the parameter out of range.
    pub fn paging(&self, p: crate::dto::Paging) -> crate::error::AppResult<(u64, u64)> {
        crate::services::resolve_paging(p, self.settings.max_page_size)
    }
}
