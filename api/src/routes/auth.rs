use crate::auth::JwtKeys;
use crate::auth::client_addr::{client_addr, client_used_https};
use crate::auth::roles::Staff;
use crate::auth::throttle::wait_in_chinese;
use crate::dto::auth::{LoginRequest, MeOut, RefreshRequest, TokenResponse};
use crate::error::{AppError, AppResult, ErrorCode, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::{sessions, users};
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};

/// For answers that carry a secret: tokens, API keys, webhook signing secrets.
pub const NO_STORE: (actix_web::http::header::HeaderName, &str) =
    (actix_web::http::header::CACHE_CONTROL, "no-store");
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh_session)
        .service(end_session)
        .service(me);
}

/// Exchanges a username and password for a short-lived access token. Repeated failures for one
/// username from one address make that address wait (429 with `Retry-After`, the wait in
/// Chinese in `detail`); a username failing from many addresses is slowed down, never locked.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "wrong username or password", body = Problem),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    keys: web::Data<JwtKeys>,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest {
        username,
        password,
        cookie,
    } = body.value;
    let name = username.to_lowercase();
    let addr = client_addr(&req, &state.trusted_proxies)
        .map(crate::auth::throttle::address_key)
        .unwrap_or_default();
    let throttle = &state.login_throttle;
    let verdict = throttle.check(&name, &addr).await?;
    if let Some(wait) = verdict.wait {
        return Err(AppError::LoginThrottled {
            retry_after_secs: wait.as_secs().max(1),
            wait: wait_in_chinese(wait),
        });
    }
    if let Some(pause) = verdict.slowdown {
        tokio::time::sleep(pause).await;
    }
    if username.len() > 64 || password.len() > 256 {
        throttle.record_failure(&name, &addr).await?;
        return Err(AppError::Unauthorized("wrong username or password"));
    }
    let Some(user) = users::authenticate(&state.db.read, &username, &password).await? else {
        throttle.record_failure(&name, &addr).await?;
        return Err(AppError::Unauthorized("wrong username or password"));
    };
    if verdict.recorded {
        throttle.record_success(&name, &addr).await?;
    }
    let lifetime = refresh_lifetime(&state);
    let refresh = sessions::issue(&state.db, &user, None, lifetime).await?;
    tokens(&req, &state, &keys, &user, refresh, cookie)
}

/// The refresh token's cookie: httpOnly (scripts cannot read it), SameSite=Strict (other sites
/// cannot send it), and sent only to `/api/v1/auth`.
const REFRESH_COOKIE: &str = "zhunong_refresh";

fn refresh_lifetime(state: &AppState) -> chrono::Duration {
    state.settings.refresh_lifetime()
}

fn refresh_cookie(
    req: &HttpRequest,
    state: &AppState,
    value: String,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/api/v1/auth")
        .secure(client_used_https(req, &state.trusted_proxies))
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

/// A new access token plus the refresh token, as a cookie or in the body.
fn tokens(
    req: &HttpRequest,
    state: &AppState,
    keys: &JwtKeys,
    user: &zhunong_entity::user::Model,
    refresh: String,
    as_cookie: bool,
) -> AppResult<HttpResponse> {
    let lifetime = refresh_lifetime(state).num_seconds();
    // A token must not sit in any cache on the way.
    let mut res = HttpResponse::Ok();
    res.insert_header(NO_STORE);
    let refresh_token = if as_cookie {
        res.cookie(refresh_cookie(req, state, refresh, lifetime));
        None
    } else {
        Some(refresh)
    };
    Ok(res.json(token_response(keys, user, refresh_token, lifetime)?))
}

/// A fresh access token for `user`, at their current token version.
///
/// # Errors
/// The token could not be signed.
pub fn token_response(
    keys: &JwtKeys,
    user: &zhunong_entity::user::Model,
    refresh_token: Option<String>,
    refresh_expires_in: i64,
) -> AppResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: keys.issue(user.id, &user.username, user.role, user.token_version)?,
        token_type: "Bearer",
        expires_in: keys.ttl_secs(),
        role: user.role,
        username: user.username.clone(),
        display_name: crate::services::audit::names::staff_name(user),
        refresh_token,
        refresh_expires_in,
    })
}

/// The presented refresh token: the cookie (pages), else `{"refresh_token": …}` in the body. A
/// cookie is taken only from a request the browser says comes from our own pages.
fn presented(req: &HttpRequest, body: &[u8]) -> AppResult<(String, bool)> {
    if let Some(c) = req.cookie(REFRESH_COOKIE) {
        if !from_our_pages(req) {
            return Err(AppError::Http {
                status: actix_web::http::StatusCode::FORBIDDEN,
                code: ErrorCode::CrossSiteRequest,
                detail: "the session cookie is accepted only from this site's own pages".into(),
            });
        }
        return Ok((c.value().to_owned(), true));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::Unauthorized("no refresh token"));
    }
    let r: RefreshRequest = crate::extract::parse_json(body)?;
    Ok((r.refresh_token, false))
}

/// Whether a cookie-carrying request comes from our own pages: `Sec-Fetch-Site` where the browser
/// sends it, else `Origin` against the `Host` the browser addressed. `SameSite=Strict` alone also
/// lets a sibling subdomain through. A request with neither header is not a browser's
/// cross-site request (browsers send `Origin` on every cross-origin POST).
fn from_our_pages(req: &HttpRequest) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Trades a refresh token for a new access token and the next refresh token (each refresh token
/// works once; reusing one ends the whole session). Pages send the cookie; API clients send
/// `{"refresh_token": …}`.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "absent when the cookie is sent"),
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "unknown, expired, used or revoked refresh token", body = Problem),
        (status = 403, description = "the cookie came with a request from another site", body = Problem),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    keys: web::Data<JwtKeys>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let (token, as_cookie) = presented(&req, &body)?;
    let (user, next) = sessions::rotate(&state.db, &token, refresh_lifetime(&state)).await?;
    tokens(&req, &state, &keys, &user, next, as_cookie)
}

/// Ends the session: its refresh tokens stop working and the cookie is cleared. Access tokens
/// already issued run out on their own (minutes).
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "absent when the cookie is sent"),
    responses(
        (status = 204, description = "logged out"),
        (status = 403, description = "the cookie came with a request from another site", body = Problem),
        (status = 422, description = "a body that is not `{\"refresh_token\": …}`", body = Problem),
    )
)]
#[post("/auth/logout")]
pub async fn end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    match presented(&req, &body) {
        Ok((token, _)) => sessions::logout(&state.db, &token).await?,
        // Nothing to end: the cookie is cleared all the same.
        Err(AppError::Unauthorized(_)) => {}
        // A body that is not `{"refresh_token": …}` is refused, as on every route.
        Err(e) => return Err(e),
    }
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(&req, &state, String::new(), 0))
        .finish())
}

/// Who the token belongs to.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = MeOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/me")]
pub async fn me(auth: Auth<Staff>, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let display_name = crate::services::users::display_name(&state.db.read, auth.user_id)
        .await?
        .unwrap_or_else(|| auth.username.clone());
    Ok(HttpResponse::Ok().json(MeOut {
        user_id: auth.user_id,
        username: auth.username.clone(),
        display_name,
        role: auth.role,
    }))
}
