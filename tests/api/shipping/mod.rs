//! Parcels and pickups: an order from the scale to the buyer's door. `refusals` has bad input and
//! bad states, `pickup` the pickup hand-over, `concurrency` two stations at once and the
//! auto-delivery rule.

mod concurrency;
mod pickup;
mod refusals;
mod report;
mod tracking;

use crate::helpers::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

pub const PASTED: &str = "张三 13800001234 安徽省亳州市利辛县张村镇红光村3组";

/// The recipient the reader makes of [`PASTED`].
pub async fn parsed(app: &TestApp) -> Value {
    let t = app.token("helper").await;
    let r = app
        .post(&t, "/api/v1/addresses/parse", json!({"text": PASTED}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut v = r.json;
    v.as_object_mut().map(|o| o.remove("raw_text"));
    v["raw_text"] = json!(PASTED);
    v
}

/// A confirmed order of boxes placed with `extra` (fulfilment fields); (order id, line id).
pub async fn order_with(
    app: &TestApp,
    buyer: i64,
    batch: i64,
    boxes: i64,
    extra: Value,
) -> (i64, i64) {
    let t = app.token("helper").await;
    let mut body = json!({"buyer_id": buyer, "channel": "livestream",
                          "lines": [{"batch_id": batch, "quantity": boxes}]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let o = app.place_order(&t, body).await;
    assert_eq!(o.status, 201, "{}", o.text);
    let id = o.json["id"].as_i64().unwrap_or_default();
    let sec = app.token("secretary").await;
    let c = app
        .post(&sec, &format!("/api/v1/orders/{id}/confirm"), json!({}))
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    (
        id,
        o.json["lines"][0]["line_id"].as_i64().unwrap_or_default(),
    )
}

/// Weighs `crates` boxes (each 2.1 kg gross, 0.1 kg tare) on the line and completes it; the
/// crates' ticket ids.
pub async fn weigh_boxes(app: &TestApp, line: i64, crates: usize) -> Vec<i64> {
    let list: Vec<Value> = (0..crates)
        .map(|_| json!({"gross_g": 2_100, "tare_g": 100}))
        .collect();
    let w = crate::weighing::weigh(app, line, Value::Array(list)).await;
    assert_eq!(w.status, 201, "{}", w.text);
    let c = app.complete_line(line).await;
    assert_eq!(c.status, 200, "{}", c.text);
    w.json["tickets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_i64())
        .collect()
}

pub async fn pack(app: &TestApp, body: Value) -> crate::helpers::Reply {
    app.post(&app.token("station").await, "/api/v1/parcels", body)
        .await
}

pub async fn fulfilment(app: &TestApp, order: i64) -> Value {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}/fulfilment"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

pub async fn status(app: &TestApp, order: i64) -> String {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}"),
        )
        .await;
    r.json["status"].as_str().unwrap_or_default().to_owned()
}

pub async fn audit_summaries(app: &TestApp, order: i64) -> Vec<String> {
    let log = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/audit-log?entity=order&entity_id={order}"),
        )
        .await;
    log.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["summary"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_paste_box_reads_a_viewers_message() {
    let app = spawn_app().await;
    let p = parsed(&app).await;
    assert_eq!(p["name"], "张三");
    assert_eq!(p["phone"], "13800001234");
    assert_eq!(p["province"], "安徽省");
    assert_eq!(p["city"], "亳州市");
    assert_eq!(p["district"], "利辛县");
    assert_eq!(p["street"], "张村镇");
    assert_eq!(p["detail"], "红光村3组");
    assert_eq!(p["unsure"], json!([]));
    let t = app.token("helper").await;
    let odd = app
        .post(
            &t,
            "/api/v1/addresses/parse",
            json!({"text": "村口小卖部旁边"}),
        )
        .await;
    assert_eq!(odd.status, 200);
    assert_eq!(
        odd.json["detail"], "村口小卖部旁边",
        "what does not parse stays whole"
    );
    assert!(
        odd.json["unsure"]
            .as_array()
            .is_some_and(|u| u.contains(&json!("district")))
    );
}

/// The livestream path: a parcel order with a pasted recipient, two crates packed into two
/// parcels, shipped one by one, signed for; paid in full, it settles on delivery. The buyer's
/// page shows it masked.
#[tokio::test]
async fn a_parcel_order_goes_from_the_scale_to_the_buyers_door() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let recipient = parsed(&app).await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        2,
        json!({"fulfilment": "parcel", "recipient": recipient}),
    )
    .await;
    let f = fulfilment(&app, order).await;
    assert_eq!(f["fulfilment"], "parcel");
    assert_eq!(f["recipient"]["district"], "利辛县");
    assert_eq!(f["recipient"]["raw_text"], PASTED);
    let view_path = f["view_path"].as_str().unwrap_or_default().to_owned();
    assert!(
        view_path.starts_with("/o/") && view_path.len() == 3 + 43,
        "{view_path}"
    );

    let crates = weigh_boxes(&app, line, 2).await;
    let first = pack(&app, json!({"order_ids": [order], "crate_ids": [crates[0]], "weight_g": 2_300,
                                  "carrier": "zhongtong", "tracking_no": "zt7500000001", "shipping_cost_fen": 800})).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        first.json["tracking_no"], "ZT7500000001",
        "stored upper-cased"
    );
    assert_eq!(first.json["crates"][0]["net_g"], 2_000);
    let second = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_250, "carrier": "zhongtong"}),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        second.json["crates"].as_array().map(Vec::len),
        Some(1),
        "the crate left"
    );

    let st = app.token("station").await;
    let p1 = first.json["id"].as_i64().unwrap_or_default();
    let p2 = second.json["id"].as_i64().unwrap_or_default();
    let s1 = app
        .post(&st, &format!("/api/v1/parcels/{p1}/ship"), json!({}))
        .await;
    assert_eq!(s1.status, 200, "{}", s1.text);
    assert_eq!(
        status(&app, order).await,
        "weighed",
        "one crate is still at the station"
    );
    let no_number = app
        .post(&st, &format!("/api/v1/parcels/{p2}/ship"), json!({}))
        .await;
    no_number.assert_field_error("tracking_no");
    let s2 = app
        .post(
            &st,
            &format!("/api/v1/parcels/{p2}/ship"),
            json!({"tracking_no": "ZT7500000002"}),
        )
        .await;
    assert_eq!(s2.status, 200, "{}", s2.text);
    assert_eq!(status(&app, order).await, "shipped");
    let cancel = app
        .post(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}/cancel"),
            json!({}),
        )
        .await;
    cancel.assert_problem(409, "invalid_transition");

    let paid = crate::money::pay(&app, order, 13_600).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    let d1 = app
        .post(&st, &format!("/api/v1/parcels/{p1}/deliver"), json!({}))
        .await;
    assert_eq!(d1.status, 200, "{}", d1.text);
    assert_eq!(
        status(&app, order).await,
        "shipped",
        "one parcel is on its way"
    );
    let d2 = app
        .post(&st, &format!("/api/v1/parcels/{p2}/deliver"), json!({}))
        .await;
    assert_eq!(d2.status, 200, "{}", d2.text);
    assert_eq!(
        status(&app, order).await,
        "settled",
        "delivered and paid in full"
    );

    let said = audit_summaries(&app, order).await.join("\n");
    assert!(
        said.contains(&format!(
            "装进第 {p1} 号包裹（中通快递，运单号 ZT7500000001）"
        )),
        "{said}"
    );
    assert!(said.contains("已签收"), "{said}");

    // The buyer's page: no login, masked, this order only.
    let page = app
        .send(
            Method::GET,
            &format!("/api/v1/public{}", view_path.replacen("/o/", "/orders/", 1)),
            None,
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json["recipient_name"], "张*");
    assert_eq!(page.json["recipient_phone"], "138****1234");
    assert_eq!(page.json["recipient_address"], "安徽省亳州市利辛县****");
    assert!(
        !page.text.contains("13800001234") && !page.text.contains("红光村"),
        "{}",
        page.text
    );
    assert_eq!(page.json["parcels"][0]["tracking_no"], "ZT7500000001");
    assert_eq!(page.json["lines"][0]["net_g"], 4_000);
    let html = app.send(Method::GET, &view_path, None, None).await;
    assert_eq!(html.status, 200);
    assert!(html.text.contains("<html"), "the page itself is served");

    // Reissued, the old link is dead.
    let re = app
        .post(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}/view-link"),
            json!({}),
        )
        .await;
    assert_eq!(re.status, 200, "{}", re.text);
    let old = app
        .send(
            Method::GET,
            &format!("/api/v1/public{}", view_path.replacen("/o/", "/orders/", 1)),
            None,
            None,
        )
        .await;
    old.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_repeat_buyers_default_address_fills_in() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let t = app.token("helper").await;
    let none = app
        .place_order(
            &t,
            json!({"buyer_id": buyer, "channel": "livestream", "fulfilment": "parcel",
                                "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await;
    none.assert_field_error("recipient");
    let home = parsed(&app).await;
    let mut office = home.clone();
    office["detail"] = json!("县政府大院");
    let a1 = app
        .post(&t, &format!("/api/v1/buyers/{buyer}/addresses"), home)
        .await;
    assert_eq!(a1.status, 201, "{}", a1.text);
    assert_eq!(
        a1.json["is_default"], true,
        "the first address is the default"
    );
    let a2 = app
        .post(
            &t,
            &format!("/api/v1/buyers/{buyer}/addresses?default=true"),
            office,
        )
        .await;
    assert_eq!(a2.json["is_default"], true);
    let book = app
        .get(&t, &format!("/api/v1/buyers/{buyer}/addresses"))
        .await;
    assert_eq!(book.json.as_array().map(Vec::len), Some(2));
    assert_eq!(book.json[0]["detail"], "县政府大院", "the default first");
    assert_eq!(book.json[1]["is_default"], false);

    let (order, _) = order_with(&app, buyer, batch, 1, json!({"fulfilment": "parcel"})).await;
    assert_eq!(
        fulfilment(&app, order).await["recipient"]["detail"],
        "县政府大院"
    );
}

/// Two orders for the same recipient share one parcel when packed together; it ships both.
#[tokio::test]
async fn merged_shipping_puts_two_orders_in_one_parcel() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let r = parsed(&app).await;
    let (a, la) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": r}),
    )
    .await;
    let (b, lb) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": r}),
    )
    .await;
    let mut elsewhere = r.clone();
    elsewhere["detail"] = json!("别的村");
    let (c, lc) = order_with(
        &app,
        buyer,
        batch,
        1,
        json!({"fulfilment": "parcel", "recipient": elsewhere}),
    )
    .await;
    for l in [la, lb, lc] {
        weigh_boxes(&app, l, 1).await;
    }
    let apart = pack(
        &app,
        json!({"order_ids": [a, c], "weight_g": 4_500, "carrier": "yunda"}),
    )
    .await;
    apart.assert_problem(409, "recipients_differ");
    let merged = pack(
        &app,
        json!({"order_ids": [a, b], "weight_g": 4_500, "carrier": "yunda", "tracking_no": "YD1"}),
    )
    .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(merged.json["order_ids"], json!([a, b]));
    let p = merged.json["id"].as_i64().unwrap_or_default();
    let s = app
        .post(
            &app.token("station").await,
            &format!("/api/v1/parcels/{p}/ship"),
            json!({}),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(status(&app, a).await, "shipped");
    assert_eq!(status(&app, b).await, "shipped");
    // The same number on a parcel of an order not merged with them.
    let other = pack(
        &app,
        json!({"order_ids": [c], "weight_g": 2_200, "carrier": "yunda", "tracking_no": "yd1"}),
    )
    .await;
    other.assert_problem(409, "tracking_number_taken");
}

