//! The partner rate limit shared by every replica on one PostgreSQL: GCRA (the generic cell rate
//! algorithm, a token bucket kept as one number) in one conditional upsert per request, on the
//! database's clock, so that N replicas give a key the rate and burst of one, not N times them.
//!
//! Each bucket keeps its theoretical arrival time `tat` (µs). A request at `now` is admitted if
//! `max(tat, now) − now ≤ τ`, with `T = 1 s / rate` and `τ = T × (burst − 1)`; admitting moves
//! `tat` to `max(tat, now) + T`. A refused request changes nothing.

use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::sync::LazyLock;

/// Now on the database's clock, in microseconds since the epoch: every replica reads one clock.
pub const NOW_US: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint";

static ADMIT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO rate_limits AS r (bucket, tat_us)
SELECT $1, n.us + $2 FROM (SELECT {NOW_US} AS us) n
ON CONFLICT (bucket) DO UPDATE
  SET tat_us = GREATEST(r.tat_us, EXCLUDED.tat_us - $2) + $2
  WHERE GREATEST(r.tat_us, EXCLUDED.tat_us - $2) - (EXCLUDED.tat_us - $2) <= $3
RETURNING tat_us"
    )
});

/// `Ok` if `bucket` may make a request now, else `Err(seconds to wait)`.
///
/// # Errors
/// Database errors (the caller answers them as it answers any other).
pub async fn check(
    db: &impl ConnectionTrait,
    bucket: &str,
    rate_per_sec: u64,
    burst: u64,
) -> AppResult<Result<(), u64>> {
    let emission_us = 1_000_000 / rate_per_sec.clamp(1, 1_000_000);
    let tolerance_us = emission_us * (burst.max(1) - 1);
    let admitted = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            ADMIT.as_str(),
            [
                bucket.into(),
                i64::try_from(emission_us).unwrap_or(i64::MAX).into(),
                i64::try_from(tolerance_us).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await?
        .is_some();
    // Refused: the next slot opens within one emission interval.
    Ok(if admitted {
        Ok(())
    } else {
        Err(emission_us.div_ceil(1_000_000).max(1))
    })
}
