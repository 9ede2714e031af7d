//! After-sales cases (售后): the office's desk, and the buyer's claim from their own page.

use crate::auth::client_addr::client_addr;
use crate::auth::roles::{Office, Sales};
use crate::dto::after_sales::{BuyerCase, CaseFilter, CaseOut, DecideCase, NewCase, PhotoOut};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::services::after_sales::{self, Opener, decide, photos};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(open_case)
        .service(list_cases)
        .service(get_case)
        .service(decide_case)
        .service(close_case)
        .service(reopen_case)
        .service(add_photo)
        .service(get_photo)
        .service(buyer_claim)
        .service(buyer_photo);
}

/// Opens a case on an order's lines (the whole order if none are named).
#[utoipa::path(tag = "after-sales", request_body = NewCase,
    responses((status = 201, body = CaseOut), (status = 404, body = Problem),
        (status = 409, description = "a cancelled order, one not yet weighed, or an open case on the same lines", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/after-sales")]
pub async fn open_case(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    body: ApiJson<NewCase>,
) -> AppResult<HttpResponse> {
    let order = body
        .value
        .order_id
        .ok_or_else(|| AppError::field("order_id", "which order the case is about"))?;
    let c = after_sales::open(
        &state.db,
        Opener::Staff(auth.user_id),
        order,
        body.value,
        state.case_times(),
    )
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Cases: open ones first, the least time left first (overdue ones flagged), then the rest.
#[utoipa::path(tag = "after-sales", params(CaseFilter), responses((status = 200, body = Vec<CaseOut>)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/after-sales")]
pub async fn list_cases(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    f: web::Query<CaseFilter>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(after_sales::list(&state.db.read, &f, state.settings.max_page_size).await?))
}

#[utoipa::path(tag = "after-sales", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/after-sales/{id}")]
pub async fn get_case(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(after_sales::get(&state.db.read, id.into_inner()).await?))
}

/// Answers an open case: `agree` (refund the claim), `partly_agree` (refund `amount_fen`),
/// `reject` (with a reason the buyer reads) or `reship` (a free box, placed as an order).
#[utoipa::path(tag = "after-sales", params(("id" = i64, Path, description = "case id")), request_body = DecideCase,
    responses((status = 200, body = CaseOut), (status = 404, body = Problem),
        (status = 409, description = "not open, a refund beyond what was paid, or short stock for a reship", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/after-sales/{id}/decide")]
pub async fn decide_case(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<DecideCase>,
) -> AppResult<HttpResponse> {
    let ctx = state.order_context();
    Ok(HttpResponse::Ok()
        .json(decide::decide(&state.db, &auth, id.into_inner(), body.value, &ctx).await?))
}

#[utoipa::path(tag = "after-sales", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/after-sales/{id}/close")]
pub async fn close_case(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(decide::close(&state.db, &auth, id.into_inner()).await?))
}

/// Reopens an answered or closed case, once, with a new deadline.
#[utoipa::path(tag = "after-sales", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/after-sales/{id}/reopen")]
pub async fn reopen_case(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(decide::reopen(&state.db, &auth, id.into_inner(), state.case_times()).await?))
}

/// Adds a photo (the image itself as the body: JPEG, PNG or WebP, checked by content; its
/// metadata is removed).
#[utoipa::path(tag = "after-sales", params(("id" = i64, Path, description = "case id")),
    request_body(content = Vec<u8>, description = "the picture", content_type = "image/jpeg"),
    responses((status = 201, body = PhotoOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, description = "not a picture, or one too many", body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[post("/after-sales/{id}/photos")]
pub async fn add_photo(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    let bytes = crate::extract::file_body(body, state.settings.claim_photo_max_bytes).await?;
    Ok(HttpResponse::Created().json(
        photos::add(
            &state.db,
            id.into_inner(),
            &bytes,
            state.settings.claim_max_photos,
        )
        .await?,
    ))
}

#[utoipa::path(tag = "after-sales",
    params(("id" = i64, Path, description = "case id"), ("photo_id" = i64, Path, description = "photo id")),
    responses((status = 200, description = "the picture", content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary", "helper"])))]
#[get("/after-sales/{id}/photos/{photo_id}")]
pub async fn get_photo(
    _auth: Auth<Sales>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (case, photo) = path.into_inner();
    let (content_type, bytes) = photos::get(&state.db.read, case, photo).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=3600",
        ))
        .body(bytes))
}

fn buyer_limit(req: &HttpRequest, state: &AppState) -> AppResult<()> {
    let who = client_addr(req, &state.trusted_proxies).map_or_else(String::new, |a| a.to_string());
    state
        .buyer_page_limits
        .check(&who)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait,
        })
}

/// The buyer opens a claim from their own page, within `ZHUNONG_CLAIM_WINDOW_HOURS` of delivery.
#[utoipa::path(tag = "after-sales", params(("token" = String, Path, description = "the link's token")), request_body = NewCase,
    responses((status = 201, body = BuyerCase), (status = 404, body = Problem),
        (status = 409, description = "not delivered, past the window (the deadline named), or a case open on the same lines", body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("/public/orders/{token}/claims")]
pub async fn buyer_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: ApiJson<NewCase>,
) -> AppResult<HttpResponse> {
    buyer_limit(&req, &state)?;
    if body.value.order_id.is_some() {
        return Err(AppError::field("order_id", "the link names the order"));
    }
    let order = crate::services::fulfilment::view::order_of(&state.db.read, &token).await?;
    let c = after_sales::open(
        &state.db,
        Opener::Buyer,
        order,
        body.value,
        state.case_times(),
    )
    .await?;
    let mine = after_sales::for_buyer(&state.db.read, order).await?;
    let out = mine
        .into_iter()
        .find(|x| x.id == c.id)
        .ok_or(AppError::NotFound("claim"))?;
    Ok(HttpResponse::Created().json(out))
}

/// The buyer adds a photo to their open claim (the image itself as the body).
#[utoipa::path(tag = "after-sales",
    params(("token" = String, Path, description = "the link's token"), ("case_id" = i64, Path, description = "the claim's id")),
    request_body(content = Vec<u8>, description = "the picture", content_type = "image/jpeg"),
    responses((status = 201, body = PhotoOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("/public/orders/{token}/claims/{case_id}/photos")]
pub async fn buyer_photo(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    buyer_limit(&req, &state)?;
    let (token, case_id) = path.into_inner();
    let order = crate::services::fulfilment::view::order_of(&state.db.read, &token).await?;
    let c = after_sales::get(&state.db.read, case_id).await?;
    if c.order_id != order {
        return Err(AppError::NotFound("claim"));
    }
    let bytes = crate::extract::file_body(body, state.settings.claim_photo_max_bytes).await?;
    Ok(HttpResponse::Created()
        .json(photos::add(&state.db, case_id, &bytes, state.settings.claim_max_photos).await?))
}
