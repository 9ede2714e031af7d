//! The public finance sheet (财务公开): the office drafts and publishes it, the finance group
//! checks it, the notice board gets an A3 poster, and anyone the public page its QR code opens.

use crate::auth::roles::{FinanceGroup, Office};
use crate::dto::disclosure::{CheckSheet, DraftSheet, EditSheet, FinanceSheetOut};
use crate::error::{AppError, AppResult, ErrorCode, Problem};
use crate::extract::{ApiJson, Auth};
use crate::services::books::disclosure::{self, Drafting};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;
use zhunong_entity::enums::SheetStatus;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(draft_sheet)
        .service(list_sheets)
        .service(get_sheet)
        .service(edit_sheet)
        .service(check_sheet)
        .service(publish_sheet)
        .service(print_poster);
}

fn drafting(state: &AppState) -> Drafting {
    Drafting {
        today: state.today(),
        keeper_setting: state.settings.books_collective_id,
        top_sales: state.settings.finance_sheet_top_sales,
    }
}

async fn one(
    state: &AppState,
    sheet: zhunong_entity::finance_sheet::Model,
) -> AppResult<FinanceSheetOut> {
    Ok(disclosure::out(&state.db.read, vec![sheet])
        .await?
        .remove(0))
}

/// Drafts the public finance sheet of a quarter (`2026-Q3`) or month that is over, from the
/// books: income item by item, spending, assets, what is owed to and by the collective (growers
/// by name), the products behind the commission, and the office's notes for the categories the
/// books do not hold. For a period published already, the draft is its next version. Audited.
#[utoipa::path(tag = "books", request_body = DraftSheet,
    responses((status = 201, body = FinanceSheetOut), (status = 404, body = Problem),
        (status = 409, description = "`sheet_in_progress`: the period has a draft not yet published", body = Problem),
        (status = 422, description = "not a quarter or month, or not over yet", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/collectives/{id}/finance-sheets")]
pub async fn draft_sheet(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<DraftSheet>,
) -> AppResult<HttpResponse> {
    let sheet = disclosure::draft(
        &state.db,
        &auth,
        id.into_inner(),
        body.value,
        &drafting(&state),
    )
    .await?;
    Ok(HttpResponse::Created().json(one(&state, sheet).await?))
}

/// A collective's finance sheets, newest period and version first.
#[utoipa::path(tag = "books", responses((status = 200, body = Vec<FinanceSheetOut>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/finance-sheets")]
pub async fn list_sheets(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let sheets = disclosure::list(&state.db.read, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(disclosure::out(&state.db.read, sheets).await?))
}

/// One version of a finance sheet.
#[utoipa::path(tag = "books",
    responses((status = 200, body = FinanceSheetOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/finance-sheets/{id}")]
pub async fn get_sheet(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let sheet = disclosure::get(&state.db.read, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(one(&state, sheet).await?))
}

/// Changes a draft's notes and draws its figures from the books again; a check already given
/// is withdrawn. A published sheet is frozen. Audited.
#[utoipa::path(tag = "books", request_body = EditSheet,
    responses((status = 200, body = FinanceSheetOut), (status = 404, body = Problem),
        (status = 409, description = "`sheet_published`: published sheets are frozen", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[put("/finance-sheets/{id}")]
pub async fn edit_sheet(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<EditSheet>,
) -> AppResult<HttpResponse> {
    let sheet = disclosure::edit(
        &state.db,
        &auth,
        id.into_inner(),
        body.value.notes,
        &drafting(&state),
    )
    .await?;
    Ok(HttpResponse::Ok().json(one(&state, sheet).await?))
}

/// The finance group's sign-off (民主理财小组审核): only an auditor may give it. Audited.
#[utoipa::path(tag = "books", request_body = CheckSheet,
    responses((status = 200, body = FinanceSheetOut), (status = 404, body = Problem),
        (status = 409, description = "`sheet_published`", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["auditor"])))]
#[post("/finance-sheets/{id}/check")]
pub async fn check_sheet(
    auth: Auth<FinanceGroup>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<CheckSheet>,
) -> AppResult<HttpResponse> {
    let sheet = disclosure::check(&state.db, &auth, id.into_inner(), body.value.note).await?;
    Ok(HttpResponse::Ok().json(one(&state, sheet).await?))
}

/// Publishes a checked sheet: from now on it is frozen, its public page open to anyone, and the
/// period's version published before it marked replaced; the robots told of finance sheets
/// hear of it. Audited.
#[utoipa::path(tag = "books",
    responses((status = 200, body = FinanceSheetOut), (status = 404, body = Problem),
        (status = 409, description = "`sheet_not_checked`, or `sheet_published`", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/finance-sheets/{id}/publish")]
pub async fn publish_sheet(
    auth: Auth<Office>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let base = crate::routes::trace::public_base(&req, &state);
    let sheet = disclosure::publish(&state.db, &auth, id.into_inner(), &base).await?;
    Ok(HttpResponse::Ok().json(one(&state, sheet).await?))
}

/// A published sheet as an A3 poster for the notice board (公开栏), with the QR code of its
/// public page.
#[utoipa::path(tag = "books",
    responses((status = 200, description = "printable page", content_type = "text/html", body = String),
        (status = 404, body = Problem),
        (status = 409, description = "`sheet_not_published`", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/finance-sheets/{id}/poster")]
pub async fn print_poster(
    _auth: Auth<Office>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let sheet = one(
        &state,
        disclosure::get(&state.db.read, id.into_inner()).await?,
    )
    .await?;
    if !matches!(sheet.status, SheetStatus::Published | SheetStatus::Replaced) {
        return Err(AppError::Conflict {
            code: ErrorCode::SheetNotPublished,
            detail: "only a published sheet goes on the notice board".into(),
        });
    }
    let url = format!(
        "{}{}",
        crate::routes::trace::public_base(&req, &state),
        sheet.public_path
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(crate::render::disclosure::poster(
            &sheet,
            &url,
            &crate::routes::answers::request_origin(&req),
        )))
}

#[derive(serde::Deserialize)]
pub struct PublicQuery {
    v: Option<i32>,
}

/// `/gongkai/{collective}/{period}`: the published sheet, for anyone, no login; `?v=` an
/// earlier version, marked as corrected. Rate limited per address as the trace page is.
pub async fn public_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<PublicQuery>,
) -> HttpResponse {
    use crate::render::disclosure as page;
    use crate::routes::trace::html;
    if let Some(res) = crate::routes::trace::over_public_limit(&req, &state, page::too_many) {
        return res;
    }
    let (collective, period) = path.into_inner();
    let Ok(collective) = collective.parse::<i64>() else {
        return html(StatusCode::NOT_FOUND, page::not_found());
    };
    match disclosure::public(&state.db.read, collective, &period, q.v).await {
        Ok(Some(p)) => html(
            StatusCode::OK,
            page::public_page(&p.sheet, p.current_version),
        ),
        Ok(None) => html(StatusCode::NOT_FOUND, page::not_found()),
        Err(e) => {
            tracing::warn!(error = %e, "finance sheet page unavailable");
            html(StatusCode::SERVICE_UNAVAILABLE, page::unavailable())
        }
    }
}
