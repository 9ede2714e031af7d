//! Sales reports for the secretary: one engine in JSON, CSV or XLSX, and the dashboard's cards.

use crate::auth::roles::Office;
use crate::dto::reports::{
    Export, ExportFormat, SalesReport, SalesReportParams, SalesSummary, SummaryQuery, Units,
};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::Auth;
use crate::render::report as render;
use crate::render::table;
use crate::services::reports::request;
use crate::services::reports::{sales, summary};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(sales_summary)
        .service(sales_report)
        .service(fulfilment_report);
}

/// Sales totals: metrics × up to three dimensions × an interval in local time, with an
/// optional comparison; as JSON, CSV (UTF-8 with BOM) or XLSX. Every period of the span is
/// present, also empty ones; cancelled orders count only in `cancelled_orders`.
#[utoipa::path(
    tag = "reports",
    params(SalesReportParams),
    responses(
        (status = 200, body = SalesReport, content(
            (SalesReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 422, description = "a parameter is wrong; the problem names it", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/reports/sales")]
pub async fn sales_report(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let s = &state.settings;
    let (ask, export) = request::parse(req.query_string(), s.report_max_filter_values)?;
    let limits = sales::ReportLimits {
        max_rows: s.report_max_rows,
    };
    let report = sales::report(&state.db.for_reports().await, &ask, limits).await?;
    let stem = render::file_stem(&report);
    let table = render::table(&report);
    let parameters = render::parameters(&report, s.local_offset());
    table_answer(
        export,
        &report,
        (&stem, "sales-report"),
        "销售报表",
        table,
        &parameters,
        &[render::ORDER_COUNT_NOTE],
    )
}

/// Answers a table as JSON (`json`), CSV or XLSX, named `stem` (Chinese, RFC 5987) with an
/// ASCII fallback; in 元 and 斤 only unless `with_integers` asks for the 分 and 克 columns too.
///
/// # Errors
/// The workbook could not be written.
pub fn table_answer(
    export: Export,
    json: impl serde::Serialize,
    name: (&str, &str),
    sheet: &str,
    (headers, rows): (Vec<String>, Vec<Vec<table::Cell>>),
    parameters: &[(String, String)],
    notes: &[&str],
) -> AppResult<HttpResponse> {
    let (stem, fallback) = name;
    let (headers, rows) = if export.units == Units::Readable {
        table::readable(headers, rows)
    } else {
        (headers, rows)
    };
    Ok(match export.format {
        ExportFormat::Json => HttpResponse::Ok().json(json),
        ExportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "content-disposition",
                table::content_disposition(stem, "csv", fallback),
            ))
            .body(table::csv(&headers, &rows)),
        ExportFormat::Xlsx => {
            let body = table::xlsx(sheet, &headers, &rows, parameters, notes)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the workbook: {e}")))?;
            HttpResponse::Ok()
                .content_type(XLSX)
                .insert_header((
                    "content-disposition",
                    table::content_disposition(stem, "xlsx", fallback),
                ))
                .body(body)
        }
    })
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How orders reached their buyers over a span, per fulfilment (装车, 快递, 自提): orders, sales,
/// deliveries, and for parcels their count, shipping cost and the time from shipping to delivery.
#[utoipa::path(
    tag = "reports",
    params(crate::dto::reports::FulfilmentQuery),
    responses((status = 200, body = crate::dto::reports::FulfilmentReport), (status = 422, body = crate::error::Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/reports/fulfilment")]
pub async fn fulfilment_report(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    q: web::Query<crate::dto::reports::FulfilmentQuery>,
) -> AppResult<HttpResponse> {
    let to = q.to.unwrap_or_else(|| state.today());
    let from = q.from.unwrap_or(to - chrono::Duration::days(30));
    if from > to || (to - from).num_days() > 3_660 {
        return Err(crate::error::AppError::field(
            "from",
            "on or before `to`, at most ten years before",
        ));
    }
    let offset = state.settings.local_offset();
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let (Some(from), Some(to)) = (start(from), start(to + chrono::Duration::days(1))) else {
        return Err(crate::error::AppError::field(
            "to",
            "not a day this server can read",
        ));
    };
    let reader = state.db.for_reports().await;
    Ok(HttpResponse::Ok()
        .json(crate::services::reports::fulfilment::report(&reader, from, to).await?))
}

/// The dashboard's cards: today, this week, this month and this year to `date`, each against
/// the same days a year earlier.
#[utoipa::path(
    tag = "reports",
    params(SummaryQuery),
    responses((status = 200, body = SalesSummary)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/reports/sales/summary")]
pub async fn sales_summary(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    q: web::Query<SummaryQuery>,
) -> AppResult<HttpResponse> {
    let date = q.date.unwrap_or_else(|| state.today());
    let reader = state.db.for_reports().await;
    Ok(HttpResponse::Ok().json(summary::summary(&reader, date).await?))
}
