use crate::auth::roles::Yard;
use crate::dto::pick_list::{PickList, PickListQuery};
use crate::error::AppResult;
use crate::extract::Auth;
use crate::render;
use crate::services::pick_list;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_pick_list).service(print_pick_list);
}

/// What to take from which batch: for the orders confirmed on a day (and not yet weighed), or
/// for one load. Quantities per batch and per order, totals per product.
#[utoipa::path(tag = "weighing", params(PickListQuery), responses((status = 200, body = PickList)), security(("bearer" = ["admin", "secretary", "station"])))]
#[get("/pick-list")]
pub async fn get_pick_list(
    _auth: Auth<Yard>,
    state: web::Data<AppState>,
    q: web::Query<PickListQuery>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(
        pick_list::pick_list(
            &state.db.read,
            q.into_inner(),
            state.settings.local_utc_offset_minutes,
        )
        .await?,
    ))
}

/// The pick list as a printable page.
#[utoipa::path(
    tag = "weighing",
    params(PickListQuery),
    responses((status = 200, description = "printable page", content_type = "text/html", body = String)),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[get("/pick-list/print")]
pub async fn print_pick_list(
    _auth: Auth<Yard>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<PickListQuery>,
) -> AppResult<HttpResponse> {
    let p = pick_list::pick_list(
        &state.db.read,
        q.into_inner(),
        state.settings.local_utc_offset_minutes,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(render::pick_list::html_page(
            &p,
            &crate::routes::answers::request_origin(&req),
        )))
}
