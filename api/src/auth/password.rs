//! argon2id password hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1), always on the blocking
//! pool so a login never stalls an async worker.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// # Errors
/// The blocking pool is gone or hashing failed.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
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
    Ok(tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), phc_hash.as_str())
            .is_ok()
    })
    .await?)
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