/// How an order is fulfilled may change until it is packed.
#[tokio::test]
async fn fulfilment_changes_until_packed() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let (order, line) = order_with(&app, buyer, batch, 1, json!({})).await;
    assert_eq!(
        fulfilment(&app, order).await["fulfilment"],
        "load",
        "a truck by default"
    );
    let t = app.token("helper").await;
    let to_parcel = app
        .send(
            Method::PUT,
            &format!("/api/v1/orders/{order}/fulfilment"),
            Some(&t),
            Some(&json!({"fulfilment": "parcel", "recipient": parsed(&app).await})),
        )
        .await;
    assert_eq!(to_parcel.status, 200, "{}", to_parcel.text);
    weigh_boxes(&app, line, 1).await;
    let p = pack(
        &app,
        json!({"order_ids": [order], "weight_g": 2_200, "carrier": "ems"}),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    let back = app
        .send(
            Method::PUT,
            &format!("/api/v1/orders/{order}/fulfilment"),
            Some(&t),
            Some(&json!({"fulfilment": "load"})),
        )
        .await;
    back.assert_problem(409, "already_packed");
    let cancel = app
        .post(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}/cancel"),
            json!({}),
        )
        .await;
    cancel.assert_problem(409, "already_packed");
    let pid = p.json["id"].as_i64().unwrap_or_default();
    let un = app
        .post(
            &app.token("station").await,
            &format!("/api/v1/parcels/{pid}/unpack"),
            json!({}),
        )
        .await;
    assert_eq!(un.status, 204, "{}", un.text);
    let back = app
        .send(
            Method::PUT,
            &format!("/api/v1/orders/{order}/fulfilment"),
            Some(&t),
            Some(&json!({"fulfilment": "load"})),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.text);
    assert!(back.json["recipient"].is_null());
    let said = audit_summaries(&app, order).await.join("\n");
    assert!(
        said.contains("配送方式改为快递") && said.contains("拆开了"),
        "{said}"
    );
}

