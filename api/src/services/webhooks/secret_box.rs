//! Webhook signing secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
//! server's JWT secret, a fresh 96-bit nonce per value, stored as
//! `enc:v1:<base64(nonce || ciphertext+tag)>`. Rows written before encryption (a bare `whsec_…`)
//! still read as plain text and are sealed on their next write (or by `seal_plain_rows` at start).
//!
//! The key follows the JWT secret: changing that secret makes stored webhook secrets unreadable,
//! and deliveries then fail with an internal error until the partner registers again.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use sha2::Sha256;

/// Marks a sealed value; the version names the key derivation and cipher.
pub const PREFIX: &str = "enc:v1:";
/// HKDF `info`: keeps this key apart from anything else derived from the same secret.
const INFO: &[u8] = b"zhunong webhook secrets v1";
const NONCE_LEN: usize = 12;

/// Seals and opens webhook secrets. Cheap to clone.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    /// The box keyed from the server's master secret (the JWT secret).
    ///
    /// # Errors
    /// Never in practice: HKDF-SHA256 can always expand 32 bytes.
    pub fn from_master(master: &[u8]) -> anyhow::Result<Self> {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, master)
            .expand(INFO, &mut key)
            .map_err(|e| anyhow!("deriving the webhook secret key: {e}"))?;
        let cipher = Aes256Gcm::new_from_slice(&key)
            .map_err(|e| anyhow!("webhook secret key length: {e}"))?;
        Ok(Self { cipher })
    }

    /// `enc:v1:<base64(nonce || ciphertext)>` for a plain secret.
    ///
    /// # Errors
    /// Only if the cipher refuses the input (it does not for secrets of any sane length).
    pub fn seal(&self, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .map_err(|_| anyhow!("encrypting a webhook secret failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// The plain secret of a stored value: sealed values are decrypted, values from before
    /// encryption (no `enc:` prefix) are returned as they are.
    ///
    /// # Errors
    /// A sealed value that is malformed, was tampered with, was sealed under another key, or
    /// names an unknown version.
    pub fn open(&self, stored: &str) -> anyhow::Result<String> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            anyhow::ensure!(
                !stored.starts_with("enc:"),
                "stored webhook secret has an unknown format version"
            );
            return Ok(stored.to_owned());
        };
        let bytes = STANDARD
            .decode(body)
            .context("stored webhook secret is not valid base64")?;
        anyhow::ensure!(
            bytes.len() > NONCE_LEN,
            "stored webhook secret is too short"
        );
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| anyhow!("webhook secret nonce length"))?;
        let plain = self.cipher.decrypt(&nonce, sealed).map_err(|_| {
            anyhow!(
                "stored webhook secret does not decrypt (tampered, or sealed under another \
                 JWT secret)"
            )
        })?;
        String::from_utf8(plain).context("decrypted webhook secret is not UTF-8")
    }

    /// Whether a stored value is already sealed.
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(master: &str) -> SecretBox {
        SecretBox::from_master(master.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_sealed_secret_opens_to_itself_and_hides_it() {
        let b = boxed("master-secret-master-secret-0123456789");
        let plain = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let sealed = b.seal(plain).unwrap_or_default();
        assert!(sealed.starts_with(PREFIX), "{sealed}");
        assert!(!sealed.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assert_eq!(b.open(&sealed).ok().as_deref(), Some(plain));
        // A fresh nonce each time: the same secret never seals to the same text.
        assert_ne!(b.seal(plain).unwrap_or_default(), sealed);
    }

    #[test]
    fn a_tampered_value_is_an_error() {
        let b = boxed("master-secret-master-secret-0123456789");
        let sealed = b.seal("whsec_abc").unwrap_or_default();
        let mut bytes = STANDARD.decode(&sealed[PREFIX.len()..]).unwrap_or_default();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("{PREFIX}{}", STANDARD.encode(&bytes));
        assert!(b.open(&tampered).is_err());
        assert!(b.open(&format!("{PREFIX}not base64!")).is_err());
        assert!(b.open(&format!("{PREFIX}AAAA")).is_err(), "too short");
        assert!(b.open("enc:v2:AAAA").is_err(), "unknown version");
    }

    #[test]
    fn another_key_cannot_open_it() {
        let sealed = boxed("master-secret-master-secret-0123456789")
            .seal("whsec_abc")
            .unwrap_or_default();
        let err = boxed("another-secret-another-secret-012345")
            .open(&sealed)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("does not decrypt"), "{err}");
    }

    #[test]
    fn a_value_stored_before_encryption_reads_as_plain() {
        let b = boxed("master-secret-master-secret-0123456789");
        assert_eq!(
            b.open("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .ok()
                .as_deref(),
            Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        );
        assert!(!SecretBox::is_sealed("whsec_abc"));
    }
}
