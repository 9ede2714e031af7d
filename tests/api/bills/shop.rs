//! The 抖店 settlement bill against imported shop orders.

use super::{class, items, ledger_sums, upload_bill, y};
use crate::helpers::spawn_app;
use crate::shop::files::{Row, csv};
use crate::shop::{map_sku, order_of, upload};
use serde_json::json;

const BASE: u64 = 6_930_000_000_000_000_000;

const HEADER: [&str; 20] = [
    "结算时间",
    "订单号",
    "子订单号",
    "结算金额",
    "下单时间",
    "商品数量",
    "商品总价",
    "运费",
    "店铺劵",
    "结算前退款金额",
    "平台补贴",
    "达人补贴",
    "用户实付",
    "收入合计",
    "平台服务费",
    "佣金",
    "渠道分成",
    "支出合计",
    "备注",
    "结算账户",
];

/// One settled 子订单: goods, platform subsidy and fees (service fee, commission) in fen.
struct Line {
    order: u64,
    sub: u64,
    goods: i64,
    subsidy: i64,
    service: i64,
    commission: i64,
    ordered_at: &'static str,
}

impl Line {
    fn cells(&self) -> Vec<String> {
        let income = self.goods + self.subsidy;
        let expense = self.service + self.commission;
        vec![
            "2026-11-25 03:00:00".into(),
            format!("\t{}", self.order),
            format!("\t{}", self.sub),
            y(income - expense),
            self.ordered_at.into(),
            "1".into(),
            y(self.goods),
            "0.00".into(),
            "0.00".into(),
            "0.00".into(),
            y(self.subsidy),
            "0.00".into(),
            y(self.goods),
            y(income),
            y(-self.service),
            y(-self.commission),
            "0.00".into(),
            y(-expense),
            "=HYPERLINK(\"x\")".into(),
            "聚合账户".into(),
        ]
    }
}

