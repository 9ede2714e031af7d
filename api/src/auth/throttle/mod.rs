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
//! - Per address, across all usernames (password spraying: one address trying many names):
//!   past `login_addr_slowdown_after` failures within the window every attempt from it is held
//!   `login_slowdown_millis`; past `login_addr_max_failures` it is refused (429) until the window
//!   has passed since its last failure. Generous, so a whole office behind one NAT never meets
//!   it; a success does not clear it, or one known account would reset a sprayer's budget.
//!
//! Records are forgotten `login_window_secs` after their last failure. On SQLite (one process by
//! design) they are kept in process memory; on PostgreSQL in the table `login_failures`
//! ([`shared`]), so that every replica counts against the same budget and N
//! replicas do not give a guesser N times the guesses.

mod records;
mod shared;

pub use records::{Seen, SeenRecords};

use crate::db::Db;
use crate::error::AppResult;
use records::Records;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct ThrottleLimits {
    pub free_failures: u32,
    pub delay_base: Duration,
    pub delay_max: Duration,
    pub window: Duration,
    pub user_slowdown_after: u32,
    pub slowdown: Duration,
    pub addr_slowdown_after: u32,
    pub addr_max_failures: u32,
}

/// What a login attempt must do before its password is checked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Refuse it: this username must wait this long at this address.
    pub wait: Option<Duration>,
    /// Hold it this long first (a slow-down, never a refusal).
    pub slowdown: Option<Duration>,
    /// This username has failures on record at this address (a success then clears them).
    pub recorded: bool,
}

pub struct LoginThrottle {
    limits: ThrottleLimits,
    store: Store,
}

enum Store {
    Memory(Records),
    Shared(Db),
}

impl LoginThrottle {
    /// Records in this process's memory (SQLite, one process).
    pub fn in_memory(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            store: Store::Memory(Records::default()),
        }
    }

    /// Records in PostgreSQL, shared by every replica.
    pub fn shared(limits: ThrottleLimits, db: Db) -> Self {
        Self {
            limits,
            store: Store::Shared(db),
        }
    }

    /// # Errors
    /// The shared records could not be read.
    pub async fn check(&self, username: &str, addr: &str) -> AppResult<Verdict> {
        let seen = match &self.store {
            Store::Memory(records) => records.seen(username, addr),
            Store::Shared(db) => shared::seen(db, username, addr).await?,
        };
        let waits = [
            seen.pair.and_then(|p| self.wait_after(p)),
            seen.addr.and_then(|a| self.addr_wait_after(a)),
        ];
        let slowdowns = [
            seen.user.and_then(|u| self.slowdown_after(u)),
            seen.addr.and_then(|a| self.addr_slowdown_after(a)),
        ];
        Ok(Verdict {
            recorded: seen.pair.is_some(),
            wait: waits.into_iter().flatten().max(),
            slowdown: slowdowns.into_iter().flatten().max(),
        })
    }

    /// # Errors
    /// The shared records could not be written.
    pub async fn record_failure(&self, username: &str, addr: &str) -> AppResult<()> {
        match &self.store {
            Store::Memory(records) => {
                records.fail(username, addr, self.limits.window);
                Ok(())
            }
            Store::Shared(db) => shared::fail(db, username, addr, self.limits.window).await,
        }
    }

    /// A correct password clears that address's record for the user.
    ///
    /// # Errors
    /// The shared records could not be written.
    pub async fn record_success(&self, username: &str, addr: &str) -> AppResult<()> {
        match &self.store {
            Store::Memory(records) => {
                records.succeed(username, addr);
                Ok(())
            }
            Store::Shared(db) => shared::succeed(db, username, addr).await,
        }
    }

    /// How much of the pair's wait is left, if any.
    fn wait_after(&self, pair: Seen) -> Option<Duration> {
        let wait = self.delay_after(pair.failures)?;
        (pair.age < wait).then(|| wait - pair.age)
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

    fn slowdown_after(&self, user: Seen) -> Option<Duration> {
        (user.failures >= self.limits.user_slowdown_after && user.age < self.limits.window)
            .then_some(self.limits.slowdown)
    }

    fn addr_slowdown_after(&self, addr: Seen) -> Option<Duration> {
        (addr.failures >= self.limits.addr_slowdown_after && addr.age < self.limits.window)
            .then_some(self.limits.slowdown)
    }

    /// An address past its budget waits until the window has passed since its last failure.
    fn addr_wait_after(&self, addr: Seen) -> Option<Duration> {
        (addr.failures >= self.limits.addr_max_failures && addr.age < self.limits.window)
            .then(|| self.limits.window - addr.age)
    }
}

/// Removes shared records whose window has passed (PostgreSQL); returns how many.
///
/// # Errors
/// The database could not be written.
pub async fn purge_shared(db: &Db, window: Duration) -> AppResult<u64> {
    shared::purge(db, window).await
}

