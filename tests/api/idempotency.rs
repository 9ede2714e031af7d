//! `Idempotency-Key`: a retry gets the first answer byte for byte and makes no second order.

use crate::helpers::spawn_app;
use serde_json::{Value, json};
use std::sync::Arc;

async fn keyed(
    app: &crate::helpers::TestApp,
    token: &str,
    key: &str,
    body: &Value,
) -> crate::helpers::Reply {
    app.post_keyed(token, "/api/v1/orders", key, body).await
}

#[tokio::test]
async fn a_sequential_retry_replays_the_first_answer_byte_for_byte() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let buyer = app.buyer("individual").await;
    let body = json!({"buyer_id": buyer, "channel": "livestream", "lines": [{"batch_id": batch, "quantity": 2_500}]});
    let first = keyed(&app, &t, "phone-entry-0001", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let second = keyed(&app, &t, "phone-entry-0001", &body).await;
    assert_eq!(second.status, 201);
    assert_eq!(second.text, first.text, "replay must be byte-identical");
    assert_eq!(
        second
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    // The same JSON written differently is the same request.
    let reordered: Value = serde_json::from_str(&format!(
        r#"{{ "lines": [{{"quantity": 2500, "batch_id": {batch}}}], "channel": "livestream", "buyer_id": {buyer} }}"#
    ))
    .unwrap_or_default();
    assert_eq!(
        keyed(&app, &t, "phone-entry-0001", &reordered).await.text,
        first.text
    );
    assert_eq!(app.stock(batch).await, 97_500, "one order's stock only");
    assert_eq!(app.get(&t, "/api/v1/orders").await.json["total"], 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let buyer = app.buyer("individual").await;
    let body = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 500}]});
    assert_eq!(keyed(&app, &t, "k-1", &body).await.status, 201);
    let other = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 600}]});
    keyed(&app, &t, "k-1", &other)
        .await
        .assert_problem(422, "idempotency_key_reused");
    assert_eq!(app.stock(batch).await, 99_500);
}

#[tokio::test]
async fn failed_requests_are_not_remembered_and_keys_are_per_user() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let secretary = app.token("secretary").await;
    let batch = app.batch("by_weight", 1_000, 300).await;
    let buyer = app.buyer("individual").await;
    let invalid = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 0}]});
    keyed(&app, &helper, "k-2", &invalid)
        .await
        .assert_problem(422, "validation_failed");
    let too_much = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 5_000}]});
    keyed(&app, &helper, "k-2", &too_much)
        .await
        .assert_problem(409, "insufficient_stock");
    let fine = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 400}]});
    assert_eq!(
        keyed(&app, &helper, "k-2", &fine).await.status,
        201,
        "earlier failures must not hold the key"
    );
    // Another user with the same key string makes an order of their own.
    let r = keyed(&app, &secretary, "k-2", &fine).await;
    assert_eq!(r.status, 201);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(app.stock(batch).await, 200);
    let bad_key = keyed(&app, &helper, "ключ", &fine).await;
    bad_key.assert_problem(400, "idempotency_key_invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_requests_with_one_key_make_one_order() {
    let app = Arc::new(spawn_app().await);
    let t = app.token("helper").await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let buyer = app.buyer("individual").await;
    let body = json!({"buyer_id": buyer, "channel": "livestream", "lines": [{"batch_id": batch, "quantity": 1_000}]});
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, t, body) = (app.clone(), t.clone(), body.clone());
        tasks.spawn(async move {
            let r = keyed(&app, &t, "live-tap-7f3a", &body).await;
            (r.status, r.text)
        });
    }
    let mut bodies = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (status, text) = r.unwrap_or_else(|e| panic!("{e}"));
        // 201 (first or replay) or 409 while the first is still in flight; never a second order.
        assert!(status == 201 || status == 409, "{status}: {text}");
        if status == 201 {
            bodies.push(text);
        }
    }
    assert!(!bodies.is_empty());
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every 201 carries the same order"
    );
    assert_eq!(app.get(&t, "/api/v1/orders").await.json["total"], 1);
    assert_eq!(app.stock(batch).await, 99_000);
}

#[tokio::test]
async fn a_retry_after_the_show_ended_still_gets_its_first_answer() {
    // The reads made before the transaction (the show's terms among them) would now refuse the
    // order; a retry must be answered from its key before them.
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let (session, batch) = crate::live::live_show(&app, 50, 8_800, None).await;
    let buyer = app.buyer("individual").await;
    let body = crate::live::live_order(session, buyer, batch, 2);
    let first = keyed(&app, &t, "live-entry-0001", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let ended = app
        .post(
            &t,
            &format!("/api/v1/live-sessions/{session}/end"),
            json!({}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    keyed(&app, &t, "live-entry-0002", &body)
        .await
        .assert_problem(409, "session_not_live");
    let retry = keyed(&app, &t, "live-entry-0001", &body).await;
    assert_eq!((retry.status, &retry.text), (201, &first.text));
    assert_eq!(app.stock(batch).await, 48, "one order's stock only");
}
