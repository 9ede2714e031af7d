//! The partner API: keys, contract prices, bulk orders with required idempotency, tenant
//! isolation, rate limits, and signed webhooks to a loopback receiver.

use crate::helpers::{Reply, TestApp, backend_name, spawn_app, spawn_app_with};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zhunong_api::services::webhooks::sign;

/// An enterprise buyer with an API key; returns (buyer id, key).
pub async fn partner(app: &TestApp, company: &str) -> (i64, String) {
    let sec = app.token("secretary").await;
    let phone = format!("0551{:07}", crate::helpers::rand_u32() % 10_000_000);
    let b = app
        .post(
            &sec,
            "/api/v1/buyers",
            json!({"kind": "enterprise", "name": company, "company": company, "phone": phone}),
        )
        .await;
    let id = b.json["id"].as_i64().unwrap_or(0);
    let k = app
        .post(
            &sec,
            &format!("/api/v1/buyers/{id}/api-keys"),
            json!({"label": "ERP"}),
        )
        .await;
    assert_eq!(k.status, 201, "{}", k.text);
    (id, k.json["key"].as_str().unwrap_or_default().to_owned())
}

pub(crate) async fn bulk(app: &TestApp, key: &str, idem: Option<&str>, body: &Value) -> Reply {
    let mut req = app
        .client
        .post(app.url("/api/v1/partner/orders"))
        .bearer_auth(key)
        .json(body);
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

#[tokio::test]
async fn keys_are_shown_once_stored_hashed_and_revoked_at_once() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let (buyer, key) = partner(&app, "皖酒集团").await;
    assert!(key.starts_with("znk_"));
    let second = app
        .post(&sec, &format!("/api/v1/buyers/{buyer}/api-keys"), json!({}))
        .await
        .json["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for k in [&key, &second] {
        assert_eq!(
            app.send(Method::GET, "/api/v1/partner/catalog", Some(k), None)
                .await
                .status,
            200,
            "both keys work during rotation"
        );
    }
    let listed = app
        .get(&sec, &format!("/api/v1/buyers/{buyer}/api-keys"))
        .await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(2));
    assert!(
        !listed.text.contains(&key[13..]),
        "the list shows no secret"
    );
    // The plaintext is nowhere in the database.
    let secret = &key[13..];
    let db = app.raw_db().await;
    use sea_orm::{ConnectionTrait, Statement};
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT key_id, secret_hash, label FROM api_keys".to_owned(),
        ))
        .await
        .unwrap_or_default();
    for r in &rows {
        for col in ["key_id", "secret_hash", "label"] {
            let v: Option<String> = r.try_get("", col).ok().flatten();
            assert!(
                !v.unwrap_or_default().contains(secret),
                "the key's secret is stored in api_keys.{col}"
            );
        }
    }
    if let Some(path) = app.settings.sqlite_path() {
        drop(db);
        let bytes = std::fs::read(&path).unwrap_or_default();
        let wal = std::fs::read(format!("{}-wal", path.display())).unwrap_or_default();
        let hay = [bytes, wal].concat();
        assert!(
            !hay.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the key's secret is in the database file"
        );
    }
    let key_id = &key[4..12];
    let r = app
        .post(
            &sec,
            &format!("/api/v1/buyers/{buyer}/api-keys/{key_id}/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.send(Method::GET, "/api/v1/partner/catalog", Some(&key), None)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        app.send(Method::GET, "/api/v1/partner/catalog", Some(&second), None)
            .await
            .status,
        200
    );
    let individual = app.buyer("individual").await;
    app.post(
        &sec,
        &format!("/api/v1/buyers/{individual}/api-keys"),
        json!({}),
    )
    .await
    .assert_problem(409, "not_an_enterprise");
}

