//! Every route against every role and no token. The table below is the access policy; the test
//! also checks that it lists exactly the routes the OpenAPI document has, and that each route's
//! documented roles are the table's — so a new route without a declared policy fails here.

use crate::auth::forge;
use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

const STAFF: &[&str] = &["admin", "secretary", "helper", "station"];
const OFFICE: &[&str] = &["admin", "secretary"];
const OPERATOR: &[&str] = &["admin"];
const SALES: &[&str] = &["admin", "secretary", "helper"];
const YARD: &[&str] = &["admin", "secretary", "station"];
/// The villagers' finance group: it signs off finance sheets.
const FINANCE_GROUP: &[&str] = &["auditor"];
const PUBLIC: &[&str] = &[];
/// Partner routes take an API key; every staff token (and a forged partner JWT) is refused.
const PARTNER: &[&str] = &["partner"];

/// (method, path as documented, roles allowed; empty = public)
const POLICY: &[(&str, &str, &[&str])] = &[
    ("GET", "/health", PUBLIC),
    ("GET", "/ready", PUBLIC),
    ("POST", "/api/v1/auth/login", PUBLIC),
    ("POST", "/api/v1/auth/refresh", PUBLIC),
    ("POST", "/api/v1/auth/logout", PUBLIC),
    ("GET", "/api/v1/me", STAFF),
    ("POST", "/api/v1/users", OFFICE),
    ("GET", "/api/v1/users", OFFICE),
    ("PATCH", "/api/v1/users/{id}", OFFICE),
    ("POST", "/api/v1/users/{id}/password", OFFICE),
    ("POST", "/api/v1/me/password", STAFF),
    ("POST", "/api/v1/collectives", OFFICE),
    ("GET", "/api/v1/collectives", STAFF),
    ("GET", "/api/v1/collectives/{id}", STAFF),
    ("PATCH", "/api/v1/collectives/{id}", OFFICE),
    ("POST", "/api/v1/growers", OFFICE),
    ("GET", "/api/v1/growers", STAFF),
    ("GET", "/api/v1/growers/{id}", STAFF),
    ("PATCH", "/api/v1/growers/{id}", OFFICE),
    ("POST", "/api/v1/products", OFFICE),
    ("GET", "/api/v1/products", STAFF),
    ("GET", "/api/v1/products/{id}", STAFF),
    ("PATCH", "/api/v1/products/{id}", OFFICE),
    ("POST", "/api/v1/batches", OFFICE),
    ("GET", "/api/v1/batches", STAFF),
    ("GET", "/api/v1/batches/{id}", STAFF),
    ("PATCH", "/api/v1/batches/{id}", OFFICE),
    ("POST", "/api/v1/buyers", SALES),
    ("GET", "/api/v1/buyers", STAFF),
    ("GET", "/api/v1/buyers/{id}", STAFF),
    ("PATCH", "/api/v1/buyers/{id}", SALES),
    ("GET", "/api/v1/buyers/by-phone/{phone}", STAFF),
    ("POST", "/api/v1/orders", SALES),
    ("GET", "/api/v1/orders", STAFF),
    ("GET", "/api/v1/orders/status-counts", STAFF),
    ("GET", "/api/v1/orders/{id}", STAFF),
    ("POST", "/api/v1/orders/{id}/confirm", SALES),
    ("POST", "/api/v1/orders/{id}/cancel", SALES),
    ("GET", "/api/v1/orders/by-number/{number}", STAFF),
    ("GET", "/api/v1/carriers", STAFF),
    ("POST", "/api/v1/addresses/parse", SALES),
    ("GET", "/api/v1/buyers/{id}/addresses", SALES),
    ("POST", "/api/v1/buyers/{id}/addresses", SALES),
    (
        "POST",
        "/api/v1/buyers/{id}/addresses/{address_id}/default",
        SALES,
    ),
    (
        "DELETE",
        "/api/v1/buyers/{id}/addresses/{address_id}",
        SALES,
    ),
    ("GET", "/api/v1/pickup-points", STAFF),
    ("POST", "/api/v1/pickup-points", OFFICE),
    ("PUT", "/api/v1/pickup-points/{id}", OFFICE),
    ("GET", "/api/v1/orders/{id}/fulfilment", STAFF),
    ("PUT", "/api/v1/orders/{id}/fulfilment", SALES),
    ("POST", "/api/v1/orders/{id}/pickup", YARD),
    ("POST", "/api/v1/orders/{id}/view-link", OFFICE),
    ("GET", "/api/v1/orders/{id}/packing-slip", YARD),
    ("POST", "/api/v1/parcels", YARD),
    ("GET", "/api/v1/parcels", STAFF),
    ("GET", "/api/v1/parcels/waiting", YARD),
    ("POST", "/api/v1/parcels/tracking-import", YARD),
    ("GET", "/api/v1/shop/sku-maps", OFFICE),
    ("PUT", "/api/v1/shop/sku-maps", OFFICE),
    ("POST", "/api/v1/shop/order-imports", OFFICE),
    ("GET", "/api/v1/shop/order-imports", OFFICE),
    ("GET", "/api/v1/shop/order-imports/{id}", OFFICE),
    ("GET", "/api/v1/shop/order-imports/{id}/results.csv", OFFICE),
    ("POST", "/api/v1/shop/ship-back-files", OFFICE),
    ("POST", "/api/v1/bills", OFFICE),
    ("GET", "/api/v1/bills", OFFICE),
    ("GET", "/api/v1/bills/{id}", OFFICE),
    ("GET", "/api/v1/bills/{id}/items", OFFICE),
    ("GET", "/api/v1/bills/{id}/exceptions", OFFICE),
    ("POST", "/api/v1/bills/{id}/items/{item}/resolution", OFFICE),
    ("GET", "/api/v1/books/charts", OFFICE),
    ("GET", "/api/v1/books/closed-months", OFFICE),
    ("POST", "/api/v1/collectives/{id}/finance-sheets", OFFICE),
    ("GET", "/api/v1/collectives/{id}/finance-sheets", OFFICE),
    ("GET", "/api/v1/finance-sheets/{id}", OFFICE),
    ("PUT", "/api/v1/finance-sheets/{id}", OFFICE),
    ("POST", "/api/v1/finance-sheets/{id}/check", FINANCE_GROUP),
    ("POST", "/api/v1/finance-sheets/{id}/publish", OFFICE),
    ("GET", "/api/v1/finance-sheets/{id}/poster", OFFICE),
    ("GET", "/api/v1/robots", OFFICE),
    ("POST", "/api/v1/robots", OFFICE),
    ("PUT", "/api/v1/robots/{id}", OFFICE),
    ("POST", "/api/v1/robots/{id}/test", OFFICE),
    ("GET", "/api/v1/robots/{id}/messages", OFFICE),
    ("POST", "/api/v1/books/closed-months", OFFICE),
    ("GET", "/api/v1/collectives/{id}/books/mapping", OFFICE),
    ("POST", "/api/v1/collectives/{id}/books/mapping", OFFICE),
    ("PUT", "/api/v1/collectives/{id}/books/chart", OFFICE),
    ("GET", "/api/v1/collectives/{id}/books/vouchers", OFFICE),
    (
        "GET",
        "/api/v1/collectives/{id}/books/vouchers/print",
        OFFICE,
    ),
    (
        "GET",
        "/api/v1/collectives/{id}/books/trial-balance",
        OFFICE,
    ),
    (
        "GET",
        "/api/v1/collectives/{id}/books/trial-balance/print",
        OFFICE,
    ),
    (
        "GET",
        "/api/v1/collectives/{id}/books/income-statement",
        OFFICE,
    ),
    ("POST", "/api/v1/parcels/{id}/ship", YARD),
    ("POST", "/api/v1/parcels/{id}/deliver", YARD),
    ("POST", "/api/v1/parcels/{id}/unpack", YARD),
    ("GET", "/api/v1/public/orders/{token}", PUBLIC),
    ("POST", "/api/v1/after-sales", SALES),
    ("GET", "/api/v1/after-sales", SALES),
    ("GET", "/api/v1/after-sales/{id}", SALES),
    ("POST", "/api/v1/after-sales/{id}/decide", OFFICE),
    ("POST", "/api/v1/after-sales/{id}/close", OFFICE),
    ("POST", "/api/v1/after-sales/{id}/reopen", OFFICE),
    ("POST", "/api/v1/after-sales/{id}/photos", SALES),
    ("GET", "/api/v1/after-sales/{id}/photos/{photo_id}", SALES),
    ("POST", "/api/v1/public/orders/{token}/claims", PUBLIC),
    (
        "POST",
        "/api/v1/public/orders/{token}/claims/{case_id}/photos",
        PUBLIC,
    ),
    ("GET", "/api/v1/orders/{id}/weighing-sheet", STAFF),
    ("POST", "/api/v1/orders/{id}/approve-weights", OFFICE),
    ("POST", "/api/v1/weighings", YARD),
    ("POST", "/api/v1/order-lines/{id}/complete-weighing", YARD),
    ("POST", "/api/v1/orders/{id}/complete-weighing", YARD),
    ("POST", "/api/v1/weighings/{id}/void", OFFICE),
    ("POST", "/api/v1/loads", YARD),
    ("GET", "/api/v1/loads", YARD),
    ("GET", "/api/v1/loads/{id}", YARD),
    ("POST", "/api/v1/loads/{id}/orders", YARD),
    ("DELETE", "/api/v1/loads/{id}/orders/{order_id}", YARD),
    ("POST", "/api/v1/loads/{id}/loaded", YARD),
    ("POST", "/api/v1/loads/{id}/departed", YARD),
    ("POST", "/api/v1/loads/{id}/delivered", YARD),
    ("GET", "/api/v1/loads/{id}/manifest", YARD),
    ("GET", "/api/v1/loads/{id}/manifest.csv", YARD),
    ("GET", "/api/v1/pick-list", YARD),
    ("GET", "/api/v1/pick-list/print", YARD),
    ("POST", "/api/v1/orders/{id}/payments", OFFICE),
    ("GET", "/api/v1/orders/{id}/payments", OFFICE),
    ("POST", "/api/v1/settlements", OFFICE),
    ("GET", "/api/v1/receivables", OFFICE),
    ("GET", "/api/v1/backups", OFFICE),
    ("GET", "/api/v1/backups/{name}", OPERATOR),
    ("POST", "/api/v1/integrity-checks", OPERATOR),
    ("GET", "/api/v1/buyers/{id}/personal-data", OFFICE),
    ("POST", "/api/v1/buyers/{id}/erase", OFFICE),
    ("GET", "/api/v1/integrity-checks", OFFICE),
    ("GET", "/api/v1/settled-orders", OFFICE),
    ("POST", "/api/v1/commission-rules", OFFICE),
    ("GET", "/api/v1/commission-rules", OFFICE),
    ("GET", "/api/v1/batches/{id}/commission-rules", OFFICE),
    ("GET", "/api/v1/labels", YARD),
    ("GET", "/api/v1/reports/trace-scans", OFFICE),
    ("POST", "/api/v1/ledger/income", OFFICE),
    ("GET", "/api/v1/ledger/transactions", OFFICE),
    ("GET", "/api/v1/ledger/transactions/{id}", OFFICE),
    ("POST", "/api/v1/growers/{id}/statements", OFFICE),
    ("GET", "/api/v1/growers/{id}/account", OFFICE),
    ("GET", "/api/v1/growers/{id}/statements", OFFICE),
    ("POST", "/api/v1/growers/{id}/payouts", OFFICE),
    ("GET", "/api/v1/reports/collective-income", OFFICE),
    ("GET", "/api/v1/reports/sales", OFFICE),
    ("GET", "/api/v1/reports/sales/summary", OFFICE),
    ("GET", "/api/v1/reports/fulfilment", OFFICE),
    ("GET", "/api/v1/audit-log", OFFICE),
    ("POST", "/api/v1/live-sessions", SALES),
    ("GET", "/api/v1/live-sessions", SALES),
    ("GET", "/api/v1/live-sessions/{id}", SALES),
    ("POST", "/api/v1/live-sessions/{id}/confirm-pending", SALES),
    ("POST", "/api/v1/live-sessions/{id}/featured", SALES),
    (
        "PATCH",
        "/api/v1/live-sessions/{id}/featured/{batch_id}",
        SALES,
    ),
    ("POST", "/api/v1/live-sessions/{id}/start", SALES),
    ("POST", "/api/v1/live-sessions/{id}/end", SALES),
    ("GET", "/api/v1/live-sessions/{id}/totals", SALES),
    ("GET", "/api/v1/live-sessions/{id}/stream", SALES),
    ("GET", "/api/v1/live-sessions/{id}/summary", SALES),
    ("GET", "/api/v1/live-sessions/{id}/orders.csv", SALES),
    ("GET", "/api/v1/partner/catalog", PARTNER),
    ("POST", "/api/v1/partner/orders", PARTNER),
    ("GET", "/api/v1/partner/orders", PARTNER),
    ("GET", "/api/v1/partner/orders/{id}", PARTNER),
    ("POST", "/api/v1/partner/webhooks", PARTNER),
    ("GET", "/api/v1/partner/webhooks", PARTNER),
    ("GET", "/api/v1/partner/webhooks/{id}", PARTNER),
    ("DELETE", "/api/v1/partner/webhooks/{id}", PARTNER),
    (
        "POST",
        "/api/v1/partner/webhooks/{id}/rotate-secret",
        PARTNER,
    ),
    ("POST", "/api/v1/buyers/{id}/api-keys", OFFICE),
    ("GET", "/api/v1/buyers/{id}/api-keys", OFFICE),
    (
        "POST",
        "/api/v1/buyers/{id}/api-keys/{key_id}/revoke",
        OFFICE,
    ),
    ("POST", "/api/v1/buyers/{id}/contract-prices", OFFICE),
    ("GET", "/api/v1/buyers/{id}/contract-prices", OFFICE),
    ("GET", "/api/v1/webhook-deliveries", OFFICE),
    ("POST", "/api/v1/webhook-deliveries/{id}/resend", OFFICE),
];