/// The packing slip: the recipient, the contents with net weights, the order number as a
/// barcode and the produce's trace code, on A4 or 100 × 150 mm thermal paper.
#[tokio::test]
async fn a_packing_slip_has_the_recipient_contents_barcode_and_trace_code() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        2,
        json!({"fulfilment": "parcel", "recipient": parsed(&app).await, "note": "轻放"}),
    )
    .await;
    weigh_boxes(&app, line, 2).await;
    let st = app.token("station").await;
    let a4 = app
        .get(&st, &format!("/api/v1/orders/{order}/packing-slip"))
        .await;
    assert_eq!(a4.status, 200, "{}", a4.text);
    for want in [
        "发货单",
        &format!("ZN{order:06}"),
        "张三 13800001234",
        "利辛县张村镇红光村3组",
        "净重",
        "溯源码",
        "class=\"barcode\"",
        "slip-a4.css",
        "备注：轻放",
    ] {
        assert!(a4.text.contains(want), "{want} missing: {}", a4.text);
    }
    assert_eq!(a4.text.matches("<tr><td>").count(), 2, "one row per crate");
    let thermal = app
        .get(
            &st,
            &format!("/api/v1/orders/{order}/packing-slip?layout=thermal"),
        )
        .await;
    assert!(thermal.text.contains("slip-thermal.css"));
    let helper = app
        .get(
            &app.token("helper").await,
            &format!("/api/v1/orders/{order}/packing-slip"),
        )
        .await;
    assert_eq!(helper.status, 403);
}

