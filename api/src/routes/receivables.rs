//! The settlement screen: delivered orders awaiting money, and orders settled.

use crate::auth::roles::Office;
use crate::dto::receivables::{ReceivableFilter, Receivables, SettledFilter, SettledOrder};
use crate::dto::{Page, Paging};
use crate::error::AppResult;
use crate::extract::Auth;
use crate::services::money::receivables;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_receivables).service(list_settled_orders);
}

/// Delivered orders not yet settled, the longest waiting first: the buyer, what is due, what
/// was paid and what is still owed, with the total owed over all of them. Recording the money
/// (`POST /orders/{id}/payments`) settles an order the moment it is paid in full.
#[utoipa::path(
    tag = "money",
    params(ReceivableFilter, Paging),
    responses((status = 200, body = Receivables)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/receivables")]
pub async fn list_receivables(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    f: web::Query<ReceivableFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok()
        .json(receivables::awaiting_money(&state.db.read, f.into_inner(), paging).await?))
}

/// Settled orders, the most recently settled first, by local settlement date.
#[utoipa::path(
    tag = "money",
    params(SettledFilter, Paging),
    responses((status = 200, body = Page<SettledOrder>)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/settled-orders")]
pub async fn list_settled_orders(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    f: web::Query<SettledFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    let offset = state.settings.local_offset();
    Ok(HttpResponse::Ok()
        .json(receivables::settled(&state.db.read, f.into_inner(), paging, offset).await?))
}
