//! Bad input gets a clear 4xx and changes nothing.

use super::{order_with, pack, parsed, status, weigh_boxes};
use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn bad_parcels_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let r = parsed(&app).await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": r}),
    )
    .await;

    let early = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_000, "carrier": "zhongtong"}),
    )
    .await;
    early.assert_problem(409, "not_weighed");
    weigh_boxes(&app, line, 1).await;
    let carrier = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_000, "carrier": "horse"}),
    )
    .await;
    carrier.assert_field_error("carrier");
    for bad in ["ZT 123", "运单123", &"1".repeat(41)] {
        let t = pack(&app, json!({"order_ids": [order], "weight_g": 2_000, "carrier": "zhongtong", "tracking_no": bad})).await;
        t.assert_field_error("tracking_no");
    }
    let weight = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 0, "carrier": "zhongtong"}),
    )
    .await;
    weight.assert_field_error("weight_g");
    let foreign = pack(&app, json!({"order_ids": [order], "crate_ids": [999_999], "weight_g": 2_000, "carrier": "zhongtong"})).await;
    foreign.assert_field_error("crate_ids");
    let listed = app
        .get(
            &app.token("station").await,
            &format!("/api/v1/parcels?order_id={order}"),
        )
        .await;
    assert_eq!(listed.json, json!([]), "nothing was packed by any of them");
    let far = app
        .get(
            &app.token("station").await,
            "/api/v1/parcels?shipped_days_ago=363356973",
        )
        .await;
    far.assert_field_error("shipped_days_ago");

    // A load order is not packed; a parcel order is not loaded.
    let (load_order, load_line) = order_with(&app, buyer, batch, 1, json!({})).await;
    weigh_boxes(&app, load_line, 1).await;
    let on_truck = pack(
        &app,
        json!({"order_ids": [load_order], "weight_g": 2_000, "carrier": "zhongtong"}),
    )
    .await;
    on_truck.assert_problem(409, "not_a_parcel_order");
    let st = app.token("station").await;
    let load = app.post(&st, "/api/v1/loads", json!({"plate": "皖A12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"})).await;
    let load_id = load.json["id"].as_i64().unwrap_or_default();
    let loaded = app
        .post(
            &st,
            &format!("/api/v1/loads/{load_id}/orders"),
            json!({"order_id": order}),
        )
        .await;
    loaded.assert_problem(409, "not_a_load_order");
    assert_eq!(status(&app, order).await, "weighed");
}

#[tokio::test]
async fn bad_recipients_and_pickups_are_refused() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let t = app.token("helper").await;
    let mut r = parsed(&app).await;
    r["city"] = json!("合肥市");
    let wrong_place = app
        .place_order(&t, json!({"buyer_id": buyer, "channel": "livestream", "fulfilment": "parcel", "recipient": r,
                                "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    wrong_place.assert_field_error("recipient.district");
    let mut r = parsed(&app).await;
    r["phone"] = json!("12345");
    let phone = app
        .place_order(&t, json!({"buyer_id": buyer, "channel": "livestream", "fulfilment": "parcel", "recipient": r,
                                "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    phone.assert_field_error("recipient.phone");
    let no_point = app
        .place_order(
            &t,
            json!({"buyer_id": buyer, "channel": "livestream", "fulfilment": "pickup",
                                "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await;
    no_point.assert_field_error("pickup_point_id");
    let unknown = app
        .place_order(&t, json!({"buyer_id": buyer, "channel": "livestream", "fulfilment": "pickup", "pickup_point_id": 424_242,
                                "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    unknown.assert_field_error("pickup_point_id");
    assert_eq!(app.stock(batch).await, 100, "no order took stock");
}
