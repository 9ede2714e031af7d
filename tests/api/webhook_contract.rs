//! The webhook contract: each event's body, in each version, keeps the shape stored in
//! `tests/api/webhook_bodies/v{version}/{event}.json` — every key, and the JSON type of every
//! value. A body that changes shape fails here: give the change a new version (older endpoints
//! keep theirs, `services/webhooks/versions.rs`), or, for a field added to the current version,
//! say so in the CHANGELOG and store the new shape with `ZHUNONG_WRITE_WEBHOOK_SHAPES=1`.

use crate::helpers::{TestApp, spawn_app_with};
use crate::partner::{Receiver, bulk, partner, receiver, wait_for};
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The shape of a value: its keys and the JSON types of its values, arrays by their first item.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => json!("string"),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!("integer"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("boolean"),
        Value::Null => json!("null"),
    }
}

fn shapes_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/webhook_bodies")
}

async fn endpoint(app: &TestApp, key: &str, rx: &Receiver, version: i64) {
    let r = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(key),
            Some(&json!({
                "url": format!("http://127.0.0.1:{}/hook", rx.port),
                "events": ["order.confirmed", "order.weighed", "order.loaded", "order.shipped",
                           "order.delivered", "order.cancelled", "payment.recorded"],
                "version": version,
            })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["webhook"]["version"], version);
}

