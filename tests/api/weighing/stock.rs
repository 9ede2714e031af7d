//! Explicit completion: while a line is weighed crate by crate its ordered quantity
//! stays reserved, weight above what it holds is taken at once, the shortfall returns only when
//! the station marks the line weighed, and a void gives back exactly what its ticket took.

use super::{confirmed_order, weigh, weigh_complete};
use crate::helpers::{TestApp, spawn_app};
use serde_json::json;

/// A walk-in order for `quantity` from `batch`, as the secretary.
async fn walk_in(app: &TestApp, batch: i64, quantity: i64) -> crate::helpers::Reply {
    let sec = app.token("secretary").await;
    let buyer = app.buyer("individual").await;
    app.place_order(&sec, json!({"buyer_id": buyer, "channel": "walk_in", "lines": [{"batch_id": batch, "quantity": quantity}]}))
        .await
}

fn ticket_id(r: &crate::helpers::Reply, i: usize) -> i64 {
    r.json["tickets"][i]["id"].as_i64().unwrap_or_default()
}

async fn void(app: &TestApp, ticket: i64) -> crate::helpers::Reply {
    let sec = app.token("secretary").await;
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{ticket}/void"),
            json!({"reason": "重新称重"}),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    v
}

/// The reported case: 100 kg in the batch, 80 kg ordered; the first 10 kg crate used to
/// hand 70 kg back to stock, a walk-in bought it, and the order could not be finished.
#[tokio::test]
async fn weighing_crate_by_crate_keeps_the_ordered_quantity_reserved() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 80_000).await;
    assert_eq!(app.stock(batch).await, 20_000);
    let first = weigh(&app, line, json!([{"gross_g": 10_500, "tare_g": 500}])).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        app.stock(batch).await,
        20_000,
        "the 80 kg stay reserved while the line is weighed"
    );
    assert_eq!(first.json["tickets"][0]["stock_taken"], 0);
    walk_in(&app, batch, 85_000)
        .await
        .assert_problem(409, "insufficient_stock");
    let second = weigh(&app, line, json!([{"gross_g": 70_500, "tare_g": 500}])).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.json["order"]["status"], "confirmed");
    let done = app.complete_line(line).await;
    assert_eq!(
        (done.status, done.json["status"].as_str()),
        (200, Some("weighed")),
        "{}",
        done.text
    );
    assert_eq!(
        done.json["final_total_fen"], 48_000,
        "80 kg at 3.00 per jin"
    );
    assert_eq!(app.stock(batch).await, 20_000);
    assert_eq!(walk_in(&app, batch, 20_000).await.status, 201);
    assert_eq!(app.stock(batch).await, 0);
    let _ = order;
}

#[tokio::test]
async fn the_shortfall_returns_to_stock_only_when_the_line_is_marked_weighed() {
    let app = spawn_app().await;
    let (_, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let w = weigh(&app, line, json!([{"gross_g": 4_000, "tare_g": 0}])).await;
    assert_eq!(app.stock(batch).await, 95_000);
    assert_eq!(w.json["order"]["lines"][0]["stock_held"], 5_000);
    let c = app.complete_line(line).await;
    assert_eq!(c.json["lines"][0]["stock_held"], 4_000, "{}", c.text);
    assert_eq!(app.stock(batch).await, 96_000);
}

#[tokio::test]
async fn weight_above_the_order_is_taken_at_once_and_refused_when_the_batch_is_short() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 80_000).await;
    let w = weigh(&app, line, json!([{"gross_g": 90_000, "tare_g": 0}])).await;
    assert_eq!(w.json["tickets"][0]["stock_taken"], 10_000, "{}", w.text);
    assert_eq!(app.stock(batch).await, 10_000);
    // 15 kg more needs 15 kg from a batch with 10 kg: refused, nothing recorded.
    weigh(&app, line, json!([{"gross_g": 15_000, "tare_g": 0}]))
        .await
        .assert_problem(409, "stock_shortfall");
    assert_eq!(app.stock(batch).await, 10_000);
    let station = app.token("station").await;
    let sheet = app
        .get(&station, &format!("/api/v1/orders/{order}/weighing-sheet"))
        .await;
    assert_eq!(
        sheet.json["lines"][0]["tickets"].as_array().map(Vec::len),
        Some(1)
    );
    let w = weigh(&app, line, json!([{"gross_g": 5_000, "tare_g": 0}])).await;
    assert_eq!(w.json["tickets"][0]["stock_taken"], 5_000);
    let c = app.complete_line(line).await;
    assert_eq!(
        (
            c.json["lines"][0]["stock_held"].as_i64(),
            c.json["lines"][0]["final_amount_fen"].as_i64()
        ),
        (Some(95_000), Some(57_000))
    );
    assert_eq!(
        app.stock(batch).await,
        5_000,
        "nothing returned: no shortfall"
    );
}

#[tokio::test]
async fn completing_needs_a_live_ticket_happens_once_and_locks_the_line() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    app.complete_line(line)
        .await
        .assert_problem(409, "nothing_weighed");
    app.complete_order(order)
        .await
        .assert_problem(409, "nothing_weighed");
    app.complete_line(987_654)
        .await
        .assert_problem(404, "not_found");
    let w = weigh(&app, line, json!([{"gross_g": 5_000, "tare_g": 0}])).await;
    // A voided ticket is not a weighing: the line has nothing live to complete.
    void(&app, ticket_id(&w, 0)).await;
    app.complete_line(line)
        .await
        .assert_problem(409, "nothing_weighed");
    weigh_complete(&app, line, json!([{"gross_g": 5_000, "tare_g": 0}])).await;
    app.complete_line(line)
        .await
        .assert_problem(409, "weighing_complete");
    app.complete_order(order)
        .await
        .assert_problem(409, "weighing_complete");
    weigh(&app, line, json!([{"gross_g": 100, "tare_g": 0}]))
        .await
        .assert_problem(409, "weighing_complete");
    assert_eq!(app.stock(batch).await, 95_000);
    // A pending order cannot be completed, and a helper may not complete anything.
    let sec = app.token("secretary").await;
    let b = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    let p = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": b, "quantity": 500}]})).await;
    let pending = p.json["id"].as_i64().unwrap_or_default();
    app.complete_order(pending)
        .await
        .assert_problem(409, "not_weighable");
    let helper = app.token("helper").await;
    let r = app
        .post(
            &helper,
            &format!("/api/v1/orders/{pending}/complete-weighing"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403);
}

