//! argon2id password hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1), always on the blocking
//! pool so a login never stalls an async worker, and at most `password_hash_concurrency` at once:
//! a burst of logins queues for a hasher instead of taking every core (and 19 MiB each) from the
//! orders being placed beside them.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

static HASHERS: OnceLock<Semaphore> = OnceLock::new();

/// How many hashes may run at once by default: half the cores, at least one.
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get() / 2)
        .unwrap_or(1)
        .max(1)
}

/// Sets how many hashes may run at once. The first call wins (one process, one pool); hashing
/// before any call uses [`default_concurrency`].
pub fn set_concurrency(n: usize) {
    let _ = HASHERS.set(Semaphore::new(n.max(1)));
}

/// Runs `work` on the blocking pool once a hasher is free.
async fn on_hasher<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let hashers = HASHERS.get_or_init(|| Semaphore::new(default_concurrency()));
    let _permit = hashers.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// # Errors
/// The blocking pool is gone or hashing failed.
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_hasher(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// True if `password` matches `phc_hash`; false for a mismatch or a malformed hash.
///
/// # Errors
/// The blocking pool is gone.
pub async fn verify(password: String, phc_hash: String) -> anyhow::Result<bool> {
    on_hasher(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), phc_hash.as_str())
            .is_ok()
    })
    .await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hash_then_verify() {
        let h = super::hash("草莓123".into()).await.unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            super::verify("草莓123".into(), h.clone())
                .await
                .unwrap_or(false)
        );
        assert!(!super::verify("wrong".into(), h).await.unwrap_or(true));
        assert!(
            !super::verify("x".into(), "not a hash".into())
                .await
                .unwrap_or(true)
        );
    }
}
