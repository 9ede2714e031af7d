//! Bad files refused whole, bad rows refused alone; imports racing helpers' orders and each
//! other; the ship-back file.

use super::files::{Row, csv};
use super::{map_sku, totals, upload};
use crate::helpers::spawn_app;
use serde_json::json;

const BASE: u64 = 6_930_000_000_000_000_000;

#[tokio::test]
async fn bad_files_are_refused_whole_and_bad_rows_alone() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let not_a_table = upload(&app, b"\x00\x01\x02 binary".to_vec(), false).await;
    not_a_table.assert_field_error("file");
    let no_header = upload(&app, "姓名,电话\n张三,138\n".as_bytes().to_vec(), false).await;
    no_header.assert_field_error("file");
    assert!(no_header.text.contains("姓名, 电话"), "{}", no_header.text);
    let too_big = upload(&app, vec![b'a'; 50 * 1024 * 1024 + 1], false).await;
    assert_eq!(too_big.status, 413, "{}", too_big.text);

    let good = Row::new(BASE, BASE + 1, "GUA-1", 1, 1_250);
    let mut mangled = Row::new(BASE + 2, BASE + 3, "GUA-1", 1, 1_250);
    mangled.main = "6.93E+18".into();
    let mut wrong_sum = Row::new(BASE + 4, BASE + 5, "GUA-1", 1, 1_250);
    wrong_sum.host_fen = 0;
    let mut bad_date = Row::new(BASE + 6, BASE + 7, "GUA-1", 1, 1_250);
    bad_date.paid_at = "28.11.2026 20:15".into();
    let mut formula = Row::new(BASE + 8, BASE + 9, "GUA-1", 1, 1_250);
    formula.recipient = "=HYPERLINK(\"http://x\")".into();
    let mut file =
        String::from_utf8(csv(&[good, mangled, wrong_sum, bad_date, formula])).unwrap_or_default();
    // A row whose amounts do not add up: paid written as 1 fen more than goods less discounts.
    let written = format!("\t{},巨峰葡萄 5斤装,GUA-1,1,12.50,12.50", BASE + 5);
    assert!(file.contains(&written), "{file}");
    file = file.replace(
        &written,
        &format!("\t{},巨峰葡萄 5斤装,GUA-1,1,12.50,12.52", BASE + 5),
    );
    let r = upload(&app, file.into_bytes(), false).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(totals(&r.json), (5, 2, 0, 0, 0, 3), "{}", r.text);
    let reasons: Vec<&str> = r.json["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["reason"].as_str())
        .collect();
    assert!(reasons[0].contains("科学计数法"), "{reasons:?}");
    assert!(reasons[1].contains("金额对不上"), "{reasons:?}");
    assert!(reasons[2].contains("格式无法识别"), "{reasons:?}");
    assert_eq!(app.stock(batch).await, 98);
    // The formula is kept as text, and neutralised on the way out.
    let order = super::order_of(&app, BASE + 8).await;
    let sec = app.token("secretary").await;
    let f = app
        .get(&sec, &format!("/api/v1/orders/{order}/fulfilment"))
        .await;
    assert_eq!(
        f.json["recipient"]["name"], "=HYPERLINK(\"http://x\")",
        "{}",
        f.text
    );
    let waiting = app
        .get(&app.token("station").await, "/api/v1/parcels/waiting")
        .await;
    assert!(!waiting.text.contains(",=HYPERLINK"), "{}", waiting.text);
    // The shop's channel is the import's alone.
    let buyer = app.buyer("individual").await;
    let by_hand = app
        .place_order(
            &app.token("helper").await,
            json!({"buyer_id": buyer, "channel": "douyin_shop", "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await;
    by_hand.assert_field_error("channel");
    assert_eq!(app.stock(batch).await, 98);
}

#[tokio::test]
async fn shop_imports_racing_helper_orders_never_oversell() {
    let app = std::sync::Arc::new(spawn_app().await);
    let batch = app.batch("by_piece", 60, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let buyer = app.buyer("individual").await;
    let helper = app.token("helper").await;
    let rows: Vec<Row> = (0..50)
        .map(|i| Row::new(BASE + 100 + i, BASE + 200 + i, "GUA-1", 1, 1_250))
        .collect();
    let file = csv(&rows);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let app = app.clone();
        let helper = helper.clone();
        let file = file.clone();
        tasks.push(tokio::spawn(async move {
            if i % 25 == 0 {
                let r = upload(&app, file, false).await;
                assert_eq!(r.status, 200, "{}", r.text);
                0
            } else {
                let r = app
                    .place_order(&helper, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
                    .await;
                assert!(matches!(r.status, 201 | 409), "{}", r.text);
                i64::from(r.status == 201)
            }
        }));
    }
    let mut helper_sold = 0;
    for t in tasks {
        helper_sold += t.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let shop_sold = app
        .sql_i64(
            "SELECT COUNT(*) FROM orders WHERE channel = 'douyin_shop' AND status <> 'cancelled'",
        )
        .await;
    let stock = app.stock(batch).await;
    assert!(stock >= 0);
    assert_eq!(
        helper_sold + shop_sold + stock,
        60,
        "helper {helper_sold}, shop {shop_sold}, left {stock}"
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(DISTINCT platform_order_id) FROM shop_orders")
            .await,
        app.sql_i64("SELECT COUNT(*) FROM shop_orders").await,
        "four imports of one file made each order once"
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM buyers WHERE name = '抖店顾客'")
            .await,
        1,
        "and one buyer for the shop's customers"
    );
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(code, 0, "{report}");
}

#[tokio::test]
async fn shipped_shop_orders_go_back_in_the_batch_shipping_layout_once() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let rows: Vec<Row> = (0..2)
        .map(|i| Row::new(BASE + 300 + i, BASE + 400 + i, "GUA-1", 1, 1_250))
        .collect();
    assert_eq!(totals(&upload(&app, csv(&rows), false).await.json).1, 2);
    let order = super::order_of(&app, BASE + 300).await;
    let line = super::first_line(&app, order).await;
    crate::shipping::weigh_boxes(&app, line, 1).await;
    let packed = crate::shipping::pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_250, "carrier": "zhongtong"}),
    )
    .await;
    assert_eq!(packed.status, 201, "{}", packed.text);
    let parcel = packed.json["id"].as_i64().unwrap_or(0);
    let st = app.token("station").await;
    let shipped = app
        .post(
            &st,
            &format!("/api/v1/parcels/{parcel}/ship"),
            json!({"tracking_no": "ZT7500000009"}),
        )
        .await;
    assert_eq!(shipped.status, 200, "{}", shipped.text);
    let sec = app.token("secretary").await;
    let file = app
        .post(
            &sec,
            "/api/v1/shop/ship-back-files?only_new=true",
            json!({}),
        )
        .await;
    assert_eq!(file.status, 200, "{}", file.text);
    let lines: Vec<&str> = file.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "订单号,物流公司,运单号",
            &format!("{},中通快递,ZT7500000009", BASE + 300)
        ]
    );
    let again = app
        .post(
            &sec,
            "/api/v1/shop/ship-back-files?only_new=true",
            json!({}),
        )
        .await;
    assert_eq!(
        again.text.trim_start_matches('\u{feff}').lines().count(),
        1,
        "only the new ones"
    );
    let all = app
        .post(&sec, "/api/v1/shop/ship-back-files", json!({}))
        .await;
    assert_eq!(
        all.text.trim_start_matches('\u{feff}').lines().count(),
        2,
        "all of them"
    );
    // Closed in the shop after it shipped: refused, with nothing refunded or given back.
    let mut closed = rows.clone();
    closed[0].state = "已关闭".into();
    let r = upload(&app, csv(&closed), false).await;
    assert_eq!(totals(&r.json), (2, 0, 1, 0, 0, 1), "{}", r.text);
    assert!(
        r.json["rows"][0]["reason"]
            .as_str()
            .is_some_and(|x| x.contains("不能再取消")),
        "{}",
        r.text
    );
    assert_eq!(app.stock(batch).await, 98);
    // A 子订单编号 twice in one order refuses the order.
    let twice = vec![
        Row::new(BASE + 310, BASE + 410, "GUA-1", 1, 1_250),
        Row::new(BASE + 310, BASE + 410, "GUA-1", 1, 1_250),
    ];
    let r = upload(&app, csv(&twice), false).await;
    assert_eq!(totals(&r.json), (2, 0, 0, 0, 0, 2), "{}", r.text);
}

