//! Stock under concurrency: never negative, never sold twice, orders never half-filled.

use crate::helpers::{TestApp, backend_name, spawn_app};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn flash_sale_200_buyers_50_units_sells_exactly_50() {
    let app = Arc::new(spawn_app().await);
    let t = app.token("helper").await;
    let batch = app.batch("by_piece", 50, 1_000).await;
    let buyer = app.buyer("individual").await;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let (app, t) = (app.clone(), t.clone());
        tasks.spawn(async move {
            let begin = Instant::now();
            let r = app.place_order(&t, json!({"buyer_id": buyer, "channel": "livestream", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
            (r.status, r.json["code"].as_str().map(str::to_owned), begin.elapsed(), r.text)
        });
    }
    let (mut created, mut sold_out, mut other, mut slowest) = (0, 0, Vec::new(), Duration::ZERO);
    while let Some(res) = tasks.join_next().await {
        let (status, code, took, text) = res.unwrap_or_else(|e| panic!("{e}"));
        slowest = slowest.max(took);
        match (status, code.as_deref()) {
            (201, _) => created += 1,
            (409, Some("insufficient_stock")) => sold_out += 1,
            _ => other.push(format!("{status} {text}")),
        }
    }
    let wall = started.elapsed();
    println!(
        "flash sale on {}: 201 × {created}, 409 × {sold_out}, other × {}, slowest answer {slowest:?}, all 200 in {wall:?}",
        backend_name(),
        other.len()
    );
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!((created, sold_out), (50, 150));
    assert!(
        slowest <= Duration::from_secs(2),
        "slowest answer took {slowest:?}"
    );
    assert_eq!(app.stock(batch).await, 0);
    let orders = app.get(&t, "/api/v1/orders?per_page=200").await;
    assert_eq!(orders.json["total"], 50);
    let sold: i64 = orders.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| o["lines"][0]["quantity"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(sold, 50);
    // The sales report, kept in each order's transaction, saw exactly the 50.
    let report = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/reports/sales?{}", around_today()),
        )
        .await;
    let m = &report.json["totals"]["metrics"];
    assert_eq!(
        (m["orders"].as_i64(), m["pieces"].as_i64()),
        (Some(50), Some(50)),
        "{}",
        report.text
    );
    assert_eq!(m["final_amount_fen"], 50_000);
}

/// `from=…&to=…` from yesterday to tomorrow in the village's time.
fn around_today() -> String {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let day = chrono::Duration::days(1);
    format!("from={}&to={}", today - day, today + day)
}

/// Multi-line orders racing over 10 batches: every batch ends at initial − Σ(lines of orders that
/// exist), never below zero, and every order has all of its lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn multi_line_orders_racing_over_ten_batches_never_oversell_or_half_fill() {
    let app = Arc::new(spawn_app().await);
    let t = app.token("helper").await;
    let mut batches = Vec::new();
    for _ in 0..10 {
        batches.push(app.batch("by_piece", 20, 100).await);
    }
    let buyer = app.buyer("individual").await;
    let batches = Arc::new(batches);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..500usize {
        let (app, t, batches) = (app.clone(), t.clone(), batches.clone());
        tasks.spawn(async move {
            // Two or three lines over different batches, in varying order, 1–3 units each.
            let n = 2 + i % 2;
            let lines: Vec<_> = (0..n)
                .map(|k| json!({"batch_id": batches[(i * 7 + k * 3) % 10], "quantity": 1 + (i + k) % 3}))
                .collect();
            let r = place(&app, &t, buyer, lines).await;
            (r.0, r.1, n)
        });
    }
    let (mut created, mut short) = (0, 0);
    while let Some(res) = tasks.join_next().await {
        let (status, text, _) = res.unwrap_or_else(|e| panic!("{e}"));
        match status {
            201 => created += 1,
            409 => short += 1,
            _ => panic!("unexpected {status}: {text}"),
        }
    }
    println!(
        "multi-line race on {}: 201 × {created}, 409 × {short}",
        backend_name()
    );
    assert!(
        created > 0 && short > 0,
        "the race should both sell and run short"
    );

    let orders = app.get(&t, "/api/v1/orders?per_page=200").await;
    assert_eq!(orders.json["total"], created);
    let mut taken = std::collections::HashMap::<i64, i64>::new();
    for o in orders.json["items"].as_array().into_iter().flatten() {
        let lines = o["lines"].as_array().cloned().unwrap_or_default();
        assert!(
            lines.len() == 2 || lines.len() == 3,
            "half-filled order: {o}"
        );
        for l in lines {
            *taken
                .entry(l["batch_id"].as_i64().unwrap_or(0))
                .or_default() += l["quantity"].as_i64().unwrap_or(0);
        }
    }
    for b in batches.iter() {
        let stock = app.stock(*b).await;
        assert!(stock >= 0);
        assert_eq!(
            stock,
            20 - taken.get(b).copied().unwrap_or(0),
            "batch {b} does not add up"
        );
    }
    // The daily sales totals, moved by 500 racing transactions, agree with the orders batch by
    // batch, and with the facts (a buyer filter reads those).
    let sec = app.token("secretary").await;
    let q = format!("{}&group_by=batch", around_today());
    let daily = app.get(&sec, &format!("/api/v1/reports/sales?{q}")).await;
    let facts = app
        .get(&sec, &format!("/api/v1/reports/sales?{q}&buyer_id={buyer}"))
        .await;
    assert_eq!(daily.json["rows"], facts.json["rows"]);
    assert_eq!(daily.json["totals"]["metrics"]["orders"], created);
    for row in daily.json["rows"].as_array().into_iter().flatten() {
        let b = row["dimensions"]["batch"]["id"].as_i64().unwrap_or(0);
        assert_eq!(
            row["metrics"]["pieces"].as_i64(),
            taken.get(&b).copied(),
            "batch {b}"
        );
    }
}

async fn place(app: &TestApp, t: &str, buyer: i64, lines: Vec<serde_json::Value>) -> (u16, String) {
    let r = app
        .place_order(
            t,
            json!({"buyer_id": buyer, "channel": "phone", "lines": lines}),
        )
        .await;
    (r.status, r.text)
}

/// Behind the conditional updates, the database itself refuses negative stock.
#[tokio::test]
async fn the_database_refuses_negative_stock() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 5, 100).await;
    let db = app.raw_db().await;
    let r = db
        .execute_unprepared(&format!(
            "UPDATE batches SET stock_qty = stock_qty - 6 WHERE id = {batch}"
        ))
        .await;
    assert!(r.is_err(), "a negative stock was stored");
    let ok = db
        .execute_unprepared(&format!(
            "UPDATE batches SET stock_qty = stock_qty - 5 WHERE id = {batch}"
        ))
        .await;
    assert!(ok.is_ok());
    assert_eq!(app.stock(batch).await, 0);
}

