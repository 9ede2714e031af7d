//! `PartnerAuth`: a partner system calling with its API key (`Authorization: Bearer znk_…`). It
//! acts only for its own enterprise buyer. A revoked key fails on the very next request (keys are
//! looked up each time); each key is rate limited on its own. A staff token on a partner route is
//! a 403; anything else is a 401.

use crate::auth::api_key;
use crate::auth::jwt::JwtKeys;
use crate::error::AppError;
use crate::extract::IdempotencyKey;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter};
use zhunong_entity::api_key as key_entity;

pub use crate::domain::caller::PartnerAuth;

impl FromRequest for PartnerAuth {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let call = KeyCall::from_request(req);
        Box::pin(async move {
            let (state, key) = call.authenticate().await?;
            admit(&state, key).await
        })
    }
}

/// A partner route that requires `Idempotency-Key`: the key is checked after the API key and
/// before the rate limit, so a request without one is a 400 (never a 429) however busy the key.
pub struct KeyedPartner {
    pub partner: PartnerAuth,
    pub idempotency_key: String,
}

impl FromRequest for KeyedPartner {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let call = KeyCall::from_request(req);
        let idem = IdempotencyKey::from_request(req, payload).into_inner();
        Box::pin(async move {
            let (state, key) = call.authenticate().await?;
            let idempotency_key = idem?.required()?;
            let partner = admit(&state, key).await?;
            Ok(KeyedPartner {
                partner,
                idempotency_key,
            })
        })
    }
}

/// What a partner request brings: the app state, the JWT keys and the bearer token.
struct KeyCall {
    state: Option<web::Data<AppState>>,
    jwt: Option<web::Data<JwtKeys>>,
    token: Option<String>,
}

impl KeyCall {
    fn from_request(req: &HttpRequest) -> Self {
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        Self {
            state: req.app_data::<web::Data<AppState>>().cloned(),
            jwt: req.app_data::<web::Data<JwtKeys>>().cloned(),
            token,
        }
    }

    /// The key's row if the token is a live API key: 401 otherwise, 403 for a staff token.
    async fn authenticate(self) -> Result<(web::Data<AppState>, key_entity::Model), AppError> {
        let state = self
            .state
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no state")))?;
        let token = self
            .token
            .ok_or(AppError::Unauthorized("missing API key"))?;
        let Some((key_id, secret)) = api_key::parse(&token) else {
            if self.jwt.is_some_and(|k| k.verify(&token).is_some()) {
                return Err(AppError::Forbidden);
            }
            return Err(AppError::Unauthorized("invalid API key"));
        };
        let row = key_entity::Entity::find()
            .filter(key_entity::Column::KeyId.eq(key_id))
            .one(&state.db.read)
            .await?;
        match row {
            Some(k)
                if k.revoked_at.is_none()
                    && api_key::same_hash(&api_key::hash(secret), &k.secret_hash) =>
            {
                Ok((state, k))
            }
            _ => Err(AppError::Unauthorized("invalid or revoked API key")),
        }
    }
}

/// On PostgreSQL the budget is shared by every replica (one row per key in `rate_limits`); on
/// SQLite, one process by design, it is kept in memory.
async fn rate_limit(state: &AppState, key_id: &str) -> Result<Result<(), u64>, AppError> {
    if state.db.backend() != DbBackend::Postgres {
        return Ok(state.partner_limits.check(key_id));
    }
    let tx = state.db.begin_write().await?;
    let verdict = crate::auth::shared_limit::check(
        &tx,
        &format!("partner:{key_id}"),
        state.settings.partner_rate_per_sec,
        state.settings.partner_burst,
    )
    .await?;
    tx.commit().await?;
    Ok(verdict)
}

/// The key's rate limit, then its last use (kept to the minute: one write a minute per key).
async fn admit(state: &AppState, key: key_entity::Model) -> Result<PartnerAuth, AppError> {
    rate_limit(state, &key.key_id)
        .await?
        .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    let now = chrono::Utc::now();
    let minute_ago = now - chrono::Duration::seconds(60);
    if key.last_used_at.is_none_or(|t| t < minute_ago) {
        let tx = state.db.begin_write().await?;
        key_entity::Entity::update_many()
            .col_expr(key_entity::Column::LastUsedAt, Expr::value(now))
            .filter(key_entity::Column::Id.eq(key.id))
            .filter(
                Condition::any()
                    .add(key_entity::Column::LastUsedAt.is_null())
                    .add(key_entity::Column::LastUsedAt.lt(minute_ago)),
            )
            .exec(&tx)
            .await?;
        tx.commit().await?;
    }
    Ok(PartnerAuth {
        buyer_id: key.buyer_id,
        key_id: key.key_id,
    })
}
