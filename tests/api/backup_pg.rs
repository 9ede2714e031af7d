//! `zhunong backup` on PostgreSQL: a `pg_dump` of the service's schema that `pg_restore` puts
//! into a new database, where `zhunong check` finds every invariant whole and the same orders.

use crate::helpers::{TestApp, cli_on, said, sql_i64_on};
use crate::money::{deliver, grape_farm, pay, weighed_orders};
use sea_orm::{ConnectionTrait, Database};
use std::process::{Command, Output};
use std::sync::Arc;

fn zhunong(url: &str, schema: &str, args: &[&str]) -> Output {
    cli_on(url, Some(schema), args)
}

async fn count(url: &str, schema: &str, sql: &str) -> i64 {
    sql_i64_on(url, Some(schema), sql).await
}

/// Run by `backup::a_backup_taken_while_orders_flow_…` when the suite runs on PostgreSQL.
pub async fn a_dump_restores_into_a_new_database_and_checks(app: TestApp) {
    let schema = app.settings.database_schema.clone().unwrap_or_default();
    let url = app.settings.database_url.clone();
    let shared = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    // A worked day to carry over: orders weighed, delivered, one settled.
    let app = Arc::new(app);
    let (_, _, _, batch) = grape_farm(&app, 20, 10_000).await;
    let buyer = app.buyer("individual").await;
    let orders = weighed_orders(&app, batch, buyer, 3).await;
    deliver(&app, &orders).await;
    assert_eq!(pay(&app, orders[0], 10_000).await.status, 201);

    let dir = std::env::temp_dir().join(format!("zhunong-pgdump-{}", uuid::Uuid::new_v4()));
    let dir_s = dir.display().to_string();
    let o = zhunong(&url, &schema, &["backup", "--to", &dir_s]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("pg_restore"), "{}", said(&o));
    let dump = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "pgdump"))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no .pgdump in {dir_s}"));

    // Restored into a database of its own, it checks whole and holds the same orders.
    let restored_db = format!("zr_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&shared)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {restored_db}"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let base = shared.rsplit_once('/').map_or(shared.as_str(), |(b, _)| b);
    let restored_url = format!("{base}/{restored_db}");
    let r = Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &restored_url])
        .arg(&dump)
        .output()
        .unwrap_or_else(|e| panic!("pg_restore: {e}"));
    assert!(r.status.success(), "{}", said(&r));
    let check = zhunong(&restored_url, &schema, &["check"]);
    assert!(check.status.success(), "{}", said(&check));
    assert!(
        said(&check).contains("all invariants hold"),
        "{}",
        said(&check)
    );
    let q = "SELECT COUNT(*) FROM orders";
    assert_eq!(
        count(&restored_url, &schema, q).await,
        count(&url, &schema, q).await
    );
    assert_eq!(count(&restored_url, &schema, q).await, 3);

    // restore refuses a dump: it is pg_restore's to restore.
    let refused = zhunong(
        &url,
        &schema,
        &["restore", &dump.display().to_string(), "--to", &dir_s],
    );
    assert!(!refused.status.success());
    assert!(said(&refused).contains("pg_restore"), "{}", said(&refused));

    admin
        .execute_unprepared(&format!("DROP DATABASE {restored_db} WITH (FORCE)"))
        .await
        .ok();
    admin.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}
