//! The Douyin shop: order exports imported (preview, commit, again, a later version), their
//! files in every form the shop writes, refusals, races with the helper's orders, and the
//! ship-back file. The export files are built here from the shop's column names.

pub mod files;
mod import;
mod races;

use crate::helpers::{Reply, TestApp};
use serde_json::{Value, json};

/// Uploads `body` as an order export; `dry_run` for a preview.
pub async fn upload(app: &TestApp, body: Vec<u8>, dry_run: bool) -> Reply {
    app.upload_file(
        &format!("/api/v1/shop/order-imports?dry_run={dry_run}&file_name=export.csv"),
        body,
    )
    .await
}

/// Maps `code` to `batch`, `units` per item.
pub async fn map_sku(app: &TestApp, code: &str, batch: i64, units: i64) {
    let t = app.token("secretary").await;
    let r = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/shop/sku-maps",
            Some(&t),
            Some(&json!({"sku_code": code, "batch_id": batch, "units_per_item": units})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Our order of a shop order id.
pub async fn order_of(app: &TestApp, platform_id: impl std::fmt::Display) -> i64 {
    app.sql_i64(&format!(
        "SELECT order_id FROM shop_orders WHERE platform_order_id = '{platform_id}'"
    ))
    .await
}

/// The id of an order's first line.
pub async fn first_line(app: &TestApp, order: i64) -> i64 {
    let o = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/orders/{order}"),
        )
        .await;
    o.json["lines"][0]["line_id"].as_i64().unwrap_or(0)
}

/// The totals of an import answer, as (rows, new, unchanged, updated, skipped, refused).
pub fn totals(r: &Value) -> (i64, i64, i64, i64, i64, i64) {
    let t = &r["totals"];
    let n = |k: &str| t[k].as_i64().unwrap_or(-1);
    (
        n("rows"),
        n("new"),
        n("unchanged"),
        n("updated"),
        n("skipped"),
        n("refused"),
    )
}
