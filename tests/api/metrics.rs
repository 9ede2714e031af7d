//! `/metrics` as Prometheus scrapes it from a running `zhunong serve`: on its own port only, in
//! a format `promtool` accepts under load, with counters that match the orders placed.

use crate::process::Served;
use reqwest::Client;
use serde_json::{Value, json};

async fn post(c: &Client, s: &Served, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(s.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

async fn scrape(c: &Client, port: u16) -> String {
    let r = c
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("scrape: {e}"));
    assert_eq!(r.status(), 200);
    r.text().await.unwrap_or_default()
}

/// The value of the sample whose name and labels start as `series` does.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// `promtool check metrics` on a scrape; required in CI, which installs it.
fn promtool_accepts(scrape: &str) {
    use std::io::Write;
    let child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("CI").is_err(),
                "promtool is required in CI: {e}"
            );
            eprintln!("promtool is not installed: the format check is skipped here");
            return;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(scrape.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "promtool refused the scrape: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scrape_under_load_passes_promtool_and_counts_the_orders_placed() {
    let served = Served::start_with(&[("ZHUNONG_METRICS_BIND", "127.0.0.1:0")]);
    let metrics_port = served.metrics_port.unwrap_or_default();
    let c = Client::new();
    let (_, login) = post(
        &c,
        &served,
        "",
        "/api/v1/auth/login",
        json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}),
    )
    .await;
    let t = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = |v: (u16, Value)| {
        assert!(v.0 == 201, "{}", v.1);
        v.1["id"].as_i64().unwrap_or(0)
    };
    let col = id(post(
        &c,
        &served,
        &t,
        "/api/v1/collectives",
        json!({"name": "红光村"}),
    )
    .await);
    let grower = id(post(
        &c,
        &served,
        &t,
        "/api/v1/growers",
        json!({"collective_id": col, "name": "王飞", "kind": "household"}),
    )
    .await);
    let product = id(post(
        &c,
        &served,
        &t,
        "/api/v1/products",
        json!({"name": "葡萄礼盒", "pricing": "by_piece"}),
    )
    .await);
    let batch = id(post(&c, &served, &t, "/api/v1/batches", json!({"product_id": product, "grower_id": grower, "harvest_date": "2026-09-01", "quantity": 40, "retail_price_fen": 5_000, "enterprise_price_fen": 4_000})).await);
    let buyer = id(post(
        &c,
        &served,
        &t,
        "/api/v1/buyers",
        json!({"kind": "individual", "name": "李女士", "phone": "13900001111"}),
    )
    .await);

    // 60 one-box orders for 40 boxes, from 12 clients, while Prometheus scrapes.
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (c, t, url) = (c.clone(), t.clone(), served.url("/api/v1/orders"));
        clients.spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..5 {
                let r = c
                    .post(&url)
                    .bearer_auth(&t)
                    .json(&json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                statuses.push(r);
            }
            statuses
        });
    }
    let mut during = Vec::new();
    for _ in 0..5 {
        during.push(scrape(&c, metrics_port).await);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut statuses = Vec::new();
    while let Some(r) = clients.join_next().await {
        statuses.extend(r.unwrap_or_default());
    }
    let placed = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((placed, refused), (40, 20), "{statuses:?}");

    for s in &during {
        promtool_accepts(s);
    }
    let after = scrape(&c, metrics_port).await;
    promtool_accepts(&after);
    assert_eq!(
        sample(&after, "zhunong_orders_placed_total{channel=\"phone\"}"),
        40.0,
        "{after}"
    );
    assert_eq!(
        sample(&after, "zhunong_stock_refusals_total"),
        20.0,
        "{after}"
    );
    let requests = |status: &str| {
        after
            .lines()
            .filter(|l| l.starts_with("zhunong_http_requests_total{"))
            .filter(|l| l.contains("route=\"/api/v1/orders\"") && l.contains("method=\"POST\""))
            .filter(|l| l.contains(&format!("status=\"{status}\"")))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>()
    };
    assert_eq!((requests("201"), requests("409")), (40.0, 20.0), "{after}");
    assert!(
        after.contains("zhunong_http_request_duration_seconds_bucket{"),
        "{after}"
    );
    for gauge in [
        "zhunong_build_info{",
        "zhunong_database_breaker_open 0",
        "zhunong_db_pool_connections{",
        "zhunong_webhook_outbox_depth ",
        "zhunong_live_sessions_open 0",
        "zhunong_sales_log_rows ",
        "zhunong_db_acquire_seconds_bucket{",
    ] {
        assert!(after.contains(gauge), "{gauge} missing:\n{after}");
    }
    // Never on the public port.
    let public = c
        .get(served.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(public.status(), 404);
    served.stop();
}
