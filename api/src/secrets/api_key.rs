//! Partner API keys: `znk_<key id>_<secret>`. The key id (8 hex) is public and indexed; only a
//! SHA-256 hash of the secret (32 random bytes) is stored, compared in constant time. Keys are
//! high-entropy, so a fast hash is right here (argon2 is for guessable passwords).

use sha2::{Digest, Sha256};

pub const PREFIX: &str = "znk_";

/// A new key: what to store and the plaintext to show once.
pub struct NewKey {
    pub key_id: String,
    pub secret_hash: String,
    pub plaintext: String,
}

pub fn generate() -> NewKey {
    let key_id = super::random_hex(4);
    let secret = super::random_hex(32);
    NewKey {
        secret_hash: hash(&secret),
        plaintext: format!("{PREFIX}{key_id}_{secret}"),
        key_id,
    }
}

pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Splits a presented key into (key id, secret); `None` if it is not shaped like one of ours.
pub fn parse(presented: &str) -> Option<(&str, &str)> {
    let rest = presented.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 8
        && secret.len() == 64
        && (id.chars().chain(secret.chars())).all(|c| c.is_ascii_hexdigit()))
    .then_some((id, secret))
}

/// Constant-time equality of two hex digests.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_parses_and_verifies() {
        let k = generate();
        let (id, secret) = parse(&k.plaintext).unwrap_or_default();
        assert_eq!(id, k.key_id);
        assert!(same_hash(&hash(secret), &k.secret_hash));
        assert!(!same_hash(&hash("other"), &k.secret_hash));
        assert!(!k.secret_hash.contains(secret));
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        for s in [
            "",
            "znk_",
            "znk_abc_def",
            "xyz_12345678_",
            "znk_1234567g_00",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
