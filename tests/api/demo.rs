//! `zhunong demo`: the story's catalog and two seasons of history, so that a first look at the
//! office shows real figures: the story's income, finished shows, rules, a year to compare with,
//! work waiting on the desk, and books that balance.

use crate::helpers::spawn_app;
use serde_json::Value;

/// The demo's catalog and its two seasons of history, as `zhunong demo` loads them.
pub async fn demo(
    app: &crate::helpers::TestApp,
) -> (
    zhunong_api::db::Db,
    zhunong_api::demo::Story,
    zhunong_api::demo::History,
) {
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
    (db, story, h)
}

#[tokio::test]
async fn the_demo_gives_every_card_real_figures_and_books_that_balance() {
    let app = spawn_app().await;
    let (_, story, h) = demo(&app).await;
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
    // The income statement in the official chart says the same: the year's 本年收益 against the
    // year before's, from the books.
    let statement = app
        .get(
            &sec,
            &format!(
                "/api/v1/collectives/{}/books/income-statement?year={year}",
                story.collectives[0]
            ),
        )
        .await;
    assert_eq!(statement.status, 200, "{}", statement.text);
    let line = |label: &str| {
        statement.json["lines"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["label"] == label))
            .map(|x| x["current_fen"].as_i64())
    };
    assert_eq!(
        (
            statement.json["income_fen"].as_i64(),
            line("四、本年收益"),
            statement.json["change_percent"].as_str()
        ),
        (Some(116_710_000), Some(Some(116_710_000)), Some("45.89")),
        "{}",
        statement.text
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

/// The demo's recent weighed orders on a truck: the station's load, its manifest and the orders'
/// lines all say the same net weight, because every weighed line has its weigh tickets.
#[tokio::test]
async fn a_load_of_demo_orders_weighs_the_same_on_screen_and_on_the_manifest() {
    let app = spawn_app().await;
    let (db, _, _) = demo(&app).await;

    // No line is weighed without the tickets that make up its weight.
    use sea_orm::ConnectionTrait;
    let row = db
        .read
        .query_one_raw(sea_orm::Statement::from_string(
            db.backend(),
            "SELECT COUNT(*) AS lines, \
               SUM(CASE WHEN l.weighed_g = (SELECT COALESCE(SUM(t.net_g), 0) FROM weigh_tickets t \
                   WHERE t.order_line_id = l.id AND t.id NOT IN (SELECT ticket_id FROM weigh_ticket_voids)) \
                   THEN 0 ELSE 1 END) AS without \
             FROM order_lines l WHERE l.weighed_g IS NOT NULL",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no row"));
    let lines: i64 = row.try_get("", "lines").unwrap_or(0);
    let without: i64 = row.try_get("", "without").unwrap_or(-1);
    assert!(lines > 1_000, "{lines} weighed lines");
    assert_eq!(
        without, 0,
        "weighed lines whose tickets do not make up their weight"
    );

    let station = app.login("station", "demo-pass-123").await.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let weighed = app
        .get(
            &station,
            "/api/v1/orders?status=weighed&fulfilment=load&per_page=2",
        )
        .await;
    let orders: Vec<Value> = weighed.json["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(orders.len(), 2, "{}", weighed.text);
    let load = app.post(&station, "/api/v1/loads", serde_json::json!({"plate": "皖A·10086", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-12-05", "capacity_kg": 5000})).await;
    let id = load.json["id"].as_i64().unwrap_or(0);
    let mut lines_g = 0;
    for o in &orders {
        let r = app
            .post(
                &station,
                &format!("/api/v1/loads/{id}/orders"),
                serde_json::json!({"order_id": o["id"]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        lines_g += o["lines"]
            .as_array()
            .map(|ls| {
                ls.iter()
                    .filter_map(|l| l["weighed_g"].as_i64())
                    .sum::<i64>()
            })
            .unwrap_or(0);
    }
    let on_screen = app.get(&station, &format!("/api/v1/loads/{id}")).await.json["total_net_g"]
        .as_i64()
        .unwrap_or(-1);
    assert_eq!(on_screen, lines_g, "the load against its orders' lines");
    let csv = app
        .get(&station, &format!("/api/v1/loads/{id}/manifest.csv"))
        .await;
    let total = csv
        .text
        .lines()
        .find(|l| l.starts_with("合计"))
        .unwrap_or_default()
        .to_owned();
    let kg = format!("{}.{:03}", lines_g / 1000, lines_g % 1000);
    assert!(
        total.contains(&format!(",{kg},")),
        "manifest {total} against {kg} kg"
    );
}

/// The demo's livestream parcels: recipients across provinces, tracking numbers, pickups, and
/// after-sales cases open, refunded after settlement and reshipped; every invariant holds.
#[tokio::test]
async fn the_demo_ships_parcels_and_has_after_sales_cases() {
    let app = spawn_app().await;
    let (_, _, h) = demo(&app).await;
    let p = h.parcels.unwrap_or_else(|| panic!("this month has greens"));
    assert_eq!((p.shipped, p.pickups, p.cases), (8, 2, 3));
    let sec = app.login("secretary", "demo-pass-123").await.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let parcels = app.get(&sec, "/api/v1/parcels").await;
    let provinces: std::collections::BTreeSet<String> = {
        let mut out = std::collections::BTreeSet::new();
        for parcel in parcels.json.as_array().into_iter().flatten() {
            let order = parcel["order_ids"][0].as_i64().unwrap_or_default();
            let f = app
                .get(&sec, &format!("/api/v1/orders/{order}/fulfilment"))
                .await;
            out.insert(
                f.json["recipient"]["province"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            assert!(parcel["tracking_no"].is_string(), "{parcel}");
        }
        out
    };
    assert!(provinces.len() >= 6, "{provinces:?}");
    let cases = app.get(&sec, "/api/v1/after-sales").await;
    let decisions: Vec<String> = cases
        .json
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["decision"].as_str().unwrap_or("open").to_owned())
        .collect();
    assert_eq!(decisions.len(), 3, "{}", cases.text);
    for want in ["open", "partly_agreed", "reshipped"] {
        assert!(decisions.iter().any(|d| d == want), "{decisions:?}");
    }
    let picked = app
        .get(&sec, "/api/v1/orders?fulfilment=pickup&status=delivered")
        .await;
    assert_eq!(picked.json["total"], 1);
    let check = app.cli(&["check"]);
    assert!(check.status.success(), "{}", crate::helpers::said(&check));
}
