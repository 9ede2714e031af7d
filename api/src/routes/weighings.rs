use crate::auth::roles::{Office, Staff, Yard};
use crate::domain::units::OrderLineId;
use crate::dto::orders::OrderOut;
use crate::dto::weighing::{ReasonRequest, WeighOut, WeighRequest, WeighingSheet};
use crate::error::{AppResult, Problem};
use crate::extract::Auth;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::routes::answers;
use crate::services::weighing::{self, WeighLimits};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(weigh_line)
        .service(complete_line)
        .service(complete_order)
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
/// products the line's final amount becomes net weight × price (rounded half-up once). The
/// ordered quantity stays reserved while the line is weighed; weight above what the line holds
/// is taken from the batch at once. A line outside the tolerance is flagged. The order is not
/// `weighed` until every line is marked weighed (`complete-weighing`).
#[utoipa::path(
    tag = "weighing",
    params(("Idempotency-Key" = Option<String>, Header, description = "client key; a retry with the same crates returns the first answer")),
    request_body = WeighRequest,
    responses(
        (status = 201, body = WeighOut),
        (status = 422, description = "bad crates, or no order line with that `order_line_id`", body = Problem),
        (status = 409, description = "order not weighable now (cancelled, pending, loaded, on a load: `not_weighable`), the line is already marked weighed (`weighing_complete`), or not enough stock for a heavier weight (`stock_shortfall`; nothing recorded)", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/weighings")]
pub async fn weigh_line(
    auth: Auth<Yard>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: ApiJson<WeighRequest>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &body.value)?;
    let placed = weighing::weigh(
        &state.db,
        &state.facts,
        &auth,
        body.value,
        limits(&state),
        keyed.as_ref(),
        state.in_flight_wait(),
    )
    .await?;
    Ok(answers::respond(placed))
}

/// Marks an order line weighed: what it holds beyond its net (the shortfall against the order)
/// goes back to stock, and no more crates are accepted for it. When it is the last open line,
/// the order becomes `weighed` with its final total and `order.weighed` is sent.
#[utoipa::path(
    tag = "weighing",
    params(
        ("id" = i64, Path, description = "order line id"),
        ("Idempotency-Key" = Option<String>, Header, description = "client key; a retry returns the first answer instead of 409 `weighing_complete`"),
    ),
    responses(
        (status = 200, body = OrderOut),
        (status = 409, description = "order not weighable now (`not_weighable`), the line has no live ticket (`nothing_weighed`) or is already complete (`weighing_complete`)", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/order-lines/{id}/complete-weighing")]
pub async fn complete_line(
    auth: Auth<Yard>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &serde_json::Value::Null)?;
    let tolerance = state.settings.weigh_tolerance_bp;
    let placed = weighing::complete_line(
        &state.db,
        &state.facts,
        &auth,
        OrderLineId::new(id.into_inner()),
        tolerance,
        keyed.as_ref(),
        state.in_flight_wait(),
    )
    .await?;
    Ok(answers::respond(placed))
}

/// Marks every open line of the order weighed, all or none (整单称重完成); the order becomes
/// `weighed` with its final total and `order.weighed` is sent.
#[utoipa::path(
    tag = "weighing",
    params(
        ("id" = i64, Path, description = "order id"),
        ("Idempotency-Key" = Option<String>, Header, description = "client key; a retry returns the first answer instead of 409 `weighing_complete`"),
    ),
    responses(
        (status = 200, body = OrderOut),
        (status = 409, description = "order not weighable now (`not_weighable`), an open line has no live ticket (`nothing_weighed`), or every line is already complete (`weighing_complete`)", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/orders/{id}/complete-weighing")]
pub async fn complete_order(
    auth: Auth<Yard>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &serde_json::Value::Null)?;
    let tolerance = state.settings.weigh_tolerance_bp;
    let placed = weighing::complete_order(
        &state.db,
        &state.facts,
        &auth,
        id.into_inner(),
        tolerance,
        keyed.as_ref(),
        state.in_flight_wait(),
    )
    .await?;
    Ok(answers::respond(placed))
}

/// Voids a weigh ticket with a reason: the batch gets back exactly what the ticket took, the line
/// is recomputed from its other tickets and, if it was marked weighed, re-opened (the order is
/// `confirmed` again until it is completed anew).
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

/// The order as the weighing station sees it: lines with product names, completion state and
/// every ticket.
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