#[tokio::test]
async fn bulk_orders_use_contract_prices_and_are_idempotent() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let greens = app.batch("by_weight", 1_000_000, 300).await; // enterprise price 240
    let boxes = app.batch("by_piece", 100, 8_800).await; // enterprise price 7040
    let (buyer, key) = partner(&app, "市农产品公司").await;
    let product = app
        .get(&sec, &format!("/api/v1/batches/{greens}"))
        .await
        .json["product_id"]
        .as_i64()
        .unwrap_or(0);
    for body in [
        json!({"product_id": product, "price_fen": 200, "valid_from": "2020-01-01"}),
        json!({"batch_id": boxes, "price_fen": 6_000, "min_quantity": 10, "valid_from": "2020-01-01"}),
    ] {
        assert_eq!(
            app.post(
                &sec,
                &format!("/api/v1/buyers/{buyer}/contract-prices"),
                body
            )
            .await
            .status,
            201
        );
    }
    let catalog = app
        .send(Method::GET, "/api/v1/partner/catalog", Some(&key), None)
        .await;
    let item = |b: i64| {
        catalog
            .json
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["batch_id"] == b)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        (
            item(greens)["price_fen"].as_i64(),
            item(greens)["available_qty"].as_i64()
        ),
        (Some(200), Some(1_000_000)),
        "{}",
        catalog.text
    );
    assert_eq!(
        (
            item(boxes)["price_fen"].as_i64(),
            item(boxes)["contract_min_quantity"].as_i64()
        ),
        (Some(6_000), Some(10))
    );

    let body = json!({"note": "工会福利", "lines": [{"batch_id": greens, "quantity": 50_000}, {"batch_id": boxes, "quantity": 5}]});
    bulk(&app, &key, None, &body)
        .await
        .assert_problem(400, "idempotency_key_required");
    let first = bulk(&app, &key, Some("po-2026-0001"), &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    // 100 jin at the contract 2.00 = 200.00; 5 boxes are under the 10-box minimum: 70.40 each.
    assert_eq!(first.json["total_fen"], 20_000 + 5 * 7_040);
    assert_eq!(first.json["channel"], "partner_api");
    let replay = bulk(&app, &key, Some("po-2026-0001"), &body).await;
    assert_eq!(
        (replay.status, replay.text.as_str()),
        (201, first.text.as_str()),
        "byte-identical replay"
    );
    assert_eq!(
        replay
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let other = json!({"lines": [{"batch_id": boxes, "quantity": 12}]});
    bulk(&app, &key, Some("po-2026-0001"), &other)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let big = bulk(&app, &key, Some("po-2026-0002"), &other).await;
    assert_eq!(
        big.json["total_fen"],
        12 * 6_000,
        "the contract price from its minimum quantity"
    );
    // A request that failed validation is not remembered; the key is still free.
    let bad = json!({"lines": [{"batch_id": boxes, "quantity": 0}]});
    bulk(&app, &key, Some("po-2026-0003"), &bad)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        bulk(
            &app,
            &key,
            Some("po-2026-0003"),
            &json!({"lines": [{"batch_id": boxes, "quantity": 1}]})
        )
        .await
        .status,
        201
    );
    // Another partner using the same key string makes its own order.
    let (_, key_b) = partner(&app, "皖酒集团").await;
    let theirs = bulk(&app, &key_b, Some("po-2026-0001"), &body).await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.json["id"], first.json["id"]);
    // Every short line is listed; nothing is taken.
    let short = bulk(&app, &key, Some("po-2026-0004"), &json!({"lines": [{"batch_id": greens, "quantity": 10_000_000}, {"batch_id": boxes, "quantity": 1_000}]})).await;
    short.assert_problem(409, "insufficient_stock");
    assert_eq!(short.json["shortages"].as_array().map(Vec::len), Some(2));
    let lines: Vec<Value> = (0..501)
        .map(|_| json!({"batch_id": boxes, "quantity": 1}))
        .collect();
    let too_many = bulk(&app, &key, Some("po-2026-0005"), &json!({"lines": lines})).await;
    assert_eq!(too_many.json["errors"][0]["field"], "lines");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_bulk_requests_with_one_key_make_one_order() {
    let app = Arc::new(spawn_app().await);
    let boxes = app.batch("by_piece", 1_000, 8_800).await;
    let (buyer, key) = partner(&app, "皖酒集团").await;
    let body = json!({"lines": [{"batch_id": boxes, "quantity": 10}]});
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, key, body) = (app.clone(), key.clone(), body.clone());
        tasks.spawn(async move { bulk(&app, &key, Some("po-concurrent"), &body).await.status });
    }
    let mut statuses = Vec::new();
    while let Some(s) = tasks.join_next().await {
        statuses.push(s.unwrap_or(0));
    }
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let sec = app.token("secretary").await;
    assert_eq!(
        app.get(&sec, &format!("/api/v1/orders?buyer_id={buyer}"))
            .await
            .json["total"],
        1
    );
    assert_eq!(app.stock(boxes).await, 990);
}

