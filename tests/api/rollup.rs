//! The sales figures' roll-up: orders append to a log, a roll-up folds it into the daily
//! totals, and a report adds the totals and the log's tail, so it is exact the moment a write
//! is acknowledged whether or not the roll-up has run. Races orders, cancellations, payments and
//! refunds against a roll-up running every few milliseconds, on one replica or two.

use crate::helpers::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::sync::Arc;

/// Today's sales report totals, read at once.
async fn totals(app: &TestApp, secretary: &str) -> Value {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let r = app
        .get(
            secretary,
            &format!("/api/v1/reports/sales?from={today}&to={today}&group_by=product"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["totals"]["metrics"].clone()
}

/// The same figures summed straight from the facts.
async fn from_facts(app: &TestApp) -> (i64, i64, i64, i64) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let day = today.format("%Y%m%d").to_string();
    let sum = |c: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM({c}), 0) AS BIGINT) FROM sales_facts WHERE placed_day = {day}"
        )
    };
    (
        app.sql_i64(&format!(
            "SELECT COUNT(DISTINCT live_order_id) FROM sales_facts WHERE placed_day = {day}"
        ))
        .await,
        app.sql_i64(&sum("net_sales_fen")).await,
        app.sql_i64(&sum("refunds_fen")).await,
        app.sql_i64(&format!(
            "SELECT COUNT(DISTINCT cancelled_order_id) FROM sales_facts WHERE placed_day = {day}"
        ))
        .await,
    )
}

fn figures(m: &Value) -> (i64, i64, i64, i64) {
    let f = |k: &str| m[k].as_i64().unwrap_or(i64::MIN);
    (
        f("orders"),
        f("net_sales_fen"),
        f("refunds_fen"),
        f("cancelled_orders"),
    )
}

/// Tokens made on the first replica, which every replica accepts.
struct Tokens {
    helper: String,
    secretary: String,
}

/// A payment (negative: a refund, with its reason).
async fn pay(app: &TestApp, t: &Tokens, order: i64, amount: i64) -> crate::helpers::Reply {
    app.post(
        &t.secretary,
        &format!("/api/v1/orders/{order}/payments"),
        json!({"amount_fen": amount, "method": "wechat_pay", "reason": "坏果"}),
    )
    .await
}

/// One order's life: placed, and then by its number cancelled, paid, or paid and partly refunded.
async fn one_order(app: &TestApp, t: &Tokens, batch: i64, buyer: i64, i: i64) {
    let o = app
        .place_order(
            &t.helper,
            json!({"buyer_id": buyer, "channel": "phone",
                   "lines": [{"batch_id": batch, "quantity": 1 + i % 3}]}),
        )
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.json["id"].as_i64().unwrap_or_default();
    let total = o.json["total_fen"].as_i64().unwrap_or_default();
    match i % 4 {
        0 => {
            let c = app
                .post(
                    &t.secretary,
                    &format!("/api/v1/orders/{id}/cancel"),
                    json!({}),
                )
                .await;
            assert_eq!(c.status, 200, "{}", c.text);
        }
        1 => assert_eq!(pay(app, t, id, total).await.status, 201),
        2 => {
            assert_eq!(pay(app, t, id, total).await.status, 201);
            let refund = pay(app, t, id, -(100 + i)).await;
            assert_eq!(refund.status, 201, "{}", refund.text);
        }
        _ => {}
    }
}

/// Races `n` order lives over `apps` (round robin), checking the report against the facts
/// every tenth order, then waits for the log to empty and checks again.
async fn race(apps: Vec<Arc<TestApp>>, n: i64) {
    let first = apps[0].clone();
    let batch = first.batch("by_piece", 100_000, 1_000).await;
    let buyer = first.buyer("individual").await;
    let t = Arc::new(Tokens {
        helper: first.token("helper").await,
        secretary: first.token("secretary").await,
    });
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (apps, t) = (apps.clone(), t.clone());
        tasks.spawn(async move {
            for i in (worker..n).step_by(8) {
                let app = apps[usize::try_from(i).unwrap_or(0) % apps.len()].clone();
                one_order(&app, &t, batch, buyer, i).await;
                if i % 10 == 0 {
                    // Read at once after this worker's write: the write is in, rolled up or not.
                    let seen = figures(&totals(&app, &t.secretary).await);
                    assert!(seen.0 + seen.3 > 0, "the report sees the orders: {seen:?}");
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap_or_else(|e| panic!("an order's life failed: {e}"));
    }
    let folded = first.sql_i64("SELECT COUNT(*) FROM sales_daily").await;
    assert!(folded > 0, "the roll-up ran while orders were placed");
    let facts = from_facts(&first).await;
    assert_eq!(facts.0 + facts.3, n, "every order has its facts");
    assert_eq!(
        figures(&totals(&first, &t.secretary).await),
        facts,
        "totals and tail, read at once"
    );
    let (code, report) = crate::integrity::check(&first);
    assert_eq!(
        (code, crate::integrity::broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    // The roll-up empties the log; the totals alone then say the same.
    let mut tail = -1;
    for _ in 0..200 {
        tail = first.sql_i64("SELECT COUNT(*) FROM sales_daily_log").await;
        if tail == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(tail, 0, "the roll-up folded the whole log");
    assert_eq!(
        figures(&totals(&first, &t.secretary).await),
        facts,
        "the totals alone"
    );
    let (code, report) = crate::integrity::check(&first);
    assert_eq!(
        (code, crate::integrity::broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reports_stay_exact_while_the_roll_up_races_400_orders_cancellations_and_refunds() {
    let app = Arc::new(spawn_app_with(|s| s.sales_rollup_every_ms = 2).await);
    race(vec![app], 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_run_the_roll_up_between_them_and_lose_nothing() {
    // Replicas share a PostgreSQL database; a SQLite file is served by one process.
    if crate::helpers::backend_name() == "sqlite" {
        return;
    }
    let app = Arc::new(spawn_app_with(|s| s.sales_rollup_every_ms = 2).await);
    let other = Arc::new(app.replica().await);
    race(vec![app, other], 200).await;
}
