//! Login throttling that locks out guessers, not the people they target.
//!
//! - Per (username, address): the first `login_max_failures` failures cost nothing; after that
//!   each further failure doubles the wait before the next attempt from that address for that
//!   username (from `login_delay_base_secs` up to `login_delay_max_secs`). Nobody else is
//!   affected: not the user at another address, not the other users behind the same office
//!   Wi-Fi.
//! - Per username, across all addresses: past `login_user_slowdown_after` failures within the
//!   window, every attempt for that username is answered only after `login_slowdown_millis`. It
//!   slows a distributed guesser down and never refuses, so a correct password from an address
//!   with no failures always gets in.
//!
//! Records are forgotten `login_window_secs` after their last failure. Kept in process memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct ThrottleLimits {
    pub free_failures: u32,
    pub delay_base: Duration,
    pub delay_max: Duration,
    pub window: Duration,
    pub user_slowdown_after: u32,
    pub slowdown: Duration,
}

#[derive(Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

pub struct LoginThrottle {
    limits: ThrottleLimits,
    pairs: Mutex<HashMap<(String, String), Record>>,
    users: Mutex<HashMap<String, Record>>,
}

/// Entries beyond this are pruned of expired records, so memory stays bounded under a spray.
const PRUNE_ABOVE: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            pairs: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
        }
    }

    /// How long this username must wait at this address, if it must.
    pub fn wait(&self, username: &str, addr: &str) -> Option<Duration> {
        let pairs = lock(&self.pairs);
        let r = pairs.get(&(username.to_owned(), addr.to_owned()))?;
        let wait = self.delay_after(r.failures)?;
        let elapsed = r.last.elapsed();
        (elapsed < wait).then(|| wait - elapsed)
    }

    /// The delay imposed after `failures` failures in a row: none for the free ones, then
    /// doubling.
    fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.limits.free_failures)?;
        let factor = 2u32.saturating_pow(over.min(20));
        Some(
            self.limits
                .delay_base
                .saturating_mul(factor)
                .min(self.limits.delay_max),
        )
    }

    /// How long to hold an attempt for this username before checking it (a slow-down, never
    /// a refusal).
    pub fn slowdown(&self, username: &str) -> Option<Duration> {
        let users = lock(&self.users);
        let r = users.get(username)?;
        (r.failures >= self.limits.user_slowdown_after && r.last.elapsed() < self.limits.window)
            .then_some(self.limits.slowdown)
    }

    pub fn record_failure(&self, username: &str, addr: &str) {
        let window = self.limits.window;
        let bump = |r: &mut Record| {
            if r.last.elapsed() >= window {
                r.failures = 0;
            }
            r.failures = r.failures.saturating_add(1);
            r.last = Instant::now();
        };
        let fresh = Record {
            failures: 0,
            last: Instant::now(),
        };
        {
            let mut pairs = lock(&self.pairs);
            if pairs.len() > PRUNE_ABOVE {
                pairs.retain(|_, r| r.last.elapsed() < window);
            }
            bump(
                pairs
                    .entry((username.to_owned(), addr.to_owned()))
                    .or_insert(fresh),
            );
        }
        let mut users = lock(&self.users);
        if users.len() > PRUNE_ABOVE {
            users.retain(|_, r| r.last.elapsed() < window);
        }
        bump(users.entry(username.to_owned()).or_insert(fresh));
    }

    /// A correct password clears that address's record for the user.
    pub fn record_success(&self, username: &str, addr: &str) {
        lock(&self.pairs).remove(&(username.to_owned(), addr.to_owned()));
    }
}

/// "30 秒" or "2 分钟": how long to wait, for the 429 a person reads.
pub fn wait_in_chinese(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 60 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", secs.div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ThrottleLimits {
        ThrottleLimits {
            free_failures: 3,
            delay_base: Duration::from_secs(2),
            delay_max: Duration::from_secs(60),
            window: Duration::from_secs(900),
            user_slowdown_after: 10,
            slowdown: Duration::from_secs(1),
        }
    }

    #[test]
    fn the_pair_waits_after_its_free_failures_and_nobody_else_does() {
        let t = LoginThrottle::new(limits());
        for _ in 0..2 {
            t.record_failure("admin", "1.2.3.4");
            assert_eq!(t.wait("admin", "1.2.3.4"), None);
        }
        t.record_failure("admin", "1.2.3.4");
        assert!(t.wait("admin", "1.2.3.4").is_some());
        assert_eq!(t.wait("admin", "5.6.7.8"), None, "the user elsewhere");
        assert_eq!(
            t.wait("helper", "1.2.3.4"),
            None,
            "others behind the address"
        );
        t.record_success("admin", "1.2.3.4");
        assert_eq!(t.wait("admin", "1.2.3.4"), None);
    }

    #[test]
    fn the_delay_doubles_up_to_the_maximum() {
        let t = LoginThrottle::new(limits());
        assert_eq!(t.delay_after(2), None);
        assert_eq!(t.delay_after(3), Some(Duration::from_secs(2)));
        assert_eq!(t.delay_after(4), Some(Duration::from_secs(4)));
        assert_eq!(t.delay_after(6), Some(Duration::from_secs(16)));
        assert_eq!(t.delay_after(40), Some(Duration::from_secs(60)));
    }

    #[test]
    fn many_addresses_slow_a_username_down_without_locking_it() {
        let t = LoginThrottle::new(limits());
        for i in 0..10 {
            t.record_failure("admin", &format!("10.0.0.{i}"));
        }
        assert_eq!(t.slowdown("admin"), Some(Duration::from_secs(1)));
        assert_eq!(t.wait("admin", "192.0.2.1"), None);
        assert_eq!(t.slowdown("helper"), None);
    }

    #[test]
    fn waits_read_in_seconds_or_minutes() {
        assert_eq!(wait_in_chinese(Duration::from_secs(30)), "30 秒");
        assert_eq!(wait_in_chinese(Duration::from_secs(61)), "2 分钟");
        assert_eq!(wait_in_chinese(Duration::from_millis(10)), "1 秒");
    }
}
