//! Traceability: the labels' QR codes decode to their trace pages; the public page shows the
//! crate's origin and what it gave the village, and nothing of the buyer; unknown codes are 404;
//! the page is rate limited, answered with an ETag, and its scans are counted.

use crate::helpers::{Reply, TestApp, spawn_app, spawn_app_with};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// The labels on a page: (code, the text its QR code decodes to).
fn decode_labels(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<div class=\"label\" data-code=\"").skip(1) {
        let code = part.split('"').next().unwrap_or_default().to_owned();
        out.push((code, decode_qr_svg(part)));
    }
    out
}

/// The text of the first QR code drawn in `svg` (as `render::qr` draws it), or "".
pub fn decode_qr_svg(svg: &str) -> String {
    let view = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let d = svg
        .split("<path fill=\"#000\" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default();
    // The path is unit squares `M{x} {y}h1v1h-1z`: draw each at 4 px per module.
    const SCALE: usize = 4;
    let side = view * SCALE;
    let mut dark = vec![false; view * view];
    for square in d.split('M').filter(|s| !s.is_empty()) {
        let xy: Vec<usize> = square
            .trim_end_matches("h1v1h-1z")
            .split(' ')
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [x, y] = xy[..] {
            dark[y * view + x] = true;
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        if dark[(y / SCALE) * view + x / SCALE] {
            0
        } else {
            255
        }
    });
    img.detect_grids()
        .first()
        .and_then(|g| g.decode().ok())
        .map(|(_, t)| t)
        .unwrap_or_default()
}

async fn public(app: &TestApp, code: &str, etag: Option<&str>) -> Reply {
    let mut req = app.client.get(app.url(&format!("/t/{code}")));
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

async fn station(app: &TestApp, path: &str) -> Reply {
    app.get(&app.token("station").await, path).await
}

/// An order of 10 jin, weighed in two crates and complete; returns (order, line, batch).
async fn weighed(app: &TestApp) -> (i64, i64, i64) {
    let (order, line, batch) =
        crate::weighing::confirmed_order(app, "by_weight", 100_000, 1_000, 5_000).await;
    crate::weighing::weigh_complete(
        app,
        line,
        json!([{"gross_g": 3_000, "tare_g": 500}, {"gross_g": 2_900, "tare_g": 400}]),
    )
    .await;
    (order, line, batch)
}

#[tokio::test]
async fn each_crate_label_has_its_own_code_and_its_qr_code_opens_its_trace_page() {
    let app = spawn_app().await;
    let (order, _, batch) = weighed(&app).await;
    let page = station(&app, &format!("/api/v1/labels?order_id={order}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("净重 5.00 斤") && page.text.contains("采收 2026-11-01"));
    let labels = decode_labels(&page.text);
    assert_eq!(labels.len(), 2, "one label per crate");
    for (code, text) in &labels {
        assert!(zhunong_api::domain::trace::is_code(code), "{code}");
        assert_eq!(
            text,
            &format!("{}/t/{code}", app.base),
            "the QR code opens the trace page"
        );
    }
    assert_ne!(labels[0].0, labels[1].0);
    // Printed again, in the thermal layout: the same codes.
    let again = station(
        &app,
        &format!("/api/v1/labels?order_id={order}&layout=thermal"),
    )
    .await;
    assert_eq!(decode_labels(&again.text), labels);
    assert!(again.text.contains("labels-thermal.css"));

    // A batch's own code, for boxes packed ahead; with ZHUNONG_PUBLIC_BASE_URL it is that address.
    let boxes = station(&app, &format!("/api/v1/labels?batch_id={batch}&copies=3")).await;
    let b = decode_labels(&boxes.text);
    assert_eq!(b.len(), 3);
    assert!(
        b.iter()
            .all(|(c, t)| c == &b[0].0 && t.ends_with(&format!("/t/{c}")))
    );
    assert!(!labels.iter().any(|(c, _)| c == &b[0].0));
    let batch_page = public(&app, &b[0].0, None).await;
    assert_eq!(batch_page.status, 200, "{}", batch_page.text);
    assert!(batch_page.text.contains("这一批次") && !batch_page.text.contains("称重时间"));

    // Refusals.
    station(&app, "/api/v1/labels")
        .await
        .assert_problem(422, "validation_failed");
    station(
        &app,
        &format!("/api/v1/labels?order_id={order}&batch_id={batch}"),
    )
    .await
    .assert_problem(422, "validation_failed");
    station(&app, "/api/v1/labels?order_id=999999")
        .await
        .assert_problem(404, "not_found");
    station(
        &app,
        &format!("/api/v1/labels?batch_id={batch}&copies=100000"),
    )
    .await
    .assert_problem(422, "validation_failed");
    let helper = app.token("helper").await;
    assert_eq!(
        app.get(&helper, &format!("/api/v1/labels?order_id={order}"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_public_page_shows_the_crate_and_nothing_of_the_buyer() {
    let app = spawn_app().await;
    let (order, _, _) = weighed(&app).await;
    let sec = app.token("secretary").await;
    let o = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    let buyer = app
        .get(&sec, &format!("/api/v1/buyers/{}", o.json["buyer_id"]))
        .await;
    let labels = decode_labels(
        &station(&app, &format!("/api/v1/labels?order_id={order}"))
            .await
            .text,
    );
    let code = &labels[0].0;

    let p = public(&app, code, None).await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert!(
        p.headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
    );
    for fact in [
        "上海青",
        "王飞",
        "村",
        "2026-11-01",
        "称重时间",
        "净重",
        "5.00 斤",
        "尚未发车",
        "待结算",
    ] {
        assert!(p.text.contains(fact), "{fact} missing:\n{}", p.text);
    }
    let name = buyer.json["name"].as_str().unwrap_or("?");
    let phone = buyer.json["phone"].as_str().unwrap_or("?");
    assert!(!p.text.contains(name), "the buyer's name is on the page");
    assert!(!p.text.contains(phone), "the buyer's phone is on the page");
    assert!(
        !p.text.contains("¥10.00") && !p.text.contains("¥50.00"),
        "a price is on the page"
    );
    // Lower case works too; a repeat with the ETag is 304.
    let lower = public(&app, &code.to_ascii_lowercase(), None).await;
    assert_eq!(lower.status, 200);
    let etag = p
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!etag.is_empty());
    assert_eq!(public(&app, code, Some(&etag)).await.status, 304);

    // Unknown and malformed codes: a Chinese 404 page.
    let unknown = public(&app, "AAAAAAAAAAAAAAAA", None).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.text.contains("没有找到这个溯源码"));
    assert_eq!(public(&app, "not-a-code", None).await.status, 404);

    // Every scan of a known code is counted, per batch and day.
    let scans = app.get(&sec, "/api/v1/reports/trace-scans").await;
    assert_eq!(scans.status, 200, "{}", scans.text);
    assert_eq!(scans.json["scans"], 3, "{}", scans.text);
    assert_eq!(scans.json["batches"][0]["days"][0]["scans"], 3);

    // A voided crate's code says so.
    let ticket = app
        .get(&sec, &format!("/api/v1/orders/{order}/weighing-sheet"))
        .await
        .json["lines"][0]["tickets"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{ticket}/void"),
            json!({"reason": "称错了"}),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.text);
    let mut voided = HashMap::new();
    for (c, _) in &labels {
        voided.insert(
            c.clone(),
            public(&app, c, None).await.text.contains("此磅单已作废"),
        );
    }
    assert_eq!(voided.values().filter(|v| **v).count(), 1, "{voided:?}");
}

#[tokio::test]
async fn the_contribution_is_the_commission_posted_after_settlement_and_after_a_refund() {
    let app = Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (_, _, batch) = weighed(&app).await;
    let b = app.get(&sec, &format!("/api/v1/batches/{batch}")).await;
    let product = b.json["product_id"].as_i64().unwrap_or_default();
    let grower = app
        .get(&sec, &format!("/api/v1/growers/{}", b.json["grower_id"]))
        .await;
    let village = grower.json["collective_id"].as_i64().unwrap_or_default();
    // A rule applies to orders placed after it: the next order of the batch.
    let r = app
        .post(&sec, "/api/v1/commission-rules", json!({"scope": "product", "product_id": product, "basis_points": 1_000, "valid_from": "2020-01-01", "shares": [{"collective_id": village, "shares": 1}]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (order, _, _) = {
        let buyer = app.buyer("individual").await;
        let o = app.place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 5_000}]})).await;
        let id = o.json["id"].as_i64().unwrap_or_default();
        app.post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
            .await;
        let l = o.json["lines"][0]["line_id"].as_i64().unwrap_or_default();
        crate::weighing::weigh_complete(&app, l, json!([{"gross_g": 5_300, "tare_g": 300}])).await;
        (id, l, batch)
    };
    let code = decode_labels(
        &station(&app, &format!("/api/v1/labels?order_id={order}"))
            .await
            .text,
    )[0]
    .0
    .clone();
    assert!(public(&app, &code, None).await.text.contains("待结算"));

    // On the truck: the page shows the departure, then the delivery.
    let st = app.token("station").await;
    let load = app
        .post(&st, "/api/v1/loads", json!({"plate": "皖A12345", "driver_name": "老李", "driver_phone": "13600000000", "destination": "合肥", "planned_date": "2026-11-29"}))
        .await;
    let load = load.json["id"].as_i64().unwrap_or_default();
    for (step, body) in [
        ("orders", json!({"order_id": order})),
        ("loaded", json!({})),
        ("departed", json!({})),
    ] {
        let r = app
            .post(&st, &format!("/api/v1/loads/{load}/{step}"), body)
            .await;
        assert_eq!(r.status, 200, "{step}: {}", r.text);
    }
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let page = public(&app, &code, None).await.text;
    assert!(
        page.contains("发车日期") && page.contains(&today.to_string()),
        "{page}"
    );
    let r = app
        .post(
            &st,
            &format!("/api/v1/loads/{load}/delivered"),
            json!({"received_by": "李女士"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(public(&app, &code, None).await.text.contains("送达日期"));
    let due = app.get(&sec, &format!("/api/v1/orders/{order}")).await.json["final_total_fen"]
        .as_i64()
        .unwrap_or_default();
    assert_eq!(crate::money::pay(&app, order, due).await.status, 201);
    let posted = |app: Arc<TestApp>, sec: String| async move {
        let t = app
            .get(
                &sec,
                &format!("/api/v1/ledger/transactions?order_id={order}&per_page=50"),
            )
            .await;
        t.json["items"]
            .as_array()
            .map(|txns| {
                txns.iter()
                    .flat_map(|x| x["entries"].as_array().cloned().unwrap_or_default())
                    .filter(|e| e["entry_kind"] == "commission" && e["collective_id"] == village)
                    .filter_map(|e| e["amount_fen"].as_i64())
                    .map(|a| -a)
                    .sum::<i64>()
            })
            .unwrap_or(0)
    };
    let commission = posted(app.clone(), sec.clone()).await;
    assert_eq!(commission, due / 10, "10 % of {due}");
    let money = |fen: i64| format!("¥{}.{:02}", fen / 100, fen % 100);
    let page = public(&app, &code, None).await.text;
    assert!(
        page.contains(&format!("贡献 {}", money(commission))),
        "{page}"
    );

    // A refund reverses and re-settles: the page follows the ledger.
    let refund = app
        .post(
            &sec,
            &format!("/api/v1/orders/{order}/payments"),
            json!({"amount_fen": -1_000, "method": "wechat_pay", "reason": "一箱压坏"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let after = posted(app.clone(), sec.clone()).await;
    assert!(after < commission, "{after} < {commission}");
    let page = public(&app, &code, None).await.text;
    assert!(
        page.contains(&format!("贡献 {}", money(after))),
        "{after}: {page}"
    );
}

#[tokio::test]
async fn scans_past_the_rate_limit_are_refused() {
    let app = spawn_app_with(|s| {
        s.trace_rate_per_sec = 1;
        s.trace_burst = 3;
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(public(&app, "AAAAAAAAAAAAAAAA", None).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status).collect();
    assert_eq!(&codes[..3], &[404, 404, 404], "{codes:?}");
    let last = &statuses[4];
    assert_eq!(last.status, 429);
    assert!(last.text.contains("请稍后再试"));
    assert!(last.headers.get("retry-after").is_some());
}
