//! A token bucket per partner key, in integer milli-tokens: `rate` requests a second with bursts
//! up to `burst`. One noisy key empties only its own bucket. Per process, for SQLite (one process
//! by design); on PostgreSQL the budget is shared by all replicas (`shared_limit`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

const COST: u64 = 1_000;

pub struct RateLimiter {
    rate_per_sec: u64,
    burst: u64,
    buckets: Mutex<HashMap<String, (u64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: u64, burst: u64) -> Self {
        Self {
            rate_per_sec: rate_per_sec.max(1),
            burst: burst.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` if `key` may make a request now, else `Err(seconds to wait)`.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let capacity = self.burst * COST;
        let now = Instant::now();
        let (tokens, last) = buckets.entry(key.to_owned()).or_insert((capacity, now));
        let elapsed_ms = u64::try_from(now.duration_since(*last).as_millis()).unwrap_or(u64::MAX);
        *tokens = tokens
            .saturating_add(elapsed_ms.saturating_mul(self.rate_per_sec))
            .min(capacity);
        *last = now;
        if *tokens >= COST {
            *tokens -= COST;
            Ok(())
        } else {
            let missing_ms = (COST - *tokens).div_ceil(self.rate_per_sec);
            Err(missing_ms.div_ceil(1_000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusal_and_keys_are_separate() {
        let r = RateLimiter::new(10, 20);
        for _ in 0..20 {
            assert!(r.check("a").is_ok());
        }
        assert_eq!(r.check("a"), Err(1));
        assert!(r.check("b").is_ok());
        std::thread::sleep(std::time::Duration::from_millis(120));
        assert!(r.check("a").is_ok(), "a token came back after 100 ms");
    }
}
