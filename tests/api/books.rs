//! The collective's books in the official chart: the mapping of postings to accounts (by date,
//! audited, refused outside the chart), a month's vouchers that each balance, and a trial
//! balance that agrees with the vouchers, the ledger and the income report.

use crate::helpers::{TestApp, spawn_app};
use crate::money::{deliver, grape_farm, pay, rule, weighed_orders};
use chrono::Datelike;
use serde_json::{Value, json};
use std::sync::Arc;

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn month() -> String {
    today().format("%Y-%m").to_string()
}

async fn vouchers(app: &TestApp, collective: i64) -> Value {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!(
                "/api/v1/collectives/{collective}/books/vouchers?month={}",
                month()
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

async fn trial(app: &TestApp, collective: i64) -> Value {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!(
                "/api/v1/collectives/{collective}/books/trial-balance?from={}-01&to={}",
                month(),
                today()
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or(i64::MIN)
}

/// Every voucher balances and the numbers run on without a gap; the month's totals are theirs.
fn assert_vouchers_whole(v: &Value) -> Vec<Value> {
    let list = v["vouchers"].as_array().cloned().unwrap_or_default();
    let (mut debit, mut credit) = (0, 0);
    for (n, x) in list.iter().enumerate() {
        assert_eq!(x["number"], format!("记-{:04}", n + 1));
        let lines = x["lines"].as_array().cloned().unwrap_or_default();
        let d: i64 = lines.iter().map(|l| i(&l["debit_fen"])).sum();
        let c: i64 = lines.iter().map(|l| i(&l["credit_fen"])).sum();
        assert_eq!((d, c), (i(&x["total_fen"]), i(&x["total_fen"])), "{x}");
        debit += d;
        credit += c;
    }
    assert_eq!(
        (debit, credit),
        (i(&v["debit_total_fen"]), i(&v["credit_total_fen"]))
    );
    list
}

/// Every account closes as opening + debit − credit, its items add up to it, and the period's
/// debits and credits are the vouchers'.
fn assert_trial_whole(t: &Value, vouchers: &Value) {
    let mut closing = 0;
    for a in t["accounts"].as_array().into_iter().flatten() {
        assert_eq!(
            i(&a["closing_fen"]),
            i(&a["opening_fen"]) + i(&a["debit_fen"]) - i(&a["credit_fen"]),
            "{a}"
        );
        let items = a["items"].as_array().cloned().unwrap_or_default();
        if !items.is_empty() {
            for k in ["opening_fen", "debit_fen", "credit_fen", "closing_fen"] {
                assert_eq!(items.iter().map(|x| i(&x[k])).sum::<i64>(), i(&a[k]), "{a}");
            }
        }
        closing += i(&a["closing_fen"]);
    }
    assert_eq!(closing, 0, "the balances sum to zero");
    assert_eq!(t["totals"]["debit_fen"], vouchers["debit_total_fen"]);
    assert_eq!(t["totals"]["credit_fen"], vouchers["credit_total_fen"]);
}

fn account<'a>(t: &'a Value, code: &str) -> &'a Value {
    t["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["account_code"] == code))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_months_vouchers_balance_and_the_trial_balance_agrees_with_them_and_the_income() {
    let app = Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (keeper, grower, _, batch) = grape_farm(&app, 10, 10_000).await;
    let other = app
        .post(&sec, "/api/v1/collectives", json!({"name": "青山村"}))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    // 10 % commission, shared 1:1 with the neighbouring village.
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 1_000, "valid_from": "2026-01-01", "shares": [{"collective_id": keeper, "shares": 1}, {"collective_id": other, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 2).await;
    deliver(&app, &orders).await;
    for o in &orders {
        assert_eq!(pay(&app, *o, 10_000).await.json["settled"], true);
    }
    let rent = app
        .post(&sec, "/api/v1/ledger/income", json!({"category": "greenhouse_rent", "amount_fen": 300_000, "occurred_on": today(), "description": "大棚租金", "shares": [{"collective_id": keeper, "shares": 1}]}))
        .await;
    assert_eq!(rent.status, 201, "{}", rent.text);
    let payout = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/payouts"),
            json!({"amount_fen": 5_000, "method": "cash"}),
        )
        .await;
    assert_eq!(payout.status, 201, "{}", payout.text);

    // The keeping collective's books hold every transaction: two settlements, rent, payout.
    let v = vouchers(&app, keeper).await;
    let list = assert_vouchers_whole(&v);
    assert_eq!(list.len(), 4, "{v}");
    let settlement = &list[0];
    assert!(
        settlement["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("结算 ZN")
                && s.contains("君宇家庭农场")
                && s.contains("阳光玫瑰礼盒")),
        "{settlement}"
    );
    let lines: Vec<(String, String, i64, i64)> = settlement["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["account_code"].as_str().unwrap_or("").to_owned(),
                l["auxiliary"].as_str().unwrap_or("").to_owned(),
                i(&l["debit_fen"]),
                i(&l["credit_fen"]),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("102".into(), String::new(), 10_000, 0),
            ("113".into(), "种植户 君宇家庭农场".into(), 0, 9_000),
            ("211".into(), "集体 青山村".into(), 0, 500),
            ("501".into(), String::new(), 0, 500),
        ]
    );
    assert!(
        i(&settlement["attachments"]) >= 2,
        "weigh ticket and payment"
    );

    // Printed: one voucher a page, its total in capitals, the boxes to sign.
    let print = app
        .get(
            &sec,
            &format!(
                "/api/v1/collectives/{keeper}/books/vouchers/print?month={}",
                month()
            ),
        )
        .await;
    assert_eq!(print.status, 200, "{}", print.text);
    assert_eq!(print.text.matches("<section class=\"voucher\">").count(), 4);
    for words in [
        "记-0001",
        "核算单位：红光村",
        "人民币（大写）壹佰元整",
        "会计主管：",
        "出纳：",
        "制单：",
    ] {
        assert!(print.text.contains(words), "{words}: {}", print.text);
    }

    let t = trial(&app, keeper).await;
    assert_trial_whole(&t, &v);
    // 501: its commission and the rent, as the income report has them.
    let year = chrono::Datelike::year(&today());
    let income = app
        .get(
            &sec,
            &format!("/api/v1/reports/collective-income?collective_id={keeper}&year={year}"),
        )
        .await;
    assert_eq!(income.status, 200, "{}", income.text);
    assert_eq!(i(&account(&t, "501")["credit_fen"]), 1_000 + 300_000);
    assert_eq!(i(&income.json["total_fen"]), 1_000 + 300_000);
    assert_eq!(i(&account(&t, "113")["closing_fen"]), -(18_000 - 5_000));
    assert_eq!(
        i(&account(&t, "102")["closing_fen"]),
        20_000 + 300_000 - 5_000
    );

    // The income statement of the year to date: 经营收入 is 501's movement, and with no costs
    // it is the year's income; nothing the year before.
    let st = app
        .get(
            &sec,
            &format!(
                "/api/v1/collectives/{keeper}/books/income-statement?year={year}&to={}",
                today()
            ),
        )
        .await;
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(st.json["lines"][0]["label"], "一、经营收入");
    assert_eq!(i(&st.json["lines"][0]["current_fen"]), 301_000);
    assert_eq!(i(&st.json["income_fen"]), 301_000);
    assert_eq!(st.json["change_percent"], Value::Null);
    let distribution = st.json["lines"]
        .as_array()
        .and_then(|l| l.last().cloned())
        .unwrap_or_default();
    assert_eq!(
        (distribution["label"].as_str(), &distribution["current_fen"]),
        (Some("六、年末未分配收益"), &Value::Null)
    );

    // The neighbour's books hold only its commission, owed to it by the keeping collective.
    let v2 = vouchers(&app, other).await;
    let list2 = assert_vouchers_whole(&v2);
    assert_eq!(list2.len(), 2, "{v2}");
    assert_eq!(list2[0]["lines"][0]["account_code"], "112");
    assert_eq!(list2[0]["lines"][0]["auxiliary"], "集体 红光村");
    assert_eq!(list2[0]["lines"][1]["account_code"], "501");
    let t2 = trial(&app, other).await;
    assert_trial_whole(&t2, &v2);
    assert_eq!(i(&account(&t2, "501")["credit_fen"]), 1_000);

    // Files: XLSX in both layouts, CSV.
    for q in ["format=xlsx", "format=xlsx&layout=blocks", "format=csv"] {
        let r = app
            .get(
                &sec,
                &format!(
                    "/api/v1/collectives/{keeper}/books/vouchers?month={}&{q}",
                    month()
                ),
            )
            .await;
        assert_eq!(r.status, 200, "{q}: {}", r.text);
    }
    let csv = app
        .get(
            &sec,
            &format!(
                "/api/v1/collectives/{keeper}/books/trial-balance?from={}-01&to={}&format=csv",
                month(),
                today()
            ),
        )
        .await;
    assert!(
        csv.text.contains("科目余额") || csv.text.contains("科目编码"),
        "{}",
        csv.text
    );
    assert!(csv.text.contains("内部往来"), "{}", csv.text);
    let print = app
        .get(
            &sec,
            &format!(
                "/api/v1/collectives/{keeper}/books/trial-balance/print?from={}-01&to={}",
                month(),
                today()
            ),
        )
        .await;
    assert_eq!(print.status, 200, "{}", print.text);
    for words in [
        "科目余额表",
        "期初余额",
        "本期发生额",
        "期末余额",
        "113",
        "种植户 君宇家庭农场",
    ] {
        assert!(print.text.contains(words), "{words}: {}", print.text);
    }
}

#[tokio::test]
async fn a_mapping_applies_from_its_day_is_audited_and_never_leaves_the_chart() {
    let app = Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (collective, _, _, batch) = grape_farm(&app, 10, 10_000).await;
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 1_000, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 1).await;
    deliver(&app, &orders).await;
    assert_eq!(pay(&app, orders[0], 10_000).await.json["settled"], true);
    let path = format!("/api/v1/collectives/{collective}/books/mapping");

    let m = app.get(&sec, &path).await;
    assert_eq!(m.status, 200, "{}", m.text);
    assert_eq!(m.json["chart"], "cac2023");
    assert_eq!(m.json["keeps_the_books"], true);
    let cash = |m: &Value| {
        m["rows"]
            .as_array()
            .and_then(|r| r.iter().find(|x| x["posting_kind"] == "cash"))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(cash(&m.json)["account_code"], "102");
    assert_eq!(cash(&m.json)["effective_from"], Value::Null);

    // Outside the chart, in the past, or of no kind: refused, nothing written.
    let yesterday = today().pred_opt().unwrap_or(today());
    for (body, field) in [
        (
            json!({"posting_kind": "cash", "account_code": "999"}),
            "account_code",
        ),
        (
            json!({"posting_kind": "cash", "account_code": "202"}),
            "account_code",
        ),
        (
            json!({"posting_kind": "cash", "account_code": "101", "effective_from": yesterday}),
            "effective_from",
        ),
    ] {
        app.post(&sec, &path, body).await.assert_field_error(field);
    }
    let r = app
        .post(
            &sec,
            &path,
            json!({"posting_kind": "rent", "account_code": "101"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM book_mappings").await, 0);

    // Cash kept in hand from tomorrow: today's vouchers keep 102, tomorrow's mapping says 101.
    let tomorrow = today().succ_opt().unwrap_or(today());
    let r = app
        .post(
            &sec,
            &path,
            json!({"posting_kind": "cash", "account_code": "101", "effective_from": tomorrow}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(cash(&r.json)["account_code"], "102");
    assert_eq!(cash(&r.json)["next"]["account_code"], "101");
    let later = app.get(&sec, &format!("{path}?on={tomorrow}")).await;
    assert_eq!(cash(&later.json)["account_code"], "101");
    assert_eq!(cash(&later.json)["effective_from"], tomorrow.to_string());
    let v = vouchers(&app, collective).await;
    assert_eq!(v["vouchers"][0]["lines"][0]["account_code"], "102");
    // From today: today's vouchers follow.
    let r = app
        .post(
            &sec,
            &path,
            json!({"posting_kind": "sales_commission", "account_code": "504"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = vouchers(&app, collective).await;
    assert_vouchers_whole(&v);
    let codes: Vec<&str> = v["vouchers"][0]["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["account_code"].as_str())
        .collect();
    assert_eq!(codes, ["102", "113", "504"]);

    // The 2004 chart: its own codes, its own mapping.
    let r = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/collectives/{collective}/books/chart"),
            Some(&sec),
            Some(&json!({"chart": "cac2004"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["chart"], "cac2004");
    let v = vouchers(&app, collective).await;
    assert_eq!(v["chart"], "cac2004");
    let names: Vec<&str> = v["vouchers"][0]["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["account_name"].as_str())
        .collect();
    assert_eq!(names, ["银行存款", "内部往来", "经营收入"]);
    assert_eq!(
        app.sql_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('map_book_account', 'choose_chart')"
        )
        .await,
        3
    );
    let audit = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=collective&entity_id={collective}"),
        )
        .await;
    assert!(
        audit
            .text
            .contains("会计制度改为村集体经济组织会计制度（2004）"),
        "{}",
        audit.text
    );
    // A refund reverses the settlement: the reversal's voucher names the one it reverses.
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{}/payments", orders[0]),
            json!({"amount_fen": -1_000, "method": "wechat_pay", "reason": "坏果"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let v = vouchers(&app, collective).await;
    assert_vouchers_whole(&v);
    let summaries: Vec<&str> = v["vouchers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["summary"].as_str())
        .collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(
        summaries[1].starts_with("冲销 ZN")
            && summaries[1].ends_with(&format!("（冲 {} 记-0001）", month())),
        "{summaries:?}"
    );
    // A mapping row cannot be edited in place.
    let db = app.raw_db().await;
    assert!(
        sea_orm::ConnectionTrait::execute_unprepared(
            &db,
            "UPDATE book_mappings SET account_code = '999'"
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn a_closed_month_keeps_its_vouchers_and_a_late_posting_goes_into_the_open_month() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let (collective, _, _, _) = grape_farm(&app, 10, 10_000).await;
    let first_of_this = today().with_day0(0).unwrap_or(today());
    let last_month_day = first_of_this.pred_opt().unwrap_or(today());
    let last_month = last_month_day.format("%Y-%m").to_string();
    let income = |on: chrono::NaiveDate, fen: i64| json!({"category": "cold_store_rent", "amount_fen": fen, "occurred_on": on, "description": "冷库租金", "shares": [{"collective_id": collective, "shares": 1}]});
    let r = app
        .post(
            &sec,
            "/api/v1/ledger/income",
            income(last_month_day, 80_000),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!("/api/v1/collectives/{collective}/books/vouchers?month={last_month}");
    let before = app.get(&sec, &path).await;
    assert_eq!(before.json["closed"], false);
    assert_eq!(before.json["vouchers"].as_array().map(Vec::len), Some(1));
    let r = app
        .get(&sec, &format!("{path}&format=xlsx&closed=true"))
        .await;
    assert_eq!(r.status, 409, "a month not closed has no final vouchers");
    assert_eq!(r.json["code"], "month_open");

    // This month is not over; a month that is not one is refused.
    app.post(
        &sec,
        "/api/v1/books/closed-months",
        json!({"month": month()}),
    )
    .await
    .assert_field_error("month");
    app.post(
        &sec,
        "/api/v1/books/closed-months",
        json!({"month": "2026-13"}),
    )
    .await
    .assert_field_error("month");
    let r = app
        .post(
            &sec,
            "/api/v1/books/closed-months",
            json!({"month": last_month}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["closed_through"], last_month);
    let again = app
        .post(
            &sec,
            "/api/v1/books/closed-months",
            json!({"month": last_month}),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.json["code"], "month_closed");

    // Income dated in the closed month is refused unless it is asked to be booked late; nothing
    // is written.
    let postings = "/api/v1/ledger/transactions?per_page=1";
    let count = app.get(&sec, postings).await.json["total"].clone();
    let refused = app
        .post(&sec, "/api/v1/ledger/income", income(last_month_day, 1_000))
        .await;
    refused.assert_problem(409, "posting_month_closed");
    assert_eq!(app.get(&sec, postings).await.json["total"], count);
    // Booked late, it goes into this month, saying which month it corrects.
    let mut asked = income(last_month_day, 1_000);
    asked["late"] = json!(true);
    let late = app.post(&sec, "/api/v1/ledger/income", asked).await;
    assert_eq!(late.status, 201, "{}", late.text);
    assert_eq!(
        late.json["occurred_on"],
        first_of_this.to_string(),
        "{}",
        late.text
    );
    assert!(
        late.json["description"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("补记 {last_month} 的账"))),
        "{}",
        late.text
    );
    let after = app.get(&sec, &path).await;
    assert_eq!(after.json["closed"], true);
    assert_eq!(
        after.json["vouchers"], before.json["vouchers"],
        "the closed month is unchanged"
    );
    let now = vouchers(&app, collective).await;
    assert_eq!(now["vouchers"].as_array().map(Vec::len), Some(1));
    // Its files are final: the same bytes every time.
    let file = format!("{path}&format=xlsx&closed=true&layout=blocks");
    let one = app
        .client
        .get(app.url(&file))
        .bearer_auth(&sec)
        .send()
        .await;
    let two = app
        .client
        .get(app.url(&file))
        .bearer_auth(&sec)
        .send()
        .await;
    let (one, two) = match (one, two) {
        (Ok(a), Ok(b)) => (
            a.bytes().await.unwrap_or_default(),
            b.bytes().await.unwrap_or_default(),
        ),
        _ => panic!("the downloads failed"),
    };
    assert!(one.len() > 1_000 && one.starts_with(b"PK"));
    assert!(one == two, "a closed month's vouchers are byte-identical");
    let closed = app.get(&sec, "/api/v1/books/closed-months").await;
    assert_eq!(closed.json["closed_through"], last_month);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'close_month'")
            .await,
        1
    );
}
