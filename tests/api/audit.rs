//! The audit log, read back: what was changed, by whom, with filters.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn the_audit_log_shows_who_confirmed_and_cancelled_an_order() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 10, 500).await;
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    let id = o.json["id"].as_i64().unwrap_or_default();
    assert_eq!(
        app.post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(
            &sec,
            &format!("/api/v1/orders/{id}/cancel"),
            json!({"reason": "买家退单"})
        )
        .await
        .status,
        200
    );

    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=order&entity_id={id}"),
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.json["items"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> = items.iter().filter_map(|i| i["action"].as_str()).collect();
    assert_eq!(actions, ["cancel_order", "confirm_order"], "newest first");
    assert_eq!(items[0]["action_label"], "取消订单");
    assert_eq!(items[0]["after"]["reason"], "买家退单");
    assert_eq!(items[1]["action_label"], "确认订单");
    assert_eq!(items[0]["actor"], "secretary-user");
    assert_eq!(items[0]["entity_id"], id);
    assert_eq!(log.json["total"], 2);

    let only = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=order&entity_id={id}&action=confirm_order"),
        )
        .await;
    assert_eq!(only.json["total"], 1);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let day = chrono::Duration::days(1);
    let now = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=order&entity_id={id}&from={today}&to={today}"),
        )
        .await;
    assert_eq!(now.json["total"], 2, "{}", now.text);
    let later = app
        .get(
            &sec,
            &format!(
                "/api/v1/audit-log?entity=order&entity_id={id}&from={}",
                today + day
            ),
        )
        .await;
    assert_eq!(later.json["total"], 0);
    let wrong = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?from={today}&to={}", today - day),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.json["errors"][0]["field"], "to");
    let long = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity={}", "x".repeat(33)),
        )
        .await;
    long.assert_problem(422, "validation_failed");
    assert_eq!(long.json["errors"][0]["field"], "entity");
    // A malformed date is refused by the query extractor, as on every list.
    let bad = app.get(&sec, "/api/v1/audit-log?from=2026-13-01").await;
    bad.assert_problem(422, "invalid_query");
}

#[tokio::test]
async fn a_cancel_takes_no_body_or_a_reason_of_at_most_200_characters() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 10, 500).await;
    let buyer = app.buyer("individual").await;
    let id = app
        .place_order(
            &sec,
            json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    let path = format!("/api/v1/orders/{id}/cancel");
    let long = app
        .post(&sec, &path, json!({"reason": "长".repeat(201)}))
        .await;
    long.assert_problem(422, "validation_failed");
    assert_eq!(long.json["errors"][0]["field"], "reason");
    assert_eq!(
        app.stock(batch).await,
        9,
        "a refused cancel changes nothing"
    );
    // No body at all, as older clients send it.
    let bare = app
        .send(reqwest::Method::POST, &path, Some(&sec), None)
        .await;
    assert_eq!(bare.status, 200, "{}", bare.text);
    assert_eq!(app.stock(batch).await, 10);
}

#[tokio::test]
async fn a_stock_adjustment_needs_a_reason_and_is_logged_with_it() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_weight", 10_000, 500).await;
    let path = format!("/api/v1/batches/{batch}");
    let bare = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"stock_adjustment": -1_000})),
        )
        .await;
    bare.assert_problem(422, "validation_failed");
    assert_eq!(bare.json["errors"][0]["field"], "reason");
    assert_eq!(app.stock(batch).await, 10_000);
    let spoiled = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"stock_adjustment": -1_000, "reason": "霉烂 2 斤"})),
        )
        .await;
    assert_eq!(spoiled.status, 200, "{}", spoiled.text);
    assert_eq!(app.stock(batch).await, 9_000);
    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=batch&entity_id={batch}&action=adjust_stock"),
        )
        .await;
    assert_eq!(log.json["total"], 1, "{}", log.text);
    let row = &log.json["items"][0];
    assert_eq!(row["action"], "adjust_stock");
    assert_eq!(
        (
            row["before"]["stock_qty"].as_i64(),
            row["after"]["stock_qty"].as_i64(),
            row["after"]["reason"].as_str()
        ),
        (Some(10_000), Some(9_000), Some("霉烂 2 斤"))
    );
    // A price change needs no reason, and is logged too.
    let price = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&sec),
            Some(&json!({"retail_price_fen": 600})),
        )
        .await;
    assert_eq!(price.status, 200, "{}", price.text);
    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=batch&entity_id={batch}&action=update_batch"),
        )
        .await;
    assert_eq!(log.json["items"][0]["after"]["retail_price_fen"], 600);
}

/// Every audit entry on a page, as the office reads it: one Chinese sentence, no field names,
/// no JSON.
fn assert_readable(items: &[serde_json::Value]) {
    for i in items {
        let s = i["summary"].as_str().unwrap_or_default();
        assert!(!s.is_empty(), "no summary: {i}");
        assert!(
            !s.contains('_') && !s.contains('{') && !s.contains('[') && !s.contains('"'),
            "raw record in the sentence: {s}"
        );
        let lowercase_word = s
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_lowercase()));
        assert!(!lowercase_word, "an English word in: {s}");
    }
}