const ROLES: [&str; 6] = [
    "admin",
    "secretary",
    "helper",
    "station",
    "partner",
    "auditor",
];

/// The roles a route admits: its table row's, and an auditor on every read the secretary may
/// make, but printing labels (it mints their codes) and a buyer's personal-data export.
fn admitted(method: &str, path: &str, roles: &[&str]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = roles.iter().map(|s| (*s).to_owned()).collect();
    let not_for_auditors = zhunong_api::auth::roles::NOT_FOR_AUDITORS;
    if method == "GET" && roles.contains(&"secretary") && !not_for_auditors.contains(&path) {
        out.insert("auditor".to_owned());
    }
    out
}

#[tokio::test]
async fn the_policy_table_covers_exactly_the_documented_routes() {
    let app = spawn_app().await;
    let doc = app
        .send(Method::GET, "/api/openapi.json", None, None)
        .await
        .json;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().cloned().unwrap_or_default() {
        for (method, op) in item.as_object().cloned().unwrap_or_default() {
            let method = method.to_uppercase();
            let roles: BTreeSet<String> = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| {
                    // Staff routes name their roles on the JWT scheme; partner routes use the
                    // API-key scheme, which stands for the one role "partner".
                    let mut roles: Vec<String> = s["bearer"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|r| r.as_str().map(str::to_owned))
                        .collect();
                    if s.get("partner_key").is_some() {
                        roles.push("partner".to_owned());
                    }
                    roles
                })
                .collect();
            documented.insert((method, path.clone(), roles));
        }
    }
    let table: BTreeSet<(String, String, BTreeSet<String>)> = POLICY
        .iter()
        .map(|(m, p, r)| ((*m).to_owned(), (*p).to_owned(), admitted(m, p, r)))
        .collect();
    assert_eq!(
        documented, table,
        "routes or their documented roles differ from the policy table"
    );
}