fn bill(lines: &[Line]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADER.join(","));
    out.push('\n');
    for l in lines {
        let cells: Vec<String> = l
            .cells()
            .into_iter()
            .map(|c| {
                if c.contains([',', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

fn line(order: u64, sub: u64, goods: i64, at: &'static str) -> Line {
    Line {
        order,
        sub,
        goods,
        subsidy: 0,
        service: 0,
        commission: 0,
        ordered_at: at,
    }
}

/// The shop channel's (net sales, platform fees, net received) in the sales report, from the
/// orders' placing (the shop's time, 2026-11-20) to tomorrow.
async fn shop_sales(app: &crate::helpers::TestApp) -> (i64, i64, i64) {
    let tomorrow = (chrono::Utc::now() + chrono::Duration::hours(32)).date_naive();
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/reports/sales?from=2026-11-01&to={tomorrow}&channel=douyin_shop"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let m = &r.json["totals"]["metrics"];
    let n = |k: &str| m[k].as_i64().unwrap_or(-1);
    (
        n("net_sales_fen"),
        n("platform_fees_fen"),
        n("net_received_fen"),
    )
}

#[tokio::test]
async fn a_settlement_bill_finds_every_class_posts_the_fees_and_is_applied_once() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    // Six shop orders of two melons (25.00 yuan), paid ten minutes apart.
    let rows: Vec<Row> = (0..6u64)
        .map(|i| {
            let mut r = Row::new(BASE + i, BASE + 100 + i, "GUA-1", 2, 1_250);
            r.paid_at = format!("2026-11-20 10:{:02}:00", i * 10);
            r
        })
        .collect();
    let imported = upload(&app, csv(&rows), false).await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    let order = |i: u64| order_of(&app, BASE + i);
    // Order 5 is refunded half by the office after the platform settled it.
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{}/payments", order(5).await),
            json!({"amount_fen": -1_250, "method": "platform", "reason": "坏果"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);

    let mut first = line(BASE, BASE + 100, 1_250, "2026-11-20 09:00:00");
    first.subsidy = 100;
    first.service = 63;
    first.commission = 125;
    let mut second = line(BASE, BASE + 200, 1_250, "2026-11-20 10:00:00");
    second.service = 62;
    let lines = vec![
        // Order 0 in two 子订单 rows: matched, with fees and a subsidy.
        first,
        second,
        // Order 1: matched.
        line(BASE + 1, BASE + 101, 2_500, "2026-11-20 10:10:00"),
        // Order 2: the platform settled a yuan less.
        line(BASE + 2, BASE + 102, 2_400, "2026-11-20 10:20:00"),
        // Order 5: settled whole, refunded half afterwards.
        line(BASE + 5, BASE + 105, 2_500, "2026-11-20 10:50:00"),
        // An order never imported.
        line(BASE + 900, BASE + 990, 3_000, "2026-11-20 12:00:00"),
    ];
    // Orders 3 and 4 were paid within the bill's span and are missing from it.
    let file = bill(&lines);
    let (before, _) = ledger_sums(&app, "platform_fees").await;
    let r = upload_bill(&app, file.clone(), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let b = &r.json;
    assert_eq!(b["kind"], "douyin_settlement");
    assert_eq!(b["lines"], 6);
    assert_eq!(b["fee_fen"], 250);
    assert_eq!(b["subsidy_fen"], 100);
    assert_eq!(class(b, "matched"), (2, 5_000, 5_000));
    assert_eq!(class(b, "amount_differs"), (1, 2_400, 2_500));
    assert_eq!(class(b, "refunded_after_settlement"), (1, 2_500, 1_250));
    assert_eq!(class(b, "bill_only"), (1, 3_000, 0));
    assert_eq!(class(b, "books_only"), (2, 0, 5_000));
    assert_eq!(b["open_exceptions"], 5);
    assert!(
        b["columns_unknown"]
            .as_array()
            .is_some_and(|u| u.iter().any(|c| c == "结算账户")),
        "{}",
        r.text
    );
    let bill_id = b["id"].as_i64().unwrap_or(0);

    // The fees and the subsidy are in the ledger against order 0, and the ledger balances.
    let (all, fees) = ledger_sums(&app, "platform_fees").await;
    assert_eq!((all, fees - before), (0, 250));
    let (_, subsidies) = ledger_sums(&app, "platform_subsidies").await;
    assert_eq!(subsidies, -100);
    let fee_orders = app
        .sql_i64("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'platform_fees'")
        .await;
    assert_eq!(fee_orders, 1);
    let on_order = app
        .sql_i64(&format!(
            "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'platform_fees' AND order_id = {}",
            order(0).await
        ))
        .await;
    assert_eq!(on_order, 1);
    // The reports: what the platform kept less what it added, and net sales less it, by hand.
    // Net sales: six orders of 25.00 less the 12.50 refunded.
    assert_eq!(shop_sales(&app).await, (13_750, 150, 13_600));
    // Orders 0, 1 and 5 had their platform payments confirmed.
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM reconciled_payments")
            .await,
        3
    );

    // The same file again: 200, the same bill, nothing new.
    let again = upload_bill(&app, file, "").await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(
        (
            again.json["already_applied"].as_bool(),
            again.json["id"].as_i64()
        ),
        (Some(true), Some(bill_id))
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'platform_fees'")
            .await,
        1
    );

    // The office answers the exceptions.
    let all_items = items(&app, bill_id).await;
    let of = |c: &str| {
        all_items
            .iter()
            .find(|i| i["class"] == c)
            .and_then(|i| i["id"].as_i64())
            .unwrap_or(0)
    };
    let resolve = |item: i64, body: serde_json::Value| {
        let app = &app;
        let sec = sec.clone();
        async move {
            app.post(
                &sec,
                &format!("/api/v1/bills/{bill_id}/items/{item}/resolution"),
                body,
            )
            .await
        }
    };
    let fee = resolve(of("amount_differs"), json!({"resolution": "fee_recorded"})).await;
    assert_eq!(fee.status, 200, "{}", fee.text);
    assert_eq!(ledger_sums(&app, "platform_fees").await, (0, before + 350));
    assert_eq!(shop_sales(&app).await, (13_750, 250, 13_500));
    resolve(
        of("amount_differs"),
        json!({"resolution": "explained", "note": "再说一次"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    resolve(of("bill_only"), json!({"resolution": "payment_recorded"}))
        .await
        .assert_problem(409, "invalid_transition");
    resolve(
        of("matched"),
        json!({"resolution": "explained", "note": "无"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    resolve(of("books_only"), json!({"resolution": "explained"}))
        .await
        .assert_field_error("note");
    let explained = resolve(
        of("books_only"),
        json!({"resolution": "explained", "note": "平台下月结算"}),
    )
    .await;
    assert_eq!(explained.status, 200, "{}", explained.text);
    assert_eq!(explained.json["note"], "平台下月结算");
    let now = app.get(&sec, &format!("/api/v1/bills/{bill_id}")).await;
    assert_eq!(now.json["open_exceptions"], 3, "{}", now.text);

    // A note that a spreadsheet would run is kept as typed.
    let formula = resolve(
        of("bill_only"),
        json!({"resolution": "explained", "note": "=1+2"}),
    )
    .await;
    assert_eq!(formula.json["note"], "=1+2", "{}", formula.text);

    // The exceptions as a file: the formula neutralised, the 19-digit ids kept whole for Excel.
    let file = app
        .get(
            &sec,
            &format!("/api/v1/bills/{bill_id}/exceptions?format=csv"),
        )
        .await;
    assert_eq!(file.status, 200);
    assert!(file.text.contains("金额不符") && file.text.contains("已记为平台费用"));
    assert!(file.text.contains(",'=1+2\r\n"), "{}", file.text);
    assert!(
        file.text.contains(&format!("\"=\"\"{}\"\"\"", BASE + 2)),
        "{}",
        file.text
    );
    assert_eq!(file.text.lines().count(), 1 + 5, "{}", file.text);
    let xlsx = app
        .get(
            &sec,
            &format!("/api/v1/bills/{bill_id}/exceptions?format=xlsx"),
        )
        .await;
    assert_eq!(xlsx.status, 200);
    let audit = app
        .sql_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('import_bill', 'resolve_bill_item')",
        )
        .await;
    assert_eq!(audit, 4);

    // The integrity check finds the books whole, then an order whose fees were changed by hand.
    use crate::integrity::{broken, check, exec, named};
    let (code, r) = check(&app);
    assert_eq!((code, broken(&r)), (0, Vec::<String>::new()), "{r}");
    let order0 = order(0).await;
    exec(
        &app,
        &format!("UPDATE orders SET platform_fees_fen = platform_fees_fen + 1 WHERE id = {order0}"),
    )
    .await;
    let (code, r) = check(&app);
    assert_eq!(code, 1);
    assert_eq!(named(&r, "platform_fees"), vec![order0], "{r}");
}

#[tokio::test]
async fn a_bill_that_cannot_be_read_is_refused_whole() {
    let app = spawn_app().await;
    let bills_before = app.sql_i64("SELECT COUNT(*) FROM bills").await;
    // An order export is no bill: the headers found are named.
    let r = upload_bill(&app, csv(&[Row::new(BASE, BASE + 1, "X", 1, 100)]), "").await;
    r.assert_field_error("file");
    assert!(r.text.contains("主订单编号"), "{}", r.text);
    // Three decimals on row 3.
    let mut bad = line(BASE, BASE + 1, 1_000, "2026-11-20 09:00:00");
    bad.goods = 1_000;
    let mut text = String::from_utf8(bill(&[
        line(BASE + 1, BASE + 2, 500, "2026-11-20 09:00:00"),
        bad,
    ]))
    .unwrap_or_default();
    text = text.replacen(",10.00,", ",10.005,", 1);
    let r = upload_bill(&app, text.into_bytes(), "").await;
    r.assert_field_error("file");
    assert!(r.text.contains("row 3"), "{}", r.text);
    // Settled ≠ income − expenses.
    let text = String::from_utf8(bill(&[line(
        BASE + 1,
        BASE + 2,
        500,
        "2026-11-20 09:00:00",
    )]))
    .unwrap_or_default()
    .replacen(",5.00,2026", ",4.00,2026", 1);
    let r = upload_bill(&app, text.into_bytes(), "").await;
    assert!(r.text.contains("结算金额"), "{}", r.text);
    // An order id Excel turned into a float.
    let text = String::from_utf8(bill(&[line(
        BASE + 1,
        BASE + 2,
        500,
        "2026-11-20 09:00:00",
    )]))
    .unwrap_or_default()
    .replacen(&format!("\t{}", BASE + 1), "6.93E+18", 1);
    let r = upload_bill(&app, text.into_bytes(), "").await;
    assert!(r.text.contains("科学计数法"), "{}", r.text);
    // Tolerances out of range.
    upload_bill(
        &app,
        bill(&[line(BASE + 1, BASE + 2, 500, "2026-11-20 09:00:00")]),
        "&time_tolerance_minutes=-1",
    )
    .await
    .assert_field_error("time_tolerance_minutes");
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM bills").await,
        bills_before
    );
}

/// One movement of the shop's balance in its fund bill (资金账单); money in fen.
fn fund_row(
    serial: u32,
    direction: &str,
    fen: i64,
    scene: &str,
    order: Option<u64>,
    fees: (i64, i64),
) -> String {
    let order = order.map(|o| format!("\t{o}")).unwrap_or_default();
    format!(
        "2026-11-26 0{}:00:00,\t{serial},{direction},{},聚合账户,{scene},订单,,{order},,{},{},0.00",
        serial % 10,
        y(fen),
        y(-fees.0),
        y(-fees.1)
    )
}

#[tokio::test]
async fn the_fund_bill_settles_refunds_after_settlement_and_never_posts_fees_twice() {
    const B2: u64 = BASE + 5_000;
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let rows: Vec<Row> = (0..3u64)
        .map(|i| Row::new(B2 + i, B2 + 100 + i, "GUA-1", 2, 1_250))
        .collect();
    assert_eq!(upload(&app, csv(&rows), false).await.status, 200);
    let (a, b, c) = (
        order_of(&app, B2).await,
        order_of(&app, B2 + 1).await,
        order_of(&app, B2 + 2).await,
    );
    // Order B was settled in last month's settlement bill, then refunded 5.00 by the office.
    let earlier = upload_bill(
        &app,
        bill(&[line(B2 + 1, B2 + 101, 2_500, "2026-11-20 09:00:00")]),
        "",
    )
    .await;
    assert_eq!(class(&earlier.json, "matched").0, 1, "{}", earlier.text);
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{b}/payments"),
            json!({"amount_fen": -500, "method": "platform", "reason": "坏果"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);

    let fund = [
        "动账时间,动帐流水号,动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,售后编号,平台服务费,佣金,平台补贴".to_owned(),
        // A settles: 25.00 less 0.63 + 1.25 in fees.
        fund_row(1, "入账", 2_312, "货款结算入账", Some(B2), (63, 125)),
        // B's refund after settlement, as the books have it.
        fund_row(2, "出账", 500, "退款-结算后退款-退用户", Some(B2 + 1), (0, 0)),
        // C's refund after settlement, which the books lack.
        fund_row(3, "出账", 300, "退款-结算后退款-退用户", Some(B2 + 2), (0, 0)),
        // A withdrawal to the bank concerns no order.
        fund_row(4, "出账", 10_000, "提现", None, (0, 0)),
        // A compensation paid to a buyer, named only by its serial number.
        fund_row(5, "出账", 200, "消费者赔付", None, (0, 0)),
    ]
    .join("\n");
    let (_, fees_before) = ledger_sums(&app, "platform_fees").await;
    let r = upload_bill(&app, fund.into_bytes(), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let f = &r.json;
    assert_eq!(
        (f["kind"].as_str(), f["lines"].as_i64()),
        (Some("douyin_fund"), Some(4)),
        "{}",
        r.text
    );
    assert_eq!(class(f, "matched"), (1, 2_500, 2_500));
    assert_eq!(class(f, "refunded_after_settlement"), (1, -500, -500));
    assert_eq!(class(f, "amount_differs"), (1, -300, 0));
    assert_eq!(class(f, "bill_only"), (1, -200, 0));
    assert_eq!(
        class(f, "books_only").0,
        0,
        "a fund bill does not say what was never settled"
    );
    assert_eq!(
        ledger_sums(&app, "platform_fees").await,
        (0, fees_before + 188)
    );

    // C's refund, recorded from the bill in one tap.
    let all = items(&app, f["id"].as_i64().unwrap_or(0)).await;
    let c_item = all
        .iter()
        .find(|i| i["order_id"] == c)
        .cloned()
        .unwrap_or_default();
    let done = app
        .post(
            &sec,
            &format!(
                "/api/v1/bills/{}/items/{}/resolution",
                f["id"], c_item["id"]
            ),
            json!({"resolution": "payment_recorded"}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let order_c = app.get(&sec, &format!("/api/v1/orders/{c}")).await;
    assert_eq!(order_c.json["paid_fen"], 2_200, "{}", order_c.text);

    // The settlement bill of the same money, uploaded after: A matches, its fees are not posted again.
    let mut settled = line(B2, B2 + 100, 2_500, "2026-11-20 09:00:00");
    settled.service = 63;
    settled.commission = 125;
    let again = upload_bill(&app, bill(&[settled]), "").await;
    assert_eq!(class(&again.json, "matched").0, 1, "{}", again.text);
    assert_eq!(
        ledger_sums(&app, "platform_fees").await,
        (0, fees_before + 188)
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT platform_fees_fen FROM orders WHERE id = {a}"
        ))
        .await,
        188
    );
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(
        (code, crate::integrity::broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
}
