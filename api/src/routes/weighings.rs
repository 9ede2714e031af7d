use crate::auth::Auth;
use crate::auth::roles::{Office, Staff, Yard};
use crate::dto::orders::OrderOut;
use crate::dto::weighing::{ReasonRequest, WeighOut, WeighRequest, WeighingSheet};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::services::weighing::{self, WeighLimits};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(weigh_line)
        .service(void_ticket)
        .service(approve_weights)
        .service(weighing_sheet);
}

fn limits(state: &AppState) -> WeighLimits {
    WeighLimits {
        tolerance_bp: state.settings.weigh_tolerance_bp,
        max_gross_g: state.settings.max_gross_g,
        max_crates: state.settings.max_crates_per_weighing,
    }
}

/// Records weigh tickets (one per crate) for an order line. Net = gross − tare. For `by_weight`
/// products the line's final amount becomes net weight × price (rounded half-up once) and stock
/// moves by the difference from what was ordered; a line outside the tolerance is flagged.
#[utoipa::path(
    tag = "weighing",
    request_body = WeighRequest,
    responses(
        (status = 201, body = WeighOut),
        (status = 409, description = "order not weighable now (cancelled, pending, loaded, on a load) or not enough stock for a heavier weight", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/weighings")]
pub async fn weigh_line(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    body: ApiJson<WeighRequest>,
) -> AppResult<HttpResponse> {
    let out = weighing::weigh(&state.db, &state.facts, &auth, body.value, limits(&state)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Voids a weigh ticket with a reason; its effect on the line, stock and order is reversed.
#[utoipa::path(
    tag = "weighing",
    params(("id" = i64, Path, description = "weigh ticket id")),
    request_body = ReasonRequest,
    responses((status = 200, body = OrderOut), (status = 409, description = "already voided, or the order is loaded", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/weighings/{id}/void")]
pub async fn void_ticket(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<ReasonRequest>,
) -> AppResult<HttpResponse> {
    let out = weighing::void(
        &state.db,
        &state.facts,
        &auth,
        id.into_inner(),
        body.value,
        state.settings.weigh_tolerance_bp,
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Accepts an order's out-of-tolerance weights, with a reason, so it can be loaded.
#[utoipa::path(
    tag = "weighing",
    params(("id" = i64, Path, description = "order id")),
    request_body = ReasonRequest,
    responses((status = 200, body = OrderOut), (status = 409, description = "not weighed, not flagged, or already approved", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/orders/{id}/approve-weights")]
pub async fn approve_weights(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<ReasonRequest>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(weighing::approve(&state.db, &auth, id.into_inner(), body.value).await?))
}

/// The order as the weighing station sees it: lines with product names and every ticket.
#[utoipa::path(
    tag = "weighing",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = WeighingSheet)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/orders/{id}/weighing-sheet")]
pub async fn weighing_sheet(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(weighing::sheet(&state.db.read, id.into_inner()).await?))
}
