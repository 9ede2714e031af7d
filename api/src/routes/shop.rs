//! The Douyin shop (抖店): SKU maps, order imports (preview and commit), their results, and the
//! ship-back file.

use crate::auth::roles::Office;
use crate::dto::shop::{ImportBrief, ImportOut, ImportParams, ShipBackParams, SkuMapIn, SkuMapOut};
use crate::error::{AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::render::table::content_disposition;
use crate::services::shop::{import, ship_back, skus};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_sku_maps)
        .service(put_sku_map)
        .service(import_orders)
        .service(list_imports)
        .service(get_import)
        .service(import_results)
        .service(ship_back_file);
}

/// Every SKU map, by code.
#[utoipa::path(tag = "shop", responses((status = 200, body = Vec<SkuMapOut>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/shop/sku-maps")]
pub async fn list_sku_maps(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(skus::list(&state.db.read).await?))
}

/// Maps a shop SKU code (商家编码) to a batch, or to a product (its newest open batch takes the
/// orders), with the amount one item is; replaces the code's earlier map. Applies from the next
/// import on; audited.
#[utoipa::path(tag = "shop", request_body = SkuMapIn,
    responses((status = 200, body = SkuMapOut), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[put("/shop/sku-maps")]
pub async fn put_sku_map(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<SkuMapIn>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(skus::put(&state.db, &auth, body.value).await?))
}

/// Imports a Douyin shop order export (CSV in UTF-8 or GBK, or XLSX; the standard report, one row
/// per 子订单, or one row per 主订单). Columns are found by their header's name; the answer says
/// which were used and which were not recognised. With `dry_run=true`, a preview: every row's
/// outcome (new, unchanged, updated, skipped, refused with its reason) as a commit would have
/// it, and nothing written but the import's record.
///
/// A paid order takes stock and becomes a confirmed parcel order on the `douyin_shop` channel,
/// paid in full through the platform (`platform`). **Its amount, on which commission is
/// computed, is the goods less the discounts the shop bears** (商品单价 × 商品数量 − 商家实际承担优惠金额):
/// discounts the platform or the host bear are paid back to the shop, and the shipping charged
/// pays the courier. What the buyer paid, the shipping and each discount are kept with the
/// order. A cancelled or closed order gives its stock back, and a refund in the file becomes a
/// refund in the books, once. Importing the same file again changes nothing.
#[utoipa::path(tag = "shop", params(ImportParams),
    request_body(content = String, description = "the CSV or XLSX file", content_type = "text/csv"),
    responses((status = 200, body = ImportOut),
        (status = 413, body = Problem),
        (status = 422, description = "not CSV or XLSX, no recognisable header (the headers found are listed), missing columns, too many rows", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/shop/order-imports")]
pub async fn import_orders(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    params: web::Query<ImportParams>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    let s = &state.settings;
    let bytes = crate::extract::file_body(body, s.import_max_bytes).await?;
    let ctx = import::ImportContext {
        facts: &state.facts,
        rules: &state.rules,
        today: state.today(),
        offset: s.local_offset(),
        max_rows: s.import_max_rows,
        orders_per_tx: s.import_orders_per_tx,
        orders_per_read: s.import_orders_per_read,
    };
    let name = params.file_name.as_deref().unwrap_or("抖店订单");
    let out = import::run(&state.db, &ctx, &auth, name, &bytes, params.dry_run).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The latest 100 imports and previews, newest first.
#[utoipa::path(tag = "shop", responses((status = 200, body = Vec<ImportBrief>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/shop/order-imports")]
pub async fn list_imports(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(import::list_imports(&state.db.read).await?))
}

/// One import.
#[utoipa::path(tag = "shop", responses((status = 200, body = ImportBrief), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/shop/order-imports/{id}")]
pub async fn get_import(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(import::get_import(&state.db.read, id.into_inner()).await?))
}

/// An import's per-row results as CSV (行号, 主订单编号, 子订单编号, 结果, 原因, 本系统订单号).
#[utoipa::path(tag = "shop",
    responses((status = 200, content((String = "text/csv"))), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/shop/order-imports/{id}/results.csv")]
pub async fn import_results(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = import::results_csv(&state.db.read, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            content_disposition(&format!("抖店导入结果-{id}"), "csv", "shop-import-results"),
        ))
        .body(body))
}

/// The ship-back file in the shop's batch-shipping layout (订单号, 物流公司, 运单号): the shop's
/// orders that left in a parcel with a tracking number. With `only_new=true`, only those not
/// given out in an earlier file; every order given out is remembered.
#[utoipa::path(tag = "shop", params(ShipBackParams),
    responses((status = 200, content((String = "text/csv")))),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/shop/ship-back-files")]
pub async fn ship_back_file(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    params: web::Query<ShipBackParams>,
) -> AppResult<HttpResponse> {
    let body = ship_back::file(&state.db, params.only_new).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            content_disposition("抖店批量发货", "csv", "shop-ship-back"),
        ))
        .body(body))
}