#[tokio::test]
async fn the_integrity_check_names_a_shop_order_whose_refunds_do_not_add_up() {
    use crate::integrity::{broken, check, exec, named};
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let mut rows: Vec<Row> = (0..3)
        .map(|i| Row::new(BASE + 500, BASE + 600 + i, "GUA-1", 1, 1_250))
        .collect();
    assert_eq!(totals(&upload(&app, csv(&rows), false).await.json).1, 3);
    // A later export: one line refunded after its order was imported.
    rows[1].after_sale = "退款成功".into();
    assert_eq!(totals(&upload(&app, csv(&rows), false).await.json).3, 3);
    let order = super::order_of(&app, BASE + 500).await;
    let (code, r) = check(&app);
    assert_eq!((code, broken(&r)), (0, Vec::<String>::new()), "{r}");
    exec(
        &app,
        &format!("UPDATE shop_orders SET refunded_fen = refunded_fen + 1 WHERE order_id = {order}"),
    )
    .await;
    let (code, r) = check(&app);
    assert_eq!(code, 1);
    assert_eq!(named(&r, "shop_orders"), vec![order], "{r}");
    exec(
        &app,
        &format!(
            "UPDATE shop_orders SET refunded_fen = refunded_fen - 1 WHERE order_id = {order}; \
             DELETE FROM shop_order_lines WHERE sub_order_id = '{}'",
            BASE + 602
        ),
    )
    .await;
    let (_, r) = check(&app);
    assert_eq!(
        named(&r, "shop_orders"),
        vec![order],
        "a line without its 子订单编号: {r}"
    );
}

