use crate::helpers::spawn_app;
use reqwest::Method;

#[tokio::test]
async fn health_and_ready_answer() {
    let app = spawn_app().await;
    let h = app.send(Method::GET, "/health", None, None).await;
    assert_eq!((h.status, h.json["status"].as_str()), (200, Some("ok")));
    let r = app.send(Method::GET, "/ready", None, None).await;
    assert_eq!((r.status, r.json["status"].as_str()), (200, Some("ready")));
}

#[tokio::test]
async fn openapi_is_3_1_and_every_operation_declares_problem_answers() {
    let app = spawn_app().await;
    let doc = app.send(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, 200);
    assert!(
        doc.json["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1"),
        "{}",
        doc.json["openapi"]
    );
    assert!(doc.json["components"]["schemas"]["Problem"].is_object());
    // Every webhook payload is described: one envelope, the six event names, the order always.
    let schemas = &doc.json["components"]["schemas"];
    assert!(
        schemas["WebhookEvent"].is_object(),
        "no WebhookEvent schema"
    );
    assert_eq!(
        schemas["EventType"]["enum"],
        serde_json::json!([
            "order.confirmed",
            "order.weighed",
            "order.loaded",
            "order.shipped",
            "order.delivered",
            "order.cancelled",
            "payment.recorded"
        ])
    );
    assert!(
        schemas["EventData"]["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|f| f == "order")),
        "{}",
        schemas["EventData"]
    );
    // Enum values in the contract are the ones on the wire.
    assert_eq!(
        doc.json["components"]["schemas"]["Pricing"]["enum"],
        serde_json::json!(["by_weight", "by_piece"])
    );
    assert_eq!(
        doc.json["components"]["schemas"]["Channel"]["enum"][4],
        "walk_in"
    );
    let paths = doc.json["paths"].as_object().cloned().unwrap_or_default();
    assert!(paths.len() >= 15, "only {} paths documented", paths.len());
    let mut operations = 0;
    let mut ids = std::collections::BTreeMap::new();
    for (path, item) in &paths {
        for (method, op) in item.as_object().cloned().unwrap_or_default() {
            operations += 1;
            // A client generator names its functions after these: each must be unique.
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            if let Some(other) = ids.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} is used by {other} and {method} {path}");
            }
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            // OpenAPI 3.1 requires a description on every response.
            for (status, r) in &responses {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status} has no description"
                );
            }
            // Every write says it can find the disk full, and every route that the database
            // can be away for says so.
            assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            if method != "get" {
                assert!(responses.contains_key("507"), "{method} {path} lacks 507");
            }
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success answer"
            );
            for status in ["400", "404", "422", "500"] {
                let content = &responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} lacks {status}"))["content"];
                assert!(
                    content["application/problem+json"].is_object(),
                    "{method} {path} {status} is not problem+json"
                );
            }
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("413") && responses.contains_key("415"),
                    "{method} {path}"
                );
            }
        }
    }
    assert!(operations >= 25, "only {operations} operations");
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.send(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("swagger"),
        "{}",
        &page.text[..page.text.len().min(300)]
    );
    // Everything the page loads is ours: no CDN, so it renders with no internet.
    assert!(
        !page.text.contains("https://") && !page.text.contains("http://"),
        "page refers to another host"
    );
    let bundle = app
        .send(Method::GET, "/api/docs/swagger-ui-bundle.js", None, None)
        .await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.text.len() > 100_000);
    let init = app
        .send(Method::GET, "/api/docs/swagger-initializer.js", None, None)
        .await;
    assert!(init.text.contains("/api/openapi.json"), "{}", init.text);
}

fn header<'a>(r: &'a crate::helpers::Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_forbid_inline_code_framing_and_sniffing_and_secrets_are_not_cached() {
    let app = crate::helpers::spawn_app().await;
    let station = app.token("station").await;
    let pages = [
        app.send(Method::GET, "/app/live", None, None).await,
        app.send(Method::GET, "/app/station", None, None).await,
        app.send(Method::GET, "/app/live/1/board", None, None).await,
        app.get(&station, "/api/v1/pick-list/print?date=2026-11-28")
            .await,
    ];
    for p in &pages {
        assert_eq!(p.status, 200, "{}", p.text);
        let csp = header(p, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(header(p, "x-content-type-options"), "nosniff");
        assert_eq!(header(p, "referrer-policy"), "same-origin");
        // What the policy forbids is not there to be blocked.
        assert!(!p.text.contains("<style"), "inline style");
        assert!(!p.text.contains("onclick="), "inline handler");
        assert_eq!(
            p.text.matches("<script").count(),
            p.text.matches("<script src=").count(),
            "inline script"
        );
    }
    let json = app.send(Method::GET, "/health", None, None).await;
    assert_eq!(header(&json, "x-content-type-options"), "nosniff");
    let login = app.login("admin", crate::helpers::ADMIN_PASSWORD).await;
    assert_eq!(header(&login, "cache-control"), "no-store");
}

#[tokio::test]
async fn head_on_a_page_answers_as_get_without_the_body() {
    let app = spawn_app().await;
    for path in ["/", "/app/office", "/app/station", "/app/live"] {
        let get = app.send(Method::GET, path, None, None).await;
        let head = app.send(Method::HEAD, path, None, None).await;
        assert_eq!((get.status, head.status), (200, 200), "{path}");
        assert!(head.bytes.is_empty(), "{path}: a HEAD answer has no body");
        assert_eq!(head.content_type, get.content_type, "{path}");
    }
}

/// Every `$ref` in the document names a schema it defines: a generated client or a validator
/// stops at the first that does not.
#[tokio::test]
async fn every_schema_the_document_refers_to_is_defined() {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => refs(x, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let app = crate::helpers::spawn_app().await;
    let doc = app
        .send(reqwest::Method::GET, "/api/openapi.json", None, None)
        .await
        .json;
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "found only {} references", all.len());
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut missing: Vec<String> = all
        .into_iter()
        .filter_map(|r| r.strip_prefix("#/components/schemas/").map(str::to_owned))
        .filter(|name| !schemas.contains_key(name))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "undefined schemas: {missing:?}");
}
