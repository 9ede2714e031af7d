//! Fulfilment in the sales reports: a dimension and a filter, and the parcels' shipping cost as
//! a figure, shared among merged orders by crate count and exact to the fen whichever way the
//! report is cut.

use super::{order_with, pack, parsed, weigh_boxes};
use crate::helpers::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

async fn sales(app: &TestApp, query: &str) -> Value {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/reports/sales?from={today}&to={today}&{query}"),
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    r.json
}

/// (code, orders, net sales, shipping cost) of each row, by the first dimension.
fn by_code(r: &Value) -> Vec<(String, i64, i64, i64)> {
    let mut rows: Vec<_> = r["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let dim = row["dimensions"]
                .as_object()
                .and_then(|d| d.values().next())
                .cloned()
                .unwrap_or_default();
            (
                dim["code"].as_str().unwrap_or_default().to_owned(),
                row["metrics"]["orders"].as_i64().unwrap_or(-1),
                row["metrics"]["net_sales_fen"].as_i64().unwrap_or(-1),
                row["metrics"]["shipping_cost_fen"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn sales_reports_group_and_filter_by_fulfilment_with_shipping_cost_to_the_fen() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let recipient = parsed(&app).await;
    let parcel = || json!({"fulfilment": "parcel", "recipient": recipient.clone()});
    // A load order, and one that changes to pickup before it is weighed.
    order_with(&app, buyer, batch, 1, json!({})).await;
    let (later_pickup, _) = order_with(&app, buyer, batch, 1, json!({})).await;
    let point = super::pickup::point(&app).await;
    let changed = app
        .send(
            Method::PUT,
            &format!("/api/v1/orders/{later_pickup}/fulfilment"),
            Some(&app.token("helper").await),
            Some(&json!({"fulfilment": "pickup", "pickup_point_id": point})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    // Two orders merged in one parcel of 10.00 元: two crates and one, so 6.67 and 3.33.
    let (a, la) = order_with(&app, buyer, batch, 2, parcel()).await;
    let (b, lb) = order_with(&app, buyer, batch, 1, parcel()).await;
    weigh_boxes(&app, la, 2).await;
    weigh_boxes(&app, lb, 1).await;
    let merged = pack(
        &app,
        json!({"order_ids": [a, b], "weight_g": 6_500, "carrier": "yunda", "shipping_cost_fen": 1_000}),
    )
    .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    // A third packed at 5.00 元, unpacked, and packed again at 4.50 元.
    let (c, lc) = order_with(&app, buyer, batch, 1, parcel()).await;
    weigh_boxes(&app, lc, 1).await;
    let first = pack(
        &app,
        json!({"order_ids": [c], "weight_g": 2_200, "carrier": "yunda", "shipping_cost_fen": 500}),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let costed = by_code(&sales(&app, "group_by=fulfilment").await);
    assert_eq!(costed.iter().map(|r| r.3).sum::<i64>(), 1_500);
    let unpacked = app
        .post(
            &app.token("station").await,
            &format!("/api/v1/parcels/{}/unpack", first.json["id"]),
            json!({}),
        )
        .await;
    assert_eq!(unpacked.status, 204, "{}", unpacked.text);
    let again = pack(
        &app,
        json!({"order_ids": [c], "weight_g": 2_200, "carrier": "yunda", "shipping_cost_fen": 450}),
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text);

    let grouped = sales(&app, "group_by=fulfilment").await;
    assert_eq!(
        by_code(&grouped),
        [
            ("load".to_owned(), 1, 6_800, 0),
            ("parcel".to_owned(), 3, 27_200, 1_450),
            ("pickup".to_owned(), 1, 6_800, 0),
        ]
    );
    let label = grouped["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|r| {
            (r["dimensions"]["fulfilment"]["code"] == "parcel")
                .then(|| r["dimensions"]["fulfilment"]["label"].clone())
        });
    assert_eq!(label, Some(json!("快递")));
    // The daily totals (no buyer, no fulfilment) carry the same cost.
    let daily = sales(&app, "group_by=product").await;
    assert_eq!(daily["totals"]["metrics"]["shipping_cost_fen"], 1_450);
    assert_eq!(daily["totals"]["metrics"]["orders"], 5);
    // By buyer (the facts) each order's share shows, and the merged ones add up to the parcel.
    let per_buyer = sales(&app, "group_by=buyer&fulfilment=parcel").await;
    assert_eq!(per_buyer["totals"]["metrics"]["orders"], 3);
    assert_eq!(per_buyer["totals"]["metrics"]["shipping_cost_fen"], 1_450);
    let only_pickup = sales(&app, "fulfilment=pickup").await;
    assert_eq!(
        (
            only_pickup["totals"]["metrics"]["orders"].as_i64(),
            only_pickup["totals"]["metrics"]["shipping_cost_fen"].as_i64()
        ),
        (Some(1), Some(0))
    );
    let refused = app
        .get(
            &app.token("secretary").await,
            "/api/v1/reports/sales?from=2026-12-01&to=2026-12-02&fulfilment=boat",
        )
        .await;
    refused.assert_field_error("fulfilment");
    // What the reports say is what `zhunong check` recomputes from the orders and parcels.
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(
        (code, crate::integrity::broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
}