/// The address a login is counted against: an IPv4 address as it is, an IPv6 address by its
/// /64, the smallest block a home or an office is given (a sprayer with a /64 would otherwise
/// have 2⁶⁴ budgets).
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let net = v6.to_bits() & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from_bits(net))
            }
        },
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
            addr_slowdown_after: 6,
            addr_max_failures: 12,
        }
    }

    async fn wait(t: &LoginThrottle, user: &str, addr: &str) -> Option<Duration> {
        t.check(user, addr).await.ok().and_then(|v| v.wait)
    }

    async fn fail(t: &LoginThrottle, user: &str, addr: &str) {
        assert!(t.record_failure(user, addr).await.is_ok());
    }

    #[tokio::test]
    async fn the_pair_waits_after_its_free_failures_and_nobody_else_does() {
        let t = LoginThrottle::in_memory(limits());
        for _ in 0..2 {
            fail(&t, "admin", "1.2.3.4").await;
            assert_eq!(wait(&t, "admin", "1.2.3.4").await, None);
        }
        fail(&t, "admin", "1.2.3.4").await;
        assert!(wait(&t, "admin", "1.2.3.4").await.is_some());
        assert_eq!(
            wait(&t, "admin", "5.6.7.8").await,
            None,
            "the user elsewhere"
        );
        assert_eq!(
            wait(&t, "helper", "1.2.3.4").await,
            None,
            "others behind the address"
        );
        assert!(t.record_success("admin", "1.2.3.4").await.is_ok());
        assert_eq!(wait(&t, "admin", "1.2.3.4").await, None);
    }

    #[test]
    fn the_delay_doubles_up_to_the_maximum() {
        let t = LoginThrottle::in_memory(limits());
        assert_eq!(t.delay_after(2), None);
        assert_eq!(t.delay_after(3), Some(Duration::from_secs(2)));
        assert_eq!(t.delay_after(4), Some(Duration::from_secs(4)));
        assert_eq!(t.delay_after(6), Some(Duration::from_secs(16)));
        assert_eq!(t.delay_after(40), Some(Duration::from_secs(60)));
    }

    #[tokio::test]
    async fn many_addresses_slow_a_username_down_without_locking_it() {
        let t = LoginThrottle::in_memory(limits());
        for i in 0..10 {
            fail(&t, "admin", &format!("10.0.0.{i}")).await;
        }
        let v = t.check("admin", "192.0.2.1").await.unwrap_or_default();
        assert_eq!(v.slowdown, Some(Duration::from_secs(1)));
        assert_eq!(v.wait, None);
        let other = t.check("helper", "192.0.2.1").await.unwrap_or_default();
        assert_eq!(other, Verdict::default());
    }

    #[tokio::test]
    async fn one_address_spraying_many_usernames_is_slowed_then_refused() {
        let t = LoginThrottle::in_memory(limits());
        for i in 0..6 {
            // One failure per name: no pair ever reaches its own limit.
            fail(&t, &format!("user{i}"), "1.2.3.4").await;
        }
        let v = t.check("user99", "1.2.3.4").await.unwrap_or_default();
        assert_eq!(v.slowdown, Some(Duration::from_secs(1)));
        assert_eq!(v.wait, None);
        for i in 6..12 {
            fail(&t, &format!("user{i}"), "1.2.3.4").await;
        }
        let v = t.check("user99", "1.2.3.4").await.unwrap_or_default();
        let wait = v.wait.unwrap_or_default();
        assert!(wait > Duration::from_secs(890), "{wait:?}");
        assert!(t.record_success("user3", "1.2.3.4").await.is_ok());
        assert!(
            t.check("user3", "1.2.3.4")
                .await
                .unwrap_or_default()
                .wait
                .is_some(),
            "a success does not reset the address"
        );
        let other = t.check("user99", "5.6.7.8").await.unwrap_or_default();
        assert_eq!(other, Verdict::default(), "other addresses are untouched");
    }

    #[test]
    fn an_old_record_slows_nobody() {
        let t = LoginThrottle::in_memory(limits());
        let old = Seen {
            failures: 50,
            age: Duration::from_secs(901),
        };
        assert_eq!(t.slowdown_after(old), None);
        assert_eq!(t.wait_after(old), None);
        assert_eq!(t.addr_wait_after(old), None);
        assert_eq!(t.addr_slowdown_after(old), None);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        let key = |s: &str| address_key(s.parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])));
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("203.0.113.5"), "203.0.113.5");
        assert_eq!(key("::ffff:203.0.113.5"), "203.0.113.5");
    }

    #[test]
    fn waits_read_in_seconds_or_minutes() {
        assert_eq!(wait_in_chinese(Duration::from_secs(30)), "30 秒");
        assert_eq!(wait_in_chinese(Duration::from_secs(61)), "2 分钟");
        assert_eq!(wait_in_chinese(Duration::from_millis(10)), "1 秒");
    }
}
