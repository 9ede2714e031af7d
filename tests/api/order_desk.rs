//! What the office's order desk reads: counts per status under the same filters as the list,
//! the buyer on every row, and everything the audit log says about one order.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn the_desk_counts_orders_per_status_names_their_buyers_and_tells_one_orders_story() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let buyer = app.buyer("individual").await;
    let enterprise = app.buyer("enterprise").await;
    let mut ids = Vec::new();
    for (who, channel) in [
        (buyer, "phone"),
        (buyer, "phone"),
        (buyer, "walk_in"),
        (enterprise, "phone"),
    ] {
        let o = app
            .place_order(&sec, json!({"buyer_id": who, "channel": channel, "lines": [{"batch_id": batch, "quantity": 1_000}]}))
            .await;
        assert_eq!(o.status, 201, "{}", o.text);
        ids.push(o.json["id"].as_i64().unwrap_or_default());
    }
    for id in &ids[..2] {
        let r = app
            .post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app
        .post(
            &sec,
            &format!("/api/v1/orders/{}/cancel", ids[3]),
            json!({"reason": "缺货"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let counts = app.get(&sec, "/api/v1/orders/status-counts").await;
    assert_eq!(counts.status, 200, "{}", counts.text);
    let c = &counts.json;
    assert_eq!(
        (
            c["all"].as_u64(),
            c["pending"].as_u64(),
            c["confirmed"].as_u64(),
            c["cancelled"].as_u64(),
            c["settled"].as_u64()
        ),
        (Some(4), Some(1), Some(2), Some(1), Some(0)),
        "{}",
        counts.text
    );
    // The same filters as the list, its status aside.
    let phone = app
        .get(
            &sec,
            "/api/v1/orders/status-counts?channel=phone&status=settled",
        )
        .await;
    assert_eq!(
        (phone.json["all"].as_u64(), phone.json["confirmed"].as_u64()),
        (Some(3), Some(2)),
        "{}",
        phone.text
    );
    let listed = app
        .get(&sec, "/api/v1/orders?channel=phone&status=confirmed")
        .await;
    assert_eq!(listed.json["total"], phone.json["confirmed"]);
    let bad = app
        .get(
            &sec,
            &format!("/api/v1/orders/status-counts?q={}", "x".repeat(51)),
        )
        .await;
    bad.assert_problem(422, "validation_failed");

    // Every row names its buyer; a single order (and a webhook body) does not carry the brief.
    let page = app.get(&sec, "/api/v1/orders?per_page=10").await;
    let items = page.json["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 4);
    assert!(
        items.iter().all(|i| i["buyer"]["name"] == "李女士"),
        "{}",
        page.text
    );
    assert!(items.iter().any(|i| i["buyer"]["company"] == "皖酒集团"));
    let one = app.get(&sec, &format!("/api/v1/orders/{}", ids[0])).await;
    assert!(one.json.get("buyer").is_none(), "{}", one.text);

    // One order's story: its confirmation and its weighing (an order-line entry).
    let line = app
        .get(&sec, &format!("/api/v1/orders/{}", ids[0]))
        .await
        .json["lines"][0]["line_id"]
        .as_i64()
        .unwrap_or_default();
    crate::weighing::weigh_complete(&app, line, json!([{"gross_g": 1_300, "tare_g": 300}])).await;
    let story = app
        .get(&sec, &format!("/api/v1/audit-log?order_id={}", ids[0]))
        .await;
    let actions: Vec<&str> = story.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["complete_weighing", "weigh", "confirm_order"],
        "{}",
        story.text
    );
    let other = app
        .get(&sec, &format!("/api/v1/audit-log?order_id={}", ids[1]))
        .await;
    assert_eq!(other.json["total"], 1, "only its own confirmation");
}
