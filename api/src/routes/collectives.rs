use crate::auth::roles::{Office, Staff};
use crate::dto::catalog::{CollectiveFilter, CollectiveOut, CreateCollective, UpdateCollective};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::collectives;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_collective)
        .service(list_collectives)
        .service(get_collective)
        .service(update_collective);
}

/// Creates a collective.
#[utoipa::path(
    tag = "catalog",
    request_body = CreateCollective,
    responses((status = 201, body = CollectiveOut), (status = 409, description = "name taken", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/collectives")]
pub async fn create_collective(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateCollective>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(collectives::create(&state.db, Some(auth.user_id), body.value).await?))
}

/// Lists collectives, filtered and paginated.
#[utoipa::path(
    tag = "catalog",
    params(CollectiveFilter, Paging),
    responses((status = 200, body = Page<CollectiveOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/collectives")]
pub async fn list_collectives(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<CollectiveFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok()
        .json(collectives::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one collective.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "collective id")),
    responses((status = 200, body = CollectiveOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/collectives/{id}")]
pub async fn get_collective(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(collectives::get(&state.db.read, id.into_inner()).await?))
}

/// Changes a collective; absent fields stay as they are, `null` clears an optional one.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "collective id")),
    request_body = UpdateCollective,
    responses((status = 200, body = CollectiveOut), (status = 409, description = "name taken", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[patch("/collectives/{id}")]
pub async fn update_collective(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateCollective>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(
        collectives::update(&state.db, Some(auth.user_id), id.into_inner(), body.value).await?,
    ))
}
