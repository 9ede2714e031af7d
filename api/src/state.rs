//! What every handler can reach.

use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Db;
use std::sync::Arc;

pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub login_throttle: LoginThrottle,
    /// Users as they are now, for checking tokens.
    pub user_states: crate::auth::user_states::UserStates,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub facts: crate::services::facts::Facts,
    pub rules: crate::services::money::rules::RulesCache,
    pub partner_limits: crate::auth::rate_limit::RateLimiter,
    /// Scans of public trace pages, per client address.
    pub trace_limits: crate::auth::rate_limit::RateLimiter,
    /// Views of buyers' own order pages, per client address.
    pub buyer_page_limits: crate::auth::rate_limit::RateLimiter,
    pub resolver: std::sync::Arc<dyn crate::services::webhooks::ssrf::Resolver>,
    /// Seals and opens webhook signing secrets (keyed from the JWT secret).
    pub webhook_secrets: crate::services::webhooks::secret_box::SecretBox,
    /// Parsed from `settings.auto_confirm_channels`.
    pub auto_confirm: Vec<zhunong_entity::enums::Channel>,
}

impl AppState {
    /// How long the village has to answer a case, and the buyer to open one.
    pub fn case_times(&self) -> crate::services::after_sales::CaseTimes {
        crate::services::after_sales::CaseTimes {
            // At most ten years: a time past the calendar's end cannot be computed.
            answer: chrono::Duration::hours(i64::from(
                self.settings.claim_answer_hours.min(87_600),
            )),
            window: chrono::Duration::hours(i64::from(
                self.settings.claim_window_hours.min(87_600),
            )),
        }
    }

    /// How wrong pickup codes are throttled.
    pub fn pickup_limits(&self) -> crate::services::fulfilment::pickup::PickupLimits {
        crate::services::fulfilment::pickup::PickupLimits {
            max_failures: self.settings.pickup_max_failures.max(1),
            lock: chrono::Duration::seconds(
                i64::try_from(self.settings.pickup_lock_secs.min(31_536_000)).unwrap_or(900),
            ),
        }
    }

    /// What placing an order needs from the process.
    pub fn order_context(&self) -> crate::services::orders::OrderContext<'_> {
        crate::services::orders::OrderContext {
            facts: &self.facts,
            rules: &self.rules,
            max_lines: self.settings.max_order_lines,
            today: self.today(),
            in_flight_wait: self.in_flight_wait(),
            auto_confirm: &self.auto_confirm,
        }
    }

    /// How long a keyed request waits for an earlier one with the same key.
    pub fn in_flight_wait(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.settings.idempotency_in_flight_wait_secs.max(1))
    }

    /// Today in the village (the configured UTC offset), for dating rules and postings.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.settings.local_offset())
            .date_naive()
    }

    /// Checks paging parameters against the configured maximum.
    ///
    /// # Errors
    /// 422 naming the parameter out of range.
    pub fn paging(&self, p: crate::dto::Paging) -> crate::error::AppResult<(u64, u64)> {
        crate::services::resolve_paging(p, self.settings.max_page_size)
    }
}
