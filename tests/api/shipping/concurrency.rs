//! Two stations packing one order at once; parcels counted delivered by the rule.

use super::{audit_summaries, order_with, pack, parsed, status, weigh_boxes};
use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn two_stations_packing_one_order_pack_it_once() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let r = parsed(&app).await;
    for round in 0..3 {
        let (order, line) = order_with(
            &app,
            buyer,
            batch,
            2,
            json!({"fulfilment": "parcel", "recipient": r}),
        )
        .await;
        weigh_boxes(&app, line, 2).await;
        let body = json!({"order_ids": [order], "weight_g": 4_300, "carrier": "jtexpress"});
        let (a, b) = tokio::join!(pack(&app, body.clone()), pack(&app, body));
        let mut codes = [a.status, b.status];
        codes.sort_unstable();
        assert_eq!(codes, [201, 409], "round {round}: {} / {}", a.text, b.text);
        let loser = if a.status == 409 { a } else { b };
        loser.assert_problem(409, "already_packed");
        let listed = app
            .get(
                &app.token("station").await,
                &format!("/api/v1/parcels?order_id={order}"),
            )
            .await;
        assert_eq!(listed.json.as_array().map(Vec::len), Some(1));
        assert_eq!(listed.json[0]["crates"].as_array().map(Vec::len), Some(2));
    }
}

#[tokio::test]
async fn a_parcel_not_signed_for_counts_as_delivered_after_the_days() {
    let app = spawn_app_with(|s| {
        s.parcel_auto_deliver_days = 0;
        s.parcel_auto_deliver_every_secs = 1;
    })
    .await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": parsed(&app).await}),
    )
    .await;
    weigh_boxes(&app, line, 1).await;
    let p = pack(&app, json!({"order_ids": [order], "weight_g": 2_200, "carrier": "shunfeng", "tracking_no": "SF100"})).await;
    let pid = p.json["id"].as_i64().unwrap_or_default();
    let s = app
        .post(
            &app.token("station").await,
            &format!("/api/v1/parcels/{pid}/ship"),
            json!({}),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    let mut delivered = false;
    for _ in 0..50 {
        if status(&app, order).await == "delivered" {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(delivered, "the rule delivered it");
    let listed = app
        .get(
            &app.token("station").await,
            &format!("/api/v1/parcels?order_id={order}"),
        )
        .await;
    assert_eq!(listed.json[0]["delivered_automatically"], true);
    let said = audit_summaries(&app, order).await.join("\n");
    assert!(said.contains("按规则自动视为签收"), "{said}");
}

/// Past their retention time, recipients keep their district only.
#[tokio::test]
async fn recipients_are_forgotten_after_their_retention_time() {
    let app = spawn_app_with(|s| {
        s.recipient_retention_days = 0;
        s.parcel_auto_deliver_every_secs = 1;
    })
    .await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let r = parsed(&app).await;
    let (kept, _) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": r}),
    )
    .await;
    let (done, line) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": r}),
    )
    .await;
    weigh_boxes(&app, line, 1).await;
    let p = pack(
        &app,
        json!({"order_ids": [done], "weight_g": 2_200, "carrier": "ems", "tracking_no": "E9"}),
    )
    .await;
    let pid = p.json["id"].as_i64().unwrap_or_default();
    let st = app.token("station").await;
    app.post(&st, &format!("/api/v1/parcels/{pid}/ship"), json!({}))
        .await;
    app.post(&st, &format!("/api/v1/parcels/{pid}/deliver"), json!({}))
        .await;
    let mut forgotten = json!(null);
    for _ in 0..50 {
        forgotten = super::fulfilment(&app, done).await["recipient"].clone();
        if forgotten["phone"] == "" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(forgotten["name"], "已过保存期", "{forgotten}");
    assert_eq!(
        (forgotten["detail"].as_str(), forgotten["district"].as_str()),
        (Some(""), Some("利辛县"))
    );
    assert_eq!(
        super::fulfilment(&app, kept).await["recipient"]["phone"],
        "13800001234",
        "not delivered yet"
    );
}
