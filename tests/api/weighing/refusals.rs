//! Implausible weights and orders that cannot be weighed: refused, and nothing changes.

use super::{confirmed_order, weigh};
use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn bad_weights_and_bad_states_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 6_000, 300, 5_000).await;
    for (crates, field) in [
        (json!([{"gross_g": 0, "tare_g": 0}]), "crates[0]"),
        (json!([{"gross_g": -10, "tare_g": 0}]), "crates[0]"),
        (json!([{"gross_g": 1_000, "tare_g": 1_000}]), "crates[0]"),
        (
            json!([{"gross_g": 1_000, "tare_g": 50}, {"gross_g": 500, "tare_g": -1}]),
            "crates[1]",
        ),
        (json!([{"gross_g": 2_000_000, "tare_g": 0}]), "crates[0]"),
        (json!([]), "crates"),
    ] {
        let r = weigh(&app, line, crates).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.json["errors"][0]["field"], field, "{}", r.text);
    }
    let r = weigh(
        &app,
        line,
        json!([{"gross_g": 1_000, "tare_g": 0, "net_g": 1_000}]),
    )
    .await;
    assert_eq!(r.status, 422, "net is the server's: {}", r.text);
    // Heavier than the batch can give: 5,000 ordered, 1,000 left, 6,500 weighed.
    let r = weigh(&app, line, json!([{"gross_g": 6_500, "tare_g": 0}])).await;
    r.assert_problem(409, "stock_shortfall");
    assert_eq!(app.stock(batch).await, 1_000);
    let sheet = app
        .get(
            &app.token("station").await,
            &format!("/api/v1/orders/{order}/weighing-sheet"),
        )
        .await;
    assert_eq!(
        sheet.json["lines"][0]["tickets"].as_array().map(Vec::len),
        Some(0),
        "nothing recorded"
    );
    weigh(&app, 987_654, json!([{"gross_g": 1, "tare_g": 0}]))
        .await
        .assert_field_error("order_line_id");

    // A pending order, a cancelled order.
    let sec = app.token("secretary").await;
    let b = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    let p = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": b, "quantity": 500}]})).await;
    let pending_line = p.json["lines"][0]["line_id"].as_i64().unwrap_or_default();
    weigh(&app, pending_line, json!([{"gross_g": 500, "tare_g": 0}]))
        .await
        .assert_problem(409, "not_weighable");
    app.post(
        &sec,
        &format!("/api/v1/orders/{}/cancel", p.json["id"]),
        json!({}),
    )
    .await;
    let r = weigh(&app, pending_line, json!([{"gross_g": 500, "tare_g": 0}])).await;
    r.assert_problem(409, "not_weighable");
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("cancelled")
    );
    assert_eq!(app.stock(b).await, 10_000);
}
