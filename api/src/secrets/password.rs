//! argon2id password hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1), on threads of its own
//! so a login never stalls an async worker, and at most `password_hash_concurrency` at once:
//! a burst of logins queues for a hasher instead of taking every core (and 19 MiB each) from the
//! orders being placed beside them.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads, fed through one queue. Hashing runs on these few threads only (not on
/// tokio's blocking pool, which grows to hundreds of threads): glibc keeps each 19 MiB buffer in
/// the freeing thread's arena, so every thread that ever hashed would hold 19 MiB more.
static HASHERS: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();

/// How many hashes may run at once by default: half the cores, at least one.
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get() / 2)
        .unwrap_or(1)
        .max(1)
}

/// Starts `n` hashing threads. The first call wins (one process, one pool); hashing before any
/// call starts [`default_concurrency`] of them.
pub fn set_concurrency(n: usize) {
    let _ = hashers_with(n);
}

fn hashers_with(n: usize) -> &'static Mutex<Sender<Job>> {
    HASHERS.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..n.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("zhunong-hash-{i}"))
                .spawn(move || hash_jobs(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Mutex::new(tx)
    })
}

fn hash_jobs(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `work` on a hashing thread once one is free.
async fn on_hasher<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (done, answer) = tokio::sync::oneshot::channel();
    hashers_with(default_concurrency())
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(Box::new(move || {
            let _ = done.send(work());
        }))
        .map_err(|_| anyhow::anyhow!("the password hashing threads are gone"))?;
    Ok(answer.await?)
}

/// # Errors
/// The hashing threads are gone or hashing failed.
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
/// The hashing threads are gone.
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
