//! What the throttle knows of past failures, and the in-process store of it (SQLite, one
//! process). The PostgreSQL store ([`super::shared`]) answers with the same [`SeenRecords`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What is known of one record: failures in a row, and how long ago the last one was.
#[derive(Clone, Copy, Debug)]
pub struct Seen {
    pub failures: u32,
    pub age: Duration,
}

/// The records a login attempt is judged by; an empty address (none known) has no record of its
/// own, so unknown callers never share one budget.
#[derive(Clone, Copy, Debug, Default)]
pub struct SeenRecords {
    pub pair: Option<Seen>,
    pub user: Option<Seen>,
    pub addr: Option<Seen>,
}

#[derive(Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

impl Record {
    fn seen(&self) -> Seen {
        Seen {
            failures: self.failures,
            age: self.last.elapsed(),
        }
    }
}

/// The in-process records: per (username, address), per username and per address.
#[derive(Default)]
pub(super) struct Records {
    pairs: Mutex<HashMap<(String, String), Record>>,
    users: Mutex<HashMap<String, Record>>,
    addrs: Mutex<HashMap<String, Record>>,
}

/// Entries beyond this are pruned of expired records, so memory stays bounded under a spray.
const PRUNE_ABOVE: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Records {
    pub(super) fn seen(&self, username: &str, addr: &str) -> SeenRecords {
        SeenRecords {
            pair: lock(&self.pairs)
                .get(&(username.to_owned(), addr.to_owned()))
                .map(Record::seen),
            user: lock(&self.users).get(username).map(Record::seen),
            addr: lock(&self.addrs).get(addr).map(Record::seen),
        }
    }

    pub(super) fn fail(&self, username: &str, addr: &str, window: Duration) {
        let bump = |r: &mut Record| {
            if r.last.elapsed() >= window {
                r.failures = 0;
            }
            r.failures = r.failures.saturating_add(1);
            r.last = Instant::now();
        };
        fn count<K: std::hash::Hash + Eq>(
            map: &Mutex<HashMap<K, Record>>,
            key: K,
            window: Duration,
            bump: impl Fn(&mut Record),
        ) {
            let mut map = lock(map);
            if map.len() > PRUNE_ABOVE {
                map.retain(|_, r| r.last.elapsed() < window);
            }
            let fresh = Record {
                failures: 0,
                last: Instant::now(),
            };
            bump(map.entry(key).or_insert(fresh));
        }
        count(
            &self.pairs,
            (username.to_owned(), addr.to_owned()),
            window,
            bump,
        );
        count(&self.users, username.to_owned(), window, bump);
        if !addr.is_empty() {
            count(&self.addrs, addr.to_owned(), window, bump);
        }
    }

    pub(super) fn succeed(&self, username: &str, addr: &str) {
        lock(&self.pairs).remove(&(username.to_owned(), addr.to_owned()));
    }
}