#[tokio::test]
async fn money_and_people_changes_are_logged_as_sentences_with_names() {
    use crate::money::{deliver, grape_farm, pay, weighed_orders};
    let app = std::sync::Arc::new(spawn_app().await);
    let admin = app.token("admin").await;
    let sec = app.token("secretary").await;
    // Staff get display names; renaming does not sign them out.
    let mut me_id = 0;
    for (role, name) in [
        ("secretary", "王书记"),
        ("station", "赵师傅"),
        ("helper", "李小红"),
    ] {
        let token = app.token(role).await;
        let id = app.get(&token, "/api/v1/me").await.json["user_id"]
            .as_i64()
            .unwrap_or_default();
        let renamed = app
            .patch(
                &admin,
                &format!("/api/v1/users/{id}"),
                json!({"display_name": name}),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        assert_eq!(renamed.json["display_name"], name);
        let me = app.get(&token, "/api/v1/me").await;
        assert_eq!(
            (me.status, me.json["display_name"].as_str()),
            (200, Some(name))
        );
        if role == "secretary" {
            me_id = id;
        }
    }
    let (_, grower, _, batch) = grape_farm(&app, 10, 10_000).await;
    let buyer = app
        .post(
            &sec,
            "/api/v1/buyers",
            json!({"kind": "individual", "name": "刘阿姨", "phone": "13900001111"}),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap_or_default();
    let order = weighed_orders(&app, batch, buyer, 1).await[0];
    let number = format!("ZN{order:06}");
    assert_eq!(pay(&app, order, 10_000).await.status, 201);
    deliver(&app, &[order]).await;
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{order}/payments"),
            json!({"amount_fen": -2_000, "method": "wechat_pay", "reason": "坏果退款"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let statement = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/statements"),
            json!({}),
        )
        .await;
    assert_eq!(statement.status, 201, "{}", statement.text);
    let payout = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/payouts"),
            json!({"amount_fen": 1_000, "method": "cash"}),
        )
        .await;
    assert_eq!(payout.status, 201, "{}", payout.text);
    let user = app
        .post(
            &sec,
            "/api/v1/users",
            json!({"username": "zhang", "display_name": "张会计", "password": "long-enough-pw", "role": "helper"}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    let blank = app
        .post(
            &sec,
            "/api/v1/users",
            json!({"username": "blank", "display_name": "  ", "password": "long-enough-pw", "role": "helper"}),
        )
        .await;
    blank.assert_problem(422, "validation_failed");
    assert_eq!(blank.json["errors"][0]["field"], "display_name");

    let log = app.get(&sec, "/api/v1/audit-log?per_page=200").await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.json["items"].as_array().cloned().unwrap_or_default();
    assert_readable(&items);
    let said = |action: &str| -> Vec<String> {
        items
            .iter()
            .filter(|i| i["action"] == action)
            .filter_map(|i| i["summary"].as_str().map(str::to_owned))
            .collect()
    };
    let one = |action: &str| -> String {
        let all = said(action);
        assert_eq!(all.len(), 1, "{action}: {all:?}");
        all[0].clone()
    };
    assert_eq!(
        one("record_payment"),
        format!(
            "王书记为订单 {number}（刘阿姨）登记收款 100.00 元（微信支付），已收 100.00 元 / 应收 100.00 元"
        )
    );
    assert!(
        one("settle_order").ends_with(&format!(
            "结算了订单 {number}（刘阿姨），金额 100.00 元（送达时已收齐款，自动结算）"
        )),
        "{}",
        one("settle_order")
    );
    assert_eq!(
        one("refund_payment"),
        format!(
            "王书记为订单 {number}（刘阿姨）登记退款 20.00 元（微信支付），已收 80.00 元 / 应收 100.00 元，原因：坏果退款"
        )
    );
    assert_eq!(
        one("resettle_order"),
        format!("王书记在退款后重新结算了订单 {number}（刘阿姨），结算金额 80.00 元")
    );
    assert!(
        one("issue_statement").starts_with("王书记为种植户「君宇家庭农场」出具了对账单"),
        "{}",
        one("issue_statement")
    );
    assert_eq!(
        one("payout"),
        "王书记付款给种植户「君宇家庭农场」10.00 元（现金）"
    );
    assert!(
        said("create_user").contains(&"王书记新建了账号「张会计」，角色：直播助手".to_owned()),
        "{:?}",
        said("create_user")
    );
    assert!(
        said("update_user").contains(&"管理员修改了账号「赵师傅」：显示名 空 → 赵师傅".to_owned()),
        "{:?}",
        said("update_user")
    );
    assert_eq!(one("create_buyer"), "王书记新建了买家「刘阿姨」");
    assert_eq!(one("create_grower"), "王书记新建了种植户「君宇家庭农场」");
    assert!(
        said("weigh")
            .iter()
            .all(|s| s.contains(&format!("订单 {number}（刘阿姨）")) && s.contains("斤")),
        "{:?}",
        said("weigh")
    );
    assert!(
        said("add_to_load")[0].contains("车牌 皖A12345 的装车单"),
        "{:?}",
        said("add_to_load")
    );
    // The display name is what the log names the actor by.
    let by_me: Vec<&serde_json::Value> = items
        .iter()
        .filter(|i| i["actor_user_id"] == me_id)
        .collect();
    assert!(!by_me.is_empty() && by_me.iter().all(|i| i["actor"] == "王书记"));
    // The grower's history, filtered: statement and payout.
    let grower_log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=grower&entity_id={grower}"),
        )
        .await;
    let actions: Vec<&str> = grower_log.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert_eq!(actions, ["payout", "issue_statement", "create_grower"]);
}