/// Before completion, after completion, and the reweigh: each void moves exactly the stock its
/// ticket took; every gram is either held by the line or in the batch.
#[tokio::test]
async fn a_void_gives_back_exactly_what_its_ticket_took_and_reopens_a_complete_line() {
    let app = spawn_app().await;
    let (_, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let w = weigh(
        &app,
        line,
        json!([{"gross_g": 3_000, "tare_g": 0}, {"gross_g": 2_500, "tare_g": 0}]),
    )
    .await;
    let takes: Vec<i64> = (0..2)
        .map(|i| w.json["tickets"][i]["stock_taken"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(takes, [0, 500]);
    assert_eq!(app.stock(batch).await, 94_500);
    // Before completion: the 3,000 g crate took nothing, so its void gives nothing back; the
    // line keeps what it holds until it is complete.
    let v = void(&app, ticket_id(&w, 0)).await;
    assert_eq!(
        (
            v.json["lines"][0]["weighed_g"].as_i64(),
            v.json["lines"][0]["stock_held"].as_i64()
        ),
        (Some(2_500), Some(5_500))
    );
    assert_eq!(app.stock(batch).await, 94_500);
    let again = weigh(&app, line, json!([{"gross_g": 2_900, "tare_g": 0}])).await;
    assert_eq!(
        again.json["tickets"][0]["stock_taken"], 0,
        "covered by the holding"
    );
    let c = app.complete_line(line).await;
    assert_eq!(c.json["status"], "weighed");
    assert_eq!(
        app.stock(batch).await,
        94_600,
        "5,400 g weighed: 100 g back"
    );
    // After completion: voiding the crate that took 500 g gives back 500 g and re-opens the line.
    let v = void(&app, ticket_id(&w, 1)).await;
    assert_eq!(
        (
            v.json["status"].as_str(),
            v.json["final_total_fen"].is_null(),
            v.json["lines"][0]["weighing_completed_at"].is_null(),
            v.json["lines"][0]["weighed_g"].as_i64(),
            v.json["lines"][0]["stock_held"].as_i64()
        ),
        (Some("confirmed"), true, true, Some(2_900), Some(4_900)),
        "{}",
        v.text
    );
    assert_eq!(app.stock(batch).await, 95_100);
    // The re-opened line takes crates again: 2,000 g is covered, 200 g more is taken.
    weigh(
        &app,
        line,
        json!([{"gross_g": 2_000, "tare_g": 0}, {"gross_g": 200, "tare_g": 0}]),
    )
    .await;
    assert_eq!(app.stock(batch).await, 94_900);
    let c = app.complete_line(line).await;
    assert_eq!(
        (
            c.json["status"].as_str(),
            c.json["lines"][0]["weighed_g"].as_i64(),
            c.json["lines"][0]["stock_held"].as_i64()
        ),
        (Some("weighed"), Some(5_100), Some(5_100))
    );
    assert_eq!(app.stock(batch).await, 100_000 - 5_100);
}

/// The order is `weighed` when every line is complete, not when every line has a ticket.
#[tokio::test]
async fn an_order_is_weighed_only_when_every_line_is_complete() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let greens = app.batch("by_weight", 100_000, 300).await;
    let boxes = app.batch("by_piece", 10, 8_800).await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": greens, "quantity": 5_000}, {"batch_id": boxes, "quantity": 2}]}))
        .await;
    let order = o.json["id"].as_i64().unwrap_or_default();
    let (l1, l2) = (
        o.json["lines"][0]["line_id"].as_i64().unwrap_or(0),
        o.json["lines"][1]["line_id"].as_i64().unwrap_or(0),
    );
    app.post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    weigh(&app, l1, json!([{"gross_g": 4_800, "tare_g": 0}])).await;
    let w = weigh(&app, l2, json!([{"gross_g": 10_000, "tare_g": 600}])).await;
    assert_eq!(
        (
            w.json["order"]["status"].as_str(),
            w.json["order"]["final_total_fen"].as_i64()
        ),
        (Some("confirmed"), None),
        "every line has a ticket, none is complete"
    );
    let c = app.complete_line(l1).await;
    assert_eq!(c.json["status"], "confirmed");
    let all = app.complete_order(order).await;
    assert_eq!(
        (
            all.status,
            all.json["status"].as_str(),
            all.json["final_total_fen"].as_i64()
        ),
        (200, Some("weighed"), Some(2_880 + 17_600)),
        "{}",
        all.text
    );
    assert_eq!(
        (app.stock(greens).await, app.stock(boxes).await),
        (95_200, 8)
    );
}

#[tokio::test]
async fn cancelling_mid_weighing_returns_the_order_and_the_weight_taken_above_it() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    weigh(&app, line, json!([{"gross_g": 6_000, "tare_g": 0}])).await;
    assert_eq!(app.stock(batch).await, 94_000);
    let sec = app.token("secretary").await;
    let c = app
        .post(&sec, &format!("/api/v1/orders/{order}/cancel"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(app.stock(batch).await, 100_000);
}
