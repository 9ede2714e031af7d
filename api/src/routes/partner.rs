//! The partner API: what an enterprise buyer's own system calls with its API key. Everything is
//! scoped to the key's buyer; another buyer's object answers 404 exactly as a missing one.

use crate::dto::orders::{OrderFilter, OrderOut};
use crate::dto::partner::{
    CatalogItem, CreateWebhook, PartnerOrder, PartnerOrderOut, WebhookOut, WebhookWithSecret,
};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::partner::{KeyedPartner, PartnerAuth};
use crate::routes::answers;
use crate::services::contract_prices;
use crate::services::partner::{orders, webhooks};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(partner_catalog)
        .service(partner_place_order)
        .service(partner_list_orders)
        .service(partner_get_order)
        .service(partner_register_webhook)
        .service(partner_list_webhooks)
        .service(partner_get_webhook)
        .service(partner_delete_webhook)
        .service(partner_rotate_webhook_secret);
}

/// Open batches with the partner's own price and what is available.
#[utoipa::path(tag = "partner", responses((status = 200, body = Vec<CatalogItem>)), security(("partner_key" = [])))]
#[get("/partner/catalog")]
pub async fn partner_catalog(
    partner: PartnerAuth,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(contract_prices::catalog(&state.db.read, partner.buyer_id, state.today()).await?))
}

/// Places a bulk order (up to the configured number of lines, 500 by default) for the partner's
/// buyer, at its contract prices. All lines are reserved or none. `Idempotency-Key` is required:
/// a retry with the same key and body gets the first answer byte for byte (header
/// `Idempotent-Replayed: true`); the same key with another body is a 422; while the first is
/// still being processed, a 409.
#[utoipa::path(
    tag = "partner",
    request_body(content = PartnerOrder, example = json!({"note": "工会福利", "lines": [{"batch_id": 1, "quantity": 500000}, {"batch_id": 3, "quantity": 40}]})),
    params(("Idempotency-Key" = String, Header, description = "required; keep it for retries of this order")),
    responses(
        (status = 201, body = OrderOut),
        (status = 400, description = "no Idempotency-Key", body = Problem),
        (status = 409, description = "short lines (each listed with what is available), a closed batch, or the key in flight", body = Problem),
        (status = 422, description = "invalid lines, or the key reused with another body", body = Problem),
    ),
    security(("partner_key" = []))
)]
#[post("/partner/orders")]
pub async fn partner_place_order(
    keyed: KeyedPartner,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PartnerOrder>,
) -> AppResult<HttpResponse> {
    let (partner, key) = (keyed.partner, keyed.idempotency_key);
    let mut ctx = state.order_context();
    ctx.max_lines = state.settings.partner_max_order_lines;
    let placed = orders::place(&state.db, &ctx, &partner, body.value, key, req.path()).await?;
    Ok(answers::respond(placed))
}

/// The partner's orders, newest first.
#[utoipa::path(tag = "partner", params(OrderFilter, Paging), responses((status = 200, body = Page<OrderOut>)), security(("partner_key" = [])))]
#[get("/partner/orders")]
pub async fn partner_list_orders(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    filter: web::Query<OrderFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok()
        .json(orders::list(&state.db.read, &partner, filter.into_inner(), paging).await?))
}

/// One of the partner's orders: status, lines, weights, final amounts, truck, payments.
#[utoipa::path(tag = "partner", params(("id" = i64, Path, description = "order id")), responses((status = 200, body = PartnerOrderOut)), security(("partner_key" = [])))]
#[get("/partner/orders/{id}")]
pub async fn partner_get_order(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(orders::get(&state.db.read, &partner, id.into_inner()).await?))
}

/// Registers a webhook endpoint (HTTPS, public address) for the chosen events; the signing
/// secret is in this answer only. Deliveries carry `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
#[utoipa::path(
    tag = "partner",
    request_body(content = CreateWebhook, example = json!({"url": "https://erp.example.com/hooks/zhunong", "events": ["order.weighed", "order.loaded", "order.delivered"]})),
    responses((status = 201, body = WebhookWithSecret)),
    security(("partner_key" = []))
)]
#[post("/partner/webhooks")]
pub async fn partner_register_webhook(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    body: ApiJson<CreateWebhook>,
) -> AppResult<HttpResponse> {
    let out = webhooks::register(
        &state.db,
        &partner,
        body.value,
        &state.settings.webhook_allow_hosts,
        state.resolver.as_ref(),
        &state.webhook_secrets,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(super::auth::NO_STORE)
        .json(out))
}

/// The partner's webhook endpoints.
#[utoipa::path(tag = "partner", responses((status = 200, body = Vec<WebhookOut>)), security(("partner_key" = [])))]
#[get("/partner/webhooks")]
pub async fn partner_list_webhooks(
    partner: PartnerAuth,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(webhooks::list(&state.db.read, &partner).await?))
}

/// One of the partner's webhook endpoints.
#[utoipa::path(tag = "partner", params(("id" = i64, Path, description = "webhook id")), responses((status = 200, body = WebhookOut)), security(("partner_key" = [])))]
#[get("/partner/webhooks/{id}")]
pub async fn partner_get_webhook(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(webhooks::get(&state.db.read, &partner, id.into_inner()).await?))
}

/// Turns a webhook endpoint off.
#[utoipa::path(tag = "partner", params(("id" = i64, Path, description = "webhook id")), responses((status = 200, body = WebhookOut)), security(("partner_key" = [])))]
#[delete("/partner/webhooks/{id}")]
pub async fn partner_delete_webhook(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(webhooks::disable(&state.db, &partner, id.into_inner()).await?))
}

/// A new signing secret; the old one keeps signing alongside it for 24 hours.
#[utoipa::path(tag = "partner", params(("id" = i64, Path, description = "webhook id")), responses((status = 200, body = WebhookWithSecret)), security(("partner_key" = [])))]
#[post("/partner/webhooks/{id}/rotate-secret")]
pub async fn partner_rotate_webhook_secret(
    partner: PartnerAuth,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header(super::auth::NO_STORE)
        .json(
            webhooks::rotate(&state.db, &partner, id.into_inner(), &state.webhook_secrets).await?,
        ))
}
