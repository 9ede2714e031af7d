//! What the server keeps on disk: webhook signing secrets sealed (never the `whsec_` value),
//! and the SQLite files readable by their owner only.

use crate::helpers::{TestApp, backend_name, spawn_app, spawn_app_with};
use crate::partner::{bulk, partner, receiver, subscribe, wait_for};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use zhunong_api::services::webhooks::sign;

/// (secret, previous_secret) as stored for an endpoint.
async fn stored_secrets(app: &TestApp, endpoint: i64) -> (String, Option<String>) {
    let db = app.raw_db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = {endpoint}"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no endpoint {endpoint}"));
    let secret: String = row.try_get("", "secret").unwrap_or_default();
    let previous: Option<String> = row.try_get("", "previous_secret").unwrap_or_default();
    db.close().await.ok();
    (secret, previous)
}

fn assert_hidden(stored: &str, secret: &str) {
    let b64 = secret.strip_prefix(sign::SECRET_PREFIX).unwrap_or(secret);
    assert!(
        stored.starts_with("enc:v1:"),
        "stored as {stored:?}, not sealed"
    );
    assert!(!stored.contains(secret), "the secret is stored as it is");
    assert!(!stored.contains(b64), "the secret's key bytes are stored");
}

/// Confirms a fresh bulk order, which sends `order.confirmed`.
async fn confirm_an_order(app: &TestApp, key: &str, idem: &str) {
    let boxes = app.batch("by_piece", 100, 8_800).await;
    let o = bulk(
        app,
        key,
        Some(idem),
        &json!({"lines": [{"batch_id": boxes, "quantity": 1}]}),
    )
    .await;
    let order = o.json["id"].as_i64().unwrap_or(0);
    let sec = app.token("secretary").await;
    let r = app
        .post(&sec, &format!("/api/v1/orders/{order}/confirm"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhook_secrets_are_stored_sealed_and_both_rotation_secrets_still_sign() {
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_poll_millis = 100;
    })
    .await;
    let rx = receiver(0).await;
    let (_, key) = partner(&app, "皖酒集团").await;
    let hook = subscribe(&app, &key, rx.port, &["order.confirmed"]).await;
    let id = hook.json["webhook"]["id"].as_i64().unwrap_or(0);
    let first = hook.json["secret"].as_str().unwrap_or_default().to_owned();
    assert!(first.starts_with(sign::SECRET_PREFIX), "{first}");
    let (stored, previous) = stored_secrets(&app, id).await;
    assert_hidden(&stored, &first);
    assert_eq!(previous, None);

    let rotated = app
        .send(
            Method::POST,
            &format!("/api/v1/partner/webhooks/{id}/rotate-secret"),
            Some(&key),
            Some(&json!({})),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let second = rotated.json["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (stored, previous) = stored_secrets(&app, id).await;
    let previous = previous.unwrap_or_default();
    for s in [&first, &second] {
        assert_hidden(&stored, s);
        assert_hidden(&previous, s);
    }

    confirm_an_order(&app, &key, "at-rest-1").await;
    let got = wait_for(&rx, 1).await;
    rx.handle.stop(false).await;
    let (msg, ts, sig, body) = got.first().cloned().unwrap_or_default();
    assert_eq!(sig.split(' ').count(), 2, "both secrets sign: {sig}");
    assert!(sign::verify(&first, &msg, ts, &body, &sig), "old secret");
    assert!(sign::verify(&second, &msg, ts, &body, &sig), "new secret");
    println!(
        "sealed webhook secrets sign deliveries on {}",
        backend_name()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_secret_stored_in_plain_text_still_signs_and_is_sealed_at_start() {
    use zhunong_api::db::Db;
    use zhunong_api::services::partner::webhooks::seal_plain_secrets;
    use zhunong_api::services::webhooks::secret_box::SecretBox;
    let app = spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.webhook_poll_millis = 100;
    })
    .await;
    let rx = receiver(0).await;
    let (_, key) = partner(&app, "皖酒集团").await;
    let hook = subscribe(&app, &key, rx.port, &["order.confirmed"]).await;
    let id = hook.json["webhook"]["id"].as_i64().unwrap_or(0);
    // As a row written before secrets were sealed.
    let plain = sign::new_secret();
    let db = app.raw_db().await;
    db.execute_unprepared(&format!(
        "UPDATE webhook_endpoints SET secret = '{plain}' WHERE id = {id}"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    db.close().await.ok();

    confirm_an_order(&app, &key, "at-rest-plain").await;
    let got = wait_for(&rx, 1).await;
    rx.handle.stop(false).await;
    let (msg, ts, sig, body) = got.first().cloned().unwrap_or_default();
    assert!(sign::verify(&plain, &msg, ts, &body, &sig), "{sig}");

    // What `Application::build` runs at start.
    let server = Db::connect(&app.settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let secrets = SecretBox::from_master(crate::helpers::JWT_SECRET.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let sealed = seal_plain_secrets(&server, &secrets)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sealed, 1);
    let (stored, _) = stored_secrets(&app, id).await;
    assert_hidden(&stored, &plain);
    assert_eq!(secrets.open(&stored).ok().as_deref(), Some(plain.as_str()));
    assert_eq!(
        seal_plain_secrets(&server, &secrets)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        0,
        "nothing left to seal"
    );
}

#[tokio::test]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    if backend_name() != "sqlite" {
        println!("file permissions concern the SQLite files only");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    // A write, so that the WAL and shared-memory files are surely there.
    app.token("secretary").await;
    let path = app
        .settings
        .sqlite_path()
        .unwrap_or_else(|| panic!("a SQLite file"));
    for suffix in ["", "-wal", "-shm"] {
        let f = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&f)
            .unwrap_or_else(|e| panic!("{f}: {e}"))
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{f} has mode {mode:o}");
    }
}
