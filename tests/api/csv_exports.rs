//! CSV exports open safely in a spreadsheet: a buyer's name or address that a spreadsheet would
//! run as a formula is written as text, in the load manifest and in the live-session CSV.

use crate::helpers::{TestApp, rand_u32, spawn_app};
use crate::live::{live_order, live_show};
use crate::weighing::weigh_complete;
use serde_json::json;

const NAME: &str = "=HYPERLINK(\"http://x\",\"y\")";
/// How [`NAME`] must come out: a leading `'`, then CSV quoting.
const NAME_CELL: &str = "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"";

/// A buyer whose name is a formula and whose address is `+1`; returns (id, phone).
async fn formula_buyer(app: &TestApp) -> (i64, String) {
    let t = app.token("secretary").await;
    let phone = format!("139{:08}", rand_u32() % 100_000_000);
    let r = app
        .post(
            &t,
            "/api/v1/buyers",
            json!({"kind": "individual", "name": NAME, "phone": phone, "address": "+1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (r.json["id"].as_i64().unwrap_or_default(), phone)
}

#[tokio::test]
async fn the_manifest_csv_writes_formula_cells_as_text_with_the_header_first() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let station = app.token("station").await;
    let (buyer, phone) = formula_buyer(&app).await;
    let batch = app.batch("by_weight", 100_000, 300).await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 5_000}]}))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let order = o.json["id"].as_i64().unwrap_or_default();
    let c = app
        .post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    let line = o.json["lines"][0]["line_id"].as_i64().unwrap_or_default();
    let w = weigh_complete(&app, line, json!([{"gross_g": 5_500, "tare_g": 500}])).await;
    assert_eq!(w.json["status"], "weighed", "{}", w.text);
    let load = app
        .post(&station, "/api/v1/loads", json!({"plate": "=1+1", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"}))
        .await;
    assert_eq!(load.status, 201, "{}", load.text);
    let id = load.json["id"].as_i64().unwrap_or_default();
    let added = app
        .post(
            &station,
            &format!("/api/v1/loads/{id}/orders"),
            json!({"order_id": order}),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);

    let csv = app
        .get(&station, &format!("/api/v1/loads/{id}/manifest.csv"))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("订单号,买家,电话,地址,"),
        "{}",
        csv.text
    );
    // The phone is written so that Excel keeps it as text; 5 kg (10 jin) at 3.00 a jin is 30.00.
    assert!(
        lines[1].starts_with(&format!(
            "ZN{order:06},{NAME_CELL},\"=\"\"{phone}\"\"\",'+1,1,"
        )),
        "{}",
        csv.text
    );
    assert!(lines[1].ends_with(",1,5.000,10.00,30.00,"), "{}", lines[1]);
    assert!(
        lines.iter().any(|l| l.starts_with("装车单,车牌 =1+1,")),
        "text that does not start a cell is left alone: {}",
        csv.text
    );
    assert!(
        !csv.text.contains(",=") && !csv.text.contains(",+"),
        "{}",
        csv.text
    );
}

#[tokio::test]
async fn the_live_session_csv_writes_formula_cells_as_text() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 100, 8_800, None).await;
    let (buyer, phone) = formula_buyer(&app).await;
    let o = app
        .place_order(&helper, live_order(session, buyer, batch, 2))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    // The office ships, so it sees the phone whole; the helper sees it masked.
    let sec = app.token("secretary").await;
    let csv = app
        .get(&sec, &format!("/api/v1/live-sessions/{session}/orders.csv"))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let masked = app
        .get(
            &helper,
            &format!("/api/v1/live-sessions/{session}/orders.csv"),
        )
        .await;
    assert!(!masked.text.contains(&phone), "{}", masked.text);
    assert!(masked.text.contains("****"), "{}", masked.text);
    let rows: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows[0],
        "订单号,状态,买家,电话,地址,产品,数量,单位,金额(元)"
    );
    let number = format!("ZN{:06}", o.json["id"].as_i64().unwrap_or_default());
    assert!(
        rows[1].starts_with(&format!(
            "{number},待确认,{NAME_CELL},\"=\"\"{phone}\"\"\",'+1,"
        )),
        "{}",
        rows[1]
    );
    assert!(rows[1].ends_with(",2,件,176.00"), "{}", rows[1]);
}