#[tokio::test]
async fn a_partner_sees_only_its_own_business() {
    let app = spawn_app_with(|s| s.webhook_allow_hosts = vec!["127.0.0.1".into()]).await;
    let boxes = app.batch("by_piece", 100, 8_800).await;
    let (_, key_a) = partner(&app, "甲公司").await;
    let (buyer_b, key_b) = partner(&app, "乙公司").await;
    let order_b = bulk(
        &app,
        &key_b,
        Some("b-1"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 1}]}),
    )
    .await
    .json["id"]
        .as_i64()
        .unwrap_or(0);
    let hook_b = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(&key_b),
            Some(&json!({"url": "http://127.0.0.1:9/hook", "events": ["order.confirmed"]})),
        )
        .await;
    assert_eq!(hook_b.status, 201, "{}", hook_b.text);
    let hook_b = hook_b.json["webhook"]["id"].as_i64().unwrap_or(0);
    let order_a = bulk(
        &app,
        &key_a,
        Some("a-1"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 2}]}),
    )
    .await
    .json["id"]
        .as_i64()
        .unwrap_or(0);
    // Every id-taking partner route, every method, with B's objects and A's key.
    let routes = |order: i64, hook: i64| {
        [
            (Method::GET, format!("/api/v1/partner/orders/{order}")),
            (Method::GET, format!("/api/v1/partner/webhooks/{hook}")),
            (Method::DELETE, format!("/api/v1/partner/webhooks/{hook}")),
            (
                Method::POST,
                format!("/api/v1/partner/webhooks/{hook}/rotate-secret"),
            ),
        ]
    };
    let matrix = routes(order_b, hook_b);
    for ((method, path), (_, missing_path)) in matrix.iter().zip(routes(999_999, 999_999)) {
        let foreign = app.send(method.clone(), path, Some(&key_a), None).await;
        foreign.assert_problem(404, "not_found");
        let missing = app
            .send(method.clone(), &missing_path, Some(&key_a), None)
            .await;
        assert_eq!(
            (missing.status, missing.json["detail"].clone()),
            (404, foreign.json["detail"].clone()),
            "foreign and missing look alike: {path}"
        );
    }
    println!(
        "cross-tenant matrix on {}: {} routes × foreign and missing ids → 404",
        backend_name(),
        matrix.len()
    );
    let mine = app
        .send(Method::GET, "/api/v1/partner/orders", Some(&key_a), None)
        .await;
    let ids: Vec<i64> = mine.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["id"].as_i64())
        .collect();
    assert_eq!(ids, [order_a]);
    let filtered = app
        .send(
            Method::GET,
            &format!("/api/v1/partner/orders?buyer_id={buyer_b}"),
            Some(&key_a),
            None,
        )
        .await;
    assert_eq!(
        filtered.json["total"], 1,
        "a buyer filter cannot widen the scope"
    );
    assert_eq!(
        app.send(Method::GET, "/api/v1/partner/webhooks", Some(&key_a), None)
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let own = app
        .send(
            Method::GET,
            &format!("/api/v1/partner/orders/{order_a}"),
            Some(&key_a),
            None,
        )
        .await;
    assert_eq!(
        (own.status, own.json["order"]["id"].as_i64()),
        (200, Some(order_a))
    );
    // B's webhook still stands.
    assert_eq!(
        app.send(
            Method::GET,
            &format!("/api/v1/partner/webhooks/{hook_b}"),
            Some(&key_b),
            None
        )
        .await
        .json["enabled"],
        true
    );
}

