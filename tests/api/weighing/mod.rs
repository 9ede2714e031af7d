//! Weighing: catch weight, crates, stock corrected by the difference, tolerance flags and their
//! approval, voids, and the refusals.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

/// A confirmed order of `quantity` from a fresh batch of `stock` at `price`; returns
/// (order id, line id, batch id).
pub async fn confirmed_order(
    app: &TestApp,
    pricing: &str,
    stock: i64,
    price: i64,
    quantity: i64,
) -> (i64, i64, i64) {
    let t = app.token("secretary").await;
    let batch = app.batch(pricing, stock, price).await;
    let buyer = app.buyer("individual").await;
    let o = app.place_order(&t, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": quantity}]})).await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.json["id"].as_i64().unwrap_or_default();
    let c = app
        .post(&t, &format!("/api/v1/orders/{id}/confirm"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    (
        id,
        o.json["lines"][0]["line_id"].as_i64().unwrap_or_default(),
        batch,
    )
}

pub async fn weigh(app: &TestApp, line: i64, crates: Value) -> crate::helpers::Reply {
    let t = app.token("station").await;
    app.post(
        &t,
        "/api/v1/weighings",
        json!({"order_line_id": line, "scale_id": "scale-1", "crates": crates}),
    )
    .await
}

#[tokio::test]
async fn ten_jin_at_three_yuan_weighed_nine_point_seven_is_29_10() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let r = weigh(
        &app,
        line,
        json!([{"gross_g": 3_000, "tare_g": 500}, {"gross_g": 2_850, "tare_g": 500}]),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let nets: Vec<i64> = r.json["tickets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["net_g"].as_i64())
        .collect();
    assert_eq!(nets, [2_500, 2_350], "net = gross − tare, by the server");
    let o = &r.json["order"];
    println!(
        "catch weight: ordered 5000 g at 300 fen/jin (30.00), weighed {} g → {} fen",
        o["lines"][0]["weighed_g"], o["lines"][0]["final_amount_fen"]
    );
    assert_eq!(
        (
            o["lines"][0]["weighed_g"].as_i64(),
            o["lines"][0]["final_amount_fen"].as_i64()
        ),
        (Some(4_850), Some(2_910))
    );
    assert_eq!(
        (
            o["status"].as_str(),
            o["final_total_fen"].as_i64(),
            o["total_fen"].as_i64()
        ),
        (Some("weighed"), Some(2_910), Some(3_000))
    );
    assert_eq!(o["weights_flagged"], false);
    // The batch gave 4,850 g, not the 5,000 g ordered.
    assert_eq!(app.stock(batch).await, 100_000 - 4_850);
    // A third crate adds to the line.
    let r = weigh(&app, line, json!([{"gross_g": 400, "tare_g": 100}])).await;
    assert_eq!(r.json["order"]["lines"][0]["weighed_g"], 5_150);
    assert_eq!(r.json["order"]["lines"][0]["final_amount_fen"], 3_090);
    assert_eq!(app.stock(batch).await, 100_000 - 5_150);
    let sheet = app
        .get(
            &app.token("station").await,
            &format!("/api/v1/orders/{order}/weighing-sheet"),
        )
        .await;
    assert_eq!(
        sheet.json["lines"][0]["tickets"].as_array().map(Vec::len),
        Some(3),
        "{}",
        sheet.text
    );
}

#[tokio::test]
async fn pieces_keep_their_price_and_stock_whatever_they_weigh() {
    let app = spawn_app().await;
    let (_, line, batch) = confirmed_order(&app, "by_piece", 10, 8_800, 3).await;
    let r = weigh(&app, line, json!([{"gross_g": 16_000, "tare_g": 900}])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["order"]["lines"][0]["final_amount_fen"], 26_400);
    assert_eq!(r.json["order"]["lines"][0]["weighed_g"], 15_100);
    assert_eq!(app.stock(batch).await, 7);
}

#[tokio::test]
async fn out_of_tolerance_needs_a_secretarys_approval_before_loading() {
    let app = spawn_app().await;
    let (order, line, _) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let r = weigh(&app, line, json!([{"gross_g": 4_000, "tare_g": 0}])).await;
    assert_eq!(
        (
            r.json["order"]["weights_flagged"].as_bool(),
            r.json["order"]["lines"][0]["flagged"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let station = app.token("station").await;
    let load = app
        .post(&station, "/api/v1/loads", json!({"plate": "皖A12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"}))
        .await;
    let load_id = load.json["id"].as_i64().unwrap_or_default();
    app.post(
        &station,
        &format!("/api/v1/loads/{load_id}/orders"),
        json!({"order_id": order}),
    )
    .await
    .assert_problem(409, "weights_not_approved");
    // A station user cannot approve; a secretary must, with a reason.
    let r = app
        .post(
            &station,
            &format!("/api/v1/orders/{order}/approve-weights"),
            json!({"reason": "ok"}),
        )
        .await;
    assert_eq!(r.status, 403);
    let sec = app.token("secretary").await;
    app.post(
        &sec,
        &format!("/api/v1/orders/{order}/approve-weights"),
        json!({"reason": " "}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let a = app
        .post(
            &sec,
            &format!("/api/v1/orders/{order}/approve-weights"),
            json!({"reason": "买家同意按实重结算"}),
        )
        .await;
    assert_eq!(
        (a.status, a.json["weights_approved"].as_bool()),
        (200, Some(true)),
        "{}",
        a.text
    );
    let added = app
        .post(
            &station,
            &format!("/api/v1/loads/{load_id}/orders"),
            json!({"order_id": order}),
        )
        .await;
    assert_eq!(
        (added.status, added.json["total_net_g"].as_i64()),
        (200, Some(4_000)),
        "{}",
        added.text
    );
}

#[tokio::test]
async fn a_voided_ticket_is_reversed_and_kept() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let r = weigh(
        &app,
        line,
        json!([{"gross_g": 5_100, "tare_g": 100}, {"gross_g": 600, "tare_g": 100}]),
    )
    .await;
    assert_eq!(app.stock(batch).await, 100_000 - 5_500);
    let second = r.json["tickets"][1]["id"].as_i64().unwrap_or_default();
    let station = app.token("station").await;
    let denied = app
        .post(
            &station,
            &format!("/api/v1/weighings/{second}/void"),
            json!({"reason": "重复称重"}),
        )
        .await;
    assert_eq!(denied.status, 403, "station users may not void");
    let sec = app.token("secretary").await;
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{second}/void"),
            json!({"reason": "重复称重"}),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(
        (
            v.json["lines"][0]["weighed_g"].as_i64(),
            v.json["lines"][0]["final_amount_fen"].as_i64()
        ),
        (Some(5_000), Some(3_000))
    );
    assert_eq!(app.stock(batch).await, 95_000);
    app.post(
        &sec,
        &format!("/api/v1/weighings/{second}/void"),
        json!({"reason": "again"}),
    )
    .await
    .assert_problem(409, "already_voided");
    // Voiding the last live ticket makes the line unweighed and the order confirmed again.
    let first = r.json["tickets"][0]["id"].as_i64().unwrap_or_default();
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{first}/void"),
            json!({"reason": "秤未归零"}),
        )
        .await;
    assert_eq!(
        (
            v.json["status"].as_str(),
            v.json["lines"][0]["weighed_g"].is_null()
        ),
        (Some("confirmed"), true)
    );
    assert_eq!(
        app.stock(batch).await,
        95_000,
        "back to the ordered quantity"
    );
    let sheet = app
        .get(&sec, &format!("/api/v1/orders/{order}/weighing-sheet"))
        .await;
    let voided: Vec<bool> = sheet.json["lines"][0]["tickets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["voided"].as_bool())
        .collect();
    assert_eq!(voided, [true, true], "voided tickets are kept, marked");
}

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
        .assert_problem(404, "not_found");

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

#[tokio::test]
async fn cancelling_a_weighed_order_returns_what_was_weighed() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    weigh(&app, line, json!([{"gross_g": 4_900, "tare_g": 0}])).await;
    assert_eq!(app.stock(batch).await, 95_100);
    let sec = app.token("secretary").await;
    let c = app
        .post(&sec, &format!("/api/v1/orders/{order}/cancel"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(app.stock(batch).await, 100_000);
}

/// Two station users weighing lines of one batch at once: stock never goes negative and no
/// update is lost — every gram the lines hold is missing from the batch, and no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_weighing_on_one_batch_never_goes_negative_or_loses_an_update() {
    let app = std::sync::Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let batch = app.batch("by_weight", 60_000, 300).await;
    let buyer = app.buyer("individual").await;
    let mut lines = Vec::new();
    for _ in 0..10 {
        let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 5_000}]})).await;
        app.post(
            &sec,
            &format!("/api/v1/orders/{}/confirm", o.json["id"]),
            json!({}),
        )
        .await;
        lines.push(o.json["lines"][0]["line_id"].as_i64().unwrap_or_default());
    }
    assert_eq!(app.stock(batch).await, 10_000);
    // Each line weighs 1,500 g over: 15,000 g more in all, but only 10,000 g are left.
    let mut tasks = tokio::task::JoinSet::new();
    for line in lines.clone() {
        let app = app.clone();
        tasks.spawn(async move {
            let r = weigh(
                &app,
                line,
                json!([{"gross_g": 3_500, "tare_g": 0}, {"gross_g": 3_000, "tare_g": 0}]),
            )
            .await;
            (r.status, r.json["code"].as_str().map(str::to_owned))
        });
    }
    let (mut ok, mut short) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap_or_else(|e| panic!("{e}")) {
            (201, _) => ok += 1,
            (409, Some(code)) if code == "stock_shortfall" => short += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    println!(
        "concurrent weighing on {}: 201 × {ok}, 409 × {short}",
        crate::helpers::backend_name()
    );
    assert_eq!(
        (ok, short),
        (6, 4),
        "10,000 g covers six lines' 1,500 g extra"
    );
    let stock = app.stock(batch).await;
    assert_eq!(stock, 10_000 - 6 * 1_500);
    let orders = app.get(&sec, "/api/v1/orders?per_page=50").await;
    let held: i64 = orders.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            o["lines"][0]["weighed_g"]
                .as_i64()
                .unwrap_or_else(|| o["lines"][0]["quantity"].as_i64().unwrap_or(0))
        })
        .sum();
    assert_eq!(
        held + stock,
        60_000,
        "every gram is either on a line or in the batch"
    );
}
