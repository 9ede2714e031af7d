//! Livestream selling: live prices and limits, totals streamed to the board, the summary.

use crate::helpers::{TestApp, backend_name, spawn_app};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// A live session featuring a fresh by-piece batch of `stock` at `live_price`, started.
pub async fn live_show(
    app: &TestApp,
    stock: i64,
    live_price: i64,
    limit: Option<i64>,
) -> (i64, i64) {
    let show = json!({"platform": "douyin", "host": "第一书记", "title": "阳光玫瑰产地直播", "planned_start": "2026-11-28T12:00:00Z"});
    live_show_as(app, show, stock, live_price, limit).await
}

/// As [`live_show`], the session created with `show` as its body.
pub async fn live_show_as(
    app: &TestApp,
    show: Value,
    stock: i64,
    live_price: i64,
    limit: Option<i64>,
) -> (i64, i64) {
    let helper = app.token("helper").await;
    let batch = app.batch("by_piece", stock, 9_900).await;
    let s = app.post(&helper, "/api/v1/live-sessions", show).await;
    assert_eq!(s.status, 201, "{}", s.text);
    let id = s.json["id"].as_i64().unwrap_or(0);
    let f = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{id}/featured"),
            json!({"batch_id": batch, "live_price_fen": live_price, "per_buyer_limit": limit}),
        )
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    let started = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(started.json["status"], "live");
    (id, batch)
}

pub fn live_order(session: i64, buyer: i64, batch: i64, quantity: i64) -> Value {
    json!({"buyer_id": buyer, "channel": "livestream", "live_session_id": session, "lines": [{"batch_id": batch, "quantity": quantity}]})
}

