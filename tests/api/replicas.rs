//! Two replicas of the service on one PostgreSQL, as `docker compose --scale app=2` runs them:
//! each with its own caches and notice hub. What one does, the other must honour at once.
//! (SQLite is one process by design: these run on PostgreSQL only.)

use crate::helpers::{TestApp, backend_name, spawn_app};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// True on PostgreSQL; on SQLite (one process by design) says why the test does nothing.
fn on_postgres() -> bool {
    let pg = backend_name() == "postgres";
    if !pg {
        println!("replicas: PostgreSQL only");
    }
    pg
}

/// Both replicas, or None on SQLite.
async fn two_replicas() -> Option<(Arc<TestApp>, Arc<TestApp>)> {
    if !on_postgres() {
        return None;
    }
    let a = spawn_app().await;
    let b = a.replica().await;
    Some((Arc::new(a), Arc::new(b)))
}

/// Polls `check` on replica B until it holds or a second has passed; returns how long it took.
async fn within_a_second(mut check: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn a_flash_sale_split_across_two_replicas_sells_exactly_the_stock() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let t = a.token("helper").await;
    let batch = a.batch("by_piece", 50, 1_000).await;
    let buyer = a.buyer("individual").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = if i % 2 == 0 { a.clone() } else { b.clone() };
        let t = t.clone();
        tasks.spawn(async move {
            let r = app.place_order(&t, json!({"buyer_id": buyer, "channel": "livestream", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
            (i % 2, r.status, r.json["code"].as_str().map(str::to_owned), r.text)
        });
    }
    let (mut created, mut sold_out, mut per_replica, mut other) = (0, 0, [0, 0], Vec::new());
    while let Some(res) = tasks.join_next().await {
        let (replica, status, code, text) = res.unwrap_or_else(|e| panic!("{e}"));
        match (status, code.as_deref()) {
            (201, _) => {
                created += 1;
                per_replica[replica] += 1;
            }
            (409, Some("insufficient_stock")) => sold_out += 1,
            _ => other.push(format!("{status} {text}")),
        }
    }
    println!(
        "flash sale over two replicas: 201 × {created} (A {}, B {}), 409 × {sold_out}",
        per_replica[0], per_replica[1]
    );
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!((created, sold_out), (50, 150));
    assert!(
        per_replica[0] > 0 && per_replica[1] > 0,
        "both replicas sold: {per_replica:?}"
    );
    assert_eq!(a.stock(batch).await, 0);
    // B reads the same stock (tokens come from A: one JWT secret, one user table).
    let seen_by_b = b.get(&t, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(
        seen_by_b.json["stock_qty"].as_i64(),
        Some(0),
        "{}",
        seen_by_b.text
    );
}

#[tokio::test]
async fn a_user_disabled_on_one_replica_is_refused_by_the_other_at_the_next_request() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let admin = a.token("admin").await;
    let helper = a.token("helper").await;
    // B has seen the helper's token (and cached that it is good).
    assert_eq!(b.get(&helper, "/api/v1/me").await.status, 200);
    let users = a.get(&admin, "/api/v1/users?per_page=200").await;
    let id = users.json["items"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["role"] == "helper"))
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_default();
    let off = a
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    let refused = within_a_second(async || b.get(&helper, "/api/v1/me").await.status == 401).await;
    println!("disabled on A, refused on B after {refused:?}");
    assert!(
        refused.is_some(),
        "B still takes the disabled user's token a second later"
    );
}

#[tokio::test]
async fn a_commission_rule_created_on_one_replica_applies_on_the_other_at_once() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let sec = a.token("secretary").await;
    let batch = a.batch("by_weight", 100_000, 1_500).await;
    let rules = format!("/api/v1/batches/{batch}/commission-rules");
    let livestream = |r: &crate::helpers::Reply| {
        r.json["channels"]
            .as_array()
            .and_then(|c| c.iter().find(|x| x["channel"] == "livestream").cloned())
            .and_then(|x| x["rule"]["id"].as_i64())
    };
    // B has loaded (and cached) the rules: none for this batch yet.
    assert_eq!(livestream(&b.get(&sec, &rules).await), None);
    let c = a
        .post(&sec, "/api/v1/collectives", json!({"name": "红光村"}))
        .await;
    let r = a
        .post(&sec, "/api/v1/commission-rules", json!({"scope": "batch", "batch_id": batch, "basis_points": 800, "valid_from": "2020-01-01", "shares": [{"collective_id": c.json["id"], "shares": 1}]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let rule = r.json["id"].as_i64();
    let applied = within_a_second(async || livestream(&b.get(&sec, &rules).await) == rule).await;
    println!("rule made on A, applied on B after {applied:?}");
    assert!(
        applied.is_some(),
        "B does not apply the new rule a second later"
    );
}

#[tokio::test]
async fn a_board_on_one_replica_follows_orders_and_the_end_of_the_show_on_the_other() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let helper = a.token("helper").await;
    let (session, batch) = crate::live::live_show(&a, 100, 8_800, None).await;
    let buyer = a.buyer("individual").await;
    let resp = b
        .client
        .get(b.url(&format!("/api/v1/live-sessions/{session}/stream")))
        .bearer_auth(&helper)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
    // The board on B reads its first totals (no orders), then what A does.
    let reader = tokio::spawn(crate::live::read_until(
        resp,
        |e| e.iter().any(|t| t["status"] == "ended"),
        Duration::from_secs(10),
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let placed_at = Instant::now();
    let o = a
        .place_order(&helper, crate::live::live_order(session, buyer, batch, 2))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let ended = a
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/end"),
            json!({}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    let events = reader.await.unwrap_or_default();
    let waited = placed_at.elapsed();
    let with_order = events.iter().position(|t| t["orders"] == 1);
    println!(
        "board on B: {} events in {waited:?}; the order in event {with_order:?}",
        events.len()
    );
    assert!(
        with_order.is_some(),
        "B's board never showed A's order: {events:?}"
    );
    // The order reached B's board before the show ended, that is within the second in between.
    let ended_at = events.iter().position(|t| t["status"] == "ended");
    assert!(
        ended_at.is_some(),
        "B's board never heard that the show ended: {events:?}"
    );
    assert!(with_order < ended_at, "{events:?}");
    assert_eq!(events[with_order.unwrap_or(0)]["revenue_fen"], 17_600);
}

#[tokio::test]
async fn a_partner_key_has_the_rate_and_burst_of_one_key_across_both_replicas() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app_with(|s| {
        s.partner_rate_per_sec = 1;
        s.partner_burst = 4;
    })
    .await;
    let b = a.replica().await;
    let (_, key) = crate::partner::partner(&a, "甲公司").await;
    let started = Instant::now();
    let mut admitted = 0;
    let mut refused = 0;
    for i in 0..12 {
        let app = if i % 2 == 0 { &a } else { &b };
        let r = app
            .send(Method::GET, "/api/v1/partner/catalog", Some(&key), None)
            .await;
        match r.status {
            200 => admitted += 1,
            429 => {
                r.assert_problem(429, "rate_limited");
                assert!(r.headers.get("retry-after").is_some());
                refused += 1;
            }
            other => panic!("{other}: {}", r.text),
        }
    }
    let took = started.elapsed();
    println!("one key over two replicas: {admitted} admitted, {refused} refused in {took:?}");
    // A burst of 4 and one more per second that passes: per-process buckets would admit 8 at once.
    let allowed = 4 + usize::try_from(took.as_secs()).unwrap_or(0) + 1;
    assert!(
        (4..=allowed).contains(&admitted),
        "{admitted} admitted in {took:?} (at most {allowed})"
    );
    assert_eq!(admitted + refused, 12);
}

#[tokio::test]
async fn failed_logins_on_either_replica_count_against_one_budget() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app_with(|s| {
        s.login_max_failures = 4;
        s.login_user_slowdown_after = 8;
        s.login_slowdown_millis = 400;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let b = a.replica().await;
    let login_from = crate::auth::login_from;
    // Four free failures from one address, split over both replicas: a per-process count would
    // allow eight.
    for i in 0..4 {
        let app = if i % 2 == 0 { &a } else { &b };
        login_from(app, "203.0.113.5", "admin", "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    for app in [&a, &b] {
        let locked = login_from(app, "203.0.113.5", "admin", crate::helpers::ADMIN_PASSWORD).await;
        locked.assert_problem(429, "rate_limited");
        assert!(locked.headers.get("retry-after").is_some());
    }
    // The admin from another address is not locked out, on either replica.
    let ok = login_from(&b, "198.51.100.7", "admin", crate::helpers::ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);

    // Failures from many addresses over both replicas slow the username down everywhere.
    for i in 0..4 {
        let app = if i % 2 == 0 { &b } else { &a };
        login_from(
            app,
            &format!("203.0.113.{}", 20 + i),
            "admin",
            "guess-guess",
        )
        .await
        .assert_problem(401, "unauthorized");
    }
    for app in [&a, &b] {
        let started = Instant::now();
        let ok = login_from(app, "198.51.100.9", "admin", crate::helpers::ADMIN_PASSWORD).await;
        let took = started.elapsed();
        assert_eq!(ok.status, 200, "slowed, never refused: {}", ok.text);
        assert!(
            took >= Duration::from_millis(400),
            "8 failures over two replicas should slow the next login: {took:?}"
        );
    }
}

#[tokio::test]
async fn one_address_spraying_both_replicas_meets_one_budget() {
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app_with(|s| {
        s.login_addr_slowdown_after = 100;
        s.login_addr_max_failures = 8;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let b = a.replica().await;
    // Eight usernames over two replicas: a per-process budget would allow sixteen.
    for i in 0..8 {
        let app = if i % 2 == 0 { &a } else { &b };
        crate::auth::login_from(app, "203.0.113.77", &format!("user{i}"), "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    for app in [&a, &b] {
        crate::auth::login_from(app, "203.0.113.77", "someone", "guess-guess")
            .await
            .assert_problem(429, "rate_limited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_webhook_events_are_delivered_exactly_once_with_both_workers_running() {
    use sea_orm::{ConnectionTrait, Statement};
    if !on_postgres() {
        return;
    }
    let a = crate::helpers::spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_poll_millis = 20;
        // Small claims, so that both workers keep reaching for the same due rows.
        s.webhook_batch_size = 10;
    })
    .await;
    let b = a.replica().await;
    let rx = crate::partner::receiver(0).await;
    let (_, key) = crate::partner::partner(&a, "皖酒集团").await;
    let hook = crate::partner::subscribe(&a, &key, rx.port, &["order.confirmed"]).await;
    let endpoint = hook.json["webhook"]["id"].as_i64().unwrap_or(0);
    // A thousand events, due at once, as a busy day's outbox would hold them.
    let db = a.raw_db().await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, \
             attempts, next_attempt_at, created_at) \
             SELECT {endpoint}, 'msg_replica_' || g, 'order.confirmed', \
             '{{\"type\":\"order.confirmed\",\"n\":' || g || '}}', 'pending', 0, now(), now() \
             FROM generate_series(1, 1000) AS g"
        ),
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let got = crate::partner::wait_for(&rx, 1000).await;
    let took = started.elapsed();
    // Anything sent twice would arrive after the thousandth: give it a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = {
        let more = crate::partner::wait_for(&rx, 1001).await;
        if more.len() > got.len() { more } else { got }
    };
    rx.handle.stop(false).await;
    let mut ids: Vec<&str> = got.iter().map(|(id, ..)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    println!(
        "1000 webhook events over two workers: {} requests, {} distinct, in {took:?}",
        got.len(),
        ids.len()
    );
    assert_eq!(ids.len(), 1000, "every event arrives");
    assert_eq!(got.len(), 1000, "no event arrives twice");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT count(*) FILTER (WHERE status = 'delivered') AS delivered, \
                 max(attempts) AS most FROM webhook_deliveries WHERE endpoint_id = {endpoint}"
            ),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no count"));
    let delivered: i64 = row.try_get("", "delivered").unwrap_or(0);
    let most: i32 = row.try_get("", "most").unwrap_or(0);
    db.close().await.ok();
    assert_eq!(delivered, 1000);
    assert_eq!(most, 1, "no delivery was attempted twice");
    drop(b);
}
