use crate::auth::roles::{Sales, Staff};
use crate::domain::units::OrderId;
use crate::dto::orders::{CancelOrder, CreateOrder, OrderFilter, OrderOut, StatusCounts};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::Auth;
use crate::extract::{ApiJson, IdempotencyKey, OptionalJson};
use crate::routes::answers;
use crate::services::orders;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_order)
        .service(list_orders)
        // Before `/orders/{id}`, which would take `status-counts` for an id.
        .service(order_status_counts)
        .service(get_order)
        .service(get_order_by_number)
        .service(confirm_order)
        .service(cancel_order);
}

/// Places an order. Stock is taken for all lines or none; each line's price is copied from its
/// batch (enterprise price for enterprise buyers, retail otherwise). With an `Idempotency-Key`,
/// a retry with the same body gets the first answer back (header `Idempotent-Replayed: true`)
/// and makes no second order.
#[utoipa::path(
    tag = "orders",
    request_body = CreateOrder,
    params(("Idempotency-Key" = Option<String>, Header, description = "client-made key, 1–255 visible ASCII characters")),
    responses(
        (status = 201, body = OrderOut),
        (status = 409, description = "short stock (every short line listed), a closed batch, or the key still in flight", body = Problem),
        (status = 422, description = "invalid fields, unknown buyer or batch, or the key reused with another body", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/orders")]
pub async fn create_order(
    auth: Auth<Sales>,
    req: HttpRequest,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: ApiJson<CreateOrder>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &body.value)?;
    let placed = orders::place(
        &state.db,
        &state.order_context(),
        orders::Placer::Staff(&auth),
        body.value,
        keyed,
    )
    .await?;
    Ok(answers::respond(placed))
}

/// How many orders there are in each status under the same filters as `GET /orders` (its
/// `status` aside), and how many wait for a weight approval: the counts on the office's tabs.
#[utoipa::path(
    tag = "orders",
    params(OrderFilter),
    responses((status = 200, body = StatusCounts)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/orders/status-counts")]
pub async fn order_status_counts(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<OrderFilter>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(orders::status_counts(&state.db.read, filter.into_inner()).await?))
}

/// Lists orders, newest first, with their lines and (on this list only) their buyers.
#[utoipa::path(
    tag = "orders",
    params(OrderFilter, Paging),
    responses((status = 200, body = Page<OrderOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/orders")]
pub async fn list_orders(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<OrderFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(orders::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one order with its lines.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = OrderOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/orders/{id}")]
pub async fn get_order(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(orders::get(&state.db.read, OrderId::new(id.into_inner())).await?))
}

/// Confirms a pending order.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses(
        (status = 200, body = OrderOut),
        (status = 409, description = "the order is not pending", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/orders/{id}/confirm")]
pub async fn confirm_order(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(orders::confirm(&state.db, &auth, OrderId::new(id.into_inner())).await?))
}

/// Cancels an order that is not yet loaded; its stock returns to the batches. The body, which
/// may be left out, gives the reason for the audit trail.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    request_body(content = Option<CancelOrder>, description = "optional; the reason is kept in the audit log"),
    responses(
        (status = 200, body = OrderOut),
        (status = 409, description = "the order is already loaded, delivered, settled or cancelled", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "helper"]))
)]
#[post("/orders/{id}/cancel")]
pub async fn cancel_order(
    auth: Auth<Sales>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: OptionalJson<CancelOrder>,
) -> AppResult<HttpResponse> {
    let reason = body.0.and_then(|b| b.reason);
    Ok(HttpResponse::Ok()
        .json(orders::cancel(&state.db, &auth, OrderId::new(id.into_inner()), reason).await?))
}

/// Finds an order by its number (`ZN000042`, any case).
#[utoipa::path(
    tag = "orders",
    params(("number" = String, Path, description = "order number, e.g. ZN000042")),
    responses((status = 200, body = OrderOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/orders/by-number/{number}")]
pub async fn get_order_by_number(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::domain::order_number::parse(&number)
        .ok_or(crate::error::AppError::NotFound("order"))?;
    Ok(HttpResponse::Ok().json(orders::get(&state.db.read, OrderId::new(id)).await?))
}
