use crate::auth::JwtKeys;
use crate::auth::roles::{Office, Staff};
use crate::dto::auth::{
    ChangePassword, CreateUserRequest, ResetPassword, TokenResponse, UpdateUser, UserOut,
};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::{accounts, users};
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_user)
        .service(list_users)
        .service(update_user)
        .service(reset_password)
        .service(change_own_password);
}

/// Creates a staff user. Only an admin may create an admin.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserOut),
        (status = 403, description = "a secretary creating an admin account", body = Problem),
        (status = 409, description = "username taken", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/users")]
pub async fn create_user(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    accounts::may_create(&auth, body.value.role)?;
    Ok(HttpResponse::Created()
        .json(users::create(&state.db, Some(auth.user_id), body.value).await?))
}

/// Lists users.
#[utoipa::path(
    tag = "users",
    params(Paging),
    responses((status = 200, body = Page<UserOut>)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/users")]
pub async fn list_users(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(users::list(&state.db.read, paging).await?))
}

/// Changes a staff member's role or disables (or re-enables) the account. Their tokens stop
/// working at their next request, on every replica. Only an admin may touch admin accounts.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "user id")),
    request_body = UpdateUser,
    responses(
        (status = 200, body = UserOut),
        (status = 403, description = "a secretary touching an admin account", body = Problem),
        (status = 409, description = "disabling yourself or changing your own role", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary"]))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateUser>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = accounts::update(&state.db, &auth, id, body.value).await?;
    // Here at once; other replicas when the notice arrives.
    state.user_states.forget(id);
    Ok(HttpResponse::Ok().json(out))
}

/// Sets a new password for a staff member (who forgot theirs). Their tokens stop working.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "user id")),
    request_body = ResetPassword,
    responses((status = 200, body = UserOut), (status = 403, description = "a secretary resetting an admin", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/users/{id}/password")]
pub async fn reset_password(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<ResetPassword>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = accounts::reset_password(&state.db, &auth, id, body.value).await?;
    state.user_states.forget(id);
    Ok(HttpResponse::Ok().json(out))
}

/// Changes your own password. Your other tokens stop working; the answer carries a new one.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses((status = 200, body = TokenResponse), (status = 401, description = "the current password is wrong", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[post("/me/password")]
pub async fn change_own_password(
    auth: Auth<Staff>,
    state: web::Data<AppState>,
    keys: web::Data<JwtKeys>,
    body: ApiJson<ChangePassword>,
) -> AppResult<HttpResponse> {
    let user = accounts::change_own_password(&state.db, &auth, body.value).await?;
    state.user_states.forget(user.id);
    // The session's refresh tokens ended with the old password (token version).
    let answer = super::auth::token_response(&keys, &user, None, 0)?;
    Ok(HttpResponse::Ok()
        .insert_header(super::auth::NO_STORE)
        .json(answer))
}