#[tokio::test]
async fn a_file_is_worked_through_in_parts_and_an_order_split_across_them_is_refused() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.import_orders_per_read = 3;
        s.import_orders_per_tx = 2;
    })
    .await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let mut rows: Vec<Row> = (0..10)
        .map(|i| Row::new(BASE + 700 + i, BASE + 800 + i, "GUA-1", 1, 1_250))
        .collect();
    // The first order's second line comes last, three parts later.
    rows.push(Row::new(BASE + 700, BASE + 899, "GUA-1", 2, 1_250));
    let preview = upload(&app, csv(&rows), true).await;
    assert_eq!(
        totals(&preview.json),
        (11, 10, 0, 0, 0, 1),
        "{}",
        preview.text
    );
    assert_eq!(preview.json["rows"][0]["line"], 12);
    assert!(
        preview.json["rows"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("没有挨在一起")),
        "{}",
        preview.text
    );
    let commit = upload(&app, csv(&rows), false).await;
    assert_eq!(
        totals(&commit.json),
        totals(&preview.json),
        "{}",
        commit.text
    );
    assert_eq!(app.stock(batch).await, 90);
    let results = app
        .get(
            &app.token("secretary").await,
            &format!(
                "/api/v1/shop/order-imports/{}/results.csv",
                commit.json["id"]
            ),
        )
        .await;
    let lines: Vec<&str> = results
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .collect();
    let numbers: Vec<&str> = lines[1..]
        .iter()
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(
        numbers,
        (2..=12).map(|n| n.to_string()).collect::<Vec<_>>(),
        "in file order"
    );
}

#[tokio::test]
async fn an_order_in_two_parcels_goes_back_with_the_one_that_left() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let rows = vec![Row::new(BASE + 900, BASE + 901, "GUA-1", 2, 1_250)];
    assert_eq!(totals(&upload(&app, csv(&rows), false).await.json).1, 1);
    let order = super::order_of(&app, BASE + 900).await;
    let line = super::first_line(&app, order).await;
    let crates = crate::shipping::weigh_boxes(&app, line, 2).await;
    let first = crate::shipping::pack(
        &app,
        json!({"order_ids": [order], "crate_ids": [crates[0]], "weight_g": 2_250, "carrier": "zhongtong"}),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let second = crate::shipping::pack(
        &app,
        json!({"order_ids": [order], "crate_ids": [crates[1]], "weight_g": 2_250, "carrier": "yunda"}),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let st = app.token("station").await;
    let shipped = app
        .post(
            &st,
            &format!("/api/v1/parcels/{}/ship", second.json["id"]),
            json!({"tracking_no": "YD4300000001"}),
        )
        .await;
    assert_eq!(shipped.status, 200, "{}", shipped.text);
    let sec = app.token("secretary").await;
    let file = app
        .post(
            &sec,
            "/api/v1/shop/ship-back-files?only_new=true",
            json!({}),
        )
        .await;
    let lines: Vec<&str> = file.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "订单号,物流公司,运单号",
            &format!("{},韵达快递,YD4300000001", BASE + 900)
        ]
    );
}

#[tokio::test]
async fn a_refund_the_office_made_first_is_not_made_again_by_the_shops_export() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 100, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    // One order of two melons, two 子订单 rows.
    let mut rows: Vec<Row> = (0..2)
        .map(|i| Row::new(BASE + 700, BASE + 710 + i, "GUA-1", 1, 1_250))
        .collect();
    assert_eq!(totals(&upload(&app, csv(&rows), false).await.json).1, 2);
    let order = super::order_of(&app, BASE + 700).await;
    // The buyer complained by phone; the office refunded one melon at once.
    let by_hand = app
        .post(
            &sec,
            &format!("/api/v1/orders/{order}/payments"),
            json!({"amount_fen": -1_250, "method": "platform", "reason": "坏果，电话里退了"}),
        )
        .await;
    assert_eq!(by_hand.status, 201, "{}", by_hand.text);
    // The shop's later export says that line was refunded: marked, and no money moves again.
    rows[0].after_sale = "退款成功".into();
    let later = upload(&app, csv(&rows), false).await;
    assert_eq!(totals(&later.json).3, 2, "{}", later.text);
    assert!(later.text.contains("不再重复退款"), "{}", later.text);
    let o = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    assert_eq!(o.json["paid_fen"], 1_250, "{}", o.text);
    // The second melon refunded in the shop: this one is owed, and refunded once.
    rows[1].after_sale = "退款成功".into();
    upload(&app, csv(&rows), false).await;
    upload(&app, csv(&rows), false).await;
    let o = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    assert_eq!(o.json["paid_fen"], 0, "{}", o.text);
    let (code, r) = crate::integrity::check(&app);
    assert_eq!(
        (code, crate::integrity::broken(&r)),
        (0, Vec::<String>::new()),
        "{r}"
    );
}
