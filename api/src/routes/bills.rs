//! Bills from the platforms (the 抖店 settlement bill, WeChat Pay's and Alipay's trade bills),
//! reconciled against the books: upload, the list, one bill, its items, its exceptions as a
//! file, and the office's answer to each exception.

use crate::auth::roles::Office;
use crate::domain::bills::matching::Tolerance;
use crate::dto::bills::{
    BillItemOut, BillItemsParams, BillOut, BillParams, ExceptionsFileParams, ResolveItem,
};
use crate::error::{AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::services::bills;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload_bill)
        .service(list_bills)
        .service(get_bill)
        .service(bill_items)
        .service(bill_exceptions)
        .service(resolve_item);
}

/// Uploads a bill and reconciles it: the 抖店 settlement bill (结算账单) or fund bill (资金账单;
/// withdrawals passed over, refunds after settlement matched to the books' refunds; an order's
/// fees are posted with the first of the shop's bills that has it), WeChat Pay's trade bill
/// (ALL, with its backtick-prefixed cells and totals block) or Alipay's trade bill (业务明细);
/// CSV (UTF-8 or GBK) or XLSX, the kind known from the header. The shop's lines are matched to
/// imported orders by 订单号; a payment bill's lines to payments of its method by number (the
/// payment's reference, or our order number as 商户订单号), then by amount and time within the
/// tolerances. Each item is `matched`, `amount_differs`, `bill_only`, `books_only` (including
/// shop orders the platform never settled) or `refunded_after_settlement`. A matched payment is
/// marked reconciled; the platform's fees and subsidies become ledger entries against their
/// orders (by default they do not change the commission, which stays on net sales; with
/// `fees_reduce_commission_base` they come off it and a settled order is settled again). 201 for a
/// new bill; 200 with `already_applied` for a file applied before, which changes nothing.
#[utoipa::path(tag = "bills", params(BillParams),
    request_body(content = String, description = "the CSV or XLSX file", content_type = "text/csv"),
    responses((status = 201, body = BillOut),
        (status = 200, description = "this file was applied before; nothing changed", body = BillOut),
        (status = 413, body = Problem),
        (status = 422, description = "not a known bill (the headers found are listed), a row that cannot be read, totals that disagree, another merchant's bill", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/bills")]
pub async fn upload_bill(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    params: web::Query<BillParams>,
    body: web::Payload,
) -> AppResult<HttpResponse> {
    let s = &state.settings;
    let bytes = crate::extract::file_body(body, s.import_max_bytes).await?;
    let limits = bills::Limits {
        offset: s.local_offset(),
        max_rows: s.import_max_rows,
        wechat_merchant_no: s.wechat_merchant_no.as_deref(),
        alipay_account: s.alipay_account.as_deref(),
        fees_reduce_commission_base: s.fees_reduce_commission_base,
    };
    let tol = Tolerance {
        minutes: params
            .time_tolerance_minutes
            .unwrap_or(s.bill_time_tolerance_minutes),
        fen: params
            .amount_tolerance_fen
            .unwrap_or(s.bill_amount_tolerance_fen),
    };
    let name = params.file_name.as_deref().unwrap_or("账单");
    let (out, new) = bills::upload(&state.db, &auth, &limits, name, &bytes, tol).await?;
    Ok(if new {
        HttpResponse::Created().json(out)
    } else {
        HttpResponse::Ok().json(out)
    })
}

/// The latest 100 bills, newest first, each with its totals per class.
#[utoipa::path(tag = "bills", responses((status = 200, body = Vec<BillOut>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/bills")]
pub async fn list_bills(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(bills::list(&state.db.read).await?))
}

/// One bill, with its totals per class.
#[utoipa::path(tag = "bills", responses((status = 200, body = BillOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/bills/{id}")]
pub async fn get_bill(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(bills::get(&state.db.read, id.into_inner()).await?))
}

/// A bill's items: the file's, in its order, then what only the books have.
#[utoipa::path(tag = "bills", params(BillItemsParams),
    responses((status = 200, body = Vec<BillItemOut>), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/bills/{id}/items")]
pub async fn bill_items(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<BillItemsParams>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(bills::items(&state.db.read, id.into_inner(), &q).await?))
}

/// A bill's exceptions (every item not matched, resolved or not) as CSV or XLSX.
#[utoipa::path(tag = "bills", params(ExceptionsFileParams),
    responses((status = 200, description = "the file", content_type = "text/csv", body = String),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/bills/{id}/exceptions")]
pub async fn bill_exceptions(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<ExceptionsFileParams>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let format = super::table_file::Format::parse(q.format.as_deref())?;
    let (headers, rows) =
        bills::exceptions_table(&state.db.read, id, state.settings.local_offset()).await?;
    super::table_file::respond(
        format,
        "对账差异",
        &format!("对账差异-{id}"),
        "bill-exceptions",
        &headers,
        &rows,
    )
}

/// Resolves one exception: `payment_recorded` records the money the bill has and the books lack
/// as a payment on the item's order (by the bill's method, marked reconciled);
/// `fee_recorded` records an amount that differs as the platform's fee (or subsidy) in the
/// ledger; `explained` keeps the note. Once per item; audited.
#[utoipa::path(tag = "bills", request_body = ResolveItem,
    responses((status = 200, body = BillItemOut), (status = 404, body = Problem),
        (status = 409, description = "matched, resolved already, or the action does not fit the item", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/bills/{id}/items/{item}/resolution")]
pub async fn resolve_item(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: ApiJson<ResolveItem>,
) -> AppResult<HttpResponse> {
    let (bill, item) = path.into_inner();
    let out = bills::resolve(
        &state.db,
        &auth,
        bill,
        item,
        body.value,
        bills::Books {
            day: state.today(),
            offset: state.settings.local_offset(),
            fees_reduce_commission_base: state.settings.fees_reduce_commission_base,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
