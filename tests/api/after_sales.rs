//! After-sales cases: claims by staff and by the buyer on their page, photos checked and
//! stripped, the village's deadline, decisions through the refund path to the fen (also after
//! settlement), reships, and the refusals.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::shipping::{order_with, pack, parsed, weigh_boxes};
use reqwest::Method;
use serde_json::{Value, json};

/// A delivered parcel order of two 68-yuan boxes, paid in full (so settled) when `pay`; its id
/// and its buyer's link token.
pub(crate) async fn delivered_parcel(app: &TestApp, pay: bool) -> (i64, String) {
    let batch = app.batch("by_piece", 100, 6_800).await;
    let buyer = app.buyer("individual").await;
    let (order, line) = order_with(
        app,
        buyer,
        batch,
        2,
        json!({"fulfilment": "parcel", "recipient": parsed(app).await}),
    )
    .await;
    weigh_boxes(app, line, 2).await;
    let p = pack(app, json!({"order_ids": [order], "weight_g": 4_300, "carrier": "zhongtong", "tracking_no": format!("ZT{order}")})).await;
    let pid = p.json["id"].as_i64().unwrap_or_default();
    let st = app.token("station").await;
    assert_eq!(
        app.post(&st, &format!("/api/v1/parcels/{pid}/ship"), json!({}))
            .await
            .status,
        200
    );
    if pay {
        assert_eq!(crate::money::pay(app, order, 13_600).await.status, 201);
    }
    assert_eq!(
        app.post(&st, &format!("/api/v1/parcels/{pid}/deliver"), json!({}))
            .await
            .status,
        200
    );
    let f = crate::shipping::fulfilment(app, order).await;
    let token = f["view_path"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("/o/")
        .to_owned();
    (order, token)
}

pub(crate) async fn open(app: &TestApp, body: Value) -> crate::helpers::Reply {
    app.post(&app.token("helper").await, "/api/v1/after-sales", body)
        .await
}

async fn decide(app: &TestApp, case: i64, body: Value) -> crate::helpers::Reply {
    app.post(
        &app.token("secretary").await,
        &format!("/api/v1/after-sales/{case}/decide"),
        body,
    )
    .await
}

fn check_is_clean(app: &TestApp) {
    let out = app.cli(&["check", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{report}");
}

/// A JPEG that says where it was taken.
fn jpeg_with_gps() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F'];
    let exif = b"Exif\0\0GPSLatitude 33.14N";
    b.extend_from_slice(&[0xFF, 0xE1]);
    b.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap_or(0).to_be_bytes());
    b.extend_from_slice(exif);
    b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 9, 9, 9, 0xFF, 0xD9]);
    b
}

