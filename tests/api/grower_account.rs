//! A grower's account over a chosen period: balances at both ends, the month's money from the
//! ledger, the sales by product, and the payouts, all agreeing to the fen.

use crate::helpers::spawn_app;
use crate::money::{deliver, grape_farm, pay, weighed_orders};
use serde_json::json;

#[tokio::test]
async fn a_growers_account_for_a_period_adds_up_with_the_ledger_and_the_sales_figures() {
    let app = std::sync::Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (collective, grower, _, batch) = grape_farm(&app, 10, 10_000).await;
    let r = app
        .post(&sec, "/api/v1/commission-rules", json!({"scope": "batch", "batch_id": batch, "basis_points": 1_000, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 3).await;
    deliver(&app, &orders).await;
    for o in &orders {
        assert_eq!(pay(&app, *o, 10_000).await.json["settled"], true);
    }
    let payout = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/payouts"),
            json!({"amount_fen": 5_000, "method": "cash"}),
        )
        .await;
    assert_eq!(payout.status, 201, "{}", payout.text);

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let year_start =
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today);
    let a = app
        .get(
            &sec,
            &format!("/api/v1/growers/{grower}/account?from={year_start}&to={today}"),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let t = &a.json["totals"];
    // Three boxes of 100.00 yuan; 10 % commission.
    assert_eq!(
        (
            t["sales_fen"].as_i64(),
            t["commission_fen"].as_i64(),
            t["payable_fen"].as_i64(),
            t["paid_out_fen"].as_i64()
        ),
        (Some(30_000), Some(3_000), Some(27_000), Some(5_000)),
        "{}",
        a.text
    );
    assert_eq!(a.json["opening_balance_fen"], 0);
    assert_eq!(a.json["closing_balance_fen"], 22_000);
    let months = a.json["months"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        months.len(),
        chrono::Datelike::month(&today) as usize,
        "every month of the year so far"
    );
    let this_month = months.last().cloned().unwrap_or_default();
    assert_eq!(this_month["payable_fen"], 27_000);
    assert_eq!(
        months
            .iter()
            .map(|m| m["sales_fen"].as_i64().unwrap_or(0))
            .sum::<i64>(),
        30_000
    );
    let products = a.json["products"].as_array().cloned().unwrap_or_default();
    assert_eq!(products.len(), 1, "{}", a.text);
    assert_eq!(products[0]["product"], "阳光玫瑰礼盒");
    assert_eq!(
        products[0]["payable_fen"], 27_000,
        "the sales figures agree with the ledger"
    );
    assert_eq!(products[0]["pieces"], 3);
    let payouts = a.json["payouts"].as_array().cloned().unwrap_or_default();
    assert_eq!(payouts.len(), 1);
    assert_eq!(payouts[0]["amount_fen"], 5_000);
    assert!(
        payouts[0]["description"]
            .as_str()
            .unwrap_or("")
            .contains("现金")
    );

    // A period that starts after everything: the balance carries over, nothing moves.
    let later = today + chrono::Duration::days(1);
    let b = app
        .get(
            &sec,
            &format!("/api/v1/growers/{grower}/account?from={later}&to={later}"),
        )
        .await;
    assert_eq!(
        (
            b.json["opening_balance_fen"].as_i64(),
            b.json["closing_balance_fen"].as_i64(),
            b.json["totals"]["sales_fen"].as_i64()
        ),
        (Some(22_000), Some(22_000), Some(0))
    );
    let wrong = app
        .get(
            &sec,
            &format!("/api/v1/growers/{grower}/account?from={later}&to={today}"),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.json["errors"][0]["field"], "to");
    let long = app
        .get(
            &sec,
            &format!("/api/v1/growers/{grower}/account?from=2020-01-01&to={today}"),
        )
        .await;
    long.assert_problem(422, "validation_failed");
    let missing = app
        .get(
            &sec,
            "/api/v1/growers/999999/account?from=2026-01-01&to=2026-01-31",
        )
        .await;
    assert_eq!(missing.status, 404);
}
