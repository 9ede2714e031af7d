//! The audit log, read back: what was changed, by whom, with filters.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn the_audit_log_shows_who_confirmed_and_cancelled_an_order() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 10, 500).await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    let id = o.json["id"].as_i64().unwrap_or_default();
    assert_eq!(
        app.post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(
            &sec,
            &format!("/api/v1/orders/{id}/cancel"),
            json!({"reason": "买家退单"})
        )
        .await
        .status,
        200
    );

    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=order&entity_id={id}"),
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.json["items"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> = items.iter().filter_map(|i| i["action"].as_str()).collect();
    assert_eq!(actions, ["cancel_order", "confirm_order"], "newest first");
    assert_eq!(items[0]["action_label"], "取消订单");
    assert_eq!(items[0]["after"]["reason"], "买家退单");
    assert_eq!(items[1]["action_label"], "确认订单");
    assert_eq!(items[0]["actor"], "secretary-user");
    assert_eq!(items[0]["entity_id"], id);
    assert_eq!(log.json["total"], 2);

    let only = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity_id={id}&action=confirm_order"),
        )
        .await;
    assert_eq!(only.json["total"], 1);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let day = chrono::Duration::days(1);
    let now = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity_id={id}&from={today}&to={today}"),
        )
        .await;
    assert_eq!(now.json["total"], 2, "{}", now.text);
    let later = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity_id={id}&from={}", today + day),
        )
        .await;
    assert_eq!(later.json["total"], 0);
    let wrong = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?from={today}&to={}", today - day),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.json["errors"][0]["field"], "to");
    let long = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity={}", "x".repeat(33)),
        )
        .await;
    long.assert_problem(422, "validation_failed");
    assert_eq!(long.json["errors"][0]["field"], "entity");
    // A malformed date is refused by the query extractor, as on every list.
    let bad = app.get(&sec, "/api/v1/audit-log?from=2026-13-01").await;
    bad.assert_problem(422, "invalid_query");
}

#[tokio::test]
async fn a_cancel_takes_no_body_or_a_reason_of_at_most_200_characters() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 10, 500).await;
    let buyer = app.buyer("individual").await;
    let id = app
        .place_order(
            &sec,
            json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    let path = format!("/api/v1/orders/{id}/cancel");
    let long = app
        .post(&sec, &path, json!({"reason": "长".repeat(201)}))
        .await;
    long.assert_problem(422, "validation_failed");
    assert_eq!(long.json["errors"][0]["field"], "reason");
    assert_eq!(
        app.stock(batch).await,
        9,
        "a refused cancel changes nothing"
    );
    // No body at all, as older clients send it.
    let bare = app
        .send(reqwest::Method::POST, &path, Some(&sec), None)
        .await;
    assert_eq!(bare.status, 200, "{}", bare.text);
    assert_eq!(app.stock(batch).await, 10);
}

#[tokio::test]
async fn a_stock_adjustment_needs_a_reason_and_is_logged_with_it() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_weight", 10_000, 500).await;
    let path = format!("/api/v1/batches/{batch}");
    let bare = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"stock_adjustment": -1_000})),
        )
        .await;
    bare.assert_problem(422, "validation_failed");
    assert_eq!(bare.json["errors"][0]["field"], "reason");
    assert_eq!(app.stock(batch).await, 10_000);
    let spoiled = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"stock_adjustment": -1_000, "reason": "霉烂 2 斤"})),
        )
        .await;
    assert_eq!(spoiled.status, 200, "{}", spoiled.text);
    assert_eq!(app.stock(batch).await, 9_000);
    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=batch&entity_id={batch}"),
        )
        .await;
    assert_eq!(log.json["total"], 1, "{}", log.text);
    let row = &log.json["items"][0];
    assert_eq!(row["action"], "adjust_stock");
    assert_eq!(
        (
            row["before"]["stock_qty"].as_i64(),
            row["after"]["stock_qty"].as_i64(),
            row["after"]["reason"].as_str()
        ),
        (Some(10_000), Some(9_000), Some("霉烂 2 斤"))
    );
    // A price change needs no reason, and is logged too.
    let price = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"retail_price_fen": 600})),
        )
        .await;
    assert_eq!(price.status, 200, "{}", price.text);
    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=batch&entity_id={batch}&action=update_batch"),
        )
        .await;
    assert_eq!(log.json["items"][0]["after"]["retail_price_fen"], 600);
}
