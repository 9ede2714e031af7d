//! Writes go through a write transaction or nowhere; a transaction in which anything failed is
//! never committed; live notices reach streams at once and streams end with their show.
//! (Faults from outside the process — kill -9, a full disk, a database going away — are in
//! `tests/faults/`.)

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::time::Duration;
use zhunong_api::db::Db;

async fn db_of(app: &TestApp) -> Db {
    Db::connect(&app.settings)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
}

async fn collective_count(db: &Db) -> i64 {
    let row = db
        .read
        .query_one_raw(sea_orm::Statement::from_string(
            db.backend(),
            "SELECT COUNT(*) AS n FROM collectives",
        ))
        .await
        .unwrap_or_else(|e| panic!("count: {e}"))
        .unwrap_or_else(|| panic!("no row"));
    row.try_get::<i64>("", "n").unwrap_or(-1)
}

#[tokio::test]
async fn the_read_pool_refuses_writes() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let write = db
        .read
        .execute_unprepared("INSERT INTO collectives (name, region, created_at, updated_at) VALUES ('x', 'y', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .await;
    assert!(write.is_err(), "a write through the read pool went through");
    assert_eq!(collective_count(&db).await, 0);
}

#[tokio::test]
async fn a_transaction_in_which_a_statement_failed_is_never_committed() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    tx.execute_unprepared("INSERT INTO collectives (name, region, created_at, updated_at) VALUES ('甲', '红光村', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .await
        .unwrap_or_else(|e| panic!("first insert: {e}"));
    // The caller ignores this error, as buggy code might; SQLite would carry on in autocommit
    // mode after some errors, PostgreSQL would abort the transaction.
    let failed = tx
        .execute_unprepared("INSERT INTO no_such_table VALUES (1)")
        .await;
    assert!(failed.is_err());
    let later = tx
        .execute_unprepared("INSERT INTO collectives (name, region, created_at, updated_at) VALUES ('乙', '红光村', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .await;
    assert!(later.is_err(), "statements after a failure must not run");
    assert!(tx.commit().await.is_err(), "the commit must be refused");
    assert_eq!(collective_count(&db).await, 0, "nothing of it is kept");

    // The writer is usable again at once.
    let tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    tx.execute_unprepared("INSERT INTO collectives (name, region, created_at, updated_at) VALUES ('丙', '红光村', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(collective_count(&db).await, 1);
}

/// Opens the session's stream and returns its raw text as it arrives.
async fn open_stream(app: &TestApp, token: &str, session: i64) -> reqwest::Response {
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/live-sessions/{session}/stream")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
    resp
}

/// Reads until `done` holds for the text so far; returns the text and whether the stream ended.
async fn read_text(
    resp: reqwest::Response,
    done: impl Fn(&str) -> bool,
    timeout: Duration,
) -> (String, bool) {
    let mut stream = resp.bytes_stream();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while !done(&text) {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(None) => return (text, true),
            _ => return (text, false),
        }
    }
    (text, false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_sees_its_show_start_and_end_at_once_and_the_stream_then_closes() {
    // A long refresh, so that only the notices can explain prompt updates.
    let app = spawn_app_with(|s| s.live_refresh_secs = 600).await;
    let helper = app.token("helper").await;
    let batch = app.batch("by_piece", 10, 9_900).await;
    let s = app
        .post(&helper, "/api/v1/live-sessions", json!({"platform": "douyin", "host": "第一书记", "title": "葡萄直播", "planned_start": "2026-11-28T12:00:00Z"}))
        .await;
    let id = s.json["id"].as_i64().unwrap_or(0);
    let f = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{id}/featured"),
            json!({"batch_id": batch, "live_price_fen": 8_800}),
        )
        .await;
    assert_eq!(f.status, 200, "{}", f.text);

    let stream = open_stream(&app, &helper, id).await;
    let reader = tokio::spawn(read_text(
        stream,
        |t| t.contains("\"status\":\"live\""),
        Duration::from_secs(5),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let r = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(r.json["status"], "live");
    let (text, _) = reader.await.unwrap_or_default();
    assert!(
        text.contains("\"status\":\"live\""),
        "the start reached the board: {text}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));

    let stream = open_stream(&app, &helper, id).await;
    let reader = tokio::spawn(read_text(stream, |_| false, Duration::from_secs(5)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ended_at = std::time::Instant::now();
    let r = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{id}/end"),
            json!({}),
        )
        .await;
    assert_eq!(r.json["status"], "ended");
    let (text, closed) = reader.await.unwrap_or_default();
    assert!(closed, "the stream of an ended show closes: {text}");
    assert!(ended_at.elapsed() < Duration::from_secs(2));
    assert!(text.contains("event: ended"), "{text}");
    assert!(text.contains("\"status\":\"ended\""), "{text}");

    // A board that connects after the end gets the last totals and the end, and nothing more.
    let stream = open_stream(&app, &helper, id).await;
    let (text, closed) = read_text(stream, |_| false, Duration::from_secs(5)).await;
    assert!(closed && text.contains("event: ended"), "{text}");
}
