use crate::auth::roles::Yard;
use crate::dto::loads::{AddOrder, CreateLoad, DeliverLoad, LoadFilter, LoadOut};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::render;
use crate::services::loads;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_load)
        .service(list_loads)
        .service(get_load)
        .service(add_order_to_load)
        .service(remove_order_from_load)
        .service(mark_loaded)
        .service(mark_departed)
        .service(mark_delivered)
        .service(load_manifest)
        .service(load_manifest_csv);
}

/// Starts a truck load.
#[utoipa::path(tag = "loads", request_body = CreateLoad, responses((status = 201, body = LoadOut)), security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/loads")]
pub async fn create_load(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    body: ApiJson<CreateLoad>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(loads::create(&state.db, &auth, body.value).await?))
}

/// Lists loads, newest first.
#[utoipa::path(tag = "loads", params(LoadFilter, Paging), responses((status = 200, body = Page<LoadOut>)), security(("bearer" = ["admin", "secretary", "station"])))]
#[get("/loads")]
pub async fn list_loads(
    _auth: Auth<Yard>,
    state: web::Data<AppState>,
    filter: web::Query<LoadFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(loads::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one load.
#[utoipa::path(tag = "loads", params(("id" = i64, Path, description = "load id")), responses((status = 200, body = LoadOut)), security(("bearer" = ["admin", "secretary", "station"])))]
#[get("/loads/{id}")]
pub async fn get_load(
    _auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(loads::get(&state.db.read, id.into_inner()).await?))
}

/// Puts a weighed order on an open load, within the truck's capacity.
#[utoipa::path(
    tag = "loads",
    params(("id" = i64, Path, description = "load id")),
    request_body = AddOrder,
    responses(
        (status = 200, body = LoadOut),
        (status = 422, description = "no order with that `order_id`", body = Problem),
        (status = 409, description = "load not open, order not weighed or not approved, on another load, or over capacity", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/loads/{id}/orders")]
pub async fn add_order_to_load(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<AddOrder>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(loads::add_order(&state.db, &auth, id.into_inner(), body.value).await?))
}

/// Takes an order off an open load.
#[utoipa::path(
    tag = "loads",
    params(("id" = i64, Path, description = "load id"), ("order_id" = i64, Path, description = "order id")),
    responses((status = 200, body = LoadOut), (status = 409, description = "the load is not open", body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[delete("/loads/{id}/orders/{order_id}")]
pub async fn remove_order_from_load(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, order_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(loads::remove_order(&state.db, &auth, id, order_id).await?))
}

/// Marks an open load loaded; its orders become `loaded`.
#[utoipa::path(tag = "loads", params(("id" = i64, Path, description = "load id")), responses((status = 200, body = LoadOut), (status = 409, description = "not open, or empty", body = Problem)), security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/loads/{id}/loaded")]
pub async fn mark_loaded(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(loads::loaded(&state.db, &auth, id.into_inner()).await?))
}

/// Marks a loaded truck departed.
#[utoipa::path(tag = "loads", params(("id" = i64, Path, description = "load id")), responses((status = 200, body = LoadOut), (status = 409, description = "not loaded", body = Problem)), security(("bearer" = ["admin", "secretary", "station"])))]
#[post("/loads/{id}/departed")]
pub async fn mark_departed(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(loads::departed(&state.db, &auth, id.into_inner()).await?))
}

/// Marks a load delivered, with who received it; its orders become `delivered`.
#[utoipa::path(
    tag = "loads",
    params(("id" = i64, Path, description = "load id")),
    request_body = DeliverLoad,
    responses((status = 200, body = LoadOut), (status = 409, description = "not loaded or departed", body = Problem)),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[post("/loads/{id}/delivered")]
pub async fn mark_delivered(
    auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<DeliverLoad>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(
        loads::delivered(&state.db, &auth, id.into_inner(), body.value, state.today()).await?,
    ))
}

/// The printable manifest (HTML with print styles and signature lines).
#[utoipa::path(
    tag = "loads",
    params(("id" = i64, Path, description = "load id")),
    responses((status = 200, description = "printable page", content_type = "text/html", body = String)),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[get("/loads/{id}/manifest")]
pub async fn load_manifest(
    _auth: Auth<Yard>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let m = loads::manifest(&state.db.read, id.into_inner()).await?;
    let origin = crate::routes::answers::request_origin(&req);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(render::manifest::html_page(&m, &origin)))
}

/// The manifest as CSV (UTF-8 with BOM, opens in Excel).
#[utoipa::path(
    tag = "loads",
    params(("id" = i64, Path, description = "load id")),
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String)),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[get("/loads/{id}/manifest.csv")]
pub async fn load_manifest_csv(
    _auth: Auth<Yard>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let m = loads::manifest(&state.db.read, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"load-{}.csv\"", m.load.id),
        ))
        .body(render::manifest::csv(&m)))
}
