//! The public finance sheet (财务公开) on the demo village: drafted from the books so that it
//! agrees with the trial balance to the fen, checked by an auditor and only by one, published
//! and frozen (in the service and in the database), corrected by a new version while the old one
//! stays readable, and shown to anyone on a public page that the poster's QR code opens. It
//! names no buyer.

use crate::helpers::{Reply, TestApp, spawn_app_with};
use chrono::Datelike;
use reqwest::Method;
use serde_json::{Value, json};

/// The quarter before today's (local time): over, and full of the demo's history.
fn last_quarter() -> (String, chrono::NaiveDate, chrono::NaiveDate) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let first_of_this =
        chrono::NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)
            .unwrap_or_else(|| panic!("a day"));
    let to = first_of_this.pred_opt().unwrap_or_else(|| panic!("a day"));
    let from = to
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(2)))
        .unwrap_or_else(|| panic!("a day"));
    (format!("{}-Q{}", to.year(), to.month0() / 3 + 1), from, to)
}

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or(i64::MIN)
}

async fn public(app: &TestApp, path: &str) -> Reply {
    Reply::from(
        app.client
            .get(app.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> Reply {
    app.send(Method::PUT, path, Some(token), Some(&body)).await
}

/// The sheet agrees with the trial balance of its period: its income and spending are the
/// income statement accounts' movements, each account's items add up to it, its assets are the
/// asset accounts' closing balances, and what it owes growers is their items' closing balances.
fn assert_agrees_with_books(sheet: &Value, trial: &Value) {
    let c = &sheet["content"];
    let mut income = 0;
    let mut spending = 0;
    for a in trial["accounts"].as_array().into_iter().flatten() {
        let movement = i(&a["credit_fen"]) - i(&a["debit_fen"]);
        if a["class"] == "profit_loss" && movement != 0 {
            let (list, amount) = if a["side"] == "credit" {
                income += movement;
                ("income", movement)
            } else {
                spending -= movement;
                ("spending", -movement)
            };
            let on_sheet = c[list]
                .as_array()
                .and_then(|l| l.iter().find(|x| x["account_code"] == a["account_code"]))
                .unwrap_or_else(|| panic!("{} is not on the sheet", a["account_code"]));
            assert_eq!(i(&on_sheet["total_fen"]), amount, "{on_sheet}");
            let items: i64 = on_sheet["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| i(&x["amount_fen"]))
                .sum();
            assert_eq!(items, amount, "{on_sheet}");
        }
        if a["class"] == "asset" && a["items"].as_array().is_some_and(Vec::is_empty) {
            let closing = i(&a["closing_fen"]);
            let on_sheet = c["assets"]
                .as_array()
                .and_then(|l| l.iter().find(|x| x["account_code"] == a["account_code"]))
                .map_or(0, |x| i(&x["closing_fen"]));
            assert_eq!(on_sheet, closing, "{a}");
        }
    }
    assert!(income > 0, "the quarter has income: {c}");
    assert_eq!(i(&c["income_total_fen"]), income);
    assert_eq!(i(&c["spending_total_fen"]), spending);
    let owed: i64 = trial["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| a["items"].as_array().cloned().unwrap_or_default())
        .filter(|x| {
            x["auxiliary"]
                .as_str()
                .is_some_and(|s| s.starts_with("种植户"))
        })
        .map(|x| -i(&x["closing_fen"]))
        .sum();
    assert_eq!(i(&c["owed_to_growers_fen"]), owed);
}

#[tokio::test]
async fn a_finance_sheet_is_drafted_from_the_books_checked_by_an_auditor_published_and_corrected() {
    let rx = crate::robots::receiver().await;
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.robot_poll_millis = 50;
    })
    .await;
    let (_db, story, _) = crate::demo::demo(&app).await;
    let collective = story.collectives[0];
    let sec = app.login("secretary", "demo-pass-123").await.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let auditor = app.token("auditor").await;
    let robot = app
        .post(
            &sec,
            "/api/v1/robots",
            json!({"name": "村干部群", "kind": "wecom", "url": rx.wecom("k"), "finance_sheets": true}),
        )
        .await;
    assert_eq!(robot.status, 201, "{}", robot.text);
    let helper = app.token("helper").await;
    let (period, from, to) = last_quarter();
    let sheets = format!("/api/v1/collectives/{collective}/finance-sheets");

    // Bad periods change nothing.
    for (bad, why) in [
        ("2026-Q5", "no such quarter"),
        ("2026/10", "no period"),
        ("2999-Q1", "not over"),
    ] {
        let r = app.post(&sec, &sheets, json!({"period": bad})).await;
        assert_eq!(r.status, 422, "{why}: {}", r.text);
        assert_eq!(r.json["errors"][0]["field"], "period", "{}", r.text);
    }
    let long = "字".repeat(2001);
    let r = app
        .post(
            &sec,
            &sheets,
            json!({"period": period, "notes": {"other": long}}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = app
        .post(
            &sec,
            "/api/v1/collectives/99999/finance-sheets",
            json!({"period": period}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app.post(&auditor, &sheets, json!({"period": period})).await;
    assert_eq!(r.status, 403, "an auditor drafts nothing: {}", r.text);
    assert_eq!(app.get(&sec, &sheets).await.json, json!([]));

    // The draft agrees with the books.
    let r = app
        .post(
            &sec,
            &sheets,
            json!({"period": period, "notes": {"plan": "本季度无新的财务计划。"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let sheet = r.json;
    let id = i(&sheet["id"]);
    assert_eq!(
        (
            &sheet["status"],
            i(&sheet["version"]),
            &sheet["content"]["notes"]["plan"]
        ),
        (&json!("drafted"), 1, &json!("本季度无新的财务计划。"))
    );
    let trial = app
        .get(
            &sec,
            &format!("/api/v1/collectives/{collective}/books/trial-balance?from={from}&to={to}"),
        )
        .await;
    assert_eq!(trial.status, 200, "{}", trial.text);
    assert_agrees_with_books(&sheet, &trial.json);
    assert!(
        sheet["content"]["top_sales"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "{}",
        sheet["content"]
    );
    // No buyer appears: not by name, not by phone.
    let text = sheet["content"].to_string();
    let buyers = app.get(&sec, "/api/v1/buyers").await;
    let list = buyers.json["items"]
        .as_array()
        .or_else(|| buyers.json.as_array())
        .cloned()
        .unwrap_or_default();
    assert!(!list.is_empty(), "{}", buyers.text);
    for b in &list {
        for field in ["name", "phone"] {
            if let Some(s) = b[field].as_str().filter(|s| s.chars().count() > 1) {
                assert!(!text.contains(s), "the sheet names buyer {s}");
            }
        }
    }

    // Only an auditor checks, and only a checked sheet is published.
    let check = format!("/api/v1/finance-sheets/{id}/check");
    let publish = format!("/api/v1/finance-sheets/{id}/publish");
    for who in [&sec, &helper] {
        let r = app.post(who, &check, json!({})).await;
        assert_eq!(r.status, 403, "{}", r.text);
    }
    let r = app.post(&sec, &publish, json!({})).await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_not_checked"))
    );
    let r = app
        .post(&auditor, &check, json!({"note": "已核对凭证"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (&r.json["status"], &r.json["check_note"]),
        (&json!("checked"), &json!("已核对凭证"))
    );
    assert_eq!(r.json["checked_by"], "auditor-user");
    // The auditor reads everything and changes nothing else.
    for path in [
        format!("/api/v1/finance-sheets/{id}"),
        "/api/v1/orders".to_owned(),
        format!(
            "/api/v1/collectives/{collective}/books/vouchers?month={}",
            to.format("%Y-%m")
        ),
        "/api/v1/audit-log".to_owned(),
    ] {
        let r = app.get(&auditor, &path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let r = app.post(&auditor, &publish, json!({})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = put(
        &app,
        &auditor,
        &format!("/api/v1/finance-sheets/{id}"),
        json!({"notes": {}}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app.get(&auditor, "/api/v1/labels?batch_id=1").await;
    assert_eq!(r.status, 403, "printing labels mints codes: {}", r.text);

    // An edit draws the figures again and withdraws the check.
    let r = put(
        &app,
        &sec,
        &format!("/api/v1/finance-sheets/{id}"),
        json!({"notes": {"plan": "本季度无新的财务计划。", "other": "冷库维修费下季度公开。"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (&r.json["status"], &r.json["checked_by"]),
        (&json!("drafted"), &Value::Null)
    );
    let r = app.post(&sec, &publish, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = app.post(&auditor, &check, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.post(&sec, &publish, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "published");
    let public_path = r.json["public_path"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(public_path, format!("/gongkai/{collective}/{period}?v=1"));
    // The cadres' group hears of it, with the page's address.
    let told = rx.wait_for(1, 10).await;
    let text = told
        .first()
        .and_then(|g| g.body["markdown"]["content"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(
        text.contains("财务公开（第 1 版）已公布") && text.contains(&app.url(&public_path)),
        "{text}"
    );

    // Published is frozen, in the service and in the database.
    let r = put(
        &app,
        &sec,
        &format!("/api/v1/finance-sheets/{id}"),
        json!({"notes": {}}),
    )
    .await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_published")),
        "{}",
        r.text
    );
    let r = app.post(&auditor, &check, json!({})).await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_published"))
    );
    let r = app.post(&sec, &publish, json!({})).await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_published"))
    );
    {
        use sea_orm::ConnectionTrait;
        let db = zhunong_api::db::Db::connect(&app.settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e:?}"));
        let changed = tx
            .execute_unprepared(&format!(
                "UPDATE finance_sheets SET content = '{{}}' WHERE id = {id}"
            ))
            .await;
        assert!(
            changed.is_err(),
            "the database let a published sheet change"
        );
        drop(tx);
        let tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e:?}"));
        let deleted = tx
            .execute_unprepared(&format!("DELETE FROM finance_sheets WHERE id = {id}"))
            .await;
        assert!(deleted.is_err(), "the database let a sheet be deleted");
    }

    // Anyone opens the public page; the poster's QR code opens it too.
    let page = public(&app, &format!("/gongkai/{collective}/{period}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    for words in [
        "财务公开",
        "一、财务计划",
        "二、各项收入",
        "六、债权债务",
        "八、其他",
        "冷库维修费下季度公开。",
        "第 1 版",
    ] {
        assert!(page.text.contains(words), "{words}");
    }
    let total = sheet["content"]["income_total_fen"]
        .as_i64()
        .unwrap_or_default();
    assert!(
        page.text
            .contains(&format!("{}.{:02}", (total / 100) % 1000, total % 100)),
        "the income total is on the page"
    );
    let poster = app
        .get(&sec, &format!("/api/v1/finance-sheets/{id}/poster"))
        .await;
    assert_eq!(poster.status, 200, "{}", poster.text);
    assert!(poster.text.contains("@page") || poster.text.contains("print.css"));
    let decoded = crate::trace::decode_qr_svg(&poster.text);
    assert_eq!(decoded, app.url(&public_path));
    assert_eq!(public(&app, &public_path).await.status, 200);
    assert_eq!(
        public(&app, &format!("/gongkai/{collective}/2001-Q1"))
            .await
            .status,
        404
    );
    assert_eq!(
        public(&app, &format!("/gongkai/{collective}/{period}?v=9"))
            .await
            .status,
        404
    );

    // A correction is version 2; the period takes one draft at a time.
    let r = app
        .post(
            &sec,
            &sheets,
            json!({"period": period, "notes": {"other": "更正：补记冷库维修费。"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v2 = i(&r.json["id"]);
    assert_eq!(i(&r.json["version"]), 2);
    let r = app.post(&sec, &sheets, json!({"period": period})).await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_in_progress"))
    );
    let r = app
        .get(&sec, &format!("/api/v1/finance-sheets/{v2}/poster"))
        .await;
    assert_eq!(
        (r.status, &r.json["code"]),
        (409, &json!("sheet_not_published"))
    );
    // Until it is published, the public page still shows version 1.
    assert!(
        public(&app, &format!("/gongkai/{collective}/{period}"))
            .await
            .text
            .contains("第 1 版")
    );
    assert_eq!(
        app.post(
            &auditor,
            &format!("/api/v1/finance-sheets/{v2}/check"),
            json!({})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.post(
            &sec,
            &format!("/api/v1/finance-sheets/{v2}/publish"),
            json!({})
        )
        .await
        .status,
        200
    );
    let now = public(&app, &format!("/gongkai/{collective}/{period}")).await;
    assert!(now.text.contains("第 2 版") && now.text.contains("更正：补记冷库维修费。"));
    assert!(!now.text.contains("data-testid=\"replaced\""));
    let old = public(&app, &format!("/gongkai/{collective}/{period}?v=1")).await;
    assert_eq!(old.status, 200);
    assert!(
        old.text.contains("data-testid=\"replaced\"") && old.text.contains("第 2 版更正"),
        "{}",
        old.text
    );
    let list = app.get(&sec, &sheets).await.json;
    let statuses: Vec<(i64, &str)> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| (i(&s["version"]), s["status"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(statuses, [(2, "published"), (1, "replaced")]);

    // Each step is in the audit log, in Chinese.
    let log = app.get(&sec, "/api/v1/audit-log?entity=collective").await;
    let text = log.text;
    for words in ["起草了", "作为民主理财小组审核了", "公布了"] {
        assert!(text.contains(words), "{words}");
    }
}
