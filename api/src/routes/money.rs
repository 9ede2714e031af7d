use crate::auth::roles::Office;
use crate::domain::units::OrderId;
use crate::dto::money::{
    BatchRules, CreateRule, ExportQuery, IncomeQuery, IncomeReport, LedgerFilter, PaymentOut,
    PaymentReceipt, PostIncome, RecordPayment, RecordPayout, RuleOut, RulesOnQuery, SettleOrders,
    SettleOutcome, StatementOut, TransactionOut,
};
use crate::dto::reports::ExportFormat;
use crate::dto::{Page, Paging};
use crate::error::{AppResult, Problem};
use crate::extract::Auth;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::render::money_exports;
use crate::routes::answers;
use crate::routes::reports::table_answer;
use crate::services::money::{ledger, payments, reports, rules, settle, statements};
use crate::services::must_find;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use zhunong_entity::{collective, grower};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_payment)
        .service(list_payments)
        .service(settle_orders)
        .service(create_rule)
        .service(list_rules)
        .service(rules_for_batch)
        .service(post_income)
        .service(list_transactions)
        .service(get_transaction)
        .service(issue_statement)
        .service(list_statements)
        .service(record_payout)
        .service(collective_income);
}

/// Records money received (positive) or refunded (negative, with a reason) for an order.
/// Overpaying and refunding more than was paid are refused. A payment that completes a delivered
/// order settles it; a refund after settlement reverses the settlement and re-settles the rest.
/// With `Idempotency-Key`, a retry returns the first receipt.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "order id"), ("Idempotency-Key" = Option<String>, Header, description = "client key; a retry returns the first receipt")),
    request_body = RecordPayment,
    responses(
        (status = 201, body = PaymentReceipt),
        (status = 409, description = "cancelled order, overpayment, refund beyond what was paid, or the key in flight", body = Problem),
    ),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/orders/{id}/payments")]
pub async fn record_payment(
    auth: Auth<Office>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    key: IdempotencyKey,
    body: ApiJson<RecordPayment>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &body.value)?;
    let placed = payments::record(
        &state.db,
        &auth,
        OrderId::new(id.into_inner()),
        body.value,
        keyed,
        state.today(),
        state.in_flight_wait(),
    )
    .await?;
    Ok(answers::respond(placed))
}

/// The order's payments and refunds.
#[utoipa::path(tag = "money", params(("id" = i64, Path, description = "order id")), responses((status = 200, body = Vec<PaymentOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/orders/{id}/payments")]
pub async fn list_payments(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(payments::list(&state.db.read, id.into_inner()).await?))
}

/// Settles delivered, fully paid orders; the others are listed with the reason.
#[utoipa::path(tag = "money", request_body = SettleOrders, responses((status = 200, body = SettleOutcome)), security(("bearer" = ["admin", "secretary"])))]
#[post("/settlements")]
pub async fn settle_orders(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<SettleOrders>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(settle::settle_many(&state.db, auth.user_id, body.value, state.today()).await?))
}

/// Creates a commission rule for a batch, a product or a channel. The rule in force when an
/// order is placed is copied onto its lines and never changes for them.
#[utoipa::path(tag = "money", request_body = CreateRule, responses((status = 201, body = RuleOut)), security(("bearer" = ["admin", "secretary"])))]
#[post("/commission-rules")]
pub async fn create_rule(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<CreateRule>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(rules::create(&state.db, &auth, body.value, &state.rules).await?))
}

/// Lists commission rules, newest first.
#[utoipa::path(tag = "money", params(Paging), responses((status = 200, body = Page<RuleOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/commission-rules")]
pub async fn list_rules(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(rules::list(&state.db.read, paging).await?))
}

