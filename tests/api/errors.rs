//! Every non-2xx answer is problem+json with a stable code, names the field when a field is
//! wrong, never leaks internals, and changes nothing.

use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};

const LEAKS: [&str; 6] = ["sqlx", "sea_orm", "panicked", "SELECT", "/root/", "src/"];

fn assert_no_leak(text: &str) {
    for l in LEAKS {
        assert!(!text.contains(l), "answer leaks {l}: {text}");
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let r = app
        .send_raw("/api/v1/collectives", &t, "application/json", "{\"name\": ")
        .await;
    r.assert_problem(400, "malformed_json");
    assert_no_leak(&r.text);
    let r = app
        .send_raw(
            "/api/v1/collectives",
            &t,
            "application/json",
            "{\"name\": \"a\"} trailing",
        )
        .await;
    r.assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let r = app
        .send_raw("/api/v1/collectives", &t, "text/plain", "{\"name\":\"x\"}")
        .await;
    r.assert_problem(415, "unsupported_media_type");
    assert_eq!(app.get(&t, "/api/v1/collectives").await.json["total"], 0);
}

#[tokio::test]
async fn oversized_body_is_413_and_creates_nothing() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let big = "村".repeat(app.settings.max_body_bytes);
    let r = app
        .post(&t, "/api/v1/collectives", json!({"name": big}))
        .await;
    r.assert_problem(413, "payload_too_large");
    let list = app.get(&t, "/api/v1/collectives").await;
    assert_eq!(list.json["total"], 0);
}

#[tokio::test]
async fn unknown_and_server_owned_fields_are_refused_with_their_path() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let batch = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    for (extra_line, extra_order, field) in [
        (
            json!({"unit_price_fen": 1}),
            json!({}),
            "lines[0].unit_price_fen",
        ),
        (json!({}), json!({"status": "delivered"}), "status"),
        (json!({}), json!({"total_fen": 1}), "total_fen"),
        (json!({}), json!({"id": 77}), "id"),
    ] {
        let mut line = json!({"batch_id": batch, "quantity": 500});
        for (k, v) in extra_line.as_object().cloned().unwrap_or_default() {
            line[k] = v;
        }
        let mut body = json!({"buyer_id": buyer, "channel": "phone", "lines": [line]});
        for (k, v) in extra_order.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let r = app.post(&t, "/api/v1/orders", body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.json["errors"][0]["field"], field, "{}", r.text);
        assert!(
            r.json["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("unknown field"),
            "{}",
            r.text
        );
    }
    assert_eq!(
        app.stock(batch).await,
        10_000,
        "a refused request took stock"
    );
}