/// An order through its whole life, and a second one cancelled: every event once.
pub(crate) async fn every_event(app: &TestApp, key: &str) {
    let boxes = app.batch("by_piece", 100, 8_800).await;
    let o = bulk(
        app,
        key,
        Some("contract-1"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 2}]}),
    )
    .await;
    let order = o.json["id"].as_i64().unwrap_or(0);
    let sec = app.token("secretary").await;
    app.post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    crate::weighing::weigh_complete(
        app,
        o.json["lines"][0]["line_id"].as_i64().unwrap_or(0),
        json!([{"gross_g": 11_000, "tare_g": 600}]),
    )
    .await;
    let st = app.token("station").await;
    let load = app.post(&st, "/api/v1/loads", json!({"plate": "皖A12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"})).await.json["id"].as_i64().unwrap_or(0);
    app.post(
        &st,
        &format!("/api/v1/loads/{load}/orders"),
        json!({"order_id": order}),
    )
    .await;
    app.post(&st, &format!("/api/v1/loads/{load}/loaded"), json!({}))
        .await;
    app.post(
        &st,
        &format!("/api/v1/loads/{load}/delivered"),
        json!({"received_by": "赵经理"}),
    )
    .await;
    app.post(
        &sec,
        &format!("/api/v1/orders/{order}/payments"),
        json!({"amount_fen": 1_000, "method": "bank_transfer"}),
    )
    .await;
    let second = bulk(
        app,
        key,
        Some("contract-2"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 1}]}),
    )
    .await
    .json["id"]
        .as_i64()
        .unwrap_or(0);
    app.post(&sec, &format!("/api/v1/orders/{second}/cancel"), json!({}))
        .await;
    // A parcel, for `order.shipped` (it confirms and weighs the order again: three events).
    let recipient = crate::shipping::parsed(app).await;
    let third = bulk(
        app,
        key,
        Some("contract-3"),
        &json!({"lines": [{"batch_id": boxes, "quantity": 1}], "fulfilment": "parcel", "recipient": recipient}),
    )
    .await;
    assert_eq!(third.status, 201, "{}", third.text);
    let id = third.json["id"].as_i64().unwrap_or(0);
    app.post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
        .await;
    let line = third.json["lines"][0]["line_id"].as_i64().unwrap_or(0);
    crate::shipping::weigh_boxes(app, line, 1).await;
    let p = crate::shipping::pack(
        app,
        json!({"order_ids": [id], "weight_g": 2_200, "carrier": "zhongtong", "tracking_no": "ZT1"}),
    )
    .await;
    let pid = p.json["id"].as_i64().unwrap_or(0);
    let shipped = app
        .post(&st, &format!("/api/v1/parcels/{pid}/ship"), json!({}))
        .await;
    assert_eq!(shipped.status, 200, "{}", shipped.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_body_keeps_its_shape_in_every_version() {
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_poll_millis = 100;
    })
    .await;
    let rx = receiver(0).await;
    let (_, key) = partner(&app, "契约公司").await;
    endpoint(&app, &key, &rx, 1).await;
    endpoint(&app, &key, &rx, 2).await;
    every_event(&app, &key).await;
    // Nine events for the first two orders, three for the parcel; in two versions each.
    let got = wait_for(&rx, 24).await;
    rx.handle.stop(false).await;
    let mut bodies: BTreeMap<(i64, String), Value> = BTreeMap::new();
    for (_, _, _, body) in &got {
        let v: Value = serde_json::from_str(body).unwrap_or_default();
        let version = v["version"].as_i64().unwrap_or(0);
        let event = v["type"].as_str().unwrap_or_default().to_owned();
        // The first of each: the parcel order's confirmed and weighed come later.
        bodies.entry((version, event)).or_insert(v);
    }
    assert_eq!(
        bodies.len(),
        14,
        "seven events in two versions: {:?}",
        bodies.keys()
    );
    let write = std::env::var("ZHUNONG_WRITE_WEBHOOK_SHAPES").is_ok();
    let mut changed = Vec::new();
    for ((version, event), body) in &bodies {
        let file = shapes_dir().join(format!("v{version}/{event}.json"));
        let now = shape(body);
        if write {
            std::fs::create_dir_all(file.parent().unwrap_or(&shapes_dir()))
                .unwrap_or_else(|e| panic!("{e}"));
            let text = serde_json::to_string_pretty(&now).unwrap_or_default() + "\n";
            std::fs::write(&file, text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            continue;
        }
        let stored: Value = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if stored != now {
            changed.push(format!(
                "{event} v{version} ({}):\n{}",
                file.display(),
                serde_json::to_string_pretty(&now).unwrap_or_default()
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "webhook bodies changed shape without a new version:\n{}",
        changed.join("\n")
    );
    // Version 1 is the shape from before 2026-12-01, event by event.
    let v1 = |e: &str| &bodies[&(1, e.to_owned())]["data"];
    assert!(v1("order.confirmed")["number"].is_string());
    assert_eq!(v1("order.weighed")["revision"], 1);
    assert_eq!(v1("order.loaded")["truck"]["plate"], "皖A12345");
    assert_eq!(v1("order.delivered")["received_by"], "赵经理");
    assert_eq!(v1("payment.recorded")["payment"]["amount_fen"], 1_000);
    let v2 = |e: &str| &bodies[&(2, e.to_owned())]["data"];
    assert!(v2("order.confirmed")["order"]["number"].is_string());
    assert_eq!(v2("order.weighed")["weighing"]["revision"], 1);
    assert_eq!(v2("order.delivered")["truck"]["received_by"], "赵经理");
}

#[tokio::test]
async fn an_endpoint_is_registered_for_a_known_version_only() {
    let app = spawn_app_with(|s| s.webhook_allow_hosts = vec!["127.0.0.1".into()]).await;
    let (_, key) = partner(&app, "契约公司").await;
    for bad in [json!(0), json!(3), json!("2")] {
        let r = app
            .send(
                Method::POST,
                "/api/v1/partner/webhooks",
                Some(&key),
                Some(&json!({"url": "http://127.0.0.1:9/hook", "events": ["order.confirmed"], "version": bad})),
            )
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.json["errors"][0]["field"], "version", "{}", r.text);
    }
    let r = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(&key),
            Some(&json!({"url": "http://127.0.0.1:9/hook", "events": ["order.confirmed"]})),
        )
        .await;
    assert_eq!(
        r.json["webhook"]["version"], 2,
        "the current one by default"
    );
}
