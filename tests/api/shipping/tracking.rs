//! The bulk paths: the waiting parcels exported for a courier's printing tool, and the tracking
//! numbers imported back, row by row, idempotently.

use super::{order_with, parsed, status, weigh_boxes};
use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

/// `n` weighed parcel orders with a recipient; their numbers (ZN…).
async fn weighed_parcels(app: &TestApp, n: usize) -> Vec<(i64, String)> {
    let batch = app.batch("by_piece", 10_000, 6_800).await;
    let buyer = app.buyer("individual").await;
    let r = parsed(app).await;
    let mut out = Vec::new();
    for _ in 0..n {
        let (order, line) = order_with(
            app,
            buyer,
            batch,
            1,
            json!({"fulfilment": "parcel", "recipient": r}),
        )
        .await;
        weigh_boxes(app, line, 1).await;
        out.push((order, format!("ZN{order:06}")));
    }
    out
}

async fn upload(app: &TestApp, body: Vec<u8>, content_type: &str) -> crate::helpers::Reply {
    let t = app.token("secretary").await;
    crate::helpers::Reply::from(
        app.client
            .post(app.url("/api/v1/parcels/tracking-import"))
            .bearer_auth(t)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await
}

fn results(r: &Value) -> Vec<String> {
    r["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| x["result"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_waiting_parcels_export_as_a_courier_tool_reads_them() {
    let app = spawn_app().await;
    let orders = weighed_parcels(&app, 2).await;
    let t = app.token("station").await;
    let csv = app.get(&t, "/api/v1/parcels/waiting").await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "订单号,收件人,收件人手机,省,市,区县,详细地址,完整地址,重量（千克）,物品,备注"
    );
    assert_eq!(lines.len(), 3, "{}", csv.text);
    assert!(lines[1].starts_with(&format!("{},张三,13800001234,安徽省,亳州市,利辛县,张村镇红光村3组,安徽省亳州市利辛县张村镇红光村3组,2.00,", orders[0].1)), "{}", lines[1]);
    let xlsx = app
        .client
        .get(app.url("/api/v1/parcels/waiting?format=xlsx"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap_or_default();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap_or_else(|e| panic!("{e}"));
    let range = book
        .worksheet_range_at(0)
        .and_then(Result::ok)
        .unwrap_or_default();
    assert_eq!(range.height(), 3);
    let bad = app.get(&t, "/api/v1/parcels/waiting?format=pdf").await;
    bad.assert_field_error("format");
}

#[tokio::test]
async fn a_tracking_file_applies_row_by_row_and_again_changes_nothing() {
    let app = spawn_app().await;
    let orders = weighed_parcels(&app, 12).await;
    let mut csv = String::from("订单号,物流公司,运单号\n");
    for (i, (_, number)) in orders.iter().enumerate() {
        csv.push_str(&format!("{number},中通,ZT{:010}\n", 500 + i));
    }
    csv.push_str("ZN999999,中通,ZT9999999999\n");
    csv.push_str(&format!("{},马车,MC1\n", orders[0].1));
    csv.push_str(&format!("{},圆通,运单 1\n", orders[1].1));
    let first = upload(&app, csv.clone().into_bytes(), "text/csv").await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(
        (
            first.json["applied"].as_u64(),
            first.json["refused"].as_u64()
        ),
        (Some(12), Some(3)),
        "{}",
        first.text
    );
    let rows = first.json["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows[12]["code"], "unknown_order");
    assert_eq!(rows[12]["line"], 14, "the header is line 1");
    assert_eq!(rows[13]["code"], "unknown_carrier");
    assert_eq!(rows[14]["code"], "bad_tracking_no");
    for (order, _) in &orders {
        assert_eq!(status(&app, *order).await, "shipped");
    }
    let again = upload(&app, csv.into_bytes(), "text/csv").await;
    assert_eq!(
        (
            again.json["applied"].as_u64(),
            again.json["unchanged"].as_u64(),
            again.json["refused"].as_u64()
        ),
        (Some(0), Some(12), Some(3)),
        "{}",
        again.text
    );
    let f = super::fulfilment(&app, orders[3].0).await;
    assert_eq!(
        f["parcels"].as_array().map(Vec::len),
        Some(1),
        "no second parcel"
    );
    assert_eq!(f["parcels"][0]["tracking_no"], "ZT0000000503");
    assert!(
        super::audit_summaries(&app, orders[3].0)
            .await
            .iter()
            .any(|s| s.contains("ZT0000000503"))
    );

    // A number already on another order's parcel, and a sign-off.
    let more = weighed_parcels(&app, 1).await;
    let clash = format!(
        "订单号,物流公司,运单号,签收时间\n{},中通,ZT0000000503,\n{},中通,ZT0000000500,2026-12-05\n",
        more[0].1, orders[0].1
    );
    let r = upload(&app, clash.into_bytes(), "text/csv").await;
    assert_eq!(results(&r.json), ["refused", "unchanged"], "{}", r.text);
    assert_eq!(r.json["rows"][0]["code"], "tracking_number_taken");
    assert_eq!(status(&app, orders[0].0).await, "delivered", "signed for");
}

#[tokio::test]
async fn the_same_file_sent_twice_at_once_is_applied_once() {
    let app = spawn_app().await;
    let orders = weighed_parcels(&app, 8).await;
    let mut csv = String::from("运单号,订单号,快递公司\n");
    for (i, (_, number)) in orders.iter().enumerate() {
        csv.push_str(&format!("YT{i:08},{number},圆通\n"));
    }
    let (a, b) = tokio::join!(
        upload(&app, csv.clone().into_bytes(), "text/csv"),
        upload(&app, csv.into_bytes(), "text/csv")
    );
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text, b.text);
    let mut applied = [a.json["applied"].as_u64(), b.json["applied"].as_u64()];
    applied.sort_unstable();
    assert_eq!(applied, [Some(0), Some(8)], "{} / {}", a.text, b.text);
    let listed = app
        .get(
            &app.token("station").await,
            "/api/v1/parcels?status=shipped",
        )
        .await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(8));
}

#[tokio::test]
async fn an_xlsx_file_is_read_and_a_wrong_file_names_what_it_found() {
    let app = spawn_app().await;
    let orders = weighed_parcels(&app, 2).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["订单编号", "快递公司", "快递单号"].iter().enumerate() {
        sheet
            .write_string(0, u16::try_from(c).unwrap_or(0), *h)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (r, (_, number)) in orders.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(1);
        sheet
            .write_string(row, 0, number)
            .unwrap_or_else(|e| panic!("{e}"));
        sheet
            .write_string(row, 1, "韵达")
            .unwrap_or_else(|e| panic!("{e}"));
        // A long number typed into Excel is a number, not text.
        sheet
            .write_number(row, 2, 4_310_000_000_000.0 + r as f64)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
    let r = upload(
        &app,
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["applied"], 2, "{}", r.text);
    assert_eq!(r.json["rows"][1]["tracking_no"], "4310000000001");

    let wrong = upload(
        &app,
        "姓名,电话\n张三,138\n".as_bytes().to_vec(),
        "text/csv",
    )
    .await;
    wrong.assert_problem(422, "validation_failed");
    assert!(wrong.text.contains("姓名, 电话"), "{}", wrong.text);
    let binary = upload(&app, vec![0, 1, 2, 3, 0xff], "application/octet-stream").await;
    binary.assert_field_error("file");
}
