//! Short-lived HS256 access tokens. The algorithm is fixed in code; `exp`, `iat`, `nbf`, `iss`,
//! `aud` and `sub` are required and checked; `typ` must be `JWT`; `kid` must be ours. A token
//! issued in the future, or meant to live longer than a day, is refused even if signed: no token
//! of ours is either, so such a token was made with a leaked key.

use crate::config::Settings;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use zhunong_entity::enums::Role;

pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    pub role: Role,
    pub username: String,
    /// The user's token version when issued; a token of an older version is refused.
    #[serde(default)]
    pub ver: i64,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    kid: String,
    issuer: String,
    audience: String,
    ttl_secs: i64,
    leeway_secs: i64,
}

/// The longest life any token of ours may claim (`exp` − `iat`).
const MAX_LIFETIME_SECS: i64 = 24 * 3600;

impl JwtKeys {
    /// # Errors
    /// The secret is shorter than 32 bytes.
    pub fn new(secret: &str, settings: &Settings) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "the JWT secret must be at least {MIN_SECRET_BYTES} bytes"
        );
        anyhow::ensure!(
            i64::try_from(settings.jwt_ttl_secs).is_ok_and(|t| t <= MAX_LIFETIME_SECS),
            "jwt_ttl_secs may be at most {MAX_LIFETIME_SECS} (a day): longer tokens are refused"
        );
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = settings.jwt_leeway_secs;
        validation.validate_nbf = true;
        validation.set_issuer(&[settings.jwt_issuer.as_str()]);
        validation.set_audience(&[settings.jwt_audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.as_bytes())?,
            decoding: DecodingKey::from_secret(secret.as_bytes())?,
            validation,
            kid: settings.jwt_kid.clone(),
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl_secs: settings.access_token_lifetime().num_seconds(),
            leeway_secs: settings.token_leeway().num_seconds(),
        })
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// # Errors
    /// Signing failed (it cannot with an HMAC key, but the library returns a `Result`).
    pub fn issue(
        &self,
        user_id: i64,
        username: &str,
        role: Role,
        token_version: i64,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            username: username.to_owned(),
            ver: token_version,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("JWT".into());
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// Verifies a token; `None` for anything that is not a valid token of ours.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256
            || header.typ.as_deref() != Some("JWT")
            || header.kid.as_deref() != Some(self.kid.as_str())
        {
            return None;
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let now = chrono::Utc::now().timestamp();
        let plausible = claims.iat <= now.saturating_add(self.leeway_secs)
            && claims.exp.saturating_sub(claims.iat) <= MAX_LIFETIME_SECS;
        plausible.then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&"s".repeat(32), &Settings::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_token_we_issued_verifies() {
        let k = keys();
        let t = k.issue(7, "wang", Role::Helper, 0).unwrap_or_default();
        let c = k
            .verify(&t)
            .unwrap_or_else(|| panic!("token did not verify"));
        assert_eq!((c.sub.as_str(), c.role), ("7", Role::Helper));
    }

    fn signed(k: &JwtKeys, iat: i64, exp: i64) -> String {
        let claims = Claims {
            sub: "1".into(),
            role: Role::Admin,
            username: "a".into(),
            ver: 0,
            iss: k.issuer.clone(),
            aud: k.audience.clone(),
            iat,
            nbf: iat.min(chrono::Utc::now().timestamp()),
            exp,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("JWT".into());
        header.kid = Some(k.kid.clone());
        jsonwebtoken::encode(&header, &claims, &k.encoding).unwrap_or_default()
    }

    #[test]
    fn signed_tokens_from_the_future_or_living_past_a_day_are_refused() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        assert!(k.verify(&signed(&k, now - 10, now + 600)).is_some());
        assert!(k.verify(&signed(&k, now + 3600, now + 4000)).is_none());
        assert!(k.verify(&signed(&k, now - 10, now + 86_400)).is_none());
        assert!(
            k.verify(&signed(&k, now - 60, now + 86_340)).is_some(),
            "a day exactly"
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(JwtKeys::new("short", &Settings::default()).is_err());
    }

    #[test]
    fn another_secret_or_audience_fails() {
        let t = keys().issue(1, "a", Role::Admin, 0).unwrap_or_default();
        let other =
            JwtKeys::new(&"x".repeat(32), &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(other.verify(&t).is_none());
        let s = Settings {
            jwt_audience: "elsewhere".into(),
            ..Settings::default()
        };
        let aud = JwtKeys::new(&"s".repeat(32), &s).unwrap_or_else(|e| panic!("{e}"));
        assert!(aud.verify(&t).is_none());
    }
}
