use crate::auth::roles::Staff;
use crate::auth::{Auth, JwtKeys};
use crate::dto::auth::{LoginRequest, MeOut, TokenResponse};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::ApiJson;
use crate::services::users;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(me);
}

/// Exchanges a username and password for a short-lived access token. Repeated failures for one
/// username or from one address are throttled (429 with `Retry-After`).
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
    let user_key = format!("user:{}", username.to_lowercase());
    let addr_key = format!(
        "addr:{}",
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default()
    );
    let keys_to_check = [user_key.clone(), addr_key];
    if let Some(retry_after_secs) = state.login_throttle.blocked(&keys_to_check) {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    if username.len() > 64 || password.len() > 256 {
        state.login_throttle.record_failure(&keys_to_check);
        return Err(AppError::Unauthorized("wrong username or password"));
    }
    let Some(user) = users::authenticate(&state.db.read, &username, &password).await? else {
        state.login_throttle.record_failure(&keys_to_check);
        return Err(AppError::Unauthorized("wrong username or password"));
    };
    state.login_throttle.record_success(&user_key);
    let token = keys.issue(user.id, &user.username, user.role)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
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
