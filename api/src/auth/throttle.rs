//! Login throttle: after `login_max_failures` failed attempts for one username, or from one client
//! address, within `login_window_secs`, further attempts get 429 until the window passes. Kept in
//! process memory; with several replicas each counts on its own, which still bounds guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Entries beyond this are pruned of expired windows, so memory stays bounded under a spray.
const PRUNE_ABOVE: usize = 10_000;

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds to wait)` if any of `keys` is locked out.
    pub fn blocked(&self, keys: &[String]) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|(n, start)| *n >= self.max_failures && start.elapsed() < self.window)
            .map(|(_, start)| self.window.saturating_sub(start.elapsed()).as_secs().max(1))
            .max()
    }

    pub fn record_failure(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            let window = self.window;
            map.retain(|_, (_, start)| start.elapsed() < window);
        }
        for k in keys {
            let entry = map.entry(k.clone()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn record_success(&self, username_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(username_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_only_that_key() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let a = vec!["user:a".to_string()];
        for _ in 0..2 {
            t.record_failure(&a);
            assert_eq!(t.blocked(&a), None);
        }
        t.record_failure(&a);
        assert!(t.blocked(&a).is_some());
        assert_eq!(t.blocked(&["user:b".to_string()]), None);
    }

    #[test]
    fn the_window_expires() {
        let t = LoginThrottle::new(1, Duration::from_millis(1));
        let a = vec!["user:a".to_string()];
        t.record_failure(&a);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(t.blocked(&a), None);
    }
}
