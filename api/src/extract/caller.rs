//! `Auth<R>`: the caller, verified from `Authorization: Bearer …`, and allowed only if its role is
//! in the role set `R`. Missing or invalid token → 401; a token whose user is gone, disabled or
//! changed since → 401; valid token with another role → 403. The user is looked up once per
//! request by the `resolve_caller` middleware.

use crate::auth::jwt::JwtKeys;
use crate::auth::roles::RoleSet;
use crate::error::AppError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use std::future::{Ready, ready};
use std::marker::PhantomData;

pub use crate::domain::caller::Caller;

pub struct Auth<R: RoleSet> {
    pub caller: Caller,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> std::ops::Deref for Auth<R> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The token's claims, checked for signature and time; then the user as they are now.
fn verified_claims(req: &HttpRequest) -> Result<crate::auth::jwt::Claims, AppError> {
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JWT keys are not configured")))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::Unauthorized("missing bearer token"))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or(AppError::Unauthorized("missing bearer token"))?;
    keys.verify(token.trim())
        .ok_or(AppError::Unauthorized("invalid or expired token"))
}

/// What the middleware found out about the request's token.
#[derive(Clone)]
enum TokenCheck {
    Valid(Caller),
    Refused(&'static str),
}

/// A signed token is not enough: its user must exist, be active, and still have the role and
/// token version the token was issued with. Disabling a user, changing their role or
/// resetting their password ends their tokens at the next request.
async fn check_user(
    claims: crate::auth::jwt::Claims,
    state: &AppState,
) -> Result<TokenCheck, AppError> {
    let Ok(user_id) = claims.sub.parse::<i64>() else {
        return Ok(TokenCheck::Refused("invalid or expired token"));
    };
    let now = match state.user_states.get(&state.db.read, user_id).await {
        // The primary is away: where a replica serves reports, it says who the user is (the
        // breaker lets only reports through meanwhile).
        Err(e) if state.db.has_replica() && crate::db::fault::is_unreachable(&e) => {
            crate::auth::user_states::UserStates::read_uncached(
                &state.db.for_reports().await,
                user_id,
            )
            .await?
        }
        other => other?,
    };
    Ok(match now {
        Some(u) if u.active && u.role == claims.role && u.token_version == claims.ver => {
            TokenCheck::Valid(Caller {
                user_id,
                username: claims.username,
                role: claims.role,
            })
        }
        _ => TokenCheck::Refused("this token is no longer valid; log in again"),
    })
}

/// Looks the token's user up before any extractor runs, so that `Auth` stays a synchronous
/// check and a refused caller learns nothing from the body's validation.
///
/// # Errors
/// Database errors while looking the user up.
pub async fn resolve_caller(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Ok(claims) = verified_claims(req.request())
        && let Some(state) = req.app_data::<web::Data<AppState>>().cloned()
    {
        let check = check_user(claims, &state).await?;
        req.extensions_mut().insert(check);
    }
    next.call(req).await
}

fn authenticate(req: &HttpRequest) -> Result<Caller, AppError> {
    let claims = verified_claims(req)?;
    match req.extensions().get::<TokenCheck>() {
        Some(TokenCheck::Valid(c)) if c.user_id.to_string() == claims.sub => Ok(c.clone()),
        Some(TokenCheck::Refused(why)) => Err(AppError::Unauthorized(why)),
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "the caller was not resolved: resolve_caller must wrap every route"
        ))),
    }
}

impl<R: RoleSet> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|caller| {
            let path = req.match_pattern().unwrap_or_default();
            if crate::auth::roles::admits(R::ROLES, caller.role, req.method(), &path) {
                Ok(Auth {
                    caller,
                    _roles: PhantomData,
                })
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}
