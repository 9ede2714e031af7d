//! Money: payments, commission copied onto orders, settlement into the double-entry ledger,
//! refunds that reverse, other income, grower statements and the income report.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};
use std::sync::Arc;

/// A collective, a grower, a by-piece product and a batch of `stock` boxes at `price` fen.
pub(crate) async fn grape_farm(app: &TestApp, stock: i64, price: i64) -> (i64, i64, i64, i64) {
    let t = app.token("secretary").await;
    let c = app
        .post(&t, "/api/v1/collectives", json!({"name": "红光村"}))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    let g = app
        .post(
            &t,
            "/api/v1/growers",
            json!({"collective_id": c, "name": "君宇家庭农场", "kind": "family_farm"}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    let p = app
        .post(
            &t,
            "/api/v1/products",
            json!({"name": "阳光玫瑰礼盒", "pricing": "by_piece"}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    let b = app
        .post(&t, "/api/v1/batches", json!({"product_id": p, "grower_id": g, "harvest_date": "2026-09-01", "quantity": stock, "retail_price_fen": price, "enterprise_price_fen": price}))
        .await;
    assert_eq!(b.status, 201, "{}", b.text);
    (c, g, p, b.json["id"].as_i64().unwrap_or(0))
}

pub(crate) async fn rule(app: &TestApp, body: Value) -> i64 {
    let r = app
        .post(
            &app.token("secretary").await,
            "/api/v1/commission-rules",
            body,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json["id"].as_i64().unwrap_or(0)
}

/// Places, confirms, weighs and completes `n` one-box orders; returns their ids.
pub(crate) async fn weighed_orders(
    app: &Arc<TestApp>,
    batch: i64,
    buyer: i64,
    n: usize,
) -> Vec<i64> {
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in 0..8 {
        let app = app.clone();
        tasks.spawn(async move {
            let sec = app.token("secretary").await;
            let mut ids = Vec::new();
            for _ in (chunk..n).step_by(8) {
                let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "livestream", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
                assert_eq!(o.status, 201, "{}", o.text);
                let id = o.json["id"].as_i64().unwrap_or(0);
                app.post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({})).await;
                crate::weighing::weigh_complete(&app, o.json["lines"][0]["line_id"].as_i64().unwrap_or(0), json!([{"gross_g": 2_800, "tare_g": 300}])).await;
                ids.push(id);
            }
            ids
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.unwrap_or_default());
    }
    all
}

/// Puts orders on one load and delivers it.
pub async fn deliver(app: &Arc<TestApp>, orders: &[i64]) {
    let st = app.token("station").await;
    let load = app
        .post(&st, "/api/v1/loads", json!({"plate": "皖A12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"}))
        .await;
    let id = load.json["id"].as_i64().unwrap_or(0);
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in orders.chunks(orders.len().div_ceil(8).max(1)) {
        let (app, st, chunk) = (app.clone(), st.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for o in chunk {
                let r = app
                    .post(
                        &st,
                        &format!("/api/v1/loads/{id}/orders"),
                        json!({"order_id": o}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    assert_eq!(
        app.post(&st, &format!("/api/v1/loads/{id}/loaded"), json!({}))
            .await
            .status,
        200
    );
    let d = app
        .post(
            &st,
            &format!("/api/v1/loads/{id}/delivered"),
            json!({"received_by": "买家"}),
        )
        .await;
    assert_eq!(d.status, 200, "{}", d.text);
}

pub async fn pay(app: &TestApp, order: i64, amount: i64) -> crate::helpers::Reply {
    app.post(
        &app.token("secretary").await,
        &format!("/api/v1/orders/{order}/payments"),
        json!({"amount_fen": amount, "method": "wechat_pay"}),
    )
    .await
}

async fn all_transactions(app: &TestApp) -> Vec<Value> {
    let sec = app.token("secretary").await;
    let mut out = Vec::new();
    for page in 1.. {
        let r = app
            .get(
                &sec,
                &format!("/api/v1/ledger/transactions?per_page=200&page={page}"),
            )
            .await;
        let items = r.json["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        out.extend(items);
    }
    out
}

fn assert_balanced(txns: &[Value]) {
    for t in txns {
        let sum: i64 = t["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["amount_fen"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(sum, 0, "transaction {} does not balance", t["id"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_grape_story_1200_orders_of_100_yuan_give_the_village_39996_yuan() {
    let app = Arc::new(spawn_app().await);
    let (collective, grower, product, batch) = grape_farm(&app, 1_200, 10_000).await;
    rule(&app, json!({"scope": "product", "product_id": product, "basis_points": 3_333, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 1_200).await;
    assert_eq!(orders.len(), 1_200);
    deliver(&app, &orders).await;
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in orders.chunks(150) {
        let (app, chunk) = (app.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for o in chunk {
                let r = pay(&app, o, 10_000).await;
                assert_eq!(
                    (r.status, r.json["settled"].as_bool()),
                    (201, Some(true)),
                    "{}",
                    r.text
                );
            }
        });
    }
    while tasks.join_next().await.is_some() {}

    let sec = app.token("secretary").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let income = app
        .get(
            &sec,
            &format!("/api/v1/reports/collective-income?collective_id={collective}&year={year}"),
        )
        .await;
    let st = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/statements"),
            json!({}),
        )
        .await;
    println!(
        "grape story on {}: sales {} fen, collective {} fen, farm payable {} fen",
        crate::helpers::backend_name(),
        st.json["sales_fen"],
        income.json["total_fen"],
        st.json["payable_fen"]
    );
    assert_eq!(
        income.json["total_fen"], 3_999_600,
        "39,996.00 yuan to the collective: {}",
        income.text
    );
    assert_eq!(income.json["categories"][0]["category"], "sales_commission");
    assert_eq!(
        (
            st.json["sales_fen"].as_i64(),
            st.json["commission_fen"].as_i64()
        ),
        (Some(12_000_000), Some(3_999_600)),
        "{}",
        st.text
    );
    assert_eq!(
        st.json["payable_fen"], 8_000_400,
        "80,004.00 yuan to the farm"
    );
    assert_eq!(st.json["quantity_g"], 1_200 * 2_500);
    let txns = all_transactions(&app).await;
    assert_eq!(txns.len(), 1_200, "one settlement per order, exactly");
    assert_balanced(&txns);
}

#[tokio::test]
async fn shared_rent_and_year_on_year_growth_are_exact() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let mut villages = Vec::new();
    for name in ["红光村", "东岗村", "新桥村", "柳湾村"] {
        villages.push(
            app.post(&sec, "/api/v1/collectives", json!({"name": name}))
                .await
                .json["id"]
                .as_i64()
                .unwrap_or(0),
        );
    }
    let shares: Vec<Value> = villages
        .iter()
        .map(|v| json!({"collective_id": v, "shares": 1}))
        .collect();
    let rent = app
        .post(&sec, "/api/v1/ledger/income", json!({"category": "greenhouse_rent", "amount_fen": 25_000_000, "occurred_on": "2023-06-30",
            "description": "四村联建大棚租金", "shares": shares}))
        .await;
    assert_eq!(rent.status, 201, "{}", rent.text);
    let parts: Vec<i64> = rent.json["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["entry_kind"] == "income")
        .map(|e| -e["amount_fen"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(parts, [6_250_000; 4]);
    let odd = app
        .post(&sec, "/api/v1/ledger/income", json!({"category": "joint_dividend", "amount_fen": 10, "occurred_on": "2022-03-01", "description": "分红",
            "shares": [{"collective_id": villages[1], "shares": 1}, {"collective_id": villages[2], "shares": 1}, {"collective_id": villages[3], "shares": 1}]}))
        .await;
    let parts: Vec<i64> = odd.json["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["entry_kind"] == "income")
        .map(|e| -e["amount_fen"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(parts, [4, 3, 3]);

    // Hongguang: 800,000.00 yuan in 2022, 1,167,100.00 in 2023 (the rent's 62,500.00 included).
    let hg = villages[0];
    for (on, category, fen) in [
        ("2022-02-10", "cold_store_rent", 30_000_000),
        ("2022-11-20", "other", 50_000_000),
        ("2023-01-15", "cold_store_rent", 40_000_000),
        ("2023-12-31", "joint_dividend", 70_460_000),
    ] {
        let r = app
            .post(&sec, "/api/v1/ledger/income", json!({"category": category, "amount_fen": fen, "occurred_on": on, "description": "收入", "shares": [{"collective_id": hg, "shares": 1}]}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = app
        .get(
            &sec,
            &format!("/api/v1/reports/collective-income?collective_id={hg}&year=2023"),
        )
        .await;
    assert_eq!(
        (
            r.json["total_fen"].as_i64(),
            r.json["previous_year_total_fen"].as_i64()
        ),
        (Some(116_710_000), Some(80_000_000)),
        "{}",
        r.text
    );
    // (1,167,100 − 800,000) / 800,000 = 45.8875 % → 45.89.
    assert_eq!(r.json["change_percent"], "45.89");
    assert_eq!(r.json["months_fen"][0], 40_000_000);
    assert_eq!(r.json["months_fen"][5], 6_250_000);
    assert_eq!(r.json["months_fen"][11], 70_460_000);
    let none = app
        .get(
            &sec,
            &format!("/api/v1/reports/collective-income?collective_id={hg}&year=2022"),
        )
        .await;
    assert!(
        none.json["change_percent"].is_null(),
        "no 2021 income: no percentage"
    );
    assert_balanced(&all_transactions(&app).await);
}

#[tokio::test]
async fn payments_follow_the_order_and_refunds_after_settlement_reverse() {
    let app = Arc::new(spawn_app().await);
    let (c1, grower, _, batch) = grape_farm(&app, 10, 10_001).await;
    let sec = app.token("secretary").await;
    let c2 = app
        .post(&sec, "/api/v1/collectives", json!({"name": "东岗村"}))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 2_500, "valid_from": "2026-01-01", "shares": [{"collective_id": c1, "shares": 1}, {"collective_id": c2, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 1).await;
    let order = orders[0];
    let r = pay(&app, order, 4_000).await;
    assert_eq!(
        (
            r.status,
            r.json["payment_status"].as_str(),
            r.json["settled"].as_bool()
        ),
        (201, Some("partially_paid"), Some(false)),
        "{}",
        r.text
    );
    pay(&app, order, 6_002)
        .await
        .assert_problem(409, "overpayment");
    let refund_without_reason = pay(&app, order, -100).await;
    refund_without_reason.assert_problem(422, "validation_failed");
    assert_eq!(refund_without_reason.json["errors"][0]["field"], "reason");
    let r = pay(&app, order, 6_001).await;
    assert_eq!(
        (
            r.json["payment_status"].as_str(),
            r.json["settled"].as_bool()
        ),
        (Some("paid"), Some(false)),
        "paid, not yet delivered"
    );
    deliver(&app, &orders).await;
    let o = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    assert_eq!(
        o.json["status"], "settled",
        "a paid order settles when it is delivered"
    );
    pay(&app, order, 1).await.assert_problem(409, "overpayment");

    // 2,500 bp of 100.01 yuan = 25.0025 → 25.00; split 12.50 / 12.50.
    let txns = all_transactions(&app).await;
    assert_eq!(txns.len(), 1);
    let commission: Vec<i64> = txns[0]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["entry_kind"] == "commission")
        .map(|e| -e["amount_fen"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(commission, [1_250, 1_250]);

    // A refund of 20.01 yuan after settlement: the settlement is reversed and 80.00 re-settled.
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{order}/payments"),
            json!({"amount_fen": -2_001, "method": "wechat_pay", "reason": "坏果退款"}),
        )
        .await;
    assert_eq!(
        (refund.status, refund.json["payment_status"].as_str()),
        (201, Some("partially_paid")),
        "{}",
        refund.text
    );
    let txns = all_transactions(&app).await;
    assert_eq!(txns.len(), 3, "settlement, reversal, new settlement");
    assert_balanced(&txns);
    let kinds: Vec<&str> = txns.iter().filter_map(|t| t["kind"].as_str()).collect();
    assert_eq!(kinds, ["settlement", "reversal", "settlement"]);
    assert_eq!(txns[1]["reverses_id"], txns[2]["id"]);
    let net_commission: i64 = txns
        .iter()
        .flat_map(|t| t["entries"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["entry_kind"] == "commission")
        .map(|e| -e["amount_fen"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(net_commission, 2_000, "25 % of 80.00");
    let st = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/statements"),
            json!({}),
        )
        .await;
    assert_eq!(
        (
            st.json["sales_fen"].as_i64(),
            st.json["payable_fen"].as_i64(),
            st.json["balance_fen"].as_i64()
        ),
        (Some(8_000), Some(6_000), Some(6_000)),
        "{}",
        st.text
    );
    app.post(
        &sec,
        &format!("/api/v1/growers/{grower}/payouts"),
        json!({"amount_fen": 6_001, "method": "bank_transfer"}),
    )
    .await
    .assert_problem(409, "payout_exceeds_balance");
    // The office sends a key per click: a retry of the same payout pays nothing twice.
    let keyed_payout = || async {
        crate::helpers::Reply::from(
            app.client
                .post(app.url(&format!("/api/v1/growers/{grower}/payouts")))
                .bearer_auth(&sec)
                .header("idempotency-key", "payout-click-1")
                .json(&json!({"amount_fen": 5_000, "method": "bank_transfer", "reference": "转账 001"}))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await
    };
    let p = keyed_payout().await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert!(
        p.json["description"]
            .as_str()
            .is_some_and(|d| d.contains("银行转账 转账 001") && !d.contains("bank_transfer")),
        "{}",
        p.text
    );
    let retry = keyed_payout().await;
    assert_eq!((retry.status, &retry.text), (201, &p.text));
    assert_eq!(
        retry
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let st2 = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/statements"),
            json!({}),
        )
        .await;
    assert_eq!(
        (
            st2.json["opening_balance_fen"].as_i64(),
            st2.json["paid_out_fen"].as_i64(),
            st2.json["balance_fen"].as_i64()
        ),
        (Some(6_000), Some(5_000), Some(1_000)),
        "{}",
        st2.text
    );
    app.post(
        &sec,
        &format!("/api/v1/growers/{grower}/statements"),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_state");
    let first = app
        .get(&sec, &format!("/api/v1/growers/{grower}/statements"))
        .await;
    assert_eq!(
        first.json[0]["balance_fen"], 6_000,
        "an issued statement never changes"
    );
}

#[tokio::test]
async fn the_rule_in_force_when_ordered_is_the_one_that_counts() {
    let app = Arc::new(spawn_app().await);
    let (c, _, product, batch) = grape_farm(&app, 10, 10_000).await;
    let share = json!([{"collective_id": c, "shares": 1}]);
    rule(&app, json!({"scope": "channel", "channel": "livestream", "basis_points": 100, "valid_from": "2026-01-01", "shares": share})).await;
    rule(&app, json!({"scope": "product", "product_id": product, "basis_points": 200, "valid_from": "2026-01-01", "shares": share})).await;
    rule(&app, json!({"scope": "product", "product_id": product, "basis_points": 300, "valid_from": "2026-01-01", "shares": share})).await;
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 900, "valid_from": "2020-01-01", "valid_to": "2020-12-31", "shares": share})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 1).await;
    // After ordering, a batch rule appears; it must not touch this order.
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 5_000, "valid_from": "2026-01-01", "shares": share})).await;
    deliver(&app, &orders).await;
    pay(&app, orders[0], 10_000).await;
    let txns = all_transactions(&app).await;
    let commission: i64 = txns[0]["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["entry_kind"] == "commission")
        .map(|e| -e["amount_fen"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
        commission, 300,
        "the newest product rule (3 %), not the expired batch rule or the later one"
    );
    let bad = app.post(&app.token("secretary").await, "/api/v1/commission-rules", json!({"scope": "batch", "product_id": product, "basis_points": 1, "valid_from": "2026-01-01", "shares": share})).await;
    bad.assert_problem(422, "validation_failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paying_and_settling_at_once_settles_exactly_once() {
    let app = Arc::new(spawn_app().await);
    let (c, _, product, batch) = grape_farm(&app, 10, 10_000).await;
    rule(&app, json!({"scope": "product", "product_id": product, "basis_points": 3_333, "valid_from": "2026-01-01", "shares": [{"collective_id": c, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 1).await;
    deliver(&app, &orders).await;
    let order = orders[0];
    assert_eq!(pay(&app, order, 9_000).await.status, 201);
    let mut tasks = tokio::task::JoinSet::new();
    {
        let app = app.clone();
        tasks.spawn(async move { pay(&app, order, 1_000).await.status });
    }
    for _ in 0..6 {
        let app = app.clone();
        tasks.spawn(async move {
            app.post(
                &app.token("secretary").await,
                "/api/v1/settlements",
                json!({"order_ids": [order]}),
            )
            .await
            .status
        });
    }
    while let Some(s) = tasks.join_next().await {
        assert!(matches!(s.unwrap_or(0), 200 | 201));
    }
    let txns = all_transactions(&app).await;
    assert_eq!(
        txns.iter().filter(|t| t["kind"] == "settlement").count(),
        1,
        "settled exactly once"
    );
    assert_balanced(&txns);
    let again = app
        .post(
            &app.token("secretary").await,
            "/api/v1/settlements",
            json!({"order_ids": [order, 999_999]}),
        )
        .await;
    assert_eq!(
        again.json["skipped"],
        json!([
            {"order_id": order, "code": "already_settled", "reason": "already settled"},
            {"order_id": 999_999, "code": "not_found", "reason": "no such order"}
        ]),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn the_database_refuses_to_edit_money_rows() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let c = app
        .post(&sec, "/api/v1/collectives", json!({"name": "红光村"}))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    let income = app
        .post(&sec, "/api/v1/ledger/income", json!({"category": "other", "amount_fen": 100, "occurred_on": "2026-01-01", "description": "x", "shares": [{"collective_id": c, "shares": 1}]}))
        .await;
    assert_eq!(income.status, 201);
    let batch = app.batch("by_piece", 5, 1_000).await;
    let buyer = app.buyer("individual").await;
    let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
    assert_eq!(
        pay(&app, o.json["id"].as_i64().unwrap_or(0), 500)
            .await
            .status,
        201
    );
    let db = app.raw_db().await;
    for sql in [
        "UPDATE ledger_entries SET amount_fen = 0",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_transactions SET description = 'edited'",
        "DELETE FROM ledger_transactions",
        "UPDATE payments SET amount_fen = 1",
        "DELETE FROM payments",
    ] {
        assert!(
            db.execute_unprepared(sql).await.is_err(),
            "the database allowed: {sql}"
        );
    }
    assert_balanced(&all_transactions(&app).await);
}

#[tokio::test]
async fn a_payment_retried_with_its_key_is_recorded_once() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 5, 1_000).await;
    let buyer = app.buyer("individual").await;
    let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 2}]})).await;
    let id = o.json["id"].as_i64().unwrap_or(0);
    let send = |amount: i64| {
        let req = app
            .client
            .post(app.url(&format!("/api/v1/orders/{id}/payments")))
            .bearer_auth(&sec)
            .header("idempotency-key", "wx-20261128-0001")
            .json(&json!({"amount_fen": amount, "method": "wechat_pay", "reference": "4200001"}));
        async move {
            crate::helpers::Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
        }
    };
    let first = send(1_500).await;
    let again = send(1_500).await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(first.text, again.text);
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    send(1_000)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let payments = app
        .get(&sec, &format!("/api/v1/orders/{id}/payments"))
        .await;
    assert_eq!(payments.json.as_array().map(Vec::len), Some(1));
    assert_eq!(
        app.get(&sec, &format!("/api/v1/orders/{id}")).await.json["payment_status"],
        "partially_paid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_retries_of_a_full_payment_record_it_once_with_identical_answers() {
    let app = std::sync::Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 5, 1_000).await;
    let buyer = app.buyer("individual").await;
    let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 2}]})).await;
    let id = o.json["id"].as_i64().unwrap_or(0);
    // The full amount: a second payment would be an overpayment, so only a replay can be a 201.
    let body = json!({"amount_fen": 2_000, "method": "wechat_pay", "reference": "4200002"});
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (app, sec, body) = (app.clone(), sec.clone(), body.clone());
        tasks.spawn(async move {
            let r = app
                .client
                .post(app.url(&format!("/api/v1/orders/{id}/payments")))
                .bearer_auth(&sec)
                .header("idempotency-key", "wx-concurrent-full")
                .json(&body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            crate::helpers::Reply::from(r).await
        });
    }
    let mut answers = Vec::new();
    while let Some(r) = tasks.join_next().await {
        answers.push(r.unwrap_or_else(|e| panic!("{e}")));
    }
    for a in &answers {
        assert_eq!(a.status, 201, "{}", a.text);
        assert_eq!(a.text, answers[0].text, "every answer is the first one");
    }
    let replays = answers
        .iter()
        .filter(|a| a.headers.get("idempotent-replayed").is_some())
        .count();
    assert_eq!(replays, 19);
    let payments = app
        .get(&sec, &format!("/api/v1/orders/{id}/payments"))
        .await;
    assert_eq!(payments.json.as_array().map(Vec::len), Some(1));
    assert_eq!(
        app.get(&sec, &format!("/api/v1/orders/{id}")).await.json["payment_status"],
        "paid"
    );
}

#[tokio::test]
async fn the_office_sees_which_rule_applies_to_a_batch_on_each_channel() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let (c, _, p, batch) = grape_farm(&app, 100, 8_800).await;
    let share = json!([{"collective_id": c, "shares": 1}]);
    let live = rule(&app, json!({"scope": "channel", "channel": "livestream", "basis_points": 500, "valid_from": "2020-01-01", "shares": share})).await;
    let product = rule(&app, json!({"scope": "product", "product_id": p, "basis_points": 300, "valid_from": "2020-01-01", "valid_to": "2020-12-31", "shares": share})).await;
    let r = app
        .get(&sec, &format!("/api/v1/batches/{batch}/commission-rules"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let by_channel = |r: &crate::helpers::Reply, ch: &str| {
        r.json["channels"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["channel"] == ch).cloned())
            .map(|x| x["rule"]["id"].as_i64())
    };
    // Today the product rule has lapsed: live orders take the channel rule, a phone order none.
    assert_eq!(by_channel(&r, "livestream"), Some(Some(live)));
    assert_eq!(by_channel(&r, "phone"), Some(None));
    // In 2020 the product rule, more specific, wins on every channel.
    let then = app
        .get(
            &sec,
            &format!("/api/v1/batches/{batch}/commission-rules?on=2020-06-01"),
        )
        .await;
    assert_eq!(by_channel(&then, "livestream"), Some(Some(product)));
    assert_eq!(by_channel(&then, "phone"), Some(Some(product)));
    app.get(&sec, "/api/v1/batches/999999/commission-rules")
        .await
        .assert_problem(404, "not_found");
    let bad = app
        .get(
            &sec,
            &format!("/api/v1/batches/{batch}/commission-rules?on=2020-02-30"),
        )
        .await;
    bad.assert_problem(422, "invalid_query");
}
