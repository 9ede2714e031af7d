//! `order.weighed`: sent once, when the whole order's weighing is complete, with the
//! final lines and amounts; a correction sends a new event that says which one it supersedes.

use super::weigh;
use crate::helpers::{TestApp, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};

/// The `order.weighed` payloads in the outbox, oldest first.
async fn weighed_events(app: &TestApp) -> Vec<Value> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.raw_db().await;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT payload FROM webhook_deliveries WHERE event_type = 'order.weighed' ORDER BY id"
                .to_owned(),
        ))
        .await
        .unwrap_or_else(|e| panic!("outbox: {e}"));
    rows.iter()
        .filter_map(|r| r.try_get::<String>("", "payload").ok())
        .map(|p| serde_json::from_str(&p).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn order_weighed_is_sent_once_when_complete_and_a_correction_supersedes_it() {
    // The outbox is read directly: no worker delivers it.
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_worker = false;
    })
    .await;
    let (buyer, key) = crate::partner::partner(&app, "皖酒集团").await;
    let hook = app
        .send(
            Method::POST,
            "/api/v1/partner/webhooks",
            Some(&key),
            Some(&json!({"url": "http://127.0.0.1:9/hook", "events": ["order.weighed"]})),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let sec = app.token("secretary").await;
    let greens = app.batch("by_weight", 100_000, 300).await;
    let boxes = app.batch("by_piece", 10, 8_800).await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": greens, "quantity": 5_000}, {"batch_id": boxes, "quantity": 2}]}))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let order = o.json["id"].as_i64().unwrap_or_default();
    let (l1, l2) = (
        o.json["lines"][0]["line_id"].as_i64().unwrap_or(0),
        o.json["lines"][1]["line_id"].as_i64().unwrap_or(0),
    );
    app.post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;

    // A first crate on every line is not a finished weighing: nothing is sent.
    let first = weigh(&app, l1, json!([{"gross_g": 2_000, "tare_g": 0}])).await;
    weigh(&app, l2, json!([{"gross_g": 10_000, "tare_g": 600}])).await;
    weigh(&app, l1, json!([{"gross_g": 2_900, "tare_g": 0}])).await;
    assert!(
        weighed_events(&app).await.is_empty(),
        "sent before completion"
    );
    app.complete_line(l1).await;
    assert!(
        weighed_events(&app).await.is_empty(),
        "sent with a line open"
    );
    let done = app.complete_order(order).await;
    assert_eq!(done.json["status"], "weighed", "{}", done.text);

    let events = weighed_events(&app).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let (data, w) = (&events[0]["data"]["order"], &events[0]["data"]["weighing"]);
    // At the enterprise prices: 4,900 g × 2.40/jin = 23.52; 2 boxes × 70.40.
    assert_eq!(
        (
            data["id"].as_i64(),
            data["status"].as_str(),
            data["final_total_fen"].as_i64(),
            data["lines"][0]["weighed_g"].as_i64(),
            data["lines"][0]["final_amount_fen"].as_i64(),
            w["revision"].as_i64(),
            w["supersedes_revision"].is_null()
        ),
        (
            Some(order),
            Some("weighed"),
            Some(2_352 + 14_080),
            Some(4_900),
            Some(2_352),
            Some(1),
            true
        ),
        "{data}"
    );
    assert!(data["lines"][1]["weighing_completed_at"].is_string());

    // A correction: the 2,000 g crate was wrong. The void re-opens the order and sends nothing;
    // completing it again sends revision 2, superseding revision 1.
    let wrong = first.json["tickets"][0]["id"].as_i64().unwrap_or_default();
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{wrong}/void"),
            json!({"reason": "秤未归零"}),
        )
        .await;
    assert_eq!(v.json["status"], "confirmed", "{}", v.text);
    assert_eq!(weighed_events(&app).await.len(), 1);
    weigh(&app, l1, json!([{"gross_g": 2_100, "tare_g": 0}])).await;
    app.complete_line(l1).await;
    let events = weighed_events(&app).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let (data, w) = (&events[1]["data"]["order"], &events[1]["data"]["weighing"]);
    assert_eq!(
        (
            data["final_total_fen"].as_i64(),
            data["lines"][0]["weighed_g"].as_i64(),
            w["revision"].as_i64(),
            w["supersedes_revision"].as_i64()
        ),
        (Some(2_400 + 14_080), Some(5_000), Some(2), Some(1)),
        "{data}"
    );
}
