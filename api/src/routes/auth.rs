use crate::auth::client_addr::client_addr;
use crate::auth::roles::Staff;
use crate::auth::throttle::wait_in_chinese;
use crate::auth::{Auth, JwtKeys};
use crate::dto::auth::{LoginRequest, MeOut, TokenResponse};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::ApiJson;
use crate::services::users;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

/// For answers that carry a secret: tokens, API keys, webhook signing secrets.
pub const NO_STORE: (actix_web::http::header::HeaderName, &str) =
    (actix_web::http::header::CACHE_CONTROL, "no-store");
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(me);
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
    let LoginRequest { username, password } = body.value;
    let name = username.to_lowercase();
    let addr = client_addr(&req, &state.trusted_proxies)
        .map(|a| a.to_string())
        .unwrap_or_default();
    let throttle = &state.login_throttle;
    if let Some(wait) = throttle.wait(&name, &addr) {
        return Err(AppError::LoginThrottled {
            retry_after_secs: wait.as_secs().max(1),
            wait: wait_in_chinese(wait),
        });
    }
    if let Some(pause) = throttle.slowdown(&name) {
        tokio::time::sleep(pause).await;
    }
    if username.len() > 64 || password.len() > 256 {
        throttle.record_failure(&name, &addr);
        return Err(AppError::Unauthorized("wrong username or password"));
    }
    let Some(user) = users::authenticate(&state.db.read, &username, &password).await? else {
        throttle.record_failure(&name, &addr);
        return Err(AppError::Unauthorized("wrong username or password"));
    };
    throttle.record_success(&name, &addr);
    let token = keys.issue(user.id, &user.username, user.role, user.token_version)?;
    // A token must not sit in any cache on the way.
    Ok(HttpResponse::Ok()
        .insert_header(NO_STORE)
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: keys.ttl_secs(),
            role: user.role,
        }))
}

/// Who the token belongs to.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = MeOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/me")]
pub async fn me(auth: Auth<Staff>) -> HttpResponse {
    HttpResponse::Ok().json(MeOut {
        user_id: auth.user_id,
        username: auth.username.clone(),
        role: auth.role,
    })
}
