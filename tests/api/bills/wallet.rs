//! WeChat Pay's and Alipay's trade bills against the payments recorded by those methods.

use super::{class, items, ledger_sums, upload_bill, y};
use crate::helpers::{TestApp, spawn_app_with};
use serde_json::json;

const WX_HEADER: [&str; 27] = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];

/// One line of a WeChat bill: a payment, or a refund when `refund_no` is set; money in fen.
struct Wx {
    at: &'static str,
    transaction: &'static str,
    out_trade_no: String,
    amount: i64,
    refund_no: Option<&'static str>,
    fee: i64,
}

/// The bill as WeChat writes it: every cell after a backtick, then the totals block.
fn wechat(merchant: &str, lines: &[Wx], fee_total: Option<i64>) -> Vec<u8> {
    let mut out = WX_HEADER.join(",");
    out.push('\n');
    for l in lines {
        let refund = l.refund_no.is_some();
        let cells = [
            l.at.to_owned(),
            "wx2421b1c4370ec43b".into(),
            merchant.into(),
            "0".into(),
            String::new(),
            l.transaction.into(),
            l.out_trade_no.clone(),
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            "JSAPI".into(),
            if refund { "REFUND" } else { "SUCCESS" }.into(),
            "OTHERS".into(),
            "CNY".into(),
            y(if refund { 0 } else { l.amount }),
            "0.00".into(),
            if refund {
                "50000000382019052709732678859"
            } else {
                "0"
            }
            .into(),
            l.refund_no.unwrap_or("0").into(),
            y(if refund { l.amount } else { 0 }),
            "0.00".into(),
            if refund { "ORIGINAL" } else { "" }.into(),
            if refund { "SUCCESS" } else { "" }.into(),
            "巨峰葡萄".into(),
            String::new(),
            y(l.fee),
            "0.60%".into(),
            y(if refund { 0 } else { l.amount }),
            y(if refund { l.amount } else { 0 }),
            String::new(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| format!("`{c}"))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    let fees = fee_total.unwrap_or_else(|| lines.iter().map(|l| l.fee).sum());
    out.push_str("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
    out.push_str(&format!(
        "`{},`0.00,`0.00,`0.00,`{},`0.00,`0.00\n",
        lines.len(),
        y(fees)
    ));
    out.into_bytes()
}

/// An order of `fen` with a payment recorded at `at` (village time), `reference` if any.
async fn paid_order(
    app: &TestApp,
    batch: i64,
    buyer: i64,
    method: &str,
    fen: i64,
    at: &str,
    reference: Option<&str>,
) -> (i64, i64) {
    let sec = app.token("secretary").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": fen / 100}]}))
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.json["id"].as_i64().unwrap_or(0);
    let p = app
        .post(
            &sec,
            &format!("/api/v1/orders/{id}/payments"),
            json!({"amount_fen": fen, "method": method, "reference": reference, "paid_at": format!("{at}+08:00")}),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.text);
    (id, p.json["payment"]["id"].as_i64().unwrap_or(0))
}

fn number(order: i64) -> String {
    format!("ZN{order:06}")
}

#[tokio::test]
async fn a_wechat_bill_with_its_quirks_matches_by_number_then_by_amount_and_time() {
    let app = spawn_app_with(|s| s.wechat_merchant_no = Some("1900000109".into())).await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 1_000, 100).await;
    let buyer = app.buyer("individual").await;
    let (o1, _) = paid_order(
        &app,
        batch,
        buyer,
        "wechat_pay",
        3_000,
        "2026-11-28T10:00:00",
        Some("4200000001"),
    )
    .await;
    let (_, p2) = paid_order(
        &app,
        batch,
        buyer,
        "wechat_pay",
        2_000,
        "2026-11-28T10:30:00",
        None,
    )
    .await;
    let (_, _) = paid_order(
        &app,
        batch,
        buyer,
        "wechat_pay",
        1_500,
        "2026-11-28T11:00:00",
        Some("4200000003"),
    )
    .await;
    let (_, p4) = paid_order(
        &app,
        batch,
        buyer,
        "wechat_pay",
        1_000,
        "2026-11-28T11:30:00",
        None,
    )
    .await;
    // Order 5 was paid, but nobody recorded it.
    let o5 = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 8}]}))
        .await
        .json["id"]
        .as_i64()
        .unwrap_or(0);
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{o1}/payments"),
            json!({"amount_fen": -500, "method": "wechat_pay", "reason": "坏果", "reference": "RF0001", "paid_at": "2026-11-28T12:00:00+08:00"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);

    let lines = vec![
        Wx {
            at: "2026-11-28 10:00:05",
            transaction: "4200000001",
            out_trade_no: "X1".into(),
            amount: 3_000,
            refund_no: None,
            fee: 18,
        },
        Wx {
            at: "2026-11-28 10:35:00",
            transaction: "4200000002",
            out_trade_no: "X2".into(),
            amount: 2_000,
            refund_no: None,
            fee: 12,
        },
        Wx {
            at: "2026-11-28 11:00:00",
            transaction: "4200000003",
            out_trade_no: "X3".into(),
            amount: 1_400,
            refund_no: None,
            fee: 8,
        },
        Wx {
            at: "2026-11-28 11:40:00",
            transaction: "4200000005",
            out_trade_no: number(o5),
            amount: 800,
            refund_no: None,
            fee: 5,
        },
        Wx {
            at: "2026-11-28 12:00:30",
            transaction: "4200000001",
            out_trade_no: "X1".into(),
            amount: 500,
            refund_no: Some("RF0001"),
            fee: -3,
        },
    ];
    // Another merchant's bill, and totals that disagree with the lines, change nothing.
    upload_bill(&app, wechat("1900000999", &lines, None), "")
        .await
        .assert_field_error("file");
    let r = upload_bill(&app, wechat("1900000109", &lines, Some(41)), "").await;
    r.assert_field_error("file");
    assert!(r.text.contains("totals"), "{}", r.text);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM bills").await, 0);

    let r = upload_bill(
        &app,
        wechat("1900000109", &lines, None),
        "&time_tolerance_minutes=10",
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let b = &r.json;
    assert_eq!(
        (b["kind"].as_str(), b["merchant_no"].as_str()),
        (Some("wechat_all"), Some("1900000109"))
    );
    // By number: the payment (4200000001) and its refund (RF0001); by amount and time: order 2.
    assert_eq!(class(b, "matched"), (3, 4_500, 4_500));
    assert_eq!(class(b, "amount_differs"), (1, 1_400, 1_500));
    assert_eq!(class(b, "bill_only"), (1, 800, 0));
    assert_eq!(class(b, "books_only"), (1, 0, 1_000));
    let all = items(&app, b["id"].as_i64().unwrap_or(0)).await;
    let matched_p2 = all
        .iter()
        .any(|i| i["class"] == "matched" && i["payment_id"] == p2);
    let missing_p4 = all
        .iter()
        .any(|i| i["class"] == "books_only" && i["payment_id"] == p4);
    assert!(matched_p2 && missing_p4, "{all:?}");
    // The fees (the refund's given back) are in the ledger, balanced.
    assert_eq!(ledger_sums(&app, "platform_fees").await, (0, 40));

    // The money of order 5 the bill has: recorded on it in one tap, and confirmed.
    let bill_only = all
        .iter()
        .find(|i| i["class"] == "bill_only")
        .cloned()
        .unwrap_or_default();
    assert_eq!(bill_only["order_id"], o5);
    let done = app
        .post(
            &sec,
            &format!(
                "/api/v1/bills/{}/items/{}/resolution",
                b["id"], bill_only["id"]
            ),
            json!({"resolution": "payment_recorded"}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let order5 = app.get(&sec, &format!("/api/v1/orders/{o5}")).await;
    assert_eq!(order5.json["paid_fen"], 800, "{}", order5.text);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM reconciled_payments")
            .await,
        4
    );

    // A later bill of the same day does not match the confirmed payments again.
    let later = vec![Wx {
        at: "2026-11-28 10:00:05",
        transaction: "4200000009",
        out_trade_no: "X9".into(),
        amount: 3_000,
        refund_no: None,
        fee: 0,
    }];
    let r = upload_bill(&app, wechat("1900000109", &later, None), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(class(&r.json, "matched").0, 0, "{}", r.text);
    assert_eq!(class(&r.json, "bill_only").0, 1, "{}", r.text);
    assert_eq!(r.json["fees_reduce_commission_base"], false, "the default");
}

#[tokio::test]
async fn an_alipay_bill_is_read_past_its_hash_lines_and_checked_for_its_account() {
    let app = spawn_app_with(|s| s.alipay_account = Some("2088123412341234".into())).await;
    let batch = app.batch("by_piece", 1_000, 100).await;
    let buyer = app.buyer("individual").await;
    let (o1, _) = paid_order(
        &app,
        batch,
        buyer,
        "alipay",
        2_000,
        "2026-11-28T09:00:00",
        None,
    )
    .await;
    let bill = |account: &str| {
        format!(
            "#支付宝业务明细查询\n#账号：[{account}]\n#起始日期：[2026年11月28日 00:00:00]   终止日期：[2026年11月29日 00:00:00]\n\
             #-----------------------------------------业务明细列表----------------------------------------\n\
             支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n\
             2026112822001400001\t,{}\t,交易,葡萄,2026-11-28 08:59:50,2026-11-28 09:00:02,,,,,a***@163.com,20.00,20.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.12,0.00,\n\
             #-----------------------------------------业务明细列表结束------------------------------------\n\
             #交易合计：1笔，商家实收：20.00元\n",
            number(o1)
        )
        .into_bytes()
    };
    upload_bill(&app, bill("2088999999999999"), "")
        .await
        .assert_field_error("file");
    let r = upload_bill(&app, bill("2088123412341234"), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["kind"], "alipay");
    assert_eq!(class(&r.json, "matched"), (1, 2_000, 2_000));
    assert_eq!(ledger_sums(&app, "platform_fees").await, (0, 12));
}

#[tokio::test]
async fn racing_uploads_apply_a_file_once_and_confirm_a_payment_once() {
    let app = std::sync::Arc::new(spawn_app_with(|_| {}).await);
    let batch = app.batch("by_piece", 1_000, 100).await;
    let buyer = app.buyer("individual").await;
    paid_order(
        &app,
        batch,
        buyer,
        "wechat_pay",
        3_000,
        "2026-11-28T10:00:00",
        Some("4200000001"),
    )
    .await;
    let lines = vec![Wx {
        at: "2026-11-28 10:00:05",
        transaction: "4200000001",
        out_trade_no: "X1".into(),
        amount: 3_000,
        refund_no: None,
        fee: 18,
    }];
    let first = wechat("1900000109", &lines, None);
    // The same money in another file (a blank line at its end).
    let mut other = first.clone();
    other.push(b'\n');
    let mut tasks = tokio::task::JoinSet::new();
    for body in [first.clone(), first.clone(), first, other] {
        let app = app.clone();
        tasks.spawn(async move { upload_bill(&app, body, "").await });
    }
    let mut answers = Vec::new();
    while let Some(r) = tasks.join_next().await {
        answers.push(r.unwrap_or_else(|e| panic!("{e}")));
    }
    let created = answers.iter().filter(|r| r.status == 201).count();
    let again = answers
        .iter()
        .filter(|r| r.status == 200 && r.json["already_applied"] == true)
        .count();
    assert_eq!(
        (created, again),
        (2, 2),
        "{:?}",
        answers.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM bills").await, 2);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM reconciled_payments")
            .await,
        1
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM bill_items WHERE class = 'matched'")
            .await,
        1,
        "one bill confirms the payment, the other finds it confirmed"
    );
}

/// A payment of `fen` by WeChat with its 微信订单号, at the bill's time below.
async fn pay_wechat(app: &TestApp, order: i64, fen: i64, reference: &str) {
    let r = app
        .post(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}/payments"),
            json!({"amount_fen": fen, "method": "wechat_pay", "reference": reference, "paid_at": "2026-11-28T10:00:00+08:00"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn fees_set_to_reduce_the_commission_base_are_borne_by_the_sale_and_agree_everywhere() {
    use crate::money::{deliver, grape_farm, rule, weighed_orders};
    let app = std::sync::Arc::new(spawn_app_with(|s| s.fees_reduce_commission_base = true).await);
    let sec = app.token("secretary").await;
    let (collective, grower, _, batch) = grape_farm(&app, 10, 10_000).await;
    rule(&app, json!({"scope": "batch", "batch_id": batch, "basis_points": 1_000, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]})).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 3).await;
    deliver(&app, &orders).await;
    let (a, b, c) = (orders[0], orders[1], orders[2]);
    // A and B are paid in full and settle; C is paid in part, so the fees reach it first.
    pay_wechat(&app, a, 10_000, "4200000101").await;
    pay_wechat(&app, b, 10_000, "4200000102").await;
    pay_wechat(&app, c, 6_000, "4200000103").await;
    let commission = async |app: &TestApp| {
        -app.sql_i64(&format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_entries \
             WHERE collective_id = {collective}"
        ))
        .await
    };
    assert_eq!(commission(&app).await, 2_000, "10 % of A and B, settled");

    let line = |transaction: &'static str, order: i64, amount: i64, fee: i64| Wx {
        at: "2026-11-28 10:00:00",
        transaction,
        out_trade_no: number(order),
        amount,
        refund_no: None,
        fee,
    };
    let lines = vec![
        line("4200000101", a, 10_000, 60),
        line("4200000102", b, 10_000, 60),
        line("4200000103", c, 6_000, 36),
    ];
    let r = upload_bill(&app, wechat("1900000109", &lines, None), "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(class(&r.json, "matched").0, 3, "{}", r.text);
    assert_eq!(r.json["fees_reduce_commission_base"], true, "{}", r.text);

    // A and B are settled again on 100.00 − 0.60: commission 9.94 each.
    assert_eq!(commission(&app).await, 1_988);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'reversal' \
             AND description LIKE '%平台费用%' AND order_id IN ({a}, {b})"
        ))
        .await,
        2
    );
    // C settles with its fees in: 10 % of 99.64 is 9.964 → 9.96.
    pay_wechat(&app, c, 4_000, "4200000104").await;
    assert_eq!(commission(&app).await, 1_988 + 996);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id IN ({a}, {b}, {c}) \
             AND status = 'settled' AND fees_reduce_commission_base = {}",
            if crate::helpers::backend_name() == "postgres" {
                "true"
            } else {
                "1"
            }
        ))
        .await,
        3
    );

    // The fees are charged on to the sales: the fees account nets to zero, the ledger balances.
    assert_eq!(ledger_sums(&app, "platform_fees").await, (0, 0));
    // The grower bears the fees less the commission on them: 3 × 100.00 − 1.56 − 29.84.
    let payable = 30_000 - 156 - 2_984;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let account = app
        .get(
            &sec,
            &format!("/api/v1/growers/{grower}/account?from={today}&to={today}"),
        )
        .await;
    assert_eq!(account.status, 200, "{}", account.text);
    let t = &account.json["totals"];
    assert_eq!(
        (
            t["sales_fen"].as_i64(),
            t["commission_fen"].as_i64(),
            t["platform_fees_fen"].as_i64(),
            t["payable_fen"].as_i64()
        ),
        (Some(30_000), Some(2_984), Some(156), Some(payable)),
        "{}",
        account.text
    );
    assert_eq!(account.json["closing_balance_fen"], payable);
    // The sales figures say the same, line by line.
    let facts = |col: &str| {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM({col}), 0) AS BIGINT) FROM sales_facts \
             WHERE order_id IN ({a}, {b}, {c})"
        );
        let app = app.clone();
        async move { app.sql_i64(&sql).await }
    };
    assert_eq!(facts("commission_fen").await, 2_984);
    assert_eq!(facts("grower_payable_fen").await, payable);
    assert_eq!(facts("platform_fees_fen").await, 156);
    let st = app
        .post(
            &sec,
            &format!("/api/v1/growers/{grower}/statements"),
            json!({}),
        )
        .await;
    assert_eq!(st.status, 201, "{}", st.text);
    assert_eq!(
        (
            st.json["platform_fees_fen"].as_i64(),
            st.json["payable_fen"].as_i64()
        ),
        (Some(156), Some(payable)),
        "{}",
        st.text
    );

    // A refund afterwards settles what remains, the fees still off it: 10 % of 90.00 − 0.60.
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{a}/payments"),
            json!({"amount_fen": -1_000, "method": "wechat_pay", "reason": "坏果"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    assert_eq!(commission(&app).await, 894 + 994 + 996);
    assert_eq!(facts("commission_fen").await, 894 + 994 + 996);
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(
        (code, crate::integrity::broken(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    // A settlement that did not charge the fees on is named.
    crate::integrity::exec(
        &app,
        &format!("UPDATE orders SET fees_reduce_commission_base = NULL WHERE id = {b}"),
    )
    .await;
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(code, 1);
    assert!(
        crate::integrity::named(&report, "platform_fees").contains(&b),
        "{report}"
    );
}
