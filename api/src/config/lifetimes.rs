//! The lifetimes among the settings (tokens, logins, idempotent answers) as durations, refused
//! at start when too long to be one.

use super::Settings;

/// The longest lifetime a setting may give: a hundred years.
const MAX_SPAN_SECS: u64 = 100 * 366 * 24 * 3600;

/// Seconds as a duration; [`Settings::checked_lifetimes`] has already refused anything longer than
/// `MAX_SPAN_SECS`, which every `i64` of seconds and every `Duration` holds.
fn span(secs: u64) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(secs.min(MAX_SPAN_SECS)).unwrap_or(i64::MAX))
}

impl Settings {
    /// Refuses lifetimes too long to be one (over a hundred years), so that reading them as
    /// durations below never has to fall back to another value.
    pub(super) fn checked_lifetimes(self) -> anyhow::Result<Self> {
        for (name, secs) in [
            ("jwt_ttl_secs", self.jwt_ttl_secs),
            ("jwt_leeway_secs", self.jwt_leeway_secs),
            ("refresh_ttl_secs", self.refresh_ttl_secs),
            (
                "idempotency_retention_hours",
                self.idempotency_retention_hours.saturating_mul(3600),
            ),
        ] {
            anyhow::ensure!(
                secs <= MAX_SPAN_SECS,
                "{name} is longer than a hundred years; is a unit wrong?"
            );
        }
        Ok(self)
    }

    /// How long an access token lasts.
    pub fn access_token_lifetime(&self) -> chrono::Duration {
        span(self.jwt_ttl_secs)
    }

    /// How far a token's times may be off.
    pub fn token_leeway(&self) -> chrono::Duration {
        span(self.jwt_leeway_secs)
    }

    /// How long a login lasts (each refresh token).
    pub fn refresh_lifetime(&self) -> chrono::Duration {
        span(self.refresh_ttl_secs)
    }

    /// How long the first answer to an `Idempotency-Key` is kept for replay.
    pub fn idempotency_retention(&self) -> chrono::Duration {
        span(self.idempotency_retention_hours.saturating_mul(3600))
    }
}
