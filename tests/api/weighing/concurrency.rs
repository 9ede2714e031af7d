//! Weighing under concurrency: stock never goes negative, no update is lost, and a line being
//! weighed keeps its reservation against orders racing it.

use super::{confirmed_order, weigh};
use crate::helpers::spawn_app;
use serde_json::json;

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
        .filter_map(|o| o["lines"][0]["stock_held"].as_i64())
        .sum();
    assert_eq!(
        held + stock,
        60_000,
        "every gram is either on a line or in the batch"
    );
}

/// Walk-in orders race the crates of a line being weighed: the line's 80 kg stay reserved, so
/// every crate is accepted, exactly the 20 kg left are sold, and the order completes. (Under the
/// old rule the first crate handed 72 kg back, the walk-ins bought it and later crates failed.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn walk_ins_racing_a_line_being_weighed_get_only_the_unreserved_stock() {
    let app = std::sync::Arc::new(spawn_app().await);
    let (_, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 80_000).await;
    let buyer = app.buyer("individual").await;
    let sec = app.token("secretary").await;
    let crate_of_8_kg = json!([{"gross_g": 8_000, "tare_g": 0}]);
    let first = weigh(&app, line, crate_of_8_kg.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..39 {
        let (app, sec, crates) = (app.clone(), sec.clone(), crate_of_8_kg.clone());
        tasks.spawn(async move {
            let is_crate = i % 4 == 0 && i < 36;
            let r = if is_crate {
                weigh(&app, line, crates).await
            } else {
                app.place_order(&sec, json!({"buyer_id": buyer, "channel": "walk_in", "lines": [{"batch_id": batch, "quantity": 1_000}]}))
                    .await
            };
            (is_crate, r.status)
        });
    }
    let (mut crates, mut sold, mut refused) = (1, 0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap_or_else(|e| panic!("{e}")) {
            (true, 201) => crates += 1,
            (false, 201) => sold += 1,
            (false, 409) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    println!(
        "walk-ins racing a weighing on {}: crates 201 × {crates}, walk-ins 201 × {sold}, 409 × {refused}",
        crate::helpers::backend_name()
    );
    assert_eq!((crates, sold, refused), (10, 20, 10));
    let c = app.complete_line(line).await;
    assert_eq!(c.json["status"], "weighed", "{}", c.text);
    assert_eq!(app.stock(batch).await, 0);
}
