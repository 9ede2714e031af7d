use crate::auth::roles::{Office, Staff};
use crate::dto::catalog::{CreateGrower, GrowerFilter, GrowerOut, UpdateGrower};
use crate::dto::grower_account::{AccountQuery, GrowerAccount};
use crate::dto::{Page, Paging};
use crate::error::AppResult;
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::growers;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_grower)
        .service(list_growers)
        .service(get_grower)
        .service(grower_account)
        .service(update_grower);
}

/// Creates a grower.
#[utoipa::path(
    tag = "catalog",
    request_body = CreateGrower,
    responses((status = 201, body = GrowerOut)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/growers")]
pub async fn create_grower(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateGrower>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(growers::create(&state.db, Some(auth.user_id), body.value).await?))
}

/// Lists growers, filtered and paginated.
#[utoipa::path(
    tag = "catalog",
    params(GrowerFilter, Paging),
    responses((status = 200, body = Page<GrowerOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/growers")]
pub async fn list_growers(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<GrowerFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(growers::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one grower.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "grower id")),
    responses((status = 200, body = GrowerOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/growers/{id}")]
pub async fn get_grower(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(growers::get(&state.db.read, id.into_inner()).await?))
}

/// Changes a grower; absent fields stay as they are, `null` clears an optional one.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "grower id")),
    request_body = UpdateGrower,
    responses((status = 200, body = GrowerOut)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[patch("/growers/{id}")]
pub async fn update_grower(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateGrower>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(growers::update(&state.db, Some(auth.user_id), id.into_inner(), body.value).await?))
}

/// The grower's account over a chosen period (a month, a season, a year, at most three years):
/// the balance owed at its start and end, the money month by month from the ledger, the sales
/// by product (by settlement date) and the payouts. Read from the books as they stand; a
/// statement (`POST /growers/{id}/statements`) is the frozen one.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "grower id"), AccountQuery),
    responses((status = 200, body = GrowerAccount)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/growers/{id}/account")]
pub async fn grower_account(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<AccountQuery>,
) -> AppResult<HttpResponse> {
    let limits = crate::services::reports::sales::ReportLimits {
        max_rows: state.settings.report_max_rows,
    };
    let reader = state.db.for_reports().await;
    Ok(HttpResponse::Ok().json(
        crate::services::money::grower_account::account(
            &reader,
            id.into_inner(),
            q.into_inner(),
            limits,
        )
        .await?,
    ))
}
