//! Collectives, growers, products, batches and buyers: create, read, update, list with filters
//! and pagination.

use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn collectives_growers_products_and_batches_round_trip() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    let c = app
        .post(
            &t,
            "/api/v1/collectives",
            json!({"name": "红光村", "region": "安徽"}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let cid = c.json["id"].as_i64().unwrap_or_default();
    let patched = app
        .send(
            Method::PATCH,
            &format!("/api/v1/collectives/{cid}"),
            Some(&t),
            Some(&json!({"region": null})),
        )
        .await;
    assert_eq!(
        (
            patched.status,
            patched.json["region"].is_null(),
            patched.json["name"].as_str()
        ),
        (200, true, Some("红光村"))
    );

    let g = app
        .post(
            &t,
            "/api/v1/growers",
            json!({"collective_id": cid, "name": "王飞", "kind": "household", "area_mu": 28}),
        )
        .await;
    assert_eq!(
        (g.status, g.json["area_mu"].as_i64()),
        (201, Some(28)),
        "{}",
        g.text
    );
    let bad = app
        .post(
            &t,
            "/api/v1/growers",
            json!({"collective_id": 987654, "name": "x", "kind": "household"}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.json["errors"][0]["field"], "collective_id");

    let p = app
        .post(
            &t,
            "/api/v1/products",
            json!({"name": "阳光玫瑰", "pricing": "by_weight"}),
        )
        .await;
    assert_eq!(p.status, 201);
    let pricing_change = app
        .send(
            Method::PATCH,
            &format!("/api/v1/products/{}", p.json["id"]),
            Some(&t),
            Some(&json!({"pricing": "by_piece"})),
        )
        .await;
    pricing_change.assert_problem(422, "validation_failed");

    let b = app
        .post(&t, "/api/v1/batches", json!({"product_id": p.json["id"], "grower_id": g.json["id"], "harvest_date": "2026-09-01",
            "quantity": 5_000_000, "retail_price_fen": 1500, "enterprise_price_fen": 1200, "storage_place": "冷库"}))
        .await;
    assert_eq!(b.status, 201, "{}", b.text);
    assert_eq!(
        (b.json["stock_qty"].as_i64(), b.json["status"].as_str()),
        (Some(5_000_000), Some("open"))
    );
    let bid = b.json["id"].as_i64().unwrap_or_default();
    let path = format!("/api/v1/batches/{bid}");
    let r = app
        .send(
            Method::PATCH,
            &path,
            Some(&t),
            Some(&json!({"stock_adjustment": -5_000_001, "reason": "盘点"})),
        )
        .await;
    r.assert_problem(409, "stock_would_be_negative");
    let r = app
        .send(
            Method::PATCH,
            &path,
            Some(&t),
            Some(&json!({"stock_adjustment": -1_000, "retail_price_fen": 1600, "reason": "霉烂"})),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.json["stock_qty"].as_i64(),
            r.json["retail_price_fen"].as_i64()
        ),
        (200, Some(4_999_000), Some(1600)),
        "{}",
        r.text
    );
    let r = app
        .send(
            Method::PATCH,
            &path,
            Some(&t),
            Some(&json!({"stock_qty": 1})),
        )
        .await;
    r.assert_problem(422, "validation_failed");

    let list = app
        .get(
            &t,
            &format!("/api/v1/batches?product_id={}&status=open", p.json["id"]),
        )
        .await;
    assert_eq!(list.json["total"], 1);
    let none = app.get(&t, "/api/v1/batches?status=closed").await;
    assert_eq!(none.json["total"], 0);
    let harvested = app
        .get(&t, "/api/v1/batches?harvested_from=2026-10-01")
        .await;
    assert_eq!(harvested.json["total"], 0);
}

#[tokio::test]
async fn lists_paginate() {
    let app = spawn_app().await;
    let t = app.token("secretary").await;
    for i in 0..7 {
        assert_eq!(
            app.post(&t, "/api/v1/collectives", json!({"name": format!("村{i}")}))
                .await
                .status,
            201
        );
    }
    let p1 = app.get(&t, "/api/v1/collectives?page=1&per_page=3").await;
    let p3 = app.get(&t, "/api/v1/collectives?page=3&per_page=3").await;
    assert_eq!(
        (
            p1.json["total"].as_u64(),
            p1.json["items"].as_array().map(Vec::len)
        ),
        (Some(7), Some(3))
    );
    assert_eq!(p3.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(p3.json["items"][0]["name"], "村6");
    let q = app.get(&t, "/api/v1/collectives?q=%E6%9D%915").await;
    assert_eq!(q.json["total"], 1, "{}", q.text);
    let wildcard = app.get(&t, "/api/v1/collectives?q=%25").await;
    assert_eq!(
        wildcard.json["total"], 0,
        "a % in the search text is literal"
    );
}

#[tokio::test]
async fn buyers_are_found_by_phone_and_helpers_can_add_them() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let r = app.post(&helper, "/api/v1/buyers", json!({"kind": "individual", "name": "李女士", "phone": "13800000001", "address": "合肥"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let found = app
        .get(&helper, "/api/v1/buyers/by-phone/13800000001")
        .await;
    assert_eq!(
        (
            found.status,
            found.json["name"].as_str(),
            found.json["address"].as_str()
        ),
        (200, Some("李女士"), Some("合肥"))
    );
    app.get(&helper, "/api/v1/buyers/by-phone/13999999999")
        .await
        .assert_problem(404, "not_found");
    let listed = app.get(&helper, "/api/v1/buyers?phone=13800000001").await;
    assert_eq!(listed.json["total"], 1);

    let ent = app
        .post(
            &helper,
            "/api/v1/buyers",
            json!({"kind": "enterprise", "name": "工会", "company": "皖酒集团",
            "contacts": [{"name": "赵经理", "phone": "13700000001", "title": "采购"}]}),
        )
        .await;
    assert_eq!(
        (ent.status, ent.json["contacts"][0]["name"].as_str()),
        (201, Some("赵经理")),
        "{}",
        ent.text
    );
    let no_company = app
        .post(
            &helper,
            "/api/v1/buyers",
            json!({"kind": "enterprise", "name": "x"}),
        )
        .await;
    assert_eq!(no_company.json["errors"][0]["field"], "company");
    let bad_phone = app
        .post(
            &helper,
            "/api/v1/buyers",
            json!({"kind": "individual", "name": "x", "phone": "call me"}),
        )
        .await;
    assert_eq!(bad_phone.json["errors"][0]["field"], "phone");
    let by_company = app
        .get(
            &helper,
            "/api/v1/buyers?q=%E7%9A%96%E9%85%92&kind=enterprise",
        )
        .await;
    assert_eq!(by_company.json["total"], 1, "{}", by_company.text);
}
