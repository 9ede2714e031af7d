//! Loads: the whole path from a placed order to a delivered truck, the manifest, and the
//! refusals; the audit log and weigh tickets are append-only in the database itself.

use crate::helpers::spawn_app;
use crate::weighing::{confirmed_order, weigh, weigh_complete};
use reqwest::Method;
use serde_json::json;

fn new_load(capacity_kg: Option<i64>) -> serde_json::Value {
    json!({"plate": "皖A·12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥市, 经开区",
           "planned_date": "2026-11-29", "capacity_kg": capacity_kg})
}

#[tokio::test]
async fn place_confirm_weigh_approve_load_deliver_with_the_manifest_checked() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let station = app.token("station").await;
    let greens = app.batch("by_weight", 1_500_000, 300).await;
    let boxes = app.batch("by_piece", 100, 8_800).await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": greens, "quantity": 5_000}, {"batch_id": boxes, "quantity": 2}]}))
        .await;
    let order = o.json["id"].as_i64().unwrap_or_default();
    let (l1, l2) = (
        o.json["lines"][0]["line_id"].as_i64().unwrap_or(0),
        o.json["lines"][1]["line_id"].as_i64().unwrap_or(0),
    );
    app.post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    // Line 1 weighs 9.0 jin: 10 % under, flagged; line 2 is two boxes of 5.3 kg gross, 0.3 kg tare.
    weigh(
        &app,
        l1,
        json!([{"gross_g": 2_600, "tare_g": 350}, {"gross_g": 2_600, "tare_g": 350}]),
    )
    .await;
    weigh(
        &app,
        l2,
        json!([{"gross_g": 5_300, "tare_g": 300}, {"gross_g": 5_300, "tare_g": 300}]),
    )
    .await;
    let w = app.complete_order(order).await;
    assert_eq!(
        (
            w.json["status"].as_str(),
            w.json["weights_flagged"].as_bool()
        ),
        (Some("weighed"), Some(true)),
        "{}",
        w.text
    );
    // 4,500 g × 3.00/jin = 27.00; 2 × 88.00 = 176.00.
    assert_eq!(w.json["final_total_fen"], 2_700 + 17_600);
    app.post(
        &sec,
        &format!("/api/v1/orders/{order}/approve-weights"),
        json!({"reason": "买家同意"}),
    )
    .await;

    let load = app
        .post(&station, "/api/v1/loads", new_load(Some(1_000)))
        .await;
    assert_eq!(load.status, 201, "{}", load.text);
    let id = load.json["id"].as_i64().unwrap_or_default();
    app.post(
        &station,
        &format!("/api/v1/loads/{id}/delivered"),
        json!({"received_by": "李女士"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    app.post(&station, &format!("/api/v1/loads/{id}/loaded"), json!({}))
        .await
        .assert_problem(409, "invalid_transition");
    let added = app
        .post(
            &station,
            &format!("/api/v1/loads/{id}/orders"),
            json!({"order_id": order}),
        )
        .await;
    assert_eq!(
        (
            added.json["total_net_g"].as_i64(),
            added.json["order_ids"][0].as_i64()
        ),
        (Some(4_500 + 10_000), Some(order)),
        "{}",
        added.text
    );
    app.post(&sec, &format!("/api/v1/orders/{order}/cancel"), json!({}))
        .await
        .assert_problem(409, "on_a_load");
    let l = app
        .post(&station, &format!("/api/v1/loads/{id}/loaded"), json!({}))
        .await;
    assert_eq!(l.json["status"], "loaded");
    assert_eq!(
        app.get(&sec, &format!("/api/v1/orders/{order}")).await.json["status"],
        "loaded"
    );
    weigh(&app, l1, json!([{"gross_g": 100, "tare_g": 0}]))
        .await
        .assert_problem(409, "not_weighable");
    app.post(&station, &format!("/api/v1/loads/{id}/departed"), json!({}))
        .await;
    app.post(
        &station,
        &format!("/api/v1/loads/{id}/delivered"),
        json!({"received_by": " "}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let d = app
        .post(
            &station,
            &format!("/api/v1/loads/{id}/delivered"),
            json!({"received_by": "李女士", "note": "外箱完好"}),
        )
        .await;
    assert_eq!(
        (d.json["status"].as_str(), d.json["received_by"].as_str()),
        (Some("delivered"), Some("李女士")),
        "{}",
        d.text
    );
    let done = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    assert_eq!(done.json["status"], "delivered");
    assert!(done.json["delivered_at"].is_string());

    let csv = app
        .get(&station, &format!("/api/v1/loads/{id}/manifest.csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let phone = app.get(&sec, &format!("/api/v1/buyers/{buyer}")).await.json["phone"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let number = format!("ZN{order:06}");
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0], "订单号,买家,电话,地址,行,产品,批次,箱数,净重(kg),净重(斤),金额(元),签收",
        "the header row comes first"
    );
    assert!(
        lines[1].starts_with(&format!("{number},李女士,\"=\"\"{phone}\"\"\",,1,上海青")),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(",2,4.500,9.00,27.00,"), "{}", lines[1]);
    assert!(
        lines[2].starts_with(&format!("{number},李女士,\"=\"\"{phone}\"\"\",,2,")),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].ends_with(",2,10.000,20.00,176.00,"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "合计,1 单,,,,,,4,14.500,29.00,203.00,");
    assert_eq!(
        lines[4],
        "装车单,车牌 皖A·12345,司机 老李 13600000000,\"目的地 合肥市, 经开区\",计划日期 2026-11-29"
    );
    assert_eq!(&lines[5..], ["发货人签字:", "司机签字:", "收货人签字:"]);

    let page = app
        .get(&station, &format!("/api/v1/loads/{id}/manifest"))
        .await;
    assert!(page.content_type.starts_with("text/html"));
    assert!(
        page.text.contains("/app/static/print.css")
            && page.text.contains("收货人签字")
            && page.text.contains("14.500")
    );
    let css = app
        .send(reqwest::Method::GET, "/app/static/print.css", None, None)
        .await;
    assert!(css.text.contains("@media print"), "{}", css.text);
    let pick = app
        .get(&station, &format!("/api/v1/pick-list?load_id={id}"))
        .await;
    assert_eq!(pick.json["batches"][0]["orders"][0]["number"], number);
    assert_eq!(pick.json["products"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn loads_refuse_unweighed_doubled_and_overweight_orders() {
    let app = spawn_app().await;
    let station = app.token("station").await;
    let (unweighed, _, _) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let (heavy, heavy_line, _) = confirmed_order(&app, "by_weight", 100_000, 300, 60_000).await;
    weigh_complete(&app, heavy_line, json!([{"gross_g": 60_000, "tare_g": 0}])).await;
    let small = app
        .post(&station, "/api/v1/loads", new_load(Some(50)))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    let big = app
        .post(&station, "/api/v1/loads", new_load(None))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    app.post(
        &station,
        &format!("/api/v1/loads/{small}/orders"),
        json!({"order_id": unweighed}),
    )
    .await
    .assert_problem(409, "not_weighed");
    app.post(
        &station,
        &format!("/api/v1/loads/{small}/orders"),
        json!({"order_id": heavy}),
    )
    .await
    .assert_problem(409, "over_capacity");
    assert_eq!(
        app.get(&station, &format!("/api/v1/loads/{small}"))
            .await
            .json["total_net_g"],
        0
    );
    assert_eq!(
        app.get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{heavy}")
        )
        .await
        .json["load_id"],
        serde_json::Value::Null
    );
    assert_eq!(
        app.post(
            &station,
            &format!("/api/v1/loads/{big}/orders"),
            json!({"order_id": heavy})
        )
        .await
        .status,
        200
    );
    app.post(
        &station,
        &format!("/api/v1/loads/{small}/orders"),
        json!({"order_id": heavy}),
    )
    .await
    .assert_problem(409, "already_on_a_load");
    let removed = app
        .send(
            Method::DELETE,
            &format!("/api/v1/loads/{big}/orders/{heavy}"),
            Some(&station),
            None,
        )
        .await;
    assert_eq!(
        (removed.status, removed.json["total_net_g"].as_i64()),
        (200, Some(0)),
        "{}",
        removed.text
    );
    app.post(
        &station,
        &format!("/api/v1/loads/{big}/orders"),
        json!({"order_id": 999_999}),
    )
    .await
    .assert_field_error("order_id");
    let bad = app.post(&station, "/api/v1/loads", json!({"plate": "", "driver_name": "x", "driver_phone": "1", "destination": "y", "planned_date": "2026-11-29", "capacity_kg": 0})).await;
    bad.assert_problem(422, "validation_failed");
    let helper = app.token("helper").await;
    assert_eq!(
        app.post(&helper, "/api/v1/loads", new_load(None))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn every_change_is_audited_and_the_database_refuses_to_rewrite_history() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let (order, line, _) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    weigh(&app, line, json!([{"gross_g": 5_000, "tare_g": 0}])).await;
    let db = app.raw_db().await;
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT action, entity, entity_id, actor_user_id FROM audit_log \
             WHERE entity IN ('order', 'order_line') ORDER BY id"
                .to_owned(),
        ))
        .await
        .unwrap_or_default();
    let actions: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "action").ok())
        .collect();
    assert_eq!(
        actions,
        ["confirm_order", "weigh"],
        "audit rows: {actions:?}"
    );
    assert!(rows.iter().all(|r| {
        r.try_get::<Option<i64>>("", "actor_user_id")
            .ok()
            .flatten()
            .is_some()
    }));
    for sql in [
        "UPDATE audit_log SET action = 'nothing'".to_owned(),
        "DELETE FROM audit_log".to_owned(),
        "UPDATE weigh_tickets SET net_g = 1, gross_g = 1, tare_g = 0".to_owned(),
        "DELETE FROM weigh_tickets".to_owned(),
    ] {
        assert!(
            db.execute_unprepared(&sql).await.is_err(),
            "the database allowed: {sql}"
        );
    }
    let count = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM audit_log WHERE entity IN ('order', 'order_line')"
                .to_owned(),
        ))
        .await
        .ok()
        .flatten();
    assert_eq!(count.and_then(|r| r.try_get::<i64>("", "n").ok()), Some(2));
    let _ = order;
}
