//! The upgrade to explicit completion: lines weighed under the old rule (stock moved to the net
//! at every ticket) come out complete, holding their net, and behave under the new rules.

use super::{confirmed_order, weigh};
use crate::helpers::spawn_app;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;
use zhunong_migration::{Migrator, MigratorTrait};

async fn exec(db: &DatabaseConnection, stmt: &impl sea_orm::StatementBuilder) {
    db.execute(stmt)
        .await
        .unwrap_or_else(|e| panic!("old-rule data: {e}"));
}

/// `UPDATE table SET … WHERE id = id`.
async fn update(
    db: &DatabaseConnection,
    table: &str,
    id: i64,
    values: Vec<(&str, sea_orm::Value)>,
) {
    // In here only: `ExprTrait` would shadow `serde_json::Value::is_null` below.
    use sea_orm::ExprTrait;
    let mut u = Query::update();
    u.table(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id));
    for (col, v) in values {
        u.value(Alias::new(col), v);
    }
    exec(db, &u).await;
}

#[tokio::test]
async fn lines_weighed_before_the_upgrade_are_complete_and_hold_their_net() {
    let app = spawn_app().await;
    let (order, line, batch) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let (_, open_line, _) = confirmed_order(&app, "by_weight", 100_000, 300, 5_000).await;
    let db = app.raw_db().await;
    // Back to before the weighing migration: it and every migration after it, which `up` below
    // applies again.
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261201_000001_weighing_complete")
        .unwrap_or_else(|| panic!("no weighing migration"));
    let steps = u32::try_from(all.len() - at).unwrap_or(1);
    Migrator::down(&db, Some(steps))
        .await
        .unwrap_or_else(|e| panic!("down: {e}"));

    // What the old code left after one 4,900 g crate: the line and order weighed, and the
    // batch's stock moved to the net (95,000 + 100 back).
    let mut ticket = Query::insert();
    ticket
        .into_table(Alias::new("weigh_tickets"))
        .columns(
            [
                "order_id",
                "order_line_id",
                "gross_g",
                "tare_g",
                "net_g",
                "scale_id",
                "operator_id",
                "weighed_at",
            ]
            .map(Alias::new),
        )
        .values([
            order.into(),
            line.into(),
            4_900i64.into(),
            0i64.into(),
            4_900i64.into(),
            "scale-1".into(),
            1i64.into(),
            chrono::Utc::now().into(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
    exec(&db, &ticket).await;
    update(
        &db,
        "order_lines",
        line,
        vec![
            ("weighed_g", 4_900i64.into()),
            ("final_amount_fen", 2_940i64.into()),
        ],
    )
    .await;
    update(
        &db,
        "orders",
        order,
        vec![
            ("status", "weighed".into()),
            ("final_total_fen", 2_940i64.into()),
        ],
    )
    .await;
    update(&db, "batches", batch, vec![("stock_qty", 95_100i64.into())]).await;

    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("up: {e}"));

    let sec = app.token("secretary").await;
    let o = app.get(&sec, &format!("/api/v1/orders/{order}")).await;
    assert_eq!(
        (
            o.json["status"].as_str(),
            o.json["lines"][0]["weighing_completed_at"].is_string(),
            o.json["lines"][0]["stock_held"].as_i64()
        ),
        (Some("weighed"), true, Some(4_900)),
        "{}",
        o.text
    );
    let open = app.get(&sec, "/api/v1/orders?status=confirmed").await;
    let open_out = &open.json["items"][0]["lines"][0];
    assert_eq!(
        (
            open_out["line_id"].as_i64(),
            open_out["weighing_completed_at"].is_null(),
            open_out["stock_held"].as_i64()
        ),
        (Some(open_line), true, Some(5_000))
    );
    weigh(&app, line, json!([{"gross_g": 100, "tare_g": 0}]))
        .await
        .assert_problem(409, "weighing_complete");

    // The old ticket took nothing recorded: its void gives nothing back and the re-opened line
    // keeps its 4,900 g; a 5,000 g reweigh takes the 100 g above that.
    let sheet = app
        .get(&sec, &format!("/api/v1/orders/{order}/weighing-sheet"))
        .await;
    let old = sheet.json["lines"][0]["tickets"][0]["id"]
        .as_i64()
        .unwrap_or_default();
    let v = app
        .post(
            &sec,
            &format!("/api/v1/weighings/{old}/void"),
            json!({"reason": "升级后重称"}),
        )
        .await;
    assert_eq!(
        (
            v.json["status"].as_str(),
            v.json["lines"][0]["stock_held"].as_i64()
        ),
        (Some("confirmed"), Some(4_900)),
        "{}",
        v.text
    );
    assert_eq!(app.stock(batch).await, 95_100);
    weigh(&app, line, json!([{"gross_g": 5_000, "tare_g": 0}])).await;
    let c = app.complete_line(line).await;
    assert_eq!(c.json["status"], "weighed", "{}", c.text);
    assert_eq!(app.stock(batch).await, 95_000);
}
