//! A season's shop export: previewed, committed, imported again, then its later version.

use super::files::{Row, csv, gbk, xlsx};
use super::{map_sku, totals, upload};
use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

const BASE: u64 = 6_920_000_000_000_000_000;

/// Three live shows, each started and ended; for each, a time inside it as the shop writes it
/// (village time, whole seconds).
async fn three_shows(app: &TestApp) -> Vec<(i64, String)> {
    let helper = app.token("helper").await;
    let mut out = Vec::new();
    for _ in 0..3 {
        let (id, _) = crate::live::live_show_as(
            app,
            json!({"platform": "douyin", "host": "小王", "title": "葡萄专场", "planned_start": "2026-11-28T12:00:00Z"}),
            10,
            100,
            None,
        )
        .await;
        let s = app
            .get(&helper, &format!("/api/v1/live-sessions/{id}"))
            .await;
        let started =
            chrono::DateTime::parse_from_rfc3339(s.json["started_at"].as_str().unwrap_or(""))
                .unwrap_or_else(|e| panic!("{e}: {}", s.text));
        tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
        let e = app
            .post(
                &helper,
                &format!("/api/v1/live-sessions/{id}/end"),
                json!({}),
            )
            .await;
        assert_eq!(e.status, 200, "{}", e.text);
        let inside = started.with_timezone(
            &chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!()),
        ) + chrono::Duration::seconds(1);
        out.push((id, inside.format("%Y-%m-%d %H:%M:%S").to_string()));
    }
    out
}

/// 250 orders of two rows each: grapes by the box (by weight, 2.5 kg) and melons by the piece;
/// every state the shop writes; refunds; two SKUs without a map; live sales in three shows.
fn season(shows: &[(i64, String)]) -> Vec<Row> {
    let mut rows = Vec::new();
    for i in 0..250u64 {
        let main = BASE + i;
        let mut a = Row::new(
            main,
            BASE + 10_000 + 2 * i,
            "PUTAO-5J",
            1 + (i % 3) as i64,
            3_990,
        );
        let mut b = Row::new(main, BASE + 10_001 + 2 * i, "GUA-1", 1, 1_250);
        b.sku = match i % 50 {
            11 => "UNMAPPED-1".into(),
            12 => "UNMAPPED-2".into(),
            _ => "GUA-1".into(),
        };
        a.shipping_fen = 500;
        a.platform_fen = 300;
        a.shop_fen = 200;
        a.host_fen = 100;
        let state = match i % 10 {
            5 => "已发货",
            6 => "已完成",
            7 => "待支付",
            8 => "已关闭",
            _ => "待发货",
        };
        for r in [&mut a, &mut b] {
            r.state = state.into();
            if i % 4 != 0 {
                let (_, t) = &shows[(i % 3) as usize];
                r.paid_at = t.clone();
                r.live = true;
            }
        }
        if i % 10 == 9 {
            b.after_sale = "退款成功".into();
        }
        if i % 10 == 3 {
            a.after_sale = "售后中".into();
        }
        rows.push(a);
        rows.push(b);
    }
    rows
}

/// The new orders a season should make: paid, and every SKU mapped.
fn expected_new(rows: &[Row]) -> Vec<&Row> {
    let bad: std::collections::HashSet<&str> = rows
        .iter()
        .filter(|r| r.sku.starts_with("UNMAPPED"))
        .map(|r| r.main.as_str())
        .collect();
    rows.iter()
        .filter(|r| !bad.contains(r.main.as_str()))
        .filter(|r| matches!(r.state.as_str(), "待发货" | "已发货" | "已完成"))
        // A line refunded before the order was ever imported is not sold.
        .filter(|r| r.after_sale != "退款成功")
        .collect()
}

