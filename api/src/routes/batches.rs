use crate::auth::roles::{Office, Staff};
use crate::dto::catalog::{BatchFilter, BatchOut, CreateBatch, UpdateBatch};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::batches;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_batch)
        .service(list_batches)
        .service(get_batch)
        .service(update_batch);
}

/// Creates a batch.
#[utoipa::path(
    tag = "catalog",
    request_body = CreateBatch,
    responses((status = 201, body = BatchOut)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/batches")]
pub async fn create_batch(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateBatch>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(batches::create(&state.db, Some(auth.user_id), body.value).await?))
}

/// Lists batches, filtered and paginated.
#[utoipa::path(
    tag = "catalog",
    params(BatchFilter, Paging),
    responses((status = 200, body = Page<BatchOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/batches")]
pub async fn list_batches(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<BatchFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(batches::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one batch.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "batch id")),
    responses((status = 200, body = BatchOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/batches/{id}")]
pub async fn get_batch(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(batches::get(&state.db.read, id.into_inner()).await?))
}

/// Changes a batch; absent fields stay as they are, `null` clears an optional one.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "batch id")),
    request_body = UpdateBatch,
    responses((status = 200, body = BatchOut), (status = 409, description = "the stock adjustment would take stock below zero", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[patch("/batches/{id}")]
pub async fn update_batch(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateBatch>,
) -> AppResult<HttpResponse> {
    let updated = batches::update(&state.db, auth.user_id, id.into_inner(), body.value).await?;
    Ok(HttpResponse::Ok().json(updated))
}
