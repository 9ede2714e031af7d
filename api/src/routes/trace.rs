use crate::auth::client_addr::client_addr;
use crate::auth::roles::{Office, Yard};
use crate::dto::trace::{LabelQuery, ScanQuery, ScanReport};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::Auth;
use crate::render;
use crate::services::trace::{labels, public, scans};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use sha2::Digest;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(print_labels).service(scan_report);
}

/// Trace labels (溯源标签) as a printable page: for an order or a load, one per crate with its
/// net weight and one per unweighed box; for a batch, `copies` labels of the batch's own code.
/// Each carries a QR code of its public trace page, `/t/{code}`. Codes are made as labels are
/// first printed.
#[utoipa::path(
    tag = "weighing",
    params(LabelQuery),
    responses(
        (status = 200, description = "printable page", content_type = "text/html", body = String),
        (status = 404, description = "no such order, load or batch", body = Problem),
        (status = 422, description = "not exactly one of order_id, load_id, batch_id; too many labels", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary", "station"]))
)]
#[get("/labels")]
pub async fn print_labels(
    _auth: Auth<Yard>,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<LabelQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let max = state.settings.label_max;
    let (target, title) = match (q.order_id, q.load_id, q.batch_id) {
        (Some(id), None, None) => (
            labels::Target::Order(id),
            format!(
                "溯源标签 · 订单 {}",
                crate::domain::order_number::format(id)
            ),
        ),
        (None, Some(id), None) => (labels::Target::Load(id), format!("溯源标签 · 第 {id} 车")),
        (None, None, Some(id)) => {
            let copies = q.copies.unwrap_or(10);
            if copies == 0 || copies > max {
                return Err(AppError::field("copies", format!("between 1 and {max}")));
            }
            (
                labels::Target::Batch { id, copies },
                format!("溯源标签 · 批次 {id}"),
            )
        }
        _ => {
            return Err(AppError::field(
                "order_id",
                "give exactly one of order_id, load_id, batch_id",
            ));
        }
    };
    let printed = labels::labels(&state.db, target, max).await?;
    let base = public_base(&req, &state);
    let warn = state.settings.public_base_url.is_none()
        && crate::domain::trace::unreachable_from_phones(&base);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(render::labels::html_page(
            &printed, q.layout, &base, &title, warn,
        )))
}

/// Scans of trace labels per batch and local day (default: the last 30 days).
#[utoipa::path(tag = "reports", params(ScanQuery), responses((status = 200, body = ScanReport)), security(("bearer" = ["admin", "secretary"])))]
#[get("/reports/trace-scans")]
pub async fn scan_report(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    q: web::Query<ScanQuery>,
) -> AppResult<HttpResponse> {
    let to = q.to.unwrap_or_else(|| state.today());
    let from = q.from.unwrap_or(to - chrono::Duration::days(30));
    Ok(HttpResponse::Ok().json(scans::report(&state.db.read, from, to).await?))
}

/// The address a buyer's phone opens: the configured one, else the one this request came to.
pub(crate) fn public_base(req: &HttpRequest, state: &AppState) -> String {
    match &state.settings.public_base_url {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => crate::routes::answers::request_origin(req),
    }
}

/// A public page's answer: HTML, revalidated at each visit.
pub(crate) fn html(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// The public pages' rate limit per address (the trace page's and the finance sheet's): past
/// it, the 429 answer, the page `too_many` writes for the wait, with `Retry-After`.
pub(crate) fn over_public_limit(
    req: &HttpRequest,
    state: &AppState,
    too_many: fn(u64) -> String,
) -> Option<HttpResponse> {
    let who = client_addr(req, &state.trusted_proxies).map_or_else(String::new, |a| a.to_string());
    state.trace_limits.check(&who).err().map(|wait| {
        let mut res = html(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            too_many(wait),
        );
        if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    })
}

/// `/t/{code}`: the public trace page. No login; rate limited per address; answered with an
/// ETag (a repeat scan of an unchanged page gets 304); every scan is counted per day.
pub async fn public_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    if let Some(res) = over_public_limit(&req, &state, render::trace_page::too_many) {
        return res;
    }
    // A code read aloud or typed in may come in lower case.
    let code = code.into_inner().to_ascii_uppercase();
    if !crate::domain::trace::is_code(&code) {
        return html(StatusCode::NOT_FOUND, render::trace_page::not_found());
    }
    let view = match public::find(&state.db.read, &code).await {
        Ok(Some(v)) => v,
        Ok(None) => return html(StatusCode::NOT_FOUND, render::trace_page::not_found()),
        Err(e) => {
            tracing::warn!(error = %e, "trace page unavailable");
            return html(
                StatusCode::SERVICE_UNAVAILABLE,
                render::trace_page::unavailable(),
            );
        }
    };
    // The count is the office's statistic, not the buyer's answer: a scan that cannot be
    // counted still shows the page. A `HEAD` (a link checker, not a phone) is no scan.
    let scanned = req.method() != actix_web::http::Method::HEAD;
    if scanned && let Err(e) = scans::record(&state.db, view.code_id, state.today()).await {
        tracing::warn!(error = %e, code_id = view.code_id, "a trace scan was not counted");
    }
    let body = render::trace_page::html_page(&view, state.settings.local_offset());
    let digest = sha2::Sha256::digest(body.as_bytes());
    let etag = format!(
        "\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if unchanged {
        HttpResponse::NotModified().finish()
    } else {
        html(StatusCode::OK, body)
    };
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    res
}
