use crate::auth::roles::{Office, Staff};
use crate::dto::catalog::{CreateProduct, ProductFilter, ProductOut, UpdateProduct};
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::ApiJson;
use crate::extract::Auth;
use crate::services::products;
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_product)
        .service(list_products)
        .service(get_product)
        .service(update_product);
}

/// Creates a product.
#[utoipa::path(
    tag = "catalog",
    request_body = CreateProduct,
    responses((status = 201, body = ProductOut), (status = 409, description = "name taken", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/products")]
pub async fn create_product(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateProduct>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(products::create(&state.db, body.value).await?))
}

/// Lists products, filtered and paginated.
#[utoipa::path(
    tag = "catalog",
    params(ProductFilter, Paging),
    responses((status = 200, body = Page<ProductOut>)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/products")]
pub async fn list_products(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    filter: web::Query<ProductFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(products::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// Reads one product.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "product id")),
    responses((status = 200, body = ProductOut)),
    security(("bearer" = ["admin", "secretary", "helper", "station"]))
)]
#[get("/products/{id}")]
pub async fn get_product(
    _auth: Auth<Staff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(products::get(&state.db.read, id.into_inner()).await?))
}

/// Changes a product; absent fields stay as they are, `null` clears an optional one.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "product id")),
    request_body = UpdateProduct,
    responses((status = 200, body = ProductOut), (status = 409, description = "name taken", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[patch("/products/{id}")]
pub async fn update_product(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateProduct>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(products::update(&state.db, id.into_inner(), body.value).await?))
}