async fn raw(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Vec<u8>,
    ctype: &str,
) -> crate::helpers::Reply {
    let mut r = app
        .client
        .post(app.url(path))
        .header("content-type", ctype)
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    crate::helpers::Reply::from(r.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

/// The secretary agrees to part of a claim on a settled order: the refund goes through the
/// refund path, the order re-settles, and every ledger and figure still agrees to the fen.
#[tokio::test]
async fn a_partial_refund_on_a_settled_order_keeps_the_books_exact() {
    let app = spawn_app().await;
    let (order, _) = delivered_parcel(&app, true).await;
    assert_eq!(crate::shipping::status(&app, order).await, "settled");
    let c = open(&app, json!({"order_id": order, "reason": "bad_fruit", "note": "两串压坏", "claimed_fen": 2_000, "claimed_count": 2})).await;
    assert_eq!(c.status, 201, "{}", c.text);
    assert_eq!(c.json["status"], "open");
    assert_eq!(
        c.json["paid_fen"], 13_600,
        "the money effect is shown before deciding"
    );
    let id = c.json["id"].as_i64().unwrap_or_default();
    let left = c.json["seconds_left"].as_i64().unwrap_or_default();
    assert!((48 * 3600 - 60..=48 * 3600).contains(&left), "{left}");

    let too_much = decide(
        &app,
        id,
        json!({"decision": "partly_agree", "amount_fen": 2_000}),
    )
    .await;
    too_much.assert_field_error("amount_fen");
    let part = decide(
        &app,
        id,
        json!({"decision": "partly_agree", "amount_fen": 1_250, "reason": "按坏果比例退款"}),
    )
    .await;
    assert_eq!(part.status, 200, "{}", part.text);
    assert_eq!(
        (
            part.json["status"].as_str(),
            part.json["decision"].as_str(),
            part.json["decided_fen"].as_i64()
        ),
        (Some("answered"), Some("partly_agreed"), Some(1_250))
    );
    let o = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}"),
        )
        .await;
    assert_eq!(o.json["paid_fen"], 13_600 - 1_250);
    assert_eq!(o.json["status"], "settled", "re-settled after the refund");
    check_is_clean(&app);
    let again = decide(&app, id, json!({"decision": "agree"})).await;
    again.assert_problem(409, "invalid_transition");
    let said = crate::shipping::audit_summaries(&app, order)
        .await
        .join("\n");
    assert!(
        said.contains(&format!("售后单 {id}")) && said.contains("部分退款，退款 12.50 元"),
        "{said}"
    );

    // Closed, reopened once with a new deadline, not twice.
    let sec = app.token("secretary").await;
    assert_eq!(
        app.post(&sec, &format!("/api/v1/after-sales/{id}/close"), json!({}))
            .await
            .json["status"],
        "closed"
    );
    let re = app
        .post(&sec, &format!("/api/v1/after-sales/{id}/reopen"), json!({}))
        .await;
    assert_eq!(
        (
            re.status,
            re.json["status"].as_str(),
            re.json["reopened"].as_bool()
        ),
        (200, Some("open"), Some(true)),
        "{}",
        re.text
    );
    let beyond = decide(
        &app,
        id,
        json!({"decision": "partly_agree", "amount_fen": 1_999_999}),
    )
    .await;
    beyond.assert_field_error("amount_fen");
    let reject = decide(&app, id, json!({"decision": "reject"})).await;
    reject.assert_field_error("reason");
    let r = decide(
        &app,
        id,
        json!({"decision": "reject", "reason": "已按比例退款"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let twice = app
        .post(&sec, &format!("/api/v1/after-sales/{id}/reopen"), json!({}))
        .await;
    twice.assert_problem(409, "already_reopened");
}

/// The buyer files a claim from their page with a photo; its location is gone when stored.
#[tokio::test]
async fn the_buyer_claims_from_their_page_with_a_photo() {
    let app = spawn_app_with(|s| {
        s.claim_max_photos = 2;
        s.claim_photo_max_bytes = 64 * 1024;
    })
    .await;
    let (order, token) = delivered_parcel(&app, false).await;
    let page = app
        .send(
            Method::GET,
            &format!("/api/v1/public/orders/{token}"),
            None,
            None,
        )
        .await;
    assert!(page.json["claim_until"].is_string(), "{}", page.text);
    let claim = app
        .send(
            Method::POST,
            &format!("/api/v1/public/orders/{token}/claims"),
            None,
            Some(&json!({"reason": "bad_fruit", "note": "一箱压坏了", "claimed_fen": 3_400})),
        )
        .await;
    assert_eq!(claim.status, 201, "{}", claim.text);
    let case = claim.json["id"].as_i64().unwrap_or_default();
    let photo = raw(
        &app,
        &format!("/api/v1/public/orders/{token}/claims/{case}/photos"),
        None,
        jpeg_with_gps(),
        "image/png",
    )
    .await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    assert_eq!(
        photo.json["content_type"], "image/jpeg",
        "by its bytes, not its label"
    );
    let not_image = raw(
        &app,
        &format!("/api/v1/public/orders/{token}/claims/{case}/photos"),
        None,
        b"%PDF-1.7 fake".to_vec(),
        "image/jpeg",
    )
    .await;
    not_image.assert_field_error("photo");
    let mut big = jpeg_with_gps();
    big.resize(65 * 1024, 0);
    let too_big = raw(
        &app,
        &format!("/api/v1/public/orders/{token}/claims/{case}/photos"),
        None,
        big,
        "image/jpeg",
    )
    .await;
    too_big.assert_problem(413, "payload_too_large");
    raw(
        &app,
        &format!("/api/v1/public/orders/{token}/claims/{case}/photos"),
        None,
        jpeg_with_gps(),
        "image/jpeg",
    )
    .await;
    let third = raw(
        &app,
        &format!("/api/v1/public/orders/{token}/claims/{case}/photos"),
        None,
        jpeg_with_gps(),
        "image/jpeg",
    )
    .await;
    third.assert_field_error("photo");

    let sec = app.token("secretary").await;
    let listed = app.get(&sec, "/api/v1/after-sales?status=open").await;
    let mine = listed
        .json
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == case)
        .cloned()
        .unwrap_or_default();
    assert_eq!(mine["opened_by_buyer"], true);
    assert_eq!(mine["photo_ids"].as_array().map(Vec::len), Some(2));
    let pid = mine["photo_ids"][0].as_i64().unwrap_or_default();
    let stored = app
        .client
        .get(app.url(&format!("/api/v1/after-sales/{case}/photos/{pid}")))
        .bearer_auth(&sec)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        stored
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/jpeg")
    );
    let bytes = stored.bytes().await.unwrap_or_default();
    assert!(
        !bytes.windows(3).any(|w| w == b"GPS"),
        "the location is stripped"
    );
    assert!(bytes.ends_with(&[0xFF, 0xD9]));
    let also = app
        .send(
            Method::POST,
            &format!("/api/v1/public/orders/{token}/claims"),
            None,
            Some(&json!({"reason": "short_weight"})),
        )
        .await;
    also.assert_problem(409, "case_open");

    // Agreed in full: the page shows the answer; no payment means nothing to refund.
    let agreed = decide(&app, case, json!({"decision": "agree"})).await;
    agreed.assert_problem(409, "refund_exceeds_paid");
    assert_eq!(crate::money::pay(&app, order, 13_600).await.status, 201);
    let agreed = decide(&app, case, json!({"decision": "agree"})).await;
    assert_eq!(agreed.status, 200, "{}", agreed.text);
    let page = app
        .send(
            Method::GET,
            &format!("/api/v1/public/orders/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(page.json["cases"][0]["decided_fen"], 3_400);
    assert_eq!(page.json["cases"][0]["decision"], "agreed");
    check_is_clean(&app);
}

#[tokio::test]
async fn a_claim_after_the_window_names_the_deadline() {
    let app = spawn_app_with(|s| s.claim_window_hours = 0).await;
    let (_, token) = delivered_parcel(&app, false).await;
    let late = app
        .send(
            Method::POST,
            &format!("/api/v1/public/orders/{token}/claims"),
            None,
            Some(&json!({"reason": "bad_fruit"})),
        )
        .await;
    late.assert_problem(409, "claim_window_closed");
    assert!(
        late.json["detail"]
            .as_str()
            .is_some_and(|d| d.contains("closed at 20")),
        "{}",
        late.text
    );
    let nobody = app
        .send(
            Method::POST,
            "/api/v1/public/orders/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/claims",
            None,
            Some(&json!({"reason": "bad_fruit"})),
        )
        .await;
    nobody.assert_problem(404, "not_found");
}

/// A reship is a free order of the same goods to the same recipient, linked to the case.
#[tokio::test]
async fn a_reship_is_a_free_parcel_linked_to_the_case() {
    let app = spawn_app().await;
    let (order, _) = delivered_parcel(&app, true).await;
    let lines = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}"),
        )
        .await
        .json["lines"]
        .clone();
    let c = open(&app, json!({"order_id": order, "kind": "reship", "reason": "not_received", "line_ids": [lines[0]["line_id"]]})).await;
    assert_eq!(c.status, 201, "{}", c.text);
    let id = c.json["id"].as_i64().unwrap_or_default();
    let r = decide(
        &app,
        id,
        json!({"decision": "reship", "reason": "重新补发一箱"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let reship = r.json["reship_order_id"].as_i64().unwrap_or_default();
    assert!(reship > order);
    let o = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{reship}"),
        )
        .await;
    assert_eq!(
        (o.json["total_fen"].as_i64(), o.json["fulfilment"].as_str()),
        (Some(0), Some("parcel"))
    );
    assert_eq!(o.json["lines"][0]["quantity"], 2, "the same goods again");
    assert_eq!(
        crate::shipping::fulfilment(&app, reship).await["recipient"]["name"],
        "张三"
    );
    check_is_clean(&app);
}

/// A refund decided while a payment settles the order: whichever comes first, the ledger balances.
#[tokio::test]
async fn a_refund_racing_a_settlement_keeps_the_ledger_balanced() {
    let app = spawn_app().await;
    for _ in 0..3 {
        let (order, _) = delivered_parcel(&app, false).await;
        assert_eq!(crate::money::pay(&app, order, 10_000).await.status, 201);
        let c = open(
            &app,
            json!({"order_id": order, "reason": "short_weight", "claimed_fen": 500}),
        )
        .await;
        let id = c.json["id"].as_i64().unwrap_or_default();
        let (refund, settle) = tokio::join!(
            decide(&app, id, json!({"decision": "agree"})),
            crate::money::pay(&app, order, 3_600)
        );
        assert_eq!(refund.status, 200, "{}", refund.text);
        assert_eq!(settle.status, 201, "{}", settle.text);
        let o = app
            .get(
                &app.token("secretary").await,
                &format!("/api/v1/orders/{order}"),
            )
            .await;
        assert_eq!(o.json["paid_fen"], 13_600 - 500);
        check_is_clean(&app);
    }
}