/// Bulk orders over many batches take their stock in one statement after locking the batches in
/// id order: racing each other, they neither deadlock nor oversell.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_orders_over_twelve_batches_race_without_deadlock_or_overselling() {
    let app = Arc::new(spawn_app().await);
    let t = app.token("helper").await;
    let mut batches = Vec::new();
    for _ in 0..12 {
        batches.push(app.batch("by_piece", 30, 100).await);
    }
    let buyer = app.buyer("individual").await;
    let batches = Arc::new(batches);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40usize {
        let (app, t, batches) = (app.clone(), t.clone(), batches.clone());
        tasks.spawn(async move {
            // Every order names all twelve batches, in a different order each time.
            let lines: Vec<_> = (0..12)
                .map(
                    |k| json!({"batch_id": batches[(k * 5 + i) % 12], "quantity": 1 + (i + k) % 2}),
                )
                .collect();
            place(&app, &t, buyer, lines).await
        });
    }
    let (mut created, mut short) = (0, 0);
    while let Some(res) = tasks.join_next().await {
        match res.unwrap_or((0, String::new())) {
            (201, _) => created += 1,
            (409, _) => short += 1,
            (s, text) => panic!("unexpected {s}: {text}"),
        }
    }
    println!(
        "bulk race on {}: 201 × {created}, 409 × {short}",
        backend_name()
    );
    assert!(created > 0 && short > 0);
    let orders = app.get(&t, "/api/v1/orders?per_page=200").await;
    let mut taken = std::collections::HashMap::<i64, i64>::new();
    for o in orders.json["items"].as_array().into_iter().flatten() {
        assert_eq!(
            o["lines"].as_array().map(Vec::len),
            Some(12),
            "half-filled order: {o}"
        );
        for l in o["lines"].as_array().into_iter().flatten() {
            *taken
                .entry(l["batch_id"].as_i64().unwrap_or(0))
                .or_default() += l["quantity"].as_i64().unwrap_or(0);
        }
    }
    for b in batches.iter() {
        let stock = app.stock(*b).await;
        assert!(stock >= 0);
        assert_eq!(
            stock,
            30 - taken.get(b).copied().unwrap_or(0),
            "batch {b} does not add up"
        );
    }
}
