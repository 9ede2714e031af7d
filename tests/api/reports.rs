//! Sales reports over a small data set built by hand, with every figure worked out below.
//!
//! The farm: grapes by weight (batch G, 10.00 yuan/jin retail, 8.00 enterprise, commission 10 %
//! shared 1:2 by collectives A and B) and greens by the box (batch V, 5.00 / 4.00, no rule).
//!
//! | order | placed (local)       | buyer      | channel    | lines                       | then |
//! |-------|----------------------|------------|------------|-----------------------------|------|
//! | o1    | 2025-12-31 23:30     | individual | livestream | G 10 jin at the live 9.00   | weighed 9.6 jin → 86.40 |
//! | o2    | 2026-01-05 10:00     | enterprise | phone      | V 3 boxes (12.00)           | cancelled |
//! | o3    | 2025-12-01 12:00     | enterprise | phone      | G 4 jin (32.00), V 2 (8.00) | weighed, delivered, paid 40.00, settled, refund 10.00 |
//! | o4    | 2024-12-15 12:00     | individual | walk_in    | V 1 (5.00)                  | — |
//! | o5    | 2024-02-29 13:00     | individual | phone      | V 1 (5.00)                  | — |
//! | o6    | 2023-02-28 13:00     | individual | phone      | V 2 (10.00)                 | — |
//!
//! December 2025 (o1, o3): orders 2, lines 3, 6,800 g and 2 boxes, ordered 130.00, final
//! 126.40, refunds 10.00, net 116.40. Commission: o1 10 % of 86.40 = 8.64 (A 2.88, B 5.76); o3's
//! refund comes off its lines by amount (32:8 → 8.00 and 2.00), so its grapes net 24.00 and pay
//! 2.40 (A 0.80, B 1.60); in all 11.04, of which A 3.68 and B 7.36; growers are owed 105.36.
//!
//! The orders are placed through the API today; their placement time is then set in the
//! database and the service started again, which writes the report figures afresh for orders
//! that have none, as it does for orders from before the report existed.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::money::{deliver, pay};
use crate::weighing::weigh_complete;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use std::sync::Arc;
use zhunong_entity::{order, sales_fact};

struct Farm {
    grower: i64,
    collective_a: i64,
    collective_b: i64,
    grapes: i64,
    greens: i64,
    session: i64,
    o1: i64,
    o3: i64,
}

async fn id(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = app.post(token, path, body).await;
    assert_eq!(r.status, 201, "{path}: {}", r.text);
    r.json["id"].as_i64().unwrap_or_default()
}

fn line_ids(order: &Value) -> Vec<i64> {
    order["lines"]
        .as_array()
        .map(|ls| ls.iter().filter_map(|l| l["line_id"].as_i64()).collect())
        .unwrap_or_default()
}