#[tokio::test]
async fn live_orders_take_the_live_price_and_only_featured_batches() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 100, 8_800, None).await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&helper, live_order(session, buyer, batch, 2))
        .await;
    assert_eq!(
        (
            o.status,
            o.json["total_fen"].as_i64(),
            o.json["live_session_id"].as_i64()
        ),
        (201, Some(17_600), Some(session)),
        "{}",
        o.text
    );
    let other = app.batch("by_piece", 10, 100).await;
    let r = app
        .place_order(&helper, live_order(session, buyer, other, 1))
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "lines[0].batch_id");
    let mut phone = live_order(session, buyer, batch, 1);
    phone["channel"] = json!("phone");
    assert_eq!(
        app.place_order(&helper, phone).await.json["errors"][0]["field"],
        "channel"
    );
    app.post(
        &helper,
        &format!("/api/v1/live-sessions/{session}/end"),
        json!({}),
    )
    .await;
    app.place_order(&helper, live_order(session, buyer, batch, 1))
        .await
        .assert_problem(409, "session_not_live");
    let summary = app
        .get(&helper, &format!("/api/v1/live-sessions/{session}/summary"))
        .await;
    assert_eq!(
        (
            summary.json["totals"]["orders"].as_i64(),
            summary.json["totals"]["revenue_fen"].as_i64()
        ),
        (Some(1), Some(17_600)),
        "{}",
        summary.text
    );
    assert!(summary.json["duration_secs"].as_i64().is_some());
    let csv = app
        .get(
            &helper,
            &format!("/api/v1/live-sessions/{session}/orders.csv"),
        )
        .await;
    assert!(csv.text.starts_with('\u{feff}'));
    let rows: Vec<&str> = csv.text.lines().collect();
    assert_eq!(rows.len(), 2, "{}", csv.text);
    assert!(
        rows[1].starts_with(&format!(
            "ZN{:06},待确认,李女士,",
            o.json["id"].as_i64().unwrap_or(0)
        )),
        "{}",
        rows[1]
    );
    assert!(rows[1].ends_with(",2,件,176.00"), "{}", rows[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_per_buyer_limit_holds_under_50_concurrent_attempts() {
    let app = Arc::new(spawn_app().await);
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 1_000, 8_800, Some(5)).await;
    let buyer = app.buyer("individual").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (app, helper) = (app.clone(), helper.clone());
        tasks.spawn(async move {
            let r = app
                .place_order(&helper, live_order(session, buyer, batch, 1))
                .await;
            (r.status, r.json["code"].as_str().map(str::to_owned))
        });
    }
    let (mut ok, mut limited) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap_or((0, None)) {
            (201, _) => ok += 1,
            (409, Some(c)) if c == "buyer_limit_reached" => limited += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    println!(
        "per-buyer limit on {}: 201 × {ok}, 409 × {limited}",
        backend_name()
    );
    assert_eq!((ok, limited), (5, 45));
    assert_eq!(app.stock(batch).await, 995);
    // Cancelling (the helper's undo) frees the buyer's limit again; another buyer has their own.
    let orders = app
        .get(&helper, &format!("/api/v1/orders?buyer_id={buyer}"))
        .await;
    let first = orders.json["items"][0]["id"].as_i64().unwrap_or(0);
    assert_eq!(
        app.post(
            &helper,
            &format!("/api/v1/orders/{first}/cancel"),
            json!({})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.place_order(&helper, live_order(session, buyer, batch, 1))
            .await
            .status,
        201
    );
    app.place_order(&helper, live_order(session, buyer, batch, 1))
        .await
        .assert_problem(409, "buyer_limit_reached");
    let other = app.buyer("individual").await;
    assert_eq!(
        app.place_order(&helper, live_order(session, other, batch, 5))
            .await
            .status,
        201
    );
}

/// Reads `event: totals` payloads from an SSE response until `done` holds for those read so far,
/// or time runs out.
pub async fn read_until(
    resp: reqwest::Response,
    done: impl Fn(&[Value]) -> bool,
    timeout: Duration,
) -> Vec<Value> {
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while !done(&events) {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        let Ok(Some(Ok(chunk))) = next else { break };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                events.push(serde_json::from_str(data).unwrap_or(Value::Null));
            }
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_stream_sends_an_update_for_each_of_100_orders_and_ends_right() {
    let app = Arc::new(spawn_app().await);
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 1_000, 8_800, None).await;
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/live-sessions/{session}/stream")))
        .bearer_auth(&helper)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    let reader = tokio::spawn(read_until(
        resp,
        |e| e.len() >= 101 && e.last().is_some_and(|t| t["orders"] == 100),
        Duration::from_secs(60),
    ));
    let mut buyers = Vec::new();
    for _ in 0..10 {
        buyers.push(app.buyer("individual").await);
    }
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for buyer in buyers {
        let (app, helper) = (app.clone(), helper.clone());
        tasks.spawn(async move {
            for _ in 0..10 {
                let r = app
                    .place_order(&helper, live_order(session, buyer, batch, 1))
                    .await;
                assert_eq!(r.status, 201, "{}", r.text);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let events = reader.await.unwrap_or_default();
    let took = started.elapsed();
    let last = events.last().cloned().unwrap_or(Value::Null);
    println!(
        "SSE on {}: {} events (1 on connect + 1 per order) for 100 orders from 10 clients in {took:?}; last: orders {}, sold {}, stock {}",
        backend_name(),
        events.len(),
        last["orders"],
        last["batches"][0]["sold_qty"],
        last["batches"][0]["stock_qty"]
    );
    // One on connect and one per order; a periodic refresh may add one more if it raced a commit.
    assert!(
        (101..=103).contains(&events.len()),
        "one update per order: {} events",
        events.len()
    );
    let db = app
        .get(&helper, &format!("/api/v1/live-sessions/{session}/totals"))
        .await
        .json;
    assert_eq!(last["orders"], 100);
    assert_eq!(
        (
            last["orders"].clone(),
            last["revenue_fen"].clone(),
            last["buyers"].clone()
        ),
        (
            db["orders"].clone(),
            db["revenue_fen"].clone(),
            db["buyers"].clone()
        )
    );
    assert_eq!(last["batches"], db["batches"]);
    assert_eq!(last["batches"][0]["stock_qty"], 900);
    assert_eq!(last["top_buyers"].as_array().map(Vec::len), Some(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stock_sold_through_another_channel_reaches_the_stream() {
    let app = Arc::new(crate::helpers::spawn_app_with(|s| s.live_refresh_secs = 1).await);
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 200, 8_800, None).await;
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/live-sessions/{session}/stream")))
        .bearer_auth(&helper)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let reader = tokio::spawn(read_until(
        resp,
        |e| {
            e.last()
                .is_some_and(|t| t["batches"][0]["stock_qty"] == 196)
        },
        Duration::from_secs(10),
    ));
    let buyer = app.buyer("individual").await;
    let phone = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 4}]});
    assert_eq!(app.place_order(&helper, phone).await.status, 201);
    let events = reader.await.unwrap_or_default();
    let stocks: Vec<Option<i64>> = events
        .iter()
        .map(|e| e["batches"][0]["stock_qty"].as_i64())
        .collect();
    // The connect event, then the refresh that saw the sale. A refresh racing the connect may
    // repeat the unchanged totals once; the new stock must still come, and come last.
    assert!(
        (2..=3).contains(&events.len()),
        "the refresh sent the new stock: {events:?}"
    );
    assert_eq!(stocks.first(), Some(&Some(200)), "{events:?}");
    assert_eq!(stocks.last(), Some(&Some(196)), "{events:?}");
    assert!(
        stocks[..stocks.len() - 1].iter().all(|s| *s == Some(200)),
        "only the last event has the new stock: {events:?}"
    );
    assert!(
        events.iter().all(|e| e["orders"] == 0),
        "a phone order is not a show order: {events:?}"
    );
}

#[tokio::test]
async fn the_show_csv_and_the_pick_list_count_pieces_in_the_products_own_unit() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let helper = app.token("helper").await;
    let batch = app.batch("by_piece", 20, 16_800).await;
    let product = app
        .get(&sec, &format!("/api/v1/batches/{batch}"))
        .await
        .json["product_id"]
        .clone();
    let p = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/products/{product}"),
            Some(&sec),
            Some(&json!({"unit_label": "箱"})),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    let s = app
        .post(&helper, "/api/v1/live-sessions", json!({"platform": "douyin", "host": "第一书记", "title": "礼盒直播", "planned_start": "2026-11-28T12:00:00Z"}))
        .await;
    let id = s.json["id"].as_i64().unwrap_or(0);
    app.post(
        &helper,
        &format!("/api/v1/live-sessions/{id}/featured"),
        json!({"batch_id": batch, "live_price_fen": 15_800}),
    )
    .await;
    app.post(
        &helper,
        &format!("/api/v1/live-sessions/{id}/start"),
        json!({}),
    )
    .await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&helper, live_order(id, buyer, batch, 2))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let csv = app
        .get(&helper, &format!("/api/v1/live-sessions/{id}/orders.csv"))
        .await
        .text;
    assert!(csv.contains(",2,箱,"), "{csv}");
    assert!(!csv.contains(",件,"), "{csv}");
    let order = o.json["id"].as_i64().unwrap_or(0);
    let c = app
        .post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    let station = app.token("station").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let pick = app
        .get(&station, &format!("/api/v1/pick-list?date={today}"))
        .await;
    assert_eq!(pick.status, 200, "{}", pick.text);
    assert_eq!(
        pick.json["products"][0]["unit_label"], "箱",
        "{}",
        pick.text
    );
    let page = app
        .get(&station, &format!("/api/v1/pick-list/print?date={today}"))
        .await;
    assert!(page.text.contains("2 箱"), "{}", page.text);
}

#[tokio::test]
async fn a_shows_pending_orders_are_confirmed_at_once_and_chosen_channels_confirm_themselves() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 100, 8_800, None).await;
    let buyer = app.buyer("individual").await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        let o = app
            .place_order(&helper, live_order(session, buyer, batch, 1))
            .await;
        assert_eq!(o.json["status"], "pending", "{}", o.text);
        ids.push(o.json["id"].as_i64().unwrap_or_default());
    }
    let cancel = app
        .post(
            &helper,
            &format!("/api/v1/orders/{}/cancel", ids[0]),
            json!({}),
        )
        .await;
    assert_eq!(cancel.status, 200);
    let one = app
        .post(
            &helper,
            &format!("/api/v1/orders/{}/confirm", ids[1]),
            json!({}),
        )
        .await;
    assert_eq!(one.status, 200);
    let all = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/confirm-pending"),
            json!({}),
        )
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json["confirmed"], json!([ids[2], ids[3]]));
    for id in &ids[1..] {
        assert_eq!(
            app.get(&helper, &format!("/api/v1/orders/{id}")).await.json["status"],
            "confirmed"
        );
    }
    let again = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/confirm-pending"),
            json!({}),
        )
        .await;
    assert_eq!(again.json["confirmed"], json!([]));
    app.post(
        &helper,
        "/api/v1/live-sessions/999999/confirm-pending",
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");

    // With ZHUNONG_AUTO_CONFIRM_CHANNELS=livestream, live orders are confirmed as placed; a phone
    // order still waits.
    let auto =
        crate::helpers::spawn_app_with(|s| s.auto_confirm_channels = "livestream".into()).await;
    let helper = auto.token("helper").await;
    let (session, batch) = live_show(&auto, 100, 8_800, None).await;
    let buyer = auto.buyer("individual").await;
    let live = auto
        .place_order(&helper, live_order(session, buyer, batch, 1))
        .await;
    assert_eq!(live.json["status"], "confirmed", "{}", live.text);
    assert!(live.json["confirmed_at"].is_string());
    // Confirmed by the setting, yet logged like a confirmation by hand, marked automatic.
    let sec = auto.token("secretary").await;
    let log = auto
        .get(
            &sec,
            &format!(
                "/api/v1/audit-log?entity=order&entity_id={}&action=confirm_order",
                live.json["id"]
            ),
        )
        .await;
    assert_eq!(log.json["total"], 1, "{}", log.text);
    assert_eq!(log.json["items"][0]["after"]["automatic"], true);
    let phone = auto
        .place_order(&helper, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    assert_eq!(phone.json["status"], "pending");
}
