//! `zhunong check` and the office's integrity check: silent on a worked day, and naming each
//! invariant broken by hand in the database, with the ids involved.

use crate::helpers::{TestApp, backend_name, spawn_app};
use crate::money::{deliver, grape_farm, pay, rule, weighed_orders};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::sync::Arc;

/// `zhunong check --json` on the test's database: (exit code, report).
pub fn check(app: &TestApp) -> (i32, Value) {
    let out = app.cli(&["check", "--json"]);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check said no JSON ({e}): {}", crate::helpers::said(&out)));
    (out.status.code().unwrap_or(-1), report)
}

/// How many things broke `rule`.
fn violations(report: &Value, rule: &str) -> u64 {
    report["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["rule"] == rule)
        .and_then(|r| r["violations"].as_u64())
        .unwrap_or_else(|| panic!("{rule} was not checked: {report}"))
}

/// The ids the findings of `rule` name.
pub fn named(report: &Value, rule: &str) -> Vec<i64> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .filter_map(|f| f["id"].as_i64())
        .collect()
}

/// The rules with violations.
pub fn broken(report: &Value) -> Vec<String> {
    report["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["violations"].as_u64() != Some(0))
        .filter_map(|r| r["rule"].as_str().map(str::to_owned))
        .collect()
}

pub async fn exec(app: &TestApp, sql: &str) {
    let db = app.raw_db().await;
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A worked day: orders weighed, delivered, one settled with commission, one refunded after
/// settling, one cancelled, one placed with an Idempotency-Key.
async fn worked_day(app: &Arc<TestApp>) -> (i64, Vec<i64>, i64, i64) {
    let (collective, _, product, batch) = grape_farm(app, 50, 10_000).await;
    rule(app, json!({"scope": "product", "product_id": product, "basis_points": 500, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(app, batch, buyer, 4).await;
    deliver(app, &orders).await;
    for o in &orders[..2] {
        assert_eq!(pay(app, *o, 10_000).await.status, 201);
    }
    let sec = app.token("secretary").await;
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{}/payments", orders[1]),
            json!({"amount_fen": -2_500, "method": "wechat_pay", "reason": "坏果"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let cancelled = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 2}]}))
        .await;
    let cancelled = cancelled.json["id"].as_i64().unwrap_or(0);
    let c = app
        .post(
            &sec,
            &format!("/api/v1/orders/{cancelled}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    let keyed = app
        .post_keyed(&sec, "/api/v1/orders", "integrity-1", &json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    assert_eq!(keyed.status, 201, "{}", keyed.text);
    (
        batch,
        orders,
        cancelled,
        keyed.json["id"].as_i64().unwrap_or(0),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn check_holds_on_a_worked_day_and_names_each_invariant_broken_by_hand() {
    let app = Arc::new(spawn_app().await);
    let (batch, orders, cancelled, keyed) = worked_day(&app).await;
    let (code, report) = check(&app);
    assert_eq!((code, broken(&report)), (0, vec![]), "{report}");
    assert_eq!(report["ok"], true);

    // An extra ledger entry: its transaction no longer sums to 0, and the settled order's cash
    // no longer matches what was paid.
    let settled = orders[0];
    let txn = app
        .sql_i64(&format!(
            "SELECT settlement_transaction_id FROM orders WHERE id = {settled}"
        ))
        .await;
    exec(&app, &format!("INSERT INTO ledger_entries (transaction_id, account, entry_kind, amount_fen, quantity_g, occurred_on, period) VALUES ({txn}, 'cash', 'cash_in', 1, 0, '2026-12-05', 202612)")).await;
    let (code, report) = check(&app);
    assert_eq!(code, 1, "{report}");
    assert_eq!(named(&report, "ledger_balances"), vec![txn], "{report}");
    assert_eq!(named(&report, "settled_split"), vec![settled], "{report}");
    assert_eq!(broken(&report), ["ledger_balances", "settled_split"]);

    // A stock change no order or adjustment explains.
    exec(
        &app,
        &format!("UPDATE batches SET stock_qty = stock_qty + 5 WHERE id = {batch}"),
    )
    .await;
    let (_, report) = check(&app);
    assert_eq!(named(&report, "stock"), vec![batch], "{report}");
    let finding = &report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "stock")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        finding["found"]
            .as_i64()
            .zip(finding["expected"].as_i64())
            .map(|(f, e)| f - e),
        Some(5)
    );

    // A missing fact: the order's facts and the day's totals no longer match.
    let missing = orders[2];
    exec(
        &app,
        &format!("DELETE FROM sales_facts WHERE order_id = {missing}"),
    )
    .await;
    let (_, report) = check(&app);
    assert_eq!(named(&report, "facts"), vec![missing], "{report}");
    assert!(violations(&report, "daily_totals") >= 1, "{report}");

    // A paid amount its payments do not make, an impossible state, an answer pointing nowhere.
    let unpaid = orders[3];
    exec(
        &app,
        &format!("UPDATE orders SET paid_fen = 1 WHERE id = {unpaid}"),
    )
    .await;
    exec(
        &app,
        &format!("UPDATE orders SET cancelled_at = created_at WHERE id = {keyed}"),
    )
    .await;
    exec(&app, "UPDATE idempotency_keys SET response_body = '{\"id\": 999999, \"buyer_id\": 1, \"lines\": []}'").await;
    let key = app.sql_i64("SELECT MIN(id) FROM idempotency_keys").await;
    let (_, report) = check(&app);
    assert_eq!(named(&report, "payments"), vec![unpaid], "{report}");
    assert_eq!(named(&report, "order_state"), vec![keyed], "{report}");
    assert!(named(&report, "idempotency").contains(&key), "{report}");
    assert!(!named(&report, "order_state").contains(&cancelled));

    // An append-only table that can be changed again.
    if backend_name() == "postgres" {
        exec(
            &app,
            "ALTER TABLE payments DISABLE TRIGGER payments_append_only",
        )
        .await;
    } else {
        exec(&app, "DROP TRIGGER payments_no_UPDATE").await;
    }
    let (_, report) = check(&app);
    assert_eq!(violations(&report, "append_only"), 1, "{report}");

    // The office runs the same check and keeps the result.
    let admin = app.token("admin").await;
    let run = app
        .post(&admin, "/api/v1/integrity-checks", json!({}))
        .await;
    assert_eq!(run.status, 201, "{}", run.text);
    assert_eq!(run.json["ok"], false);
    assert_eq!(broken(&run.json), broken(&report));
    let kept = app
        .get(&app.token("secretary").await, "/api/v1/integrity-checks")
        .await;
    assert_eq!(kept.json["total"], 1, "{}", kept.text);
    assert_eq!(kept.json["items"][0]["id"], run.json["id"]);
    assert_eq!(kept.json["items"][0]["findings"], run.json["findings"]);
}

/// Parcels: silent after a parcel order is packed and shipped; a shipped order whose parcel is
/// put back to `packed` by hand is named.
#[tokio::test]
async fn check_names_a_shipped_order_whose_parcel_never_left() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let recipient = crate::shipping::parsed(&app).await;
    let (order, line) = crate::shipping::order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": recipient}),
    )
    .await;
    crate::shipping::weigh_boxes(&app, line, 1).await;
    let p = crate::shipping::pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_200, "carrier": "ems", "tracking_no": "E1"}),
    )
    .await;
    let pid = p.json["id"].as_i64().unwrap_or_default();
    let st = app.token("station").await;
    let s = app
        .post(&st, &format!("/api/v1/parcels/{pid}/ship"), json!({}))
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    let (code, report) = check(&app);
    assert_eq!(
        (code, broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    exec(
        &app,
        &format!("UPDATE parcels SET status = 'packed' WHERE id = {pid}"),
    )
    .await;
    let (code, report) = check(&app);
    assert_eq!(code, 1);
    assert_eq!(named(&report, "order_state"), vec![order], "{report}");
}
