//! Reports say how fresh they are and which database answered. With a read replica configured,
//! they read it; one that cannot be reached is passed over for the primary with no error. (The
//! real streaming standby, with lag and a stopped standby, is the fault suite's `replica`
//! scenario: it needs a private cluster.)

use crate::helpers::{TestApp, backend_name, spawn_app, spawn_app_with};
use zhunong_api::config::Secret;

async fn summary_and_report(app: &TestApp) -> [serde_json::Value; 2] {
    let sec = app.token("secretary").await;
    let summary = app.get(&sec, "/api/v1/reports/sales/summary").await;
    assert_eq!(summary.status, 200, "{}", summary.text);
    let report = app
        .get(&sec, "/api/v1/reports/sales?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    [summary.json, report.json]
}

fn as_of(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    v["as_of"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| panic!("no as_of in {v}"))
}

#[tokio::test]
async fn without_a_replica_reports_read_the_primary_as_of_now() {
    let app = spawn_app().await;
    let before = chrono::Utc::now();
    for answer in summary_and_report(&app).await {
        assert_eq!(answer["read_from"], "primary", "{answer}");
        let t = as_of(&answer);
        assert!(
            t >= before - chrono::Duration::seconds(1),
            "{t} before {before}"
        );
        assert!(t <= chrono::Utc::now());
    }
}

#[tokio::test]
async fn a_replica_that_cannot_be_reached_is_passed_over_for_the_primary() {
    if backend_name() != "postgres" {
        println!("read replica: PostgreSQL only");
        return;
    }
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .map(|l| l.local_addr().map(|a| a.port()).unwrap_or(9))
        .unwrap_or(9);
    let app = spawn_app_with(|s| {
        s.database_read_url = Some(Secret::new(format!(
            "postgres://postgres@127.0.0.1:{port}/test"
        )));
        s.database_read_timeout_millis = 300;
    })
    .await;
    for answer in summary_and_report(&app).await {
        assert_eq!(answer["read_from"], "primary", "{answer}");
    }
}

#[tokio::test]
async fn a_configured_replica_answers_reports() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        println!("read replica: PostgreSQL only");
        return;
    };
    // The primary itself as its own "replica": it is not in recovery, so it is current.
    let app = spawn_app_with(|s| s.database_read_url = Some(Secret::new(url))).await;
    let before = chrono::Utc::now();
    for answer in summary_and_report(&app).await {
        assert_eq!(answer["read_from"], "replica", "{answer}");
        assert!(as_of(&answer) >= before - chrono::Duration::seconds(1));
    }
}

#[tokio::test]
async fn a_read_replica_on_sqlite_is_refused_at_start() {
    if backend_name() != "sqlite" {
        return;
    }
    let settings = zhunong_api::config::Settings {
        database_read_url: Some(Secret::new("postgres://127.0.0.1/x")),
        bind: "127.0.0.1:0".into(),
        database_url: "sqlite::memory:".into(),
        ..Default::default()
    };
    let built = zhunong_api::startup::Application::build(settings).await;
    let err = built.err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(err.contains("database_read_url needs PostgreSQL"), "{err}");
}
