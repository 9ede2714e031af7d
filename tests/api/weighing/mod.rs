//! Weighing: catch weight, crates, tolerance flags and their approval, voids, and the refusals.
//! `stock` has the stock rules of explicit completion, `events` the `order.weighed` webhook,
//! `refusals` bad input and bad states, `concurrency` weighing under load, `migration` the
//! upgrade of lines weighed under the old rule.

mod concurrency;
mod events;
mod keyed;
mod migration;
mod refusals;
mod stock;

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

/// Weighs `crates` on the line and marks it weighed; returns the completion's answer (the order).
pub async fn weigh_complete(app: &TestApp, line: i64, crates: Value) -> crate::helpers::Reply {
    let w = weigh(app, line, crates).await;
    assert_eq!(w.status, 201, "{}", w.text);
    let c = app.complete_line(line).await;
    assert_eq!(c.status, 200, "{}", c.text);
    c
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
    // While the line is open the order waits, and the 5,000 g ordered stay reserved.
    let o = &r.json["order"];
    assert_eq!(
        (o["status"].as_str(), o["final_total_fen"].as_i64()),
        (Some("confirmed"), None)
    );
    assert_eq!(o["lines"][0]["final_amount_fen"], 2_910, "running figure");
    assert_eq!(app.stock(batch).await, 95_000);
    let c = app.complete_line(line).await;
    assert_eq!(c.status, 200, "{}", c.text);
    let o = &c.json;
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
    assert!(o["lines"][0]["weighing_completed_at"].is_string());
    // The batch gave 4,850 g, not the 5,000 g ordered: the shortfall came back on completion.
    assert_eq!(app.stock(batch).await, 100_000 - 4_850);
    assert_eq!(o["lines"][0]["stock_held"], 4_850);
    // A complete line takes no more crates.
    weigh(&app, line, json!([{"gross_g": 400, "tare_g": 100}]))
        .await
        .assert_problem(409, "weighing_complete");
    assert_eq!(app.stock(batch).await, 100_000 - 4_850);
    let sheet = app
        .get(
            &app.token("station").await,
            &format!("/api/v1/orders/{order}/weighing-sheet"),
        )
        .await;
    assert_eq!(
        sheet.json["lines"][0]["tickets"].as_array().map(Vec::len),
        Some(2),
        "{}",
        sheet.text
    );
    assert_eq!(sheet.json["weighing_complete"], true);
    assert!(sheet.json["lines"][0]["weighing_completed_at"].is_string());
}

#[tokio::test]
async fn pieces_keep_their_price_and_stock_whatever_they_weigh() {
    let app = spawn_app().await;
    let (_, line, batch) = confirmed_order(&app, "by_piece", 10, 8_800, 3).await;
    let r = weigh_complete(&app, line, json!([{"gross_g": 16_000, "tare_g": 900}])).await;
    assert_eq!(r.json["status"], "weighed");
    assert_eq!(r.json["lines"][0]["final_amount_fen"], 26_400);
    assert_eq!(r.json["lines"][0]["weighed_g"], 15_100);
    assert_eq!(r.json["lines"][0]["stock_held"], 3);
    assert_eq!(app.stock(batch).await, 7);
}

#[tokio::test]
async fn out_of_tolerance_needs_a_secretarys_approval_before_loading() {
    let app = spawn_app().await;
    let (order, line, _) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let r = weigh_complete(&app, line, json!([{"gross_g": 4_000, "tare_g": 0}])).await;
    assert_eq!(
        (
            r.json["weights_flagged"].as_bool(),
            r.json["lines"][0]["flagged"].as_bool()
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
async fn cancelling_a_weighed_order_returns_what_was_weighed() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    weigh_complete(&app, line, json!([{"gross_g": 4_900, "tare_g": 0}])).await;
    assert_eq!(app.stock(batch).await, 95_100);
    let sec = app.token("secretary").await;
    let c = app
        .post(&sec, &format!("/api/v1/orders/{order}/cancel"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(app.stock(batch).await, 100_000);
}