/// The fulfilment report: orders per method, parcels, their shipping cost and the time from
/// shipping to delivery.
#[tokio::test]
async fn the_fulfilment_report_counts_methods_costs_and_delivery_time() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    order_with(&app, buyer, batch, 1, json!({})).await;
    let (order, line) = order_with(
        &app,
        buyer,
        batch,
        2,
        json!({"fulfilment": "parcel", "recipient": parsed(&app).await}),
    )
    .await;
    let crates = weigh_boxes(&app, line, 2).await;
    let st = app.token("station").await;
    for (i, c) in crates.iter().enumerate() {
        let p = pack(&app, json!({"order_ids": [order], "crate_ids": [c], "weight_g": 2_300, "carrier": "yunda",
                                  "tracking_no": format!("YDR{i}"), "shipping_cost_fen": 650 + i64::try_from(i).unwrap_or(0) * 100})).await;
        let pid = p.json["id"].as_i64().unwrap_or_default();
        app.post(&st, &format!("/api/v1/parcels/{pid}/ship"), json!({}))
            .await;
        if i == 0 {
            app.post(&st, &format!("/api/v1/parcels/{pid}/deliver"), json!({}))
                .await;
        }
    }
    let r = app
        .get(&app.token("secretary").await, "/api/v1/reports/fulfilment")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let row = |f: &str| {
        r.json["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["fulfilment"] == f)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        (
            row("load")["orders"].as_i64(),
            row("load")["label"].as_str()
        ),
        (Some(1), Some("装车"))
    );
    let parcel = row("parcel");
    assert_eq!(
        (parcel["orders"].as_i64(), parcel["sales_fen"].as_i64()),
        (Some(1), Some(13_600))
    );
    assert_eq!(
        (
            parcel["parcels"].as_i64(),
            parcel["shipping_cost_fen"].as_i64(),
            parcel["delivered_parcels"].as_i64()
        ),
        (Some(2), Some(1_400), Some(1))
    );
    assert_eq!(
        parcel["median_ship_to_delivery_minutes"], 0,
        "signed for at once"
    );
    assert_eq!(row("pickup")["orders"], 0);
    let bad = app
        .get(
            &app.token("secretary").await,
            "/api/v1/reports/fulfilment?from=2026-12-31&to=2026-01-01",
        )
        .await;
    bad.assert_field_error("from");
}