#[tokio::test]
async fn every_route_admits_exactly_its_roles() {
    let app = spawn_app().await;
    let mut tokens = Vec::new();
    for role in ROLES {
        let t = if role == "partner" {
            forge("partner")
        } else {
            app.token(role).await
        };
        tokens.push((role, t));
    }
    let mut checked = 0;
    for (method, path, allowed) in POLICY {
        if allowed.is_empty() {
            continue;
        }
        let url = path
            .replace("{id}", "1")
            .replace("{order_id}", "1")
            .replace("{phone}", "13800000000")
            .replace("{number}", "ZN000001");
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let body = (method == Method::POST || method == Method::PATCH).then(|| json!({}));
        let anon = app.send(method.clone(), &url, None, body.as_ref()).await;
        assert_eq!(
            anon.status, 401,
            "{method} {url} without a token: {}",
            anon.text
        );
        for (role, token) in &tokens {
            let r = app
                .send(method.clone(), &url, Some(token), body.as_ref())
                .await;
            if *allowed == PARTNER {
                assert_eq!(
                    r.status, 403,
                    "{method} {url} with a {role} token: {}",
                    r.text
                );
            } else if admitted(method.as_str(), path, allowed).contains(*role) {
                assert!(
                    r.status != 401 && r.status != 403,
                    "{method} {url} as {role} was refused: {}",
                    r.text
                );
            } else if *role == "partner" {
                // A forged JWT names no user of ours: refused before its role is looked at.
                assert_eq!(r.status, 401, "{method} {url} as {role}: {}", r.text);
            } else {
                assert_eq!(r.status, 403, "{method} {url} as {role}: {}", r.text);
                assert_eq!(r.json["code"], "forbidden");
            }
            assert!(r.status < 500, "{method} {url} as {role}: {}", r.text);
            checked += 1;
        }
    }
    let guarded = POLICY
        .iter()
        .filter(|(_, _, roles)| !roles.is_empty())
        .count();
    assert_eq!(checked, guarded * ROLES.len());
}
