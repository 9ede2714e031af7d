//! The pickup hand-over: the code is checked, a wrong one is 409, repeated wrong ones are
//! throttled.

use super::{audit_summaries, fulfilment, order_with, pack, status, weigh_boxes};
use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::json;

pub async fn point(app: &crate::helpers::TestApp) -> i64 {
    let r = app
        .post(&app.token("secretary").await, "/api/v1/pickup-points",
              json!({"name": format!("村委会{}", crate::helpers::rand_u32()), "address": "红光村村委会", "hours": "每天 8:00–18:00"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json["id"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn a_pickup_is_handed_over_against_its_code() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let p = point(&app).await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "pickup", "pickup_point_id": p}),
    )
    .await;
    let f = fulfilment(&app, order).await;
    let code = f["pickup_code"].as_str().unwrap_or_default().to_owned();
    assert!(
        code.len() >= 8 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert_eq!(f["pickup_point"]["hours"], "每天 8:00–18:00");

    let st = app.token("station").await;
    let early = app
        .post(
            &st,
            &format!("/api/v1/orders/{order}/pickup"),
            json!({"code": code}),
        )
        .await;
    early.assert_problem(409, "not_weighed");
    weigh_boxes(&app, line, 1).await;
    let parcel = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_000, "carrier": "zhongtong"}),
    )
    .await;
    parcel.assert_problem(409, "not_a_parcel_order");
    let wrong = app
        .post(
            &st,
            &format!("/api/v1/orders/{order}/pickup"),
            json!({"code": "0000000000"}),
        )
        .await;
    wrong.assert_problem(409, "wrong_pickup_code");
    assert_eq!(status(&app, order).await, "weighed");
    let spaced = format!("{} {}", &code[..5], &code[5..]);
    let ok = app
        .post(
            &st,
            &format!("/api/v1/orders/{order}/pickup"),
            json!({"code": spaced}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json["status"], "delivered");
    let again = app
        .post(
            &st,
            &format!("/api/v1/orders/{order}/pickup"),
            json!({"code": code}),
        )
        .await;
    again.assert_problem(409, "not_weighed");
    assert!(
        audit_summaries(&app, order)
            .await
            .iter()
            .any(|s| s.contains("自提点"))
    );
}

#[tokio::test]
async fn repeated_wrong_codes_are_throttled() {
    let app = spawn_app_with(|s| {
        s.pickup_max_failures = 3;
        s.pickup_lock_secs = 600;
    })
    .await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let p = point(&app).await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "pickup", "pickup_point_id": p}),
    )
    .await;
    weigh_boxes(&app, line, 1).await;
    let code = fulfilment(&app, order).await["pickup_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let st = app.token("station").await;
    for _ in 0..3 {
        let w = app
            .post(
                &st,
                &format!("/api/v1/orders/{order}/pickup"),
                json!({"code": "1111111111"}),
            )
            .await;
        w.assert_problem(409, "wrong_pickup_code");
    }
    let locked = app
        .post(
            &st,
            &format!("/api/v1/orders/{order}/pickup"),
            json!({"code": code}),
        )
        .await;
    locked.assert_problem(429, "rate_limited");
    assert_eq!(
        status(&app, order).await,
        "weighed",
        "even the right code waits"
    );
}