/// Sets when an order was placed, as if it had been placed then.
async fn placed_at(app: &TestApp, order_id: i64, at: &str) {
    let db = app.raw_db().await;
    let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap_or_else(|e| panic!("{at}: {e}"));
    order::ActiveModel {
        id: Set(order_id),
        created_at: Set(at),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap_or_else(|e| panic!("set created_at: {e}"));
    sales_fact::Entity::delete_many()
        .filter(sales_fact::Column::OrderId.eq(order_id))
        .exec(&db)
        .await
        .unwrap_or_else(|e| panic!("clear facts: {e}"));
}

async fn build_farm(app: &Arc<TestApp>) -> Farm {
    let sec = app.token("secretary").await;
    let collective_a = id(app, &sec, "/api/v1/collectives", json!({"name": "红光村"})).await;
    let collective_b = id(app, &sec, "/api/v1/collectives", json!({"name": "青山村"})).await;
    let grower = id(
        app,
        &sec,
        "/api/v1/growers",
        json!({"collective_id": collective_a, "name": "君宇家庭农场", "kind": "family_farm"}),
    )
    .await;
    let grape = id(
        app,
        &sec,
        "/api/v1/products",
        json!({"name": "巨峰葡萄", "pricing": "by_weight"}),
    )
    .await;
    let green = id(
        app,
        &sec,
        "/api/v1/products",
        json!({"name": "上海青", "pricing": "by_piece", "unit_label": "箱"}),
    )
    .await;
    let grapes = id(app, &sec, "/api/v1/batches", json!({"product_id": grape, "grower_id": grower, "harvest_date": "2025-08-01", "quantity": 100_000, "retail_price_fen": 1_000, "enterprise_price_fen": 800})).await;
    let greens = id(app, &sec, "/api/v1/batches", json!({"product_id": green, "grower_id": grower, "harvest_date": "2025-08-01", "quantity": 100, "retail_price_fen": 500, "enterprise_price_fen": 400})).await;
    id(app, &sec, "/api/v1/commission-rules", json!({"scope": "batch", "batch_id": grapes, "basis_points": 1_000, "valid_from": "2020-01-01",
        "shares": [{"collective_id": collective_a, "shares": 1}, {"collective_id": collective_b, "shares": 2}]})).await;
    let person = app.buyer("individual").await;
    let company = app.buyer("enterprise").await;

    let helper = app.token("helper").await;
    let session = id(app, &helper, "/api/v1/live-sessions", json!({"platform": "douyin", "host": "第一书记", "title": "葡萄产地直播", "planned_start": "2025-12-31T12:00:00Z"})).await;
    let f = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/featured"),
            json!({"batch_id": grapes, "live_price_fen": 900}),
        )
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    let s = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/start"),
            json!({}),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);

    let place = async |token: &str, body: Value| {
        let r = app.place_order(token, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json
    };
    let confirm = async |o: i64| {
        let r = app
            .post(&sec, &format!("/api/v1/orders/{o}/confirm"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    };
    // o1: 10 jin at the live price, weighed 9.6 jin.
    let o1 = place(&helper, json!({"buyer_id": person, "channel": "livestream", "live_session_id": session, "lines": [{"batch_id": grapes, "quantity": 5_000}]})).await;
    let o1_id = o1["id"].as_i64().unwrap_or_default();
    assert_eq!(o1["total_fen"], 9_000);
    confirm(o1_id).await;
    weigh_complete(
        app,
        line_ids(&o1)[0],
        json!([{"gross_g": 5_100, "tare_g": 300}]),
    )
    .await;
    // o2: cancelled.
    let o2 = place(&sec, json!({"buyer_id": company, "channel": "phone", "lines": [{"batch_id": greens, "quantity": 3}]})).await;
    let o2_id = o2["id"].as_i64().unwrap_or_default();
    let c = app
        .post(&sec, &format!("/api/v1/orders/{o2_id}/cancel"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    // o3: weighed as ordered, delivered, paid, settled, then 10.00 refunded.
    let o3 = place(&sec, json!({"buyer_id": company, "channel": "phone", "lines": [{"batch_id": grapes, "quantity": 2_000}, {"batch_id": greens, "quantity": 2}]})).await;
    let o3_id = o3["id"].as_i64().unwrap_or_default();
    assert_eq!(o3["total_fen"], 4_000);
    confirm(o3_id).await;
    let lines = line_ids(&o3);
    weigh_complete(app, lines[0], json!([{"gross_g": 2_300, "tare_g": 300}])).await;
    weigh_complete(app, lines[1], json!([{"gross_g": 2_300, "tare_g": 300}])).await;
    deliver(app, &[o3_id]).await;
    let paid = pay(app, o3_id, 4_000).await;
    assert_eq!(paid.json["settled"], true, "{}", paid.text);
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{o3_id}/payments"),
            json!({"amount_fen": -1_000, "method": "wechat_pay", "reason": "两箱压坏"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    // o4–o6: single boxes in earlier years.
    let mut earlier = Vec::new();
    for (qty, at) in [
        (1, "2024-12-15T04:00:00Z"),
        (1, "2024-02-29T05:00:00Z"),
        (2, "2023-02-28T05:00:00Z"),
    ] {
        let o = place(&sec, json!({"buyer_id": person, "channel": if at.starts_with("2024-12") { "walk_in" } else { "phone" }, "lines": [{"batch_id": greens, "quantity": qty}]})).await;
        earlier.push((o["id"].as_i64().unwrap_or_default(), at));
    }

    placed_at(app, o1_id, "2025-12-31T15:30:00Z").await;
    placed_at(app, o2_id, "2026-01-05T02:00:00Z").await;
    placed_at(app, o3_id, "2025-12-01T04:00:00Z").await;
    for (o, at) in earlier {
        placed_at(app, o, at).await;
    }
    // A second start of the service on the same database writes the figures of the orders
    // that now have none.
    drop(
        zhunong_api::startup::Application::build(app.settings.clone())
            .await
            .unwrap_or_else(|e| panic!("second start: {e:?}")),
    );
    Farm {
        grower,
        collective_a,
        collective_b,
        grapes,
        greens,
        session,
        o1: o1_id,
        o3: o3_id,
    }
}

async fn report(app: &TestApp, query: &str) -> Value {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/reports/sales?{query}"),
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    r.json
}

fn figures(m: &Value) -> Vec<i64> {
    [
        "orders",
        "lines",
        "quantity_g",
        "pieces",
        "ordered_amount_fen",
        "final_amount_fen",
        "refunds_fen",
        "net_sales_fen",
        "commission_fen",
        "grower_payable_fen",
        "cancelled_orders",
    ]
    .iter()
    .map(|k| m[*k].as_i64().unwrap_or(i64::MIN))
    .collect()
}

const DECEMBER_2025: [i64; 11] = [
    2, 3, 6_800, 2, 13_000, 12_640, 1_000, 11_640, 1_104, 10_536, 0,
];

fn rows_by(r: &Value, dim: &str) -> Vec<(String, Value)> {
    r["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    (
                        row["dimensions"][dim]["label"]
                            .as_str()
                            .unwrap_or("")
                            .to_owned(),
                        row["metrics"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn sales_totals_are_exact_to_the_fen() {
    let app = Arc::new(spawn_app().await);
    let farm = build_farm(&app).await;

    // A month: cancelled excluded, catch weights used, the refund after settlement counted.
    let dec = report(&app, "from=2025-12-01&to=2025-12-31").await;
    assert_eq!(figures(&dec["totals"]["metrics"]), DECEMBER_2025);
    assert_eq!(dec["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(figures(&dec["rows"][0]["metrics"]), DECEMBER_2025);

    // Every month present, also empty ones; January has only the cancelled order.
    let months = report(&app, "from=2025-10-01&to=2026-01-31&interval=month").await;
    let labels: Vec<&str> = months["rows"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["period"]["label"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(labels, ["2025-10", "2025-11", "2025-12", "2026-01"]);
    assert_eq!(figures(&months["rows"][0]["metrics"]), [0; 11]);
    assert_eq!(figures(&months["rows"][2]["metrics"]), DECEMBER_2025);
    assert_eq!(
        figures(&months["rows"][3]["metrics"]),
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(months["totals"]["metrics"]["cancelled_orders"], 1);
    assert_eq!(months["periods"].as_array().map(Vec::len), Some(4));

    // 23:30 local time on 31 December is December, not January.
    let days = report(&app, "from=2025-12-31&to=2026-01-01&interval=day").await;
    assert_eq!(days["rows"][0]["period"]["label"], "2025-12-31");
    assert_eq!(days["rows"][0]["metrics"]["orders"], 1);
    assert_eq!(days["rows"][0]["metrics"]["net_sales_fen"], 8_640);
    assert_eq!(days["rows"][1]["metrics"]["orders"], 0);

    // The commission of lines shared by two collectives, split exactly.
    let by_collective = report(&app, "from=2025-12-01&to=2025-12-31&group_by=collective").await;
    let rows = rows_by(&by_collective, "collective");
    let commission = |label: &str| {
        rows.iter()
            .find(|(l, _)| l == label)
            .map(|(_, m)| m["commission_fen"].as_i64().unwrap_or(-1))
    };
    assert_eq!(commission("红光村"), Some(368));
    assert_eq!(commission("青山村"), Some(736));
    assert_eq!(commission("无提成"), Some(0));
    for k in [
        "final_amount_fen",
        "net_sales_fen",
        "commission_fen",
        "grower_payable_fen",
        "quantity_g",
    ] {
        let sum: i64 = rows.iter().map(|(_, m)| m[k].as_i64().unwrap_or(0)).sum();
        assert_eq!(
            sum,
            by_collective["totals"]["metrics"][k].as_i64().unwrap_or(-1),
            "{k}"
        );
    }
    // By settlement date, o3 (settled today) alone; collective A got 0.80 of it, B 1.60, as
    // the ledger says; o3 was settled today, so December has nothing settled.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let span = format!(
        "from={}&to={}",
        today.pred_opt().unwrap_or(today),
        today.succ_opt().unwrap_or(today)
    );
    let a = report(
        &app,
        &format!("{span}&collective_id={}&basis=settled", farm.collective_a),
    )
    .await;
    assert_eq!(a["totals"]["metrics"]["commission_fen"], 80);
    let b = report(
        &app,
        &format!("{span}&collective_id={}&basis=settled", farm.collective_b),
    )
    .await;
    assert_eq!(b["totals"]["metrics"]["commission_fen"], 160);
    let ledger = app
        .get(
            &app.token("secretary").await,
            &format!(
                "/api/v1/reports/collective-income?collective_id={}&year={}",
                farm.collective_b,
                chrono::Datelike::year(&today)
            ),
        )
        .await;
    assert_eq!(ledger.json["total_fen"], 160, "{}", ledger.text);
    let none = report(&app, "from=2025-12-01&to=2025-12-31&basis=settled").await;
    assert_eq!(figures(&none["totals"]["metrics"]), [0; 11]);

    // A live session's orders are attributed to it.
    let live = report(&app, "from=2025-12-01&to=2025-12-31&group_by=live_session").await;
    let rows = rows_by(&live, "live_session");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, "葡萄产地直播");
    assert_eq!(
        live["rows"][0]["dimensions"]["live_session"]["id"],
        farm.session
    );
    assert_eq!(
        (
            rows[0].1["orders"].as_i64(),
            rows[0].1["net_sales_fen"].as_i64()
        ),
        (Some(1), Some(8_640))
    );
    assert_eq!(rows[1].0, "非直播");
    assert_eq!(rows[1].1["net_sales_fen"], 3_000);

    // Grouped by product and channel for enterprises only: o3's two lines.
    let ent = report(
        &app,
        "from=2025-12-01&to=2026-01-31&group_by=product,channel&buyer_kind=enterprise",
    )
    .await;
    let rows = ent["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "{ent}");
    assert_eq!(rows[0]["dimensions"]["product"]["label"], "巨峰葡萄");
    assert_eq!(rows[0]["dimensions"]["channel"]["label"], "电话");
    assert_eq!(rows[0]["dimensions"]["channel"]["code"], "phone");
    assert_eq!(rows[0]["metrics"]["net_sales_fen"], 2_400);
    assert_eq!(rows[1]["dimensions"]["product"]["label"], "上海青");
    assert_eq!(rows[1]["metrics"]["pieces"], 2);
    assert_eq!(ent["totals"]["metrics"]["orders"], 1);
    assert_eq!(ent["totals"]["metrics"]["cancelled_orders"], 1);

    // Filters by batch, repeated or comma-separated.
    let g = report(
        &app,
        &format!("from=2025-12-01&to=2025-12-31&batch_id={}", farm.grapes),
    )
    .await;
    assert_eq!(g["totals"]["metrics"]["quantity_g"], 6_800);
    assert_eq!(g["totals"]["metrics"]["pieces"], 0);
    let both = report(
        &app,
        &format!(
            "from=2025-12-01&to=2025-12-31&batch_id={},{}",
            farm.grapes, farm.greens
        ),
    )
    .await;
    assert_eq!(figures(&both["totals"]["metrics"]), DECEMBER_2025);

    // Top N by a metric.
    let top = report(
        &app,
        "from=2023-01-01&to=2026-12-31&group_by=buyer_kind&order_by=net_sales_fen&limit=1",
    )
    .await;
    assert_eq!(top["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(top["rows"][0]["dimensions"]["buyer_kind"]["label"], "个人");
    assert_eq!(
        top["rows"][0]["metrics"]["net_sales_fen"],
        8_640 + 500 + 500 + 1_000
    );
    assert_eq!(
        top["totals"]["metrics"]["net_sales_fen"],
        8_640 + 500 + 500 + 1_000 + 3_000
    );

    // Against the previous year: December 2024 had one box.
    let py = report(&app, "from=2025-12-01&to=2025-12-31&compare=previous_year").await;
    assert_eq!(
        (py["compare_from"].as_str(), py["compare_to"].as_str()),
        (Some("2024-12-01"), Some("2024-12-31"))
    );
    let c = &py["totals"]["compared"];
    assert_eq!(c["previous"]["net_sales_fen"], 500);
    assert_eq!(c["change"]["net_sales_fen"], 11_140);
    assert_eq!(c["change_percent"]["net_sales_fen"], "2228.00");
    assert_eq!(
        c["change_percent"]["commission_fen"],
        Value::Null,
        "no commission a year before"
    );

    // 29 February against 28 February a year earlier: 5.00 against 10.00.
    let leap = report(
        &app,
        "from=2024-02-29&to=2024-02-29&compare=previous_year&interval=day",
    )
    .await;
    assert_eq!(leap["compare_from"], "2023-02-28");
    let row = &leap["rows"][0];
    assert_eq!(row["metrics"]["net_sales_fen"], 500);
    assert_eq!(row["compared"]["previous"]["net_sales_fen"], 1_000);
    assert_eq!(row["compared"]["change_percent"]["net_sales_fen"], "-50.00");

    // The previous period of a month is the month before.
    let pp = report(
        &app,
        "from=2026-01-01&to=2026-01-31&compare=previous_period",
    )
    .await;
    assert_eq!(pp["compare_from"], "2025-12-01");
    assert_eq!(
        figures(&pp["totals"]["compared"]["previous"]),
        DECEMBER_2025
    );

    // By settlement date: only o3, settled today.
    let settled = report(&app, &format!("{span}&basis=settled")).await;
    assert_eq!(settled["totals"]["metrics"]["orders"], 1);
    assert_eq!(settled["totals"]["metrics"]["net_sales_fen"], 3_000);
    assert_eq!(settled["totals"]["metrics"]["commission_fen"], 240);

    // The daily totals (no buyer in the question) and the facts (a buyer filter naming every
    // buyer) give the same figures, for every grouping and both dates.
    let buyers = app
        .get(&app.token("secretary").await, "/api/v1/buyers?per_page=200")
        .await;
    let all: Vec<String> = buyers.json["items"]
        .as_array()
        .map(|b| {
            b.iter()
                .filter_map(|x| x["id"].as_i64())
                .map(|i| i.to_string())
                .collect()
        })
        .unwrap_or_default();
    let everyone = format!("buyer_id={}", all.join(","));
    for q in [
        "from=2023-01-01&to=2026-12-31&interval=month",
        "from=2023-01-01&to=2026-12-31&group_by=product&interval=quarter",
        "from=2023-01-01&to=2026-12-31&group_by=collective",
        "from=2023-01-01&to=2026-12-31&group_by=grower,channel",
        "from=2023-01-01&to=2026-12-31&group_by=batch,live_session&interval=year",
        "from=2023-01-01&to=2026-12-31&group_by=buyer_kind&basis=settled",
        "from=2023-01-01&to=2026-12-31&group_by=product,collective",
    ] {
        let daily = report(&app, q).await;
        let facts = report(&app, &format!("{q}&{everyone}")).await;
        assert_eq!(daily["rows"], facts["rows"], "{q}");
        assert_eq!(daily["totals"], facts["totals"], "{q}");
    }

    // The dashboard's cards for 31 December 2025.
    let s = app
        .get(
            &app.token("secretary").await,
            "/api/v1/reports/sales/summary?date=2025-12-31",
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    let card = |k: &str| {
        s.json["cards"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["period"] == k).cloned())
            .unwrap_or(Value::Null)
    };
    assert_eq!(card("today")["metrics"]["net_sales_fen"], 8_640);
    assert_eq!(card("today")["label"], "今日");
    assert_eq!(card("week")["from"], "2025-12-29");
    assert_eq!(figures(&card("month")["metrics"]), DECEMBER_2025);
    assert_eq!(card("year")["metrics"]["net_sales_fen"], 11_640);
    assert_eq!(card("year")["compared"]["previous"]["net_sales_fen"], 1_000);
    assert_eq!(card("year")["compare_from"], "2024-01-01");
    let _ = (farm.o1, farm.o3);
}

/// A small CSV reader: quoted fields with doubled quotes, CRLF rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn csv_and_xlsx_say_what_the_json_says() {
    let app = Arc::new(spawn_app().await);
    build_farm(&app).await;
    let q = "from=2025-12-01&to=2025-12-31&group_by=collective&compare=previous_year";
    let json = report(&app, q).await;
    let sec = app.token("secretary").await;

    // By default a download is in 元 and 斤 only, as a person reads it.
    let readable = app
        .get(&sec, &format!("/api/v1/reports/sales?{q}&format=csv"))
        .await;
    let readable_header = parse_csv(readable.text.trim_start_matches('\u{feff}'))
        .into_iter()
        .next()
        .unwrap_or_default();
    assert!(
        readable_header
            .iter()
            .all(|h| !h.ends_with("（分）") && !h.ends_with("（克）")),
        "{readable_header:?}"
    );
    assert!(readable_header.contains(&"净销售额（元）".to_owned()));
    // Asked for, the exact integers sit beside them.
    let csv = app
        .get(
            &sec,
            &format!("/api/v1/reports/sales?{q}&format=csv&units=with_integers"),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let disposition = csv
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%E9%94%80%E5%94%AE%E6%8A%A5%E8%A1%A8_2025-12.csv"),
        "{disposition}"
    );
    assert!(csv.text.starts_with('\u{feff}'), "a BOM first");
    let table = parse_csv(csv.text.trim_start_matches('\u{feff}'));
    let header = &table[0];
    assert_eq!(
        header[0], "村集体编号",
        "the header row comes first: {header:?}"
    );
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let rows = json["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(table.len(), rows.len() + 2, "header, rows, totals");
    for (row, cells) in rows.iter().zip(&table[1..]) {
        assert_eq!(
            cells[col("村集体")],
            row["dimensions"]["collective"]["label"]
                .as_str()
                .unwrap_or("")
        );
        assert_eq!(
            cells[col("集体提成（分）")],
            row["metrics"]["commission_fen"].to_string()
        );
        assert_eq!(
            cells[col("净销售额（分）")],
            row["metrics"]["net_sales_fen"].to_string()
        );
        assert_eq!(
            cells[col("上期净销售额（分）")],
            row["compared"]["previous"]["net_sales_fen"].to_string()
        );
        let fen = row["metrics"]["net_sales_fen"].as_i64().unwrap_or(0);
        assert_eq!(
            cells[col("净销售额（元）")],
            format!("{}.{:02}", fen / 100, fen % 100)
        );
        let g = row["metrics"]["quantity_g"].as_i64().unwrap_or(0);
        let centi_jin = (g * 100 + 250) / 500; // rounded half-up to the hundredth
        assert_eq!(
            cells[col("重量（斤）")],
            format!("{}.{:02}", centi_jin / 100, centi_jin % 100)
        );
    }
    let totals = table.last().cloned().unwrap_or_default();
    assert_eq!(totals[0], "合计");
    assert_eq!(totals[col("净销售额（分）")], "11640");
    assert_eq!(totals[col("净销售额（元）")], "116.40");
    assert_eq!(totals[col("净销售额变化率")], "2228.00");

    let x = app
        .get(&sec, &format!("/api/v1/reports/sales?{q}&format=xlsx"))
        .await;
    assert_eq!(x.status, 200);
    assert!(
        x.content_type.contains("spreadsheetml"),
        "{}",
        x.content_type
    );
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(x.bytes.clone())).unwrap_or_else(|e| panic!("xlsx: {e}"));
    assert_eq!(book.sheet_names(), ["销售报表", "参数"]);
    let sheet = book
        .worksheet_range("销售报表")
        .unwrap_or_else(|e| panic!("sheet: {e}"));
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    // Header, rows, totals, a blank row and the note on order counts.
    assert_eq!(cells.len(), rows.len() + 4);
    let note = cells.last().cloned().unwrap_or_default();
    assert!(
        matches!(&note[0], Data::String(t) if t.contains("订单数按订单计")),
        "{:?}",
        note[0]
    );
    assert_eq!(cells[0][1], Data::String("村集体".into()));
    let xcol = |name: &str| {
        cells[0]
            .iter()
            .position(|h| *h == Data::String(name.into()))
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let last = cells[rows.len() + 1].clone();
    assert_eq!(last[0], Data::String("合计".into()));
    assert!(
        cells[0].iter().all(|h| !h.to_string().ends_with("（分）")),
        "元 only by default"
    );
    assert_eq!(last[xcol("净销售额（元）")], Data::Float(116.40));
    assert_eq!(last[xcol("订单数")], Data::Float(2.0));
    assert_eq!(
        last[xcol("净销售额变化率")],
        Data::Float(22.28),
        "a percentage as a fraction"
    );
    for (row, xr) in rows.iter().zip(&cells[1..]) {
        #[allow(clippy::cast_precision_loss)]
        let yuan = row["metrics"]["commission_fen"].as_i64().unwrap_or(0) as f64 / 100.0;
        assert_eq!(xr[xcol("集体提成（元）")], Data::Float(yuan));
        assert_eq!(
            xr[xcol("村集体")],
            Data::String(
                row["dimensions"]["collective"]["label"]
                    .as_str()
                    .unwrap_or("")
                    .into()
            )
        );
    }
    let params = book
        .worksheet_range("参数")
        .unwrap_or_else(|e| panic!("parameters: {e}"));
    let p: Vec<String> = params
        .rows()
        .map(|r| format!("{}={}", r[0], r[1]))
        .collect();
    assert!(p.contains(&"开始日期=2025-12-01".to_owned()), "{p:?}");
    assert!(p.iter().any(|s| s.starts_with("对比=去年同期")), "{p:?}");

    // How it opens: a filter on the header over the table, every column wide enough for its
    // widest cell, percentages as percentages, dates as dates.
    let sheet_xml = xlsx_part(&x.bytes, "xl/worksheets/sheet1.xml");
    // The spreadsheet's name of the last column: A … Z, AA … AZ, …
    let mut n = cells[0].len();
    let mut last_col = String::new();
    while n > 0 {
        last_col.insert(
            0,
            char::from(b'A' + u8::try_from((n - 1) % 26).unwrap_or(0)),
        );
        n = (n - 1) / 26;
    }
    assert!(
        sheet_xml.contains(&format!(
            "<autoFilter ref=\"A1:{last_col}{}\"",
            rows.len() + 2
        )),
        "{sheet_xml}"
    );
    // `<col min="7" max="8" width="17.7"/>`: one width for columns 7 and 8.
    let attr = |c: &str, name: &str| -> f64 {
        c.split(&format!("{name}=\"")[..])
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let mut widths = Vec::new();
    for c in sheet_xml.split("<col ").skip(1) {
        for _ in 0..(attr(c, "max") - attr(c, "min") + 1.0) as usize {
            widths.push(attr(c, "width"));
        }
    }
    assert_eq!(widths.len(), cells[0].len(), "a width for every column");
    assert!(widths.iter().all(|w| *w >= 9.0), "{widths:?}");
    let styles = xlsx_part(&x.bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.00%\""), "{styles}");
    let monthly = app
        .get(
            &sec,
            "/api/v1/reports/sales?from=2025-12-01&to=2026-01-31&interval=month&format=xlsx",
        )
        .await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(monthly.bytes.clone()))
        .unwrap_or_else(|e| panic!("xlsx: {e}"));
    let sheet = book
        .worksheet_range("销售报表")
        .unwrap_or_else(|e| panic!("sheet: {e}"));
    let first = sheet
        .rows()
        .nth(1)
        .map(<[Data]>::to_vec)
        .unwrap_or_default();
    assert!(
        matches!(first[1], Data::DateTime(_)),
        "the period's first day is a date: {:?}",
        first[1]
    );
}

/// One part of an XLSX file (a zip of XML files), as text.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))
        .unwrap_or_else(|e| panic!("zip: {e}"));
    let mut part = zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    part.read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    text
}

#[tokio::test]
async fn wrong_parameters_are_named_and_nothing_else_is_answered() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    for (query, field) in [
        ("from=2026-09-01&to=2026-09-30&group_by=weather", "group_by"),
        ("from=2026-09-30&to=2026-09-01", "to"),
        ("from=2010-01-01&to=2026-01-01", "to"),
        ("to=2026-09-30", "from"),
        ("from=2026-9-1&to=2026-09-30", "from"),
        (
            "from=2026-09-01&to=2026-09-30&interval=fortnight",
            "interval",
        ),
        ("from=2026-09-01&to=2026-09-30&compare=last_week", "compare"),
        ("from=2026-09-01&to=2026-09-30&limit=1001", "limit"),
        ("from=2026-09-01&to=2026-09-30&product_id=abc", "product_id"),
        ("from=2026-09-01&to=2026-09-30&colour=red", "colour"),
    ] {
        let r = app
            .get(&sec, &format!("/api/v1/reports/sales?{query}"))
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.json["errors"][0]["field"], field, "{query}: {}", r.text);
    }
    let ok = app
        .get(
            &sec,
            "/api/v1/reports/sales?from=2016-01-01&to=2025-12-31&interval=day",
        )
        .await;
    assert_eq!(
        ok.status, 200,
        "ten years by day without groups: {}",
        ok.text
    );
    assert_eq!(ok.json["rows"].as_array().map(Vec::len), Some(3_653));
    let helper = app.token("helper").await;
    let r = app
        .get(
            &helper,
            "/api/v1/reports/sales?from=2026-09-01&to=2026-09-30",
        )
        .await;
    assert_eq!(r.status, 403);

    // A report is bounded in rows (periods × groups).
    let small = spawn_app_with(|s| s.report_max_rows = 10).await;
    let sec = small.token("secretary").await;
    let r = small
        .get(
            &sec,
            "/api/v1/reports/sales?from=2026-09-01&to=2026-09-30&interval=day",
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "interval", "{}", r.text);
    let r = small
        .get(
            &sec,
            "/api/v1/reports/sales?from=2026-09-01&to=2026-09-30&interval=week",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn statements_and_collective_income_export_the_same_figures() {
    let app = Arc::new(spawn_app().await);
    let farm = build_farm(&app).await;
    let sec = app.token("secretary").await;
    let year =
        chrono::Datelike::year(&(chrono::Utc::now() + chrono::Duration::hours(8)).date_naive());

    let income = app
        .get(
            &sec,
            &format!(
                "/api/v1/reports/collective-income?collective_id={}&year={year}",
                farm.collective_b
            ),
        )
        .await;
    assert_eq!(income.json["total_fen"], 160, "{}", income.text);
    let csv = app
        .get(
            &sec,
            &format!(
                "/api/v1/reports/collective-income?collective_id={}&year={year}&format=csv&units=with_integers",
                farm.collective_b
            ),
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let table = parse_csv(csv.text.trim_start_matches('\u{feff}'));
    assert_eq!(table[0][..3], ["村集体", "类别", "1月（分）"]);
    let total_col = table[0].iter().position(|h| h == "全年（分）").unwrap_or(0);
    let commission = table
        .iter()
        .find(|r| r[1] == "销售提成")
        .cloned()
        .unwrap_or_default();
    assert_eq!(commission[0], "青山村");
    assert_eq!(commission[total_col], "160");
    assert_eq!(commission[total_col + 1], "1.60");
    let sum = table
        .iter()
        .find(|r| r[1] == "合计")
        .cloned()
        .unwrap_or_default();
    assert_eq!(sum[total_col], "160");

    let x = app
        .get(
            &sec,
            &format!(
                "/api/v1/reports/collective-income?collective_id={}&year={year}&format=xlsx&units=with_integers",
                farm.collective_b
            ),
        )
        .await;
    assert_eq!(x.status, 200);
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(x.bytes.clone())).unwrap_or_else(|e| panic!("xlsx: {e}"));
    let sheet = book
        .worksheet_range("集体收入")
        .unwrap_or_else(|e| panic!("sheet: {e}"));
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let commission = rows
        .iter()
        .find(|r| r[1] == Data::String("销售提成".into()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(commission[total_col], Data::Float(160.0));
    assert_eq!(commission[total_col + 1], Data::Float(1.60));

    // The grower's statement: o3's grapes and greens, settled, less the refund.
    let issued = app
        .post(
            &sec,
            &format!("/api/v1/growers/{}/statements", farm.grower),
            json!({}),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    let csv = app
        .get(
            &sec,
            &format!(
                "/api/v1/growers/{}/statements?format=csv&units=with_integers",
                farm.grower
            ),
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let disposition = csv
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let table = parse_csv(csv.text.trim_start_matches('\u{feff}'));
    assert_eq!(table.len(), 2, "{table:?}");
    let col = |name: &str| {
        table[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    for (field, heading) in [
        ("sales_fen", "销售额（分）"),
        ("commission_fen", "提成（分）"),
        ("payable_fen", "应付（分）"),
        ("quantity_g", "重量（克）"),
    ] {
        assert_eq!(
            table[1][col(heading)],
            issued.json[field].to_string(),
            "{field}"
        );
    }
    assert_eq!(table[1][col("种植户")], "君宇家庭农场");
}