#[tokio::test]
async fn invalid_values_name_every_bad_field() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let batch = app.batch("by_weight", 10_000, 300).await;
    let buyer = app.buyer("individual").await;
    let r = app
        .post(
            &t,
            "/api/v1/orders",
            json!({"buyer_id": buyer, "channel": "phone",
            "lines": [{"batch_id": batch, "quantity": 0}, {"batch_id": batch, "quantity": -5}]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["lines[0].quantity", "lines[1].quantity"]);
    let r = app
        .post(
            &t,
            "/api/v1/orders",
            json!({"buyer_id": buyer, "channel": "phone", "lines": []}),
        )
        .await;
    assert_eq!(r.json["errors"][0]["field"], "lines");
    let r = app.post(&t, "/api/v1/orders", json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": 999_999, "quantity": 1}]})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "lines[0].batch_id");
    let r = app.post(&t, "/api/v1/orders", json!({"buyer_id": 999_999, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
    assert_eq!(r.json["errors"][0]["field"], "buyer_id");
    let r = app.post(&t, "/api/v1/orders", json!({"buyer_id": buyer, "channel": "fax", "lines": [{"batch_id": batch, "quantity": 1}]})).await;
    assert_eq!(r.json["errors"][0]["field"], "channel");
    let r = app
        .post(&t, "/api/v1/collectives", json!({"name": "   "}))
        .await;
    assert_eq!(r.json["errors"][0]["field"], "name");
    assert_eq!(app.stock(batch).await, 10_000);
}

#[tokio::test]
async fn bad_routes_paths_and_queries_are_problems() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    app.send(Method::GET, "/nowhere", None, None)
        .await
        .assert_problem(404, "route_not_found");
    app.send(Method::GET, "/api/v1/nowhere", Some(&t), None)
        .await
        .assert_problem(404, "route_not_found");
    app.get(&t, "/api/v1/orders/abc")
        .await
        .assert_problem(404, "invalid_path");
    app.get(&t, "/api/v1/orders/99999999999999999999")
        .await
        .assert_problem(404, "invalid_path");
    app.get(&t, "/api/v1/orders?status=lost")
        .await
        .assert_problem(422, "invalid_query");
    app.get(&t, "/api/v1/orders?from=yesterday")
        .await
        .assert_problem(422, "invalid_query");
    app.get(&t, "/api/v1/orders?per_page=100000")
        .await
        .assert_problem(422, "validation_failed");
    app.get(&t, "/api/v1/orders?page=0")
        .await
        .assert_problem(422, "validation_failed");
    app.get(&t, "/api/v1/orders/424242")
        .await
        .assert_problem(404, "not_found");
    let r = app
        .send(Method::PUT, "/api/v1/orders", Some(&t), None)
        .await;
    assert!(r.status == 404 || r.status == 405, "{}", r.status);
    assert_eq!(r.content_type, "application/problem+json");
}

#[tokio::test]
async fn duplicate_names_and_phones_are_409() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    assert_eq!(
        app.post(
            &t,
            "/api/v1/products",
            json!({"name": "上海青", "pricing": "by_weight"})
        )
        .await
        .status,
        201
    );
    app.post(
        &t,
        "/api/v1/products",
        json!({"name": "上海青", "pricing": "by_piece"}),
    )
    .await
    .assert_problem(409, "duplicate");
    let body = json!({"kind": "individual", "name": "张", "phone": "13800000009"});
    assert_eq!(
        app.post(&t, "/api/v1/buyers", body.clone()).await.status,
        201
    );
    app.post(&t, "/api/v1/buyers", body)
        .await
        .assert_problem(409, "duplicate");
}

#[tokio::test]
async fn nul_characters_and_absurd_dates_are_4xx_not_5xx() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let r = app
        .post(&t, "/api/v1/collectives", json!({"name": "红\u{0}光"}))
        .await;
    r.assert_problem(422, "validation_failed");
    app.get(&t, "/api/v1/buyers/by-phone/138%0000")
        .await
        .assert_problem(422, "invalid_path");
    app.get(&t, "/api/v1/collectives?q=a%00b")
        .await
        .assert_problem(422, "invalid_query");
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": "ad\u{0}min", "password": "x"})),
        )
        .await;
    assert_eq!(login.status, 422, "{}", login.text);
    app.get(&t, "/api/v1/orders?from=200000-01-01T00:00:00Z")
        .await
        .assert_problem(422, "invalid_query");
    app.get(&t, "/api/v1/orders?to=1000-01-01T00:00:00Z")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.get(&t, "/api/v1/collectives").await.json["total"], 0);
}

#[tokio::test]
async fn bodies_that_are_not_utf8_json_are_415() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    for ct in [
        "application/json; charset=utf-16",
        "text/json",
        "application/json; charset=latin1",
    ] {
        app.send_raw("/api/v1/collectives", &t, ct, "{\"name\":\"x\"}")
            .await
            .assert_problem(415, "unsupported_media_type");
    }
    let ok = app
        .send_raw(
            "/api/v1/collectives",
            &t,
            "application/json; charset=UTF-8",
            "{\"name\":\"x\"}",
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(app.get(&t, "/api/v1/collectives").await.json["total"], 1);
}

