//! Logins beside orders: argon2id throughput at 8 clients signing in, beside a ceiling of bare
//! argon2id hashes (the service's parameters, on as many threads as the service hashes on), and
//! the p99 of order placement at 8 clients, alone and with the logins running beside it. Hashing
//! runs on a bounded pool (`password_hash_concurrency`), so logins queue for a hasher rather
//! than taking every core from the orders.

use crate::Scenario;
use crate::load::{self, Measured};
use crate::server::{LOGIN_PASSWORD, LOGIN_USER, Server};
use anyhow::Context;

pub struct LoginFigures {
    pub logins: Measured,
    /// Bare argon2id hashes a second on the service's number of hashing threads.
    pub hash_ceiling: f64,
    pub orders_alone: Measured,
    pub orders_beside: Measured,
}

const CLIENTS: usize = 8;

fn lua_script() -> String {
    format!(
        r#"wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{{"username":"{LOGIN_USER}","password":"{LOGIN_PASSWORD}"}}'
wrk.path = "/api/v1/auth/login"
"#
    )
}

pub async fn run(srv: &Server, seconds: u64) -> anyhow::Result<LoginFigures> {
    srv.reset().await?;
    let orders_alone = load::run(srv, Scenario::Spread, CLIENTS, seconds)?;
    srv.reset().await?;
    let script = load::write_script("login", &lua_script())?;
    let logins = load::wrk(&srv.base, &script, CLIENTS, seconds)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("run wrk")?;
    let orders_beside = load::run(srv, Scenario::Spread, CLIENTS, seconds)?;
    let logins = load::parse(&logins.wait_with_output()?)?;
    let hash_ceiling = tokio::task::spawn_blocking(move || hash_ceiling(seconds)).await?;
    let f = LoginFigures {
        logins,
        hash_ceiling,
        orders_alone,
        orders_beside,
    };
    println!(
        "{:?} logins {CLIENTS} clients: {:>6.1} logins/s (p99 {:.1} ms, non-2xx {}) | bare argon2id {:.1}/s | {:.2}× | orders {CLIENTS} clients alone {:.0}/s p99 {:.1} ms, beside logins {:.0}/s p99 {:.1} ms | p99 {:.2}× alone",
        srv.backend,
        f.logins.rps,
        f.logins.p99_ms,
        f.logins.non_2xx,
        f.hash_ceiling,
        f.login_ratio(),
        f.orders_alone.rps,
        f.orders_alone.p99_ms,
        f.orders_beside.rps,
        f.orders_beside.p99_ms,
        f.p99_ratio()
    );
    Ok(f)
}

/// Bare argon2id hashes a second, on as many threads as the service hashes on by default.
fn hash_ceiling(seconds: u64) -> f64 {
    use argon2::{Argon2, PasswordHasher};
    let threads = zhunong_api::auth::password::default_concurrency();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let done: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut n = 0usize;
                    while std::time::Instant::now() < deadline {
                        if Argon2::default()
                            .hash_password(LOGIN_PASSWORD.as_bytes())
                            .is_ok()
                        {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    done as f64 / seconds as f64
}

impl LoginFigures {
    /// Logins a second over bare hashes a second.
    pub fn login_ratio(&self) -> f64 {
        crate::ratio(self.logins.rps, self.hash_ceiling)
    }

    /// Order p99 with logins beside, over order p99 alone.
    pub fn p99_ratio(&self) -> f64 {
        crate::ratio(self.orders_beside.p99_ms, self.orders_alone.p99_ms)
    }
}