fn comparable(r: &Value) -> Value {
    let rows: Vec<Value> = r["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| json!([x["line"], x["outcome"], x["reason"]]))
        .collect();
    json!({"totals": r["totals"], "rows": rows, "unmapped": r["unmapped"], "unknown": r["columns_unknown"]})
}

#[tokio::test]
async fn a_season_previews_commits_and_imports_again_as_a_no_op() {
    let app = spawn_app().await;
    let shows = three_shows(&app).await;
    let grapes = app.batch("by_weight", 5_000_000, 1_600).await;
    let melons = app.batch("by_piece", 1_000, 1_250).await;
    map_sku(&app, "PUTAO-5J", grapes, 2_500).await;
    map_sku(&app, "GUA-1", melons, 1).await;
    let rows = season(&shows);
    let file = csv(&rows);

    let preview = upload(&app, file.clone(), true).await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.json["dry_run"], true);
    assert_eq!(
        (app.stock(grapes).await, app.stock(melons).await),
        (5_000_000, 1_000),
        "a preview writes nothing"
    );
    let new = expected_new(&rows);
    let unmapped_rows = rows
        .iter()
        .filter(|r| {
            rows.iter()
                .any(|o| o.main == r.main && o.sku.starts_with("UNMAPPED"))
        })
        .count() as i64;
    let unpaid_or_closed = rows
        .iter()
        .filter(|r| matches!(r.state.as_str(), "待支付" | "已关闭"))
        .count() as i64;
    let refunded_before = rows
        .iter()
        .filter(|r| r.after_sale == "退款成功" && r.state == "待发货")
        .count() as i64;
    let (n, created, unchanged, updated, skipped, refused) = totals(&preview.json);
    assert_eq!(n, 500);
    assert_eq!(created, new.len() as i64);
    assert_eq!((unchanged, updated), (0, 0));
    assert_eq!(
        (skipped, refused),
        (unpaid_or_closed + refunded_before, unmapped_rows),
        "{}",
        preview.text
    );
    assert_eq!(created + skipped + refused, 500);
    let codes: Vec<&str> = preview.json["unmapped"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["sku_code"].as_str())
        .collect();
    assert_eq!(codes, ["UNMAPPED-1", "UNMAPPED-2"]);
    assert_eq!(preview.json["columns_unknown"], json!(["旗帜颜色"]));
    assert_eq!(
        preview.json["totals"]["new_sale_fen"].as_i64(),
        Some(new.iter().map(|r| r.sale_fen()).sum::<i64>())
    );

    let commit = upload(&app, file.clone(), false).await;
    assert_eq!(commit.status, 200, "{}", commit.text);
    assert_eq!(
        comparable(&commit.json),
        comparable(&preview.json),
        "the preview said what the commit did"
    );
    let grams: i64 = new
        .iter()
        .filter(|r| r.sku == "PUTAO-5J")
        .map(|r| r.items * 2_500)
        .sum();
    let pieces: i64 = new
        .iter()
        .filter(|r| r.sku == "GUA-1")
        .map(|r| r.items)
        .sum();
    assert_eq!(app.stock(grapes).await, 5_000_000 - grams);
    assert_eq!(app.stock(melons).await, 1_000 - pieces);

    // The orders carry the shop's amounts; refunds in the file are refunds in the books.
    let sec = app.token("secretary").await;
    let orders = app
        .sql_i64("SELECT COUNT(*) FROM orders WHERE channel = 'douyin_shop'")
        .await;
    let distinct = new
        .iter()
        .map(|r| r.main.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len() as i64;
    assert_eq!(orders, distinct);
    let sold: i64 = new.iter().map(|r| r.sale_fen()).sum();
    assert_eq!(app.sql_i64("SELECT CAST(COALESCE(SUM(total_fen), 0) AS BIGINT) FROM orders WHERE channel = 'douyin_shop'").await, sold);
    // Paid in full through the platform; the lines refunded before import were left out.
    let refunded = 0;
    assert_eq!(
        app.sql_i64("SELECT CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT) FROM orders WHERE channel = 'douyin_shop'").await,
        sold
    );
    let left_out = rows
        .iter()
        .find(|r| r.after_sale == "退款成功")
        .map(|r| r.sub.clone())
        .unwrap_or_default();
    assert!(
        commit.json["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|x| {
                x["sub_order_id"] == left_out.as_str()
                    && x["outcome"] == "skipped"
                    && x["reason"] == "导入前已退款，这一行不导入"
            }),
        "{}",
        commit.text
    );
    let first = super::order_of(&app, BASE).await;
    let o = app.get(&sec, &format!("/api/v1/orders/{first}")).await;
    assert_eq!(
        (
            o.json["channel"].as_str(),
            o.json["status"].as_str(),
            o.json["fulfilment"].as_str()
        ),
        (Some("douyin_shop"), Some("confirmed"), Some("parcel"))
    );
    assert_eq!(o.json["lines"][0]["amount_fen"], 3_990 - 200);
    assert_eq!(o.json["lines"][0]["quantity"], 2_500);

    // Each show's totals hold its shop orders.
    let helper = app.token("helper").await;
    for (k, (show, _)) in shows.iter().enumerate() {
        let mine: Vec<&&Row> = new
            .iter()
            .filter(|r| r.live && (r.main.parse::<u64>().unwrap_or(0) - BASE) % 3 == k as u64)
            .collect();
        let t = app
            .get(&helper, &format!("/api/v1/live-sessions/{show}/totals"))
            .await;
        assert_eq!(t.status, 200, "{}", t.text);
        let orders: std::collections::HashSet<&str> =
            mine.iter().map(|r| r.main.as_str()).collect();
        assert_eq!(
            t.json["orders"].as_i64(),
            Some(orders.len() as i64),
            "{}",
            t.text
        );
        assert_eq!(
            t.json["revenue_fen"].as_i64(),
            Some(mine.iter().map(|r| r.sale_fen()).sum::<i64>()),
            "{}",
            t.text
        );
        // Every order of these shows came from the shop's cart, and the totals say so.
        assert_eq!(
            (&t.json["shop_orders"], &t.json["shop_revenue_fen"]),
            (&t.json["orders"], &t.json["revenue_fen"]),
            "{}",
            t.text
        );
    }

    // The same file again changes nothing.
    let again = upload(&app, file, false).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let (_, created2, unchanged2, updated2, _, _) = totals(&again.json);
    // The rows refused before import stay out, and count as unchanged now that their orders exist.
    assert_eq!(
        (created2, updated2, unchanged2),
        (0, 0, created + refunded_before)
    );
    assert_eq!(app.stock(grapes).await, 5_000_000 - grams);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE channel = 'douyin_shop'")
            .await,
        orders
    );

    // The later export: ten orders closed, five more refunds; only those change, once.
    let mut later = rows.clone();
    let closing: Vec<String> = new
        .iter()
        .filter(|r| r.state == "待发货" && r.after_sale.is_empty())
        .map(|r| r.main.clone())
        .take(20)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(10)
        .collect();
    for r in later.iter_mut().filter(|r| closing.contains(&r.main)) {
        r.state = "已关闭".into();
    }
    let refunding: Vec<String> = new
        .iter()
        .filter(|r| r.state == "已完成" && r.sku == "GUA-1" && r.after_sale.is_empty())
        .map(|r| r.sub.clone())
        .take(5)
        .collect();
    for r in later.iter_mut().filter(|r| refunding.contains(&r.sub)) {
        r.after_sale = "退款成功".into();
    }
    let changed = upload(&app, csv(&later), false).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let updated_rows = later
        .iter()
        .filter(|r| {
            closing.contains(&r.main)
                || refunding
                    .iter()
                    .any(|s| later.iter().any(|o| &o.sub == s && o.main == r.main))
        })
        .count() as i64;
    assert_eq!(totals(&changed.json).3, updated_rows, "{}", changed.text);
    let back_g: i64 = new
        .iter()
        .filter(|r| closing.contains(&r.main) && r.sku == "PUTAO-5J")
        .map(|r| r.items * 2_500)
        .sum();
    assert_eq!(
        app.stock(grapes).await,
        5_000_000 - grams + back_g,
        "closed orders gave their stock back"
    );
    let closed_sale: i64 = new
        .iter()
        .filter(|r| closing.contains(&r.main) && r.after_sale != "退款成功")
        .map(|r| r.sale_fen())
        .sum();
    let later_refunds: i64 = new
        .iter()
        .filter(|r| refunding.contains(&r.sub))
        .map(|r| r.sale_fen())
        .sum();
    assert_eq!(
        app.sql_i64("SELECT CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT) FROM orders WHERE channel = 'douyin_shop'").await,
        sold - refunded - closed_sale - later_refunds
    );
    let twice = upload(&app, csv(&later), false).await;
    assert_eq!(
        (totals(&twice.json).1, totals(&twice.json).3),
        (0, 0),
        "{}",
        twice.text
    );

    // The import is kept, with its results to download again.
    let list = app.get(&sec, "/api/v1/shop/order-imports").await;
    assert_eq!(list.json.as_array().map(Vec::len), Some(5));
    let id = commit.json["id"].as_i64().unwrap_or(0);
    let results = app
        .get(
            &sec,
            &format!("/api/v1/shop/order-imports/{id}/results.csv"),
        )
        .await;
    assert_eq!(results.status, 200);
    assert_eq!(
        results.text.trim_start_matches('\u{feff}').lines().count(),
        501
    );
    assert!(
        results
            .text
            .contains("商家编码「UNMAPPED-1」还没有对应的批次")
    );
    let (code, report) = crate::integrity::check(&app);
    assert_eq!(code, 0, "{report}");
}

#[tokio::test]
async fn gbk_and_xlsx_files_read_as_the_utf8_one() {
    let app = spawn_app().await;
    let batch = app.batch("by_piece", 1_000, 1_250).await;
    map_sku(&app, "GUA-1", batch, 1).await;
    let rows: Vec<Row> = (0..4)
        .map(|i| Row::new(BASE + 100 + i, BASE + 200 + i, "GUA-1", 2, 1_250))
        .collect();
    let a = upload(&app, csv(&rows), true).await;
    let b = upload(&app, gbk(&rows), true).await;
    let c = upload(&app, xlsx(&rows), true).await;
    for r in [&a, &b, &c] {
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(totals(&r.json), (4, 4, 0, 0, 0, 0), "{}", r.text);
        assert_eq!(r.json["columns_unknown"], json!(["旗帜颜色"]));
    }
    assert_eq!(upload(&app, xlsx(&rows), false).await.status, 200);
    assert_eq!(app.stock(batch).await, 1_000 - 8);
    assert_eq!(
        totals(&upload(&app, gbk(&rows), false).await.json),
        (4, 0, 4, 0, 0, 0)
    );
}
