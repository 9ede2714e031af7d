use crate::auth::Auth;
use crate::auth::roles::AdminOnly;
use crate::dto::auth::{CreateUserRequest, UserOut};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::services::users;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_user).service(list_users);
}

/// Creates a staff user.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses((status = 201, body = UserOut), (status = 409, description = "username taken", body = Problem)),
    security(("bearer" = ["admin"]))
)]
#[post("/users")]
pub async fn create_user(
    _auth: Auth<AdminOnly>,
    state: web::Data<AppState>,
    body: ApiJson<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(
        state
            .db
            .write(async |tx| users::create(tx, body.value).await)
            .await?,
    ))
}

/// Lists users.
#[utoipa::path(
    tag = "users",
    params(Paging),
    responses((status = 200, body = Page<UserOut>)),
    security(("bearer" = ["admin"]))
)]
#[get("/users")]
pub async fn list_users(
    _auth: Auth<AdminOnly>,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(users::list(&state.db.read, paging).await?))
}
