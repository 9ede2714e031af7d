use crate::auth::roles::{Sales, Staff};
use crate::dto::buyers::{BuyerFilter, BuyerOut, CreateBuyer, UpdateBuyer};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::buyers;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_buyer)
        .service(list_buyers)
        .service(get_buyer)
        .service(update_buyer)
        .service(buyer_by_phone);
}

/// Creates a buyer.
#[utoipa::path(
    tag = "buyers",
    request_body = CreateBuyer,
    responses((status = 201, body = BuyerOut), (status = 409, description = "phone number in use", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/buyers")]
pub async fn create_buyer(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    body: ApiJson<CreateBuyer>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(buyers::create(&state.db, Some(auth.user_id), body.value).await?))
}

/// Lists buyers, filtered and paginated.
#[utoipa::path(
    tag = "buyers",
    params(BuyerFilter, Paging),
    responses((status = 200, body = Page<BuyerOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/buyers")]
pub async fn list_buyers(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<BuyerFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(buyers::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one buyer.
#[utoipa::path(
    tag = "buyers",
    params(("id" = i64, Path, description = "buyer id")),
    responses((status = 200, body = BuyerOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/buyers/{id}")]
pub async fn get_buyer(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(buyers::get(&state.db.read, id.into_inner()).await?))
}

/// Changes a buyer; absent fields stay as they are, `null` clears an optional one.
#[utoipa::path(
    tag = "buyers",
    params(("id" = i64, Path, description = "buyer id")),
    request_body = UpdateBuyer,
    responses((status = 200, body = BuyerOut), (status = 409, description = "phone number in use", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[patch("/buyers/{id}")]
pub async fn update_buyer(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateBuyer>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(buyers::update(&state.db, Some(auth.user_id), id.into_inner(), body.value).await?))
}

/// Finds the buyer with exactly this phone number.
#[utoipa::path(
    tag = "buyers",
    params(("phone" = String, Path, description = "phone number as stored")),
    responses((status = 200, body = BuyerOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/buyers/by-phone/{phone}")]
pub async fn buyer_by_phone(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    phone: web::Path<String>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(buyers::by_phone(&state.db.read, &phone).await?))
}