#[tokio::test]
async fn zero_prices_and_quantities_loose_dates_and_misplaced_terms_are_refused() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let helper = app.token("helper").await;
    let batch = app.batch("by_weight", 10_000, 600).await;
    let b = app.get(&t, &format!("/api/v1/batches/{batch}")).await.json;
    let base = json!({"product_id": b["product_id"], "grower_id": b["grower_id"], "harvest_date": "2026-11-01",
                      "quantity": 1000, "retail_price_fen": 600, "enterprise_price_fen": 500});
    let with = |k: &str, v: Value| {
        let mut x = base.clone();
        x[k] = v;
        x
    };
    for (field, value) in [
        ("retail_price_fen", json!(0)),
        ("enterprise_price_fen", json!(0)),
        ("quantity", json!(0)),
        ("harvest_date", json!("2026-1-1")),
        ("harvest_date", json!("-0001-01-01")),
        ("harvest_date", json!("2026-11-20 ")),
        ("harvest_date", json!("1999-12-31")),
    ] {
        let r = app
            .post(&t, "/api/v1/batches", with(field, value.clone()))
            .await;
        r.assert_problem(422, "validation_failed");
        assert!(r.text.contains(field), "{field}={value}: {}", r.text);
    }
    let list = app.get(&t, "/api/v1/batches").await;
    assert_eq!(list.json["total"], 1, "nothing was created");

    // A contract price is for an enterprise, not for a person.
    let person = app.buyer("individual").await;
    app.post(
        &t,
        &format!("/api/v1/buyers/{person}/contract-prices"),
        json!({"batch_id": batch, "price_fen": 500, "valid_from": "2026-11-01"}),
    )
    .await
    .assert_problem(409, "not_an_enterprise");

    // A live show features open batches, at a price.
    let s = app
        .post(&helper, "/api/v1/live-sessions", json!({"platform": "douyin", "host": "第一书记", "title": "直播", "planned_start": "2026-11-28T12:00:00Z"}))
        .await;
    let id = s.json["id"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/live-sessions/{id}/featured");
    app.post(
        &helper,
        &path,
        json!({"batch_id": batch, "live_price_fen": 0}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let closed = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/batches/{batch}"),
            Some(&t),
            Some(&json!({"status": "closed"})),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    app.post(
        &helper,
        &path,
        json!({"batch_id": batch, "live_price_fen": 500}),
    )
    .await
    .assert_problem(409, "batch_closed");
    let session = app
        .get(&helper, &format!("/api/v1/live-sessions/{id}"))
        .await;
    assert_eq!(session.json["featured"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn the_most_negative_number_is_a_422_not_a_crash() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let batch = app.batch("by_piece", 10, 500).await;
    let r = app
        .send(
            Method::PATCH,
            &format!("/api/v1/batches/{batch}"),
            Some(&sec),
            Some(&json!({"stock_adjustment": i64::MIN})),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "stock_adjustment");
    let buyer = app.buyer("individual").await;
    let o = app
        .place_order(&sec, json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]}))
        .await;
    let id = o.json["id"].as_i64().unwrap_or_default();
    let p = app
        .post(
            &sec,
            &format!("/api/v1/orders/{id}/payments"),
            json!({"amount_fen": i64::MIN, "method": "cash", "reason": "x"}),
        )
        .await;
    p.assert_problem(422, "validation_failed");
    assert_eq!(app.stock(batch).await, 9, "nothing changed");
}

#[tokio::test]
async fn a_body_must_be_an_object_and_logout_refuses_a_body_it_cannot_read() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let c = app
        .post(&t, "/api/v1/collectives", json!({"name": "红光村"}))
        .await;
    let id = c.json["id"].as_i64().unwrap_or_default();
    // serde would read a struct from an array of its fields; no client means that.
    let r = app
        .send(
            Method::PATCH,
            &format!("/api/v1/collectives/{id}"),
            Some(&t),
            Some(&json!([null, null])),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(
        app.get(&t, &format!("/api/v1/collectives/{id}")).await.json["name"],
        "红光村",
        "nothing changed"
    );
    let r = app
        .send(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(&json!({"refresh_token": "x", "extra": 1})),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    // With no body and no cookie there is nothing to end: 204.
    let r = app
        .send(Method::POST, "/api/v1/auth/logout", None, None)
        .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn an_unknown_query_parameter_is_refused_and_named() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    // A misspelt filter would otherwise be ignored and every order listed.
    let r = app.get(&t, "/api/v1/orders?stauts=pending").await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "stauts");
    assert_eq!(
        app.get(&t, "/api/v1/orders?status=pending&per_page=5")
            .await
            .status,
        200
    );
    // Pages and assets take no declared parameters and are left alone.
    assert_eq!(
        app.send(Method::GET, "/app/office?utm=1", None, None)
            .await
            .status,
        200
    );
}
