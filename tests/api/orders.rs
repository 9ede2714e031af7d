//! Placing, pricing, confirming, cancelling and listing orders.

use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn an_order_copies_prices_and_totals_exactly() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let greens = app.batch("by_weight", 1_500_000, 299).await; // 2.99 yuan per jin
    let boxes = app.batch("by_piece", 200, 8_800).await;
    let person = app.buyer("individual").await;
    let r = app
        .post(&t, "/api/v1/orders", json!({"buyer_id": person, "channel": "livestream", "note": "要新鲜的",
            "lines": [{"batch_id": greens, "quantity": 4_851}, {"batch_id": boxes, "quantity": 3}]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // 4,851 g at 299 fen/jin = 2,900.898 fen → 2,901; 3 boxes at 88.00 = 26,400.
    assert_eq!(r.json["lines"][0]["amount_fen"], 2_901);
    assert_eq!(r.json["lines"][1]["amount_fen"], 26_400);
    assert_eq!(r.json["total_fen"], 29_301);
    assert_eq!(
        (r.json["status"].as_str(), r.json["payment_status"].as_str()),
        (Some("pending"), Some("unpaid"))
    );
    let id = r.json["id"].as_i64().unwrap_or_default();
    assert_eq!(r.json["number"], format!("ZN{id:06}"));
    assert_eq!(app.stock(greens).await, 1_500_000 - 4_851);
    assert_eq!(app.stock(boxes).await, 197);

    // A later price change leaves the order alone.
    let sec = app.token("secretary").await;
    let p = app
        .send(
            Method::PATCH,
            &format!("/api/v1/batches/{greens}"),
            Some(&sec),
            Some(&json!({"retail_price_fen": 500})),
        )
        .await;
    assert_eq!(p.status, 200);
    let again = app.get(&t, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(
        (
            again.json["lines"][0]["unit_price_fen"].as_i64(),
            again.json["total_fen"].as_i64()
        ),
        (Some(299), Some(29_301))
    );

    // Enterprise buyers get the enterprise price (299 - 299/5 = 240 fen/jin): 5,000 g → 2,400.
    let company = app.buyer("enterprise").await;
    let e = app.post(&t, "/api/v1/orders", json!({"buyer_id": company, "channel": "phone", "lines": [{"batch_id": greens, "quantity": 5_000}]})).await;
    assert_eq!(
        (e.status, e.json["total_fen"].as_i64()),
        (201, Some(2_400)),
        "{}",
        e.text
    );
}

#[tokio::test]
async fn a_short_line_fails_the_whole_order_and_lists_every_short_line() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let plenty = app.batch("by_weight", 100_000, 300).await;
    let few = app.batch("by_piece", 2, 8_800).await;
    // A batch is created with stock; this one then sells out.
    let none = app.batch("by_weight", 500, 300).await;
    let buyer = app.buyer("individual").await;
    let sold_out = app
        .post(&t, "/api/v1/orders", json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": none, "quantity": 500}]}))
        .await;
    assert_eq!(sold_out.status, 201, "{}", sold_out.text);
    let r = app
        .post(&t, "/api/v1/orders", json!({"buyer_id": buyer, "channel": "phone", "lines": [
            {"batch_id": plenty, "quantity": 50_000}, {"batch_id": few, "quantity": 3}, {"batch_id": none, "quantity": 500}]}))
        .await;
    r.assert_problem(409, "insufficient_stock");
    let shortages = r.json["shortages"].as_array().cloned().unwrap_or_default();
    assert_eq!(shortages.len(), 2, "{}", r.text);
    assert_eq!(
        (
            shortages[0]["line"].as_u64(),
            shortages[0]["batch_id"].as_i64()
        ),
        (Some(1), Some(few))
    );
    assert_eq!(
        (
            shortages[0]["requested"].as_i64(),
            shortages[0]["available"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(
        (
            shortages[1]["line"].as_u64(),
            shortages[1]["available"].as_i64()
        ),
        (Some(2), Some(0))
    );
    assert_eq!(
        app.stock(plenty).await,
        100_000,
        "the good line must not have taken stock"
    );
    assert_eq!(app.stock(few).await, 2);
    let orders = app.get(&t, "/api/v1/orders").await;
    assert_eq!(
        orders.json["total"], 1,
        "only the order that sold the batch out"
    );

    // Two lines on one batch count together.
    let r = app
        .post(
            &t,
            "/api/v1/orders",
            json!({"buyer_id": buyer, "channel": "phone", "lines": [
        {"batch_id": few, "quantity": 2}, {"batch_id": few, "quantity": 1}]}),
        )
        .await;
    r.assert_problem(409, "insufficient_stock");
    assert_eq!(app.stock(few).await, 2);
}

#[tokio::test]
async fn closed_batches_take_no_orders() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    let c = app
        .send(
            Method::PATCH,
            &format!("/api/v1/batches/{batch}"),
            Some(&sec),
            Some(&json!({"status": "closed"})),
        )
        .await;
    assert_eq!(c.status, 200);
    let r = app.post(&sec, "/api/v1/orders", json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
    r.assert_problem(409, "batch_closed");
    assert_eq!(app.stock(batch).await, 10_000);
}

#[tokio::test]
async fn confirm_and_cancel_follow_the_order_life() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let batch = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    let place = |q: i64| {
        app.place_order(&t, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": q}]}))
    };
    let a = place(1_000).await.json["id"].as_i64().unwrap_or_default();
    let b = place(2_000).await.json["id"].as_i64().unwrap_or_default();
    assert_eq!(app.stock(batch).await, 7_000);

    let c = app
        .post(&t, &format!("/api/v1/orders/{a}/confirm"), json!({}))
        .await;
    assert_eq!(
        (c.status, c.json["status"].as_str()),
        (200, Some("confirmed")),
        "{}",
        c.text
    );
    assert!(c.json["confirmed_at"].is_string());
    app.post(&t, &format!("/api/v1/orders/{a}/confirm"), json!({}))
        .await
        .assert_problem(409, "invalid_transition");

    let x = app
        .post(&t, &format!("/api/v1/orders/{a}/cancel"), json!({}))
        .await;
    assert_eq!(
        (x.status, x.json["status"].as_str()),
        (200, Some("cancelled"))
    );
    assert_eq!(app.stock(batch).await, 8_000, "cancel returns the stock");
    let again = app
        .post(&t, &format!("/api/v1/orders/{a}/cancel"), json!({}))
        .await;
    again.assert_problem(409, "invalid_transition");
    assert!(
        again.json["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("cancelled")
    );
    assert_eq!(
        app.stock(batch).await,
        8_000,
        "a second cancel returns nothing"
    );
    app.post(&t, &format!("/api/v1/orders/{a}/confirm"), json!({}))
        .await
        .assert_problem(409, "invalid_transition");

    assert_eq!(
        app.post(&t, &format!("/api/v1/orders/{b}/cancel"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(app.stock(batch).await, 10_000);
    app.post(&t, "/api/v1/orders/999999/cancel", json!({}))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn orders_list_by_status_channel_buyer_and_date() {
    let app = spawn_app().await;
    let t = app.token("helper").await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let b1 = app.buyer("individual").await;
    let b2 = app.buyer("individual").await;
    let before = chrono::Utc::now();
    for (buyer, channel) in [
        (b1, "phone"),
        (b1, "livestream"),
        (b2, "livestream"),
        (b2, "expo"),
    ] {
        let r = app.post(&t, "/api/v1/orders", json!({"buyer_id": buyer, "channel": channel, "lines": [{"batch_id": batch, "quantity": 500}]})).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let first = app.get(&t, "/api/v1/orders?per_page=1").await;
    let newest = first.json["items"][0]["id"].as_i64().unwrap_or_default();
    app.post(&t, &format!("/api/v1/orders/{newest}/confirm"), json!({}))
        .await;

    let count = |q: String| {
        let app = &app;
        let t = t.clone();
        async move {
            app.get(&t, &format!("/api/v1/orders?{q}")).await.json["total"]
                .as_u64()
                .unwrap_or(999)
        }
    };
    assert_eq!(count("channel=livestream".into()).await, 2);
    assert_eq!(count(format!("buyer_id={b1}")).await, 2);
    assert_eq!(count("status=confirmed".into()).await, 1);
    assert_eq!(count(format!("status=pending&buyer_id={b2}")).await, 1);
    let from = before.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(count(format!("from={from}")).await, 4);
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(count(format!("from={future}")).await, 0);
    assert_eq!(count(format!("to={from}")).await, 0);
    let page = app.get(&t, "/api/v1/orders?channel=livestream").await;
    assert_eq!(
        page.json["items"][0]["lines"][0]["quantity"], 500,
        "lists carry their lines"
    );
}

/// An order over several batches takes its stock last on PostgreSQL, after its lines and sales
/// figures are written: an unknown, closed or short batch among them still refuses the whole
/// order, names the line, and leaves nothing behind.
#[tokio::test]
async fn a_bulk_order_with_a_bad_batch_among_many_leaves_nothing_behind() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let mut batches = Vec::new();
    for _ in 0..4 {
        batches.push(app.batch("by_weight", 10_000, 300).await);
    }
    let buyer = app.buyer("individual").await;
    let order = |lines: Vec<(i64, i64)>| {
        let lines: Vec<_> = lines
            .into_iter()
            .map(|(b, q)| json!({"batch_id": b, "quantity": q}))
            .collect();
        json!({"buyer_id": buyer, "channel": "phone", "lines": lines})
    };
    let (a, b, c, d) = (batches[0], batches[1], batches[2], batches[3]);

    let unknown = app
        .post(
            &sec,
            "/api/v1/orders",
            order(vec![(a, 100), (b, 100), (999_999, 100)]),
        )
        .await;
    unknown.assert_problem(422, "validation_failed");
    assert!(
        unknown.text.contains("lines[2].batch_id"),
        "{}",
        unknown.text
    );

    let short = app
        .post(
            &sec,
            "/api/v1/orders",
            order(vec![(a, 100), (b, 20_000), (c, 100), (d, 30_000)]),
        )
        .await;
    short.assert_problem(409, "insufficient_stock");
    assert!(
        short.text.contains("20000") && short.text.contains("30000"),
        "{}",
        short.text
    );

    let closed = app
        .send(
            Method::PATCH,
            &format!("/api/v1/batches/{c}"),
            Some(&sec),
            Some(&json!({"status": "closed"})),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    app.post(
        &sec,
        "/api/v1/orders",
        order(vec![(a, 100), (b, 100), (c, 100)]),
    )
    .await
    .assert_problem(409, "batch_closed");

    for batch in batches {
        assert_eq!(app.stock(batch).await, 10_000, "batch {batch} untouched");
    }
    let orders = app
        .get(&sec, &format!("/api/v1/orders?buyer_id={buyer}"))
        .await;
    assert_eq!(orders.json["total"], 0, "{}", orders.text);

    let placed = app
        .post(
            &sec,
            "/api/v1/orders",
            order(vec![(d, 100), (a, 200), (b, 300)]),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let lines = placed.json["lines"].as_array().cloned().unwrap_or_default();
    assert_eq!(lines.len(), 3, "{}", placed.text);
    assert!(
        lines.iter().all(|l| l["unit_price_fen"] == 300),
        "{}",
        placed.text
    );
    let sum: i64 = lines.iter().filter_map(|l| l["amount_fen"].as_i64()).sum();
    assert_eq!(placed.json["total_fen"], sum, "{}", placed.text);
    assert_eq!(
        (app.stock(a).await, app.stock(b).await, app.stock(d).await),
        (9_800, 9_700, 9_900)
    );
}
