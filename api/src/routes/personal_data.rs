//! A buyer's personal data: the copy the law gives them, and its erasure (the office).

use crate::auth::roles::Office;
use crate::dto::buyers::{BuyerOut, EraseBuyer};
use crate::error::{AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::services::personal_data;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export_personal_data).service(erase_buyer);
}

/// Everything held about one buyer, as a ZIP (PIPL art. 45): their record, their orders with
/// lines, payments and refunds, and the audit entries about them, with a note in Chinese.
#[utoipa::path(
    tag = "buyers",
    params(("id" = i64, Path)),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>),
        (status = 404, body = Problem),
        (status = 422, description = "more orders than one export holds", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/buyers/{id}/personal-data")]
pub async fn export_personal_data(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let zip = personal_data::export(
        &state.db.read,
        id,
        state.settings.personal_export_max_orders,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"buyer-{id}-personal-data.zip\""),
        ))
        .body(zip))
}

/// Erases a buyer's personal data (PIPL art. 47): name, phone, address, company, contacts and
/// Douyin nickname are removed from the buyer and from the audit entries about them; the buyer
/// stays as 已删除的买家 with their orders, so money, the ledger and the reports stay exact.
/// The audit log records the erasure and its reason, not the values. Erasing twice changes
/// nothing.
#[utoipa::path(
    tag = "buyers",
    params(("id" = i64, Path)),
    request_body = EraseBuyer,
    responses((status = 200, body = BuyerOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/buyers/{id}/erase")]
pub async fn erase_buyer(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<EraseBuyer>,
) -> AppResult<HttpResponse> {
    let list = state.settings.erased_list_path();
    let out = personal_data::erase(
        &state.db,
        auth.user_id,
        id.into_inner(),
        &body.value.reason,
        list.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
