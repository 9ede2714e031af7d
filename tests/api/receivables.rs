//! The settlement screen's lists: delivered orders awaiting money (with buyers and what they
//! owe in all), and the orders settled.

use crate::helpers::spawn_app;
use crate::money::{deliver, grape_farm, pay, weighed_orders};
use serde_json::json;

#[tokio::test]
async fn delivered_orders_await_money_until_paid_in_full_then_show_as_settled() {
    let app = std::sync::Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (_, _, _, batch) = grape_farm(&app, 10, 10_000).await;
    let buyer = app
        .post(
            &sec,
            "/api/v1/buyers",
            json!({"kind": "individual", "name": "陈阿姨", "phone": "13900002222"}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    let orders = weighed_orders(&app, batch, buyer, 3).await;
    let not_delivered = weighed_orders(&app, batch, buyer, 1).await[0];
    deliver(&app, &orders).await;
    assert_eq!(pay(&app, orders[0], 2_500).await.status, 201);

    let r = app.get(&sec, "/api/v1/receivables").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["total"], 3, "{}", r.text);
    assert_eq!(r.json["outstanding_fen"], 3 * 10_000 - 2_500);
    assert_eq!(r.json["fully_paid_unsettled"], 0);
    let items = r.json["items"].as_array().cloned().unwrap_or_default();
    assert!(
        items
            .iter()
            .all(|i| i["buyer_name"] == "陈阿姨" && i["buyer_phone"] == "13900002222")
    );
    assert!(
        items.iter().all(|i| i["order_id"] != not_delivered),
        "only delivered orders"
    );
    let first = items
        .iter()
        .find(|i| i["order_id"] == orders[0])
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            &first["due_fen"],
            &first["paid_fen"],
            &first["outstanding_fen"],
            &first["payment_status"]
        ),
        (
            &json!(10_000),
            &json!(2_500),
            &json!(7_500),
            &json!("partially_paid")
        )
    );

    // Paid in full: it settles by itself and moves from one list to the other.
    let receipt = pay(&app, orders[0], 7_500).await;
    assert_eq!(receipt.json["settled"], true, "{}", receipt.text);
    let r = app.get(&sec, "/api/v1/receivables").await;
    assert_eq!(
        (r.json["total"].as_u64(), r.json["outstanding_fen"].as_i64()),
        (Some(2), Some(20_000))
    );
    let number = format!("ZN{:06}", orders[1]);
    let found = app
        .get(&sec, &format!("/api/v1/receivables?q={number}"))
        .await;
    assert_eq!(found.json["total"], 1);
    assert_eq!(found.json["items"][0]["number"], number);
    let by_name = app.get(&sec, "/api/v1/receivables?q=%E9%99%88").await;
    assert_eq!(by_name.json["total"], 2, "陈 finds the buyer");

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let s = app
        .get(
            &sec,
            &format!("/api/v1/settled-orders?from={today}&to={today}"),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.json["total"], 1);
    assert_eq!(
        (
            &s.json["items"][0]["order_id"],
            &s.json["items"][0]["buyer_name"],
            &s.json["items"][0]["paid_fen"]
        ),
        (&json!(orders[0]), &json!("陈阿姨"), &json!(10_000))
    );
    let later = today + chrono::Duration::days(1);
    let none = app
        .get(&sec, &format!("/api/v1/settled-orders?from={later}"))
        .await;
    assert_eq!(none.json["total"], 0);
    let wrong = app
        .get(
            &sec,
            &format!("/api/v1/settled-orders?from={later}&to={today}"),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.json["errors"][0]["field"], "to");
    let long = app
        .get(&sec, &format!("/api/v1/receivables?q={}", "x".repeat(51)))
        .await;
    long.assert_problem(422, "validation_failed");
    let helper = app.token("helper").await;
    assert_eq!(app.get(&helper, "/api/v1/receivables").await.status, 403);
}
