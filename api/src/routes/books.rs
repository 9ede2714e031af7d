//! The collective's books in the official shape: the charts, each collective's chart and
//! mapping of postings to accounts, a month's vouchers, closing months, a period's trial balance
//! and a year's income statement.

use crate::auth::roles::Office;
use crate::dto::books::{
    ChartOut, ChooseChart, CloseMonth, ClosedOut, IncomeStatementOut, IncomeStatementParams,
    MapAccount, MappingOut, MappingParams, TrialBalanceOut, TrialBalanceParams, VoucherParams,
    VouchersOut,
};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::render::books::Layout;
use crate::services::books;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_charts)
        .service(get_mapping)
        .service(map_account)
        .service(choose_chart)
        .service(get_vouchers)
        .service(print_vouchers)
        .service(closed_months)
        .service(close_month)
        .service(get_trial_balance)
        .service(print_trial_balance)
        .service(get_income_statement);
}

/// The charts of accounts built in: 财会〔2023〕14号 (42 accounts) and 财会〔2004〕12号.
#[utoipa::path(tag = "books", responses((status = 200, body = Vec<ChartOut>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/books/charts")]
pub async fn list_charts(_auth: Auth<Office>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(books::charts()))
}

/// Where each kind of posting goes in the collective's books on a day (default today): the
/// account, since when, the chart's default, and any change already set for later.
#[utoipa::path(tag = "books", params(MappingParams),
    responses((status = 200, body = MappingOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/mapping")]
pub async fn get_mapping(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<MappingParams>,
) -> AppResult<HttpResponse> {
    let on = q.on.unwrap_or_else(|| state.today());
    let out = books::mapping(
        &state.db.read,
        id.into_inner(),
        on,
        state.settings.books_collective_id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Maps a kind of posting to an account of the collective's chart from a day forward (today or
/// later; the past keeps its mapping). Audited. Answers the mapping as of today.
#[utoipa::path(tag = "books", request_body = MapAccount,
    responses((status = 201, body = MappingOut), (status = 404, body = Problem),
        (status = 422, description = "an account the chart does not have, or a day in the past", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/collectives/{id}/books/mapping")]
pub async fn map_account(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<MapAccount>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let today = state.today();
    books::map_account(&state.db, &auth, id, body.value, today).await?;
    let out = books::mapping(
        &state.db.read,
        id,
        today,
        state.settings.books_collective_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Chooses the chart the collective's books are kept in. Audited. Answers the mapping under it.
#[utoipa::path(tag = "books", request_body = ChooseChart,
    responses((status = 200, body = MappingOut), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[put("/collectives/{id}/books/chart")]
pub async fn choose_chart(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<ChooseChart>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    books::choose_chart(&state.db, &auth, id, body.value).await?;
    let out = books::mapping(
        &state.db.read,
        id,
        state.today(),
        state.settings.books_collective_id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// How far the books are closed.
#[utoipa::path(tag = "books", responses((status = 200, body = ClosedOut)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/books/closed-months")]
pub async fn closed_months(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let through = books::closed_through(&state.db.read).await?;
    Ok(HttpResponse::Ok().json(ClosedOut {
        closed_through: through.map(crate::domain::books::closing::month_text),
    }))
}

/// Closes a month that is over, and every month before it: from then on a posting dated in it
/// goes into the first open month, its description noting the month it corrects, so the month's
/// vouchers and their numbers never change. Audited.
#[utoipa::path(tag = "books", request_body = CloseMonth,
    responses((status = 201, body = ClosedOut),
        (status = 409, description = "closed already", body = Problem),
        (status = 422, description = "not a month, or not over yet", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/books/closed-months")]
pub async fn close_month(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CloseMonth>,
) -> AppResult<HttpResponse> {
    let key = books::close_month(
        &state.db,
        &auth,
        &body.value.month,
        state.today(),
        state.settings.books_collective_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(ClosedOut {
        closed_through: Some(crate::domain::books::closing::month_text(key)),
    }))
}

/// A month's vouchers (记账凭证): each ledger transaction of the collective's books dated in it,
/// numbered 记-0001 … by date and posting order, its lines in the chart's accounts with their
/// auxiliary items (debits equal credits). As JSON, or as CSV or XLSX, one line a row
/// (`layout=lines`) or one block a voucher (`layout=blocks`).
#[utoipa::path(tag = "books", params(VoucherParams),
    responses((status = 200, body = VouchersOut), (status = 404, body = Problem),
        (status = 409, description = "a posting that maps to no account of the chart", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/vouchers")]
pub async fn get_vouchers(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<VoucherParams>,
) -> AppResult<HttpResponse> {
    let layout = match q.layout.as_deref().unwrap_or("lines") {
        "lines" => Layout::Lines,
        "blocks" => Layout::Blocks,
        _ => return Err(AppError::field("layout", "lines or blocks")),
    };
    let file = file_format(q.format.as_deref())?;
    let id = id.into_inner();
    let v = books::vouchers(
        &state.db.read,
        id,
        &q.month,
        q.closed == Some(true),
        state.settings.books_collective_id,
    )
    .await?;
    let names = (
        "记账凭证",
        format!("记账凭证-{}", q.month),
        format!("vouchers-{}", q.month),
    );
    json_or_file(&v, file, names, |v| {
        crate::render::books::vouchers(v, layout)
    })
}

/// A month's vouchers as a printable page: one to an A5 sheet in landscape, its total in capitals,
/// with the boxes to sign (会计主管, 记账, 审核, 出纳, 制单).
#[utoipa::path(tag = "books", params(VoucherParams),
    responses((status = 200, description = "printable page", content_type = "text/html", body = String),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/vouchers/print")]
pub async fn print_vouchers(
    _auth: Auth<Office>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<VoucherParams>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let v = books::vouchers(
        &state.db.read,
        id,
        &q.month,
        q.closed == Some(true),
        state.settings.books_collective_id,
    )
    .await?;
    let unit = books::collective_name(&state.db.read, id).await?;
    Ok(print_page(crate::render::books_print::vouchers_page(
        &v,
        &unit,
        &crate::routes::answers::request_origin(&req),
    )))
}

/// The trial balance (科目余额表) of a period of at most three years: per account and auxiliary
/// item, opening, debit, credit and closing (balances signed, debit positive), agreeing with the
/// period's vouchers. As JSON, CSV or XLSX.
#[utoipa::path(tag = "books", params(TrialBalanceParams),
    responses((status = 200, body = TrialBalanceOut), (status = 404, body = Problem),
        (status = 409, description = "a posting that maps to no account of the chart", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/trial-balance")]
pub async fn get_trial_balance(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<TrialBalanceParams>,
) -> AppResult<HttpResponse> {
    let file = file_format(q.format.as_deref())?;
    let t = books::trial_balance(
        &state.db.read,
        id.into_inner(),
        q.from,
        q.to,
        state.settings.books_collective_id,
    )
    .await?;
    let names = (
        "科目余额表",
        format!("科目余额表-{}-{}", q.from, q.to),
        format!("trial-balance-{}-{}", q.from, q.to),
    );
    json_or_file(&t, file, names, crate::render::books::trial_balance)
}

/// The trial balance as a printable page.
#[utoipa::path(tag = "books", params(TrialBalanceParams),
    responses((status = 200, description = "printable page", content_type = "text/html", body = String),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/trial-balance/print")]
pub async fn print_trial_balance(
    _auth: Auth<Office>,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<TrialBalanceParams>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let t = books::trial_balance(
        &state.db.read,
        id,
        q.from,
        q.to,
        state.settings.books_collective_id,
    )
    .await?;
    let unit = books::collective_name(&state.db.read, id).await?;
    Ok(print_page(crate::render::books_print::trial_balance_page(
        &t,
        &unit,
        &crate::routes::answers::request_origin(&req),
    )))
}

/// The income statement (收益及收益分配表) of a year, or the year to date (`to`), beside the same
/// span of the year before: the chart's lines in order, each account's movement and the
/// subtotals, down to the year's income (本年收益) and its change on the year before. The
/// distribution lines are the bookkeeper's and come empty. As JSON, CSV or XLSX.
#[utoipa::path(tag = "books", params(IncomeStatementParams),
    responses((status = 200, body = IncomeStatementOut), (status = 404, body = Problem),
        (status = 409, description = "a posting that maps to no account of the chart", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/collectives/{id}/books/income-statement")]
pub async fn get_income_statement(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<IncomeStatementParams>,
) -> AppResult<HttpResponse> {
    let file = file_format(q.format.as_deref())?;
    let s = books::income_statement(
        &state.db.read,
        id.into_inner(),
        q.year,
        q.to,
        state.settings.books_collective_id,
    )
    .await?;
    let names = (
        "收益及收益分配表",
        format!("收益及收益分配表-{}", q.year),
        format!("income-statement-{}", q.year),
    );
    json_or_file(&s, file, names, crate::render::books::income_statement)
}

/// `value` as JSON, or as the file asked for: `table` renders it, `(sheet, file stem, ASCII
/// fallback stem)` name it.
fn json_or_file<T: serde::Serialize>(
    value: &T,
    file: Option<super::table_file::Format>,
    (sheet, stem, fallback): (&str, String, String),
    table: impl FnOnce(&T) -> (Vec<String>, Vec<Vec<crate::render::table::Cell>>),
) -> AppResult<HttpResponse> {
    let Some(format) = file else {
        return Ok(HttpResponse::Ok().json(value));
    };
    let (headers, rows) = table(value);
    super::table_file::respond(format, sheet, &stem, &fallback, &headers, &rows)
}

fn print_page(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// `None` for JSON (the default), else the file.
fn file_format(format: Option<&str>) -> AppResult<Option<super::table_file::Format>> {
    match format.unwrap_or("json") {
        "json" => Ok(None),
        other => super::table_file::Format::parse(Some(other))
            .map(Some)
            .map_err(|_| AppError::field("format", "json, csv or xlsx")),
    }
}