/// Which commission rule applies to a batch on a day (default today), for each channel: the
/// rule a new order line would copy, by the same choice placing an order makes.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "batch id"), RulesOnQuery),
    responses((status = 200, body = BatchRules), (status = 404, description = "no such batch", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/batches/{id}/commission-rules")]
pub async fn rules_for_batch(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<RulesOnQuery>,
) -> AppResult<HttpResponse> {
    let day = query.into_inner().on.unwrap_or_else(|| state.today());
    Ok(HttpResponse::Ok()
        .json(rules::for_batch(&state.db.read, &state.rules, id.into_inner(), day).await?))
}

/// Posts other collective income (greenhouse or cold-store rent, joint-project dividends),
/// shared among collectives by shares with parts that add up exactly. A date in a month the
/// books have closed is refused unless `late` asks to book it in the first open month.
#[utoipa::path(tag = "money", request_body = PostIncome,
    responses((status = 201, body = TransactionOut),
        (status = 409, description = "`posting_month_closed`: the date is in a closed month", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/ledger/income")]
pub async fn post_income(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<PostIncome>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(ledger::post_income(&state.db, auth.user_id, body.value).await?))
}

/// Ledger transactions with their entries, newest first.
#[utoipa::path(tag = "money", params(LedgerFilter, Paging), responses((status = 200, body = Page<TransactionOut>)), security(("bearer" = ["admin", "secretary"])))]
#[get("/ledger/transactions")]
pub async fn list_transactions(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    filter: web::Query<LedgerFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(ledger::list(&state.db.read, filter.into_inner(), paging).await?))
}

/// One ledger transaction with its entries.
#[utoipa::path(tag = "money", params(("id" = i64, Path, description = "transaction id")), responses((status = 200, body = TransactionOut)), security(("bearer" = ["admin", "secretary"])))]
#[get("/ledger/transactions/{id}")]
pub async fn get_transaction(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ledger::get(&state.db.read, id.into_inner()).await?))
}

/// Issues the grower's next settlement statement; frozen once issued.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "grower id")),
    responses((status = 201, body = StatementOut), (status = 409, description = "nothing posted since the last statement", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/growers/{id}/statements")]
pub async fn issue_statement(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(statements::issue(&state.db, &auth, id.into_inner(), state.today()).await?))
}

/// The grower's statements, oldest first; as CSV or XLSX with `format`.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "grower id"), ExportQuery),
    responses((status = 200, body = Vec<StatementOut>, content(
        (Vec<StatementOut> = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ))),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/growers/{id}/statements")]
pub async fn list_statements(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    q: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = statements::list(&state.db.read, id).await?;
    if q.format == ExportFormat::Json {
        return Ok(HttpResponse::Ok().json(list));
    }
    let grower = must_find::<grower::Entity, _>(&state.db.read, id, "grower").await?;
    let table = money_exports::statements(&grower.name, &list, state.settings.local_offset());
    let stem = format!("对账单_{}", grower.name);
    let params = [("种植户".to_owned(), grower.name.clone())];
    let fallback = format!("statements-{id}");
    table_answer(
        crate::dto::reports::Export {
            format: q.format,
            units: q.units,
        },
        &list,
        (&stem, &fallback),
        "对账单",
        table,
        &params,
        &[],
    )
}

/// Pays a grower out of what they are owed. With `Idempotency-Key`, a retry returns the first
/// transaction and pays nothing twice.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "grower id"), ("Idempotency-Key" = Option<String>, Header, description = "client key; a retry returns the first answer")),
    request_body = RecordPayout,
    responses((status = 201, body = TransactionOut), (status = 409, description = "more than the grower is owed, or the key in flight", body = Problem)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[post("/growers/{id}/payouts")]
pub async fn record_payout(
    auth: Auth<Office>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    key: IdempotencyKey,
    body: ApiJson<RecordPayout>,
) -> AppResult<HttpResponse> {
    let keyed = answers::user_key(key, auth.user_id, req.path(), &body.value)?;
    let placed = statements::payout(
        &state.db,
        &auth,
        id.into_inner(),
        body.value,
        state.today(),
        keyed.as_ref(),
        state.in_flight_wait(),
    )
    .await?;
    Ok(answers::respond(placed))
}

/// A collective's income for a year by category and month, and the change on the year before;
/// as CSV or XLSX with `format`.
#[utoipa::path(
    tag = "money",
    params(IncomeQuery),
    responses((status = 200, body = IncomeReport, content(
        (IncomeReport = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ))),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/reports/collective-income")]
pub async fn collective_income(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    q: web::Query<IncomeQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let export = crate::dto::reports::Export {
        format: q.format,
        units: q.units,
    };
    let report = reports::collective_income(&state.db.read, q).await?;
    if export.format == ExportFormat::Json {
        return Ok(HttpResponse::Ok().json(report));
    }
    let c = must_find::<collective::Entity, _>(&state.db.read, report.collective_id, "collective")
        .await?;
    let table = money_exports::income(&c.name, &report);
    let stem = format!("集体收入_{}_{}", c.name, report.year);
    let params = [
        ("村集体".to_owned(), c.name.clone()),
        ("年度".to_owned(), report.year.to_string()),
    ];
    let fallback = format!("income-{}-{}", report.collective_id, report.year);
    table_answer(
        export,
        &report,
        (&stem, &fallback),
        "集体收入",
        table,
        &params,
        &[],
    )
}