#[tokio::test]
async fn each_key_is_rate_limited_on_its_own() {
    let app = spawn_app_with(|s| {
        s.partner_rate_per_sec = 1;
        s.partner_burst = 3;
    })
    .await;
    let (_, noisy) = partner(&app, "甲公司").await;
    let (_, quiet) = partner(&app, "乙公司").await;
    for _ in 0..3 {
        assert_eq!(
            app.send(Method::GET, "/api/v1/partner/catalog", Some(&noisy), None)
                .await
                .status,
            200
        );
    }
    let limited = app
        .send(Method::GET, "/api/v1/partner/catalog", Some(&noisy), None)
        .await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.headers.get("retry-after").is_some());
    assert_eq!(
        app.send(Method::GET, "/api/v1/partner/catalog", Some(&quiet), None)
            .await
            .status,
        200,
        "another key is not slowed"
    );
}

#[tokio::test]
async fn webhook_urls_to_forbidden_targets_are_refused_at_registration() {
    let app = spawn_app().await;
    let (_, key) = partner(&app, "甲公司").await;
    for url in [
        "https://127.0.0.1/h",
        "https://localhost/h",
        "https://0x7f000001/h",
        "https://[::1]/h",
        "https://[::ffff:127.0.0.1]/h",
        "https://[::ffff:0:7f00:1]/hooks",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://169.254.169.254/",
        "https://10.0.0.1/",
        "https://172.16.5.5/",
        "https://192.168.0.1/",
        "https://100.64.1.1/",
        "https://[fd00::1]/",
        "file:///etc/passwd",
        "gopher://example.com/",
        "https://user:pass@example.com/",
        "http://example.com/",
    ] {
        let r = app
            .send(
                Method::POST,
                "/api/v1/partner/webhooks",
                Some(&key),
                Some(&json!({"url": url, "events": ["order.confirmed"]})),
            )
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.json["errors"][0]["field"], "url", "{url}");
    }
    let r = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(&key),
            Some(&json!({"url": "https://example.com/h", "events": ["order.exploded"]})),
        )
        .await;
    assert_eq!(r.json["errors"][0]["field"], "events[0]");
}

