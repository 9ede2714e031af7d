//! The OpenAPI 3.1 document, generated from the handlers' annotations. A modifier adds what
//! every route shares — the bearer scheme and the problem+json answers any route can give — so
//! no route can forget them.

use crate::error::{FieldError, Problem, Shortage};
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Zhunong (助农) API",
        description = "Village produce sales: batches, buyers, orders, stock. Money is integer fen \
                       (`*_fen`), weight integer grams (`*_g`); every error is application/problem+json.",
        version = env!("CARGO_PKG_VERSION"),
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(
        Problem,
        FieldError,
        Shortage,
        crate::dto::events::WebhookEvent,
        crate::dto::reports::ExportFormat,
        crate::dto::reports::Units,
        crate::dto::trace::LabelLayout
    )),
    tags(
        (name = "auth", description = "Log in; who am I"),
        (name = "users", description = "Staff accounts (admin)"),
        (name = "catalog", description = "Collectives, growers, products, batches"),
        (name = "buyers", description = "Individuals and enterprises"),
        (name = "orders", description = "Placing, confirming, cancelling, listing orders"),
        (name = "weighing", description = "Pick lists, weigh tickets, catch weight, approvals"),
        (name = "loads", description = "Truck loads, manifests, delivery"),
        (name = "after-sales", description = "After-sales cases for fresh produce: claims with photos, deadlines, refunds, reships"),
        (name = "shipping", description = "Recipients and address books, pickup points, parcels and tracking numbers, the buyer's own page"),
        (name = "live", description = "Live shows: featured batches, live prices and limits, totals stream, summary"),
        (name = "partner", description = "For enterprise buyers' systems, with an API key: catalog, bulk orders, own orders, webhooks"),
        (name = "partner admin", description = "API keys, contract prices, webhook deliveries (secretary)"),
        (name = "money", description = "Payments, commission rules, settlement, ledger, grower statements, income"),
        (name = "reports", description = "Sales totals in JSON, CSV or XLSX; the dashboard's cards"),
        (name = "bills", description = "Bills from the 抖店 shop, WeChat Pay and Alipay, reconciled against the books; the platforms' fees and subsidies, posted against their orders. By default they do not reduce the commission base (commission stays on net sales; the fees are the collective's cost of selling); the setting fees_reduce_commission_base takes them off it, and the grower is then owed the base less the commission"),
        (name = "books", description = "The collective's books in the official chart (财会〔2023〕14号 or 财会〔2004〕12号): each kind of posting mapped to an account from a date forward, a month's vouchers and a period's trial balance, agreeing with the ledger to the fen"),
        (name = "audit", description = "Who changed what, when"),
        (name = "backups", description = "Keeping the data: the scheduled backups and whether each restored, and the integrity check"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

const PROBLEM_JSON: &str = crate::error::PROBLEM_JSON;

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn add_shared_responses(op: &mut Operation, writes: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = op.request_body.is_some();
    let responses = &mut op.responses.responses;
    // OpenAPI 3.1 requires a description on every response; an annotation without one gets
    // its status's name.
    for (status, resp) in responses.iter_mut() {
        if let RefOr::T(r) = resp
            && r.description.is_empty()
        {
            r.description = status
                .parse::<u16>()
                .ok()
                .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason())
                .unwrap_or("answer")
                .to_owned();
        }
    }
    // Error answers written in the annotations as JSON are problem+json.
    for (status, resp) in responses.iter_mut() {
        if let (RefOr::T(r), true) = (resp, status.starts_with('4') || status.starts_with('5'))
            && let Some(c) = r.content.shift_remove("application/json")
        {
            r.content.insert(PROBLEM_JSON.to_owned(), c);
        }
    }
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    add("400", "malformed request: bad JSON or header");
    add(
        "404",
        "no such resource or route (a path id that is no id included)",
    );
    add(
        "422",
        "invalid fields or query parameters; `errors` names each field path",
    );
    add("429", "too many requests; see `Retry-After`");
    add("500", "internal error (details are logged, never returned)");
    add(
        "503",
        if writes {
            "`unavailable`: the database is unreachable, restarting or busy, this server is \
             stopping, or the handler deadline passed (`detail` says which); `read_only`: the \
             database file can only be read. Nothing was saved; see `Retry-After`"
        } else {
            "`unavailable`: the database is unreachable, restarting or busy, this server is \
             stopping, or the handler deadline passed (`detail` says which); see `Retry-After`"
        },
    );
    if writes {
        add(
            "507",
            "`storage_full`: the server's disk is full; nothing was saved. See `Retry-After`",
        );
    }
    if secured {
        add("401", "missing, invalid or expired bearer token");
        add("403", "the caller's role may not use this route");
    }
    if has_body {
        add("413", "body larger than the configured limit");
        add("415", "body is not application/json");
    }
}

/// Completes the document once the routes' paths have been collected.
pub fn finish(openapi: &mut utoipa::openapi::OpenApi) {
    {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("a staff access token from `POST /api/v1/auth/login`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "partner_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("API key")
                    .description(Some(
                        "a partner API key (`znk_…`) made by a secretary for an enterprise buyer",
                    ))
                    .build(),
            ),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let reads = [&mut item.get].into_iter().flatten().map(|op| (op, false));
            let writes = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            .map(|op| (op, true));
            for (op, writes) in reads.chain(writes) {
                if !writes && !crate::auth::roles::NOT_FOR_AUDITORS.contains(&path.as_str()) {
                    auditor_reads(op);
                }
                add_shared_responses(op, writes);
                constrain_idempotency_key(op);
            }
        }
    }
}

/// `Idempotency-Key` is 1–255 visible ASCII characters (anything else is 400): said in the
/// schema, so that a client generated from it, or a contract test, sends only such keys.
fn constrain_idempotency_key(op: &mut Operation) {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        if p.name == "Idempotency-Key" {
            p.schema = Some(RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .pattern(Some("^[!-~]+$"))
                    .build(),
            )));
        }
    }
}

/// An auditor reads what the secretary reads (`auth::roles::admits`): said on each such read.
fn auditor_reads(op: &mut Operation) {
    use utoipa::openapi::security::SecurityRequirement;
    for req in op.security.iter_mut().flatten() {
        let Ok(serde_json::Value::Object(schemes)) = serde_json::to_value(&*req) else {
            continue;
        };
        let Some(roles) = schemes.get("bearer").and_then(|r| r.as_array()) else {
            continue;
        };
        let mut roles: Vec<String> = roles
            .iter()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        if roles.iter().any(|r| r == "secretary") && !roles.iter().any(|r| r == "auditor") {
            roles.push("auditor".to_owned());
            *req = SecurityRequirement::new("bearer", roles);
        }
    }
}
