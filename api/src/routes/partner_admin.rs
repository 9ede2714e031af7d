//! What the secretary sets up for partners: API keys, contract prices, and the webhook deliveries
//! that failed.

use crate::auth::roles::Office;
use crate::dto::partner::{
    ContractPriceOut, CreateContractPrice, CreateKey, DeliveryFilter, DeliveryOut, KeyOut,
    NewKeyOut,
};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::contract_prices;
use crate::services::partner::{keys, webhooks};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_api_key)
        .service(list_api_keys)
        .service(revoke_api_key)
        .service(create_contract_price)
        .service(list_contract_prices)
        .service(list_deliveries)
        .service(resend_delivery);
}

/// Creates an API key for an enterprise buyer. The key is shown in this answer only; only a hash
/// is stored. Several keys may be active, so a partner can rotate.
#[utoipa::path(
    tag = "partner admin",
    params(("id" = i64, Path, description = "buyer id")),
    request_body = CreateKey,
    responses((status = 201, body = NewKeyOut), (status = 409, description = "not an enterprise buyer", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/buyers/{id}/api-keys")]
pub async fn create_api_key(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<CreateKey>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .insert_header(super::auth::NO_STORE)
        .json(keys::create(&state.db, &auth, id.into_inner(), body.value).await?))
}

/// The buyer's keys (ids, labels, last use; never the key).
#[utoipa::path(tag = "partner admin", params(("id" = i64, Path, description = "buyer id")), responses((status = 200, body = Vec<KeyOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/buyers/{id}/api-keys")]
pub async fn list_api_keys(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(keys::list(&state.db.read, id.into_inner()).await?))
}

/// Revokes a key: its next request is refused.
#[utoipa::path(
    tag = "partner admin",
    params(("id" = i64, Path, description = "buyer id"), ("key_id" = String, Path, description = "key id")),
    responses((status = 204, description = "revoked")),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/buyers/{id}/api-keys/{key_id}/revoke")]
pub async fn revoke_api_key(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, key_id) = path.into_inner();
    keys::revoke(&state.db, &auth, id, &key_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Agrees a price with an enterprise buyer for a product or one batch.
#[utoipa::path(tag = "partner admin", params(("id" = i64, Path, description = "buyer id")), request_body = CreateContractPrice, responses((status = 201, body = ContractPriceOut), (status = 409, description = "not an enterprise buyer", body = Problem)), security(("bearer" = ["admin", "secretary"])))]
#[post("/buyers/{id}/contract-prices")]
pub async fn create_contract_price(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<CreateContractPrice>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(contract_prices::create(&state.db, id.into_inner(), body.value).await?))
}

/// The buyer's contract prices, newest first.
#[utoipa::path(tag = "partner admin", params(("id" = i64, Path, description = "buyer id")), responses((status = 200, body = Vec<ContractPriceOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/buyers/{id}/contract-prices")]
pub async fn list_contract_prices(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(contract_prices::list(&state.db.read, id.into_inner()).await?))
}

/// Webhook deliveries, newest first (`?status=failed` for the ones that gave up).
#[utoipa::path(tag = "partner admin", params(DeliveryFilter, Paging), responses((status = 200, body = Page<DeliveryOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/webhook-deliveries")]
pub async fn list_deliveries(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    f: web::Query<DeliveryFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(
        HttpResponse::Ok()
            .json(webhooks::deliveries(&state.db.read, f.into_inner(), paging).await?),
    )
}

/// Sends a failed delivery again.
#[utoipa::path(
    tag = "partner admin",
    params(("id" = i64, Path, description = "delivery id")),
    responses((status = 200, body = DeliveryOut), (status = 409, description = "the delivery has not failed", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/webhook-deliveries/{id}/resend")]
pub async fn resend_delivery(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(webhooks::resend(&state.db, id.into_inner()).await?))
}