/// Subscribes the partner `key` to `events` at the loopback receiver on `port`; the answer is 201
/// (checked) with the endpoint and its signing secret.
pub(crate) async fn subscribe(app: &TestApp, key: &str, port: u16, events: &[&str]) -> Reply {
    let hook = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(key),
            Some(&json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": events})),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    hook
}

/// What the receiver saw: webhook-id, webhook-timestamp, webhook-signature, body.
pub(crate) type Received = (String, i64, String, String);

/// A loopback receiver: records what it is sent; fails the first `fail_first` requests.
pub(crate) struct Receiver {
    pub port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    pub handle: actix_web::dev::ServerHandle,
}

pub(crate) async fn receiver(fail_first: usize) -> Receiver {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let seen = Arc::new(Mutex::new(0usize));
    let (g, s) = (got.clone(), seen.clone());
    let server = HttpServer::new(move || {
        let (g, s) = (g.clone(), s.clone());
        App::new().route(
            "/hook",
            web::post().to(move |req: HttpRequest, body: web::Bytes| {
                let (g, s) = (g.clone(), s.clone());
                async move {
                    let mut n = s.lock().unwrap_or_else(|p| p.into_inner());
                    *n += 1;
                    if *n <= fail_first {
                        return HttpResponse::InternalServerError().finish();
                    }
                    let h = |k: &str| {
                        req.headers()
                            .get(k)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    g.lock().unwrap_or_else(|p| p.into_inner()).push((
                        h("webhook-id"),
                        h("webhook-timestamp").parse().unwrap_or(0),
                        h("webhook-signature"),
                        String::from_utf8_lossy(&body).into_owned(),
                    ));
                    HttpResponse::NoContent().finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap_or_else(|e| panic!("{e}"));
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Receiver { port, got, handle }
}

pub(crate) async fn wait_for(r: &Receiver, n: usize) -> Vec<Received> {
    for _ in 0..150 {
        let got = r.got.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    r.got.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_of_an_order_life_arrives_signed_and_retries_succeed() {
    let app = Arc::new(
        spawn_app_with(|s| {
            s.webhook_allow_hosts = vec!["127.0.0.1".into()];
            s.webhook_poll_millis = 100;
            s.webhook_retry_schedule_secs = vec![1, 1, 1, 1];
        })
        .await,
    );
    let rx = receiver(3).await;
    let (_, key) = partner(&app, "皖酒集团").await;
    let events = [
        "order.confirmed",
        "order.weighed",
        "order.loaded",
        "order.shipped",
        "order.delivered",
        "order.cancelled",
        "payment.recorded",
    ];
    let hook = subscribe(&app, &key, rx.port, &events).await;
    let secret = hook.json["secret"].as_str().unwrap_or_default().to_owned();
    crate::webhook_contract::every_event(&app, &key).await;
    // A rolled-back change sends nothing: an overpayment is refused.
    let sec = app.token("secretary").await;
    let delivered = app.get(&sec, "/api/v1/orders?status=delivered").await.json["items"][0]["id"]
        .as_i64()
        .unwrap_or(0);
    app.post(
        &sec,
        &format!("/api/v1/orders/{delivered}/payments"),
        json!({"amount_fen": 99_999_999, "method": "bank_transfer"}),
    )
    .await
    .assert_problem(409, "overpayment");

    let got = wait_for(&rx, 9).await;
    rx.handle.stop(false).await;
    let types: Vec<String> = got
        .iter()
        .map(|(_, _, _, body)| {
            serde_json::from_str::<Value>(body).unwrap_or_default()["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    println!(
        "webhooks on {}: {} events received after 3 refused attempts: {types:?}",
        backend_name(),
        got.len()
    );
    let mut sorted = types.clone();
    sorted.sort();
    // Each event once for the load's orders; the parcel order is confirmed and weighed too.
    let mut want: Vec<String> = events
        .iter()
        .chain(&["order.confirmed", "order.weighed"])
        .map(|s| (*s).to_owned())
        .collect();
    want.sort();
    assert_eq!(sorted, want, "each event exactly once per order");
    for (id, ts, sig, body) in &got {
        assert!(
            sign::verify(&secret, id, *ts, body, sig),
            "bad signature on {id}"
        );
    }
    let loaded: Value = got
        .iter()
        .map(|g| serde_json::from_str::<Value>(&g.3).unwrap_or_default())
        .find(|v| v["type"] == "order.loaded")
        .unwrap_or_default();
    assert_eq!(loaded["data"]["truck"]["plate"], "皖A12345");
    let weighed: Value = got
        .iter()
        .map(|g| serde_json::from_str::<Value>(&g.3).unwrap_or_default())
        .find(|v| v["type"] == "order.weighed" && v["data"]["order"]["fulfilment"] == "load")
        .unwrap_or_default();
    // One envelope for every event: the order, and what else the event concerns.
    assert_eq!(weighed["data"]["order"]["final_total_fen"], 2 * 7_040);
    assert_eq!(weighed["data"]["weighing"]["revision"], 1);
    assert_eq!(loaded["data"]["order"]["status"], "loaded");
    let paid: Value = got
        .iter()
        .map(|g| serde_json::from_str::<Value>(&g.3).unwrap_or_default())
        .find(|v| v["type"] == "payment.recorded")
        .unwrap_or_default();
    assert!(paid["data"]["order"]["id"].is_i64(), "{paid}");
    let delivered: Value = got
        .iter()
        .map(|g| serde_json::from_str::<Value>(&g.3).unwrap_or_default())
        .find(|v| v["type"] == "order.delivered")
        .unwrap_or_default();
    assert_eq!(delivered["data"]["truck"]["received_by"], "赵经理");
    assert!(
        paid["data"]["payment"]["payment"]["amount_fen"].is_i64(),
        "{paid}"
    );
    let failed = app
        .get(&sec, "/api/v1/webhook-deliveries?status=failed")
        .await;
    assert_eq!(failed.json["total"], 0);
}

#[tokio::test]
async fn a_receiver_that_answers_410_is_disabled_and_failures_can_be_resent() {
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_poll_millis = 100;
        s.webhook_retry_schedule_secs = vec![];
    })
    .await;
    let (_, key) = partner(&app, "皖酒集团").await;
    // Nothing listens on port 9: the one attempt fails and, with no retries left, gives up.
    let hook = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(&key),
            Some(&json!({"url": "http://127.0.0.1:9/hook", "events": ["order.cancelled"]})),
        )
        .await;
    assert_eq!(hook.status, 201);
    let boxes = app.batch("by_piece", 10, 100).await;
    let o = bulk(
        &app,
        &key,
        Some("x-1"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 1}]}),
    )
    .await
    .json["id"]
        .as_i64()
        .unwrap_or(0);
    let sec = app.token("secretary").await;
    app.post(&sec, &format!("/api/v1/orders/{o}/cancel"), json!({}))
        .await;
    let mut failed = Value::Null;
    for _ in 0..100 {
        failed = app
            .get(&sec, "/api/v1/webhook-deliveries?status=failed")
            .await
            .json;
        if failed["total"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(failed["total"], 1, "{failed}");
    let id = failed["items"][0]["id"].as_i64().unwrap_or(0);
    let again = app
        .post(
            &sec,
            &format!("/api/v1/webhook-deliveries/{id}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    app.post(&sec, "/api/v1/webhook-deliveries/999999/resend", json!({}))
        .await
        .assert_problem(404, "not_found");
}

/// Three workers over one PostgreSQL database deliver each of 1,000 events exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_workers_deliver_a_thousand_events_exactly_once() {
    use zhunong_api::db::Db;
    use zhunong_api::services::webhooks::{ssrf::SystemResolver, worker};
    if backend_name() != "postgres" {
        println!("three-worker delivery runs on PostgreSQL (SKIP LOCKED); SQLite has one writer");
        return;
    }
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_worker = false;
    })
    .await;
    let rx = receiver(0).await;
    let (_, key) = partner(&app, "皖酒集团").await;
    let hook = subscribe(&app, &key, rx.port, &["order.confirmed"]).await;
    let endpoint = hook.json["webhook"]["id"].as_i64().unwrap_or(0);
    let db = app.raw_db().await;
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!(
        "INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, attempts, next_attempt_at, created_at) \
         SELECT {endpoint}, 'msg_' || g, 'order.confirmed', '{{\"n\":' || g || '}}', 'pending', 0, now(), now() FROM generate_series(1, 1000) g"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = worker::WorkerConfig::from_settings(
        &app.settings,
        zhunong_api::services::webhooks::secret_box::SecretBox::from_master(
            crate::helpers::JWT_SECRET.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("{e}")),
    );
    cfg.batch = 20;
    let mut workers = Vec::new();
    for _ in 0..3 {
        let db = Db::connect(&app.settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let cfg = cfg.clone();
        workers.push(tokio::spawn(async move {
            let mut claimed = 0;
            loop {
                match worker::pass(&db, &cfg, &SystemResolver).await {
                    Ok(0) => break,
                    Ok(n) => claimed += n,
                    Err(e) => panic!("{e}"),
                }
            }
            claimed
        }));
    }
    let mut per_worker = Vec::new();
    for w in workers {
        per_worker.push(w.await.unwrap_or(0));
    }
    let got = wait_for(&rx, 1_000).await;
    rx.handle.stop(false).await;
    let mut ids: Vec<&String> = got.iter().map(|g| &g.0).collect();
    ids.sort();
    ids.dedup();
    println!(
        "three workers claimed {per_worker:?}; the receiver got {} requests, {} distinct",
        got.len(),
        ids.len()
    );
    assert_eq!(
        per_worker.iter().sum::<usize>(),
        1_000,
        "each delivery claimed once"
    );
    assert!(
        per_worker.iter().all(|n| *n > 0),
        "all three workers took part"
    );
    assert_eq!((got.len(), ids.len()), (1_000, 1_000));
}

#[tokio::test]
async fn a_bulk_order_naming_a_batch_that_does_not_exist_is_refused_and_names_the_line() {
    let app = spawn_app().await;
    let (_, key) = partner(&app, "皖酒集团").await;
    let batch = app.batch("by_piece", 100, 500).await;
    let r = bulk(
        &app,
        &key,
        Some("unknown-batch-1"),
        &json!({"lines": [{"batch_id": batch, "quantity": 1}, {"batch_id": 999_999, "quantity": 40}]}),
    )
    .await;
    r.assert_problem(422, "validation_failed");
    assert!(r.text.contains("999999"), "{}", r.text);
    assert_eq!(app.stock(batch).await, 100, "nothing taken");
}
