//! A station that lost the answer to a weighing sends the same crates again with the same
//! `Idempotency-Key`: it gets the first answer back and no second set of tickets.

use super::confirmed_order;
use crate::helpers::spawn_app;
use serde_json::{Value, json};

async fn weigh_keyed(
    app: &crate::helpers::TestApp,
    token: &str,
    key: &str,
    body: &Value,
) -> crate::helpers::Reply {
    app.post_keyed(token, "/api/v1/weighings", key, body).await
}

#[tokio::test]
async fn a_weighing_sent_twice_with_one_key_records_its_crates_once() {
    let app = spawn_app().await;
    let station = app.token("station").await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let body = json!({"order_line_id": line, "scale_id": "scale-1",
                      "crates": [{"gross_g": 3_000, "tare_g": 300}, {"gross_g": 2_800, "tare_g": 300}]});
    let first = weigh_keyed(&app, &station, "station-0001", &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = weigh_keyed(&app, &station, "station-0001", &body).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.text, first.text, "the same answer, byte for byte");
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let sheet = app
        .get(&station, &format!("/api/v1/orders/{order}/weighing-sheet"))
        .await;
    let tickets = sheet.json["lines"][0]["tickets"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(tickets, 2, "{}", sheet.text);
    assert_eq!(sheet.json["lines"][0]["weighed_g"].as_i64(), Some(5_200));
    // The batch lost only the weight above the 5,000 g the line holds: 200 g, once.
    let b = app.get(&station, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(
        b.json["stock_qty"].as_i64(),
        Some(100_000 - 5_000 - 200),
        "{}",
        b.text
    );

    // The key with other crates is refused; a new key weighs again.
    let mut other = body.clone();
    other["crates"] = json!([{"gross_g": 1_000, "tare_g": 100}]);
    weigh_keyed(&app, &station, "station-0001", &other)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let next = weigh_keyed(&app, &station, "station-0002", &other).await;
    assert_eq!(next.status, 201, "{}", next.text);
}

#[tokio::test]
async fn a_completion_sent_again_with_its_key_gets_the_first_answer() {
    let app = spawn_app().await;
    let station = app.token("station").await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let body = json!({"order_line_id": line, "scale_id": "scale-1",
                      "crates": [{"gross_g": 5_000, "tare_g": 300}]});
    assert_eq!(weigh_keyed(&app, &station, "w-1", &body).await.status, 201);
    for (path, key) in [
        (
            format!("/api/v1/order-lines/{line}/complete-weighing"),
            "done-line-1",
        ),
        (
            format!("/api/v1/orders/{order}/complete-weighing"),
            "done-order-1",
        ),
    ] {
        let first = app.post_keyed(&station, &path, key, &Value::Null).await;
        if path.contains("order-lines") {
            assert_eq!(first.status, 200, "{}", first.text);
            assert_eq!(first.json["status"], "weighed", "{}", first.text);
            let again = app.post_keyed(&station, &path, key, &Value::Null).await;
            assert_eq!(again.status, 200, "{}", again.text);
            assert_eq!(again.text, first.text, "the same answer, byte for byte");
            assert_eq!(
                again
                    .headers
                    .get("idempotent-replayed")
                    .and_then(|v| v.to_str().ok()),
                Some("true")
            );
        } else {
            // Everything is complete already: without the first answer to replay, a new key
            // learns that it is.
            first.assert_problem(409, "weighing_complete");
        }
    }
    // Without a key, a second completion is still 409, and the shortfall went back once.
    app.complete_line(line)
        .await
        .assert_problem(409, "weighing_complete");
    let b = app.get(&station, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(
        b.json["stock_qty"].as_i64(),
        Some(100_000 - 4_700),
        "{}",
        b.text
    );
}
