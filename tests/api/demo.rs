//! `zhunong demo`: the story's catalog and two seasons of history, so that a first look at the
//! office shows real figures: the story's income, finished shows, rules, a year to compare with,
//! work waiting on the desk, and books that balance.

use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn the_demo_gives_every_card_real_figures_and_books_that_balance() {
    let app = spawn_app().await;
    let db = zhunong_api::db::Db::connect(&app.settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e:?}"));
    let story = zhunong_api::demo::load(&tx, "demo-pass-123")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit().await.unwrap_or_else(|e| panic!("{e:?}"));
    let h = zhunong_api::demo::history(&db, &story)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        h.orders > 1_000 && h.settled > 1_000,
        "{} {}",
        h.orders,
        h.settled
    );
    let sec = app.login("secretary", "demo-pass-123").await.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // The story's income: 116.71万元 this year, +45.89 % on the year before.
    let year = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y");
    let income = app
        .get(
            &sec,
            &format!(
                "/api/v1/reports/collective-income?collective_id={}&year={year}",
                story.collectives[0]
            ),
        )
        .await;
    assert_eq!(
        (
            income.json["total_fen"].as_i64(),
            income.json["previous_year_total_fen"].as_i64(),
            income.json["change_percent"].as_str()
        ),
        (Some(116_710_000), Some(80_000_000), Some("45.89")),
        "{}",
        income.text
    );
    let categories: Vec<&str> = income.json["categories"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["category"].as_str()).collect())
        .unwrap_or_default();
    assert!(categories.contains(&"sales_commission"), "{categories:?}");

    // Every card has sales, and the year has a year before to compare with.
    let summary = app.get(&sec, "/api/v1/reports/sales/summary").await;
    for card in summary.json["cards"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        assert!(
            card["metrics"]["orders"].as_i64() > Some(0),
            "{}: {}",
            card["period"],
            card["metrics"]
        );
    }
    let year_card = summary.json["cards"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["period"] == "year").cloned())
        .unwrap_or(Value::Null);
    assert!(year_card["compared"]["previous"]["net_sales_fen"].as_i64() > Some(0));
    assert!(year_card["metrics"]["commission_fen"].as_i64() > Some(0));

    // Rules, finished shows, and work on the desk.
    let rules = app.get(&sec, "/api/v1/commission-rules").await;
    assert_eq!(rules.json["total"], 3);
    let shows = app.get(&sec, "/api/v1/live-sessions?per_page=200").await;
    assert!(
        shows.json["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["status"] == "ended")),
        "{}",
        shows.text
    );
    let pending = app.get(&sec, "/api/v1/orders?status=pending").await;
    assert!(
        pending.json["total"].as_i64() >= Some(5),
        "{}",
        pending.text
    );

    // Every ledger transaction balances to the fen.
    let mut page = 1;
    loop {
        let t = app
            .get(
                &sec,
                &format!("/api/v1/ledger/transactions?per_page=200&page={page}"),
            )
            .await;
        let items = t.json["items"].as_array().cloned().unwrap_or_default();
        for txn in &items {
            let sum: i64 = txn["entries"]
                .as_array()
                .map(|e| e.iter().filter_map(|x| x["amount_fen"].as_i64()).sum())
                .unwrap_or(1);
            assert_eq!(sum, 0, "transaction {} does not balance", txn["id"]);
        }
        if items.len() < 200 {
            break;
        }
        page += 1;
    }
}
