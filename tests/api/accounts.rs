//! Accounts: disabling a user, changing a role or a password ends their tokens at the next
//! request; a token for a user that does not exist is refused.

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, STAFF_PASSWORD, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> crate::helpers::Reply {
    app.send(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(token),
        Some(&body),
    )
    .await
}

async fn user_id(app: &TestApp, admin: &str, name: &str) -> i64 {
    let users = app.get(admin, "/api/v1/users?per_page=200").await.json;
    users["items"]
        .as_array()
        .and_then(|a| a.iter().find(|u| u["username"] == name))
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("no user {name}"))
}

#[tokio::test]
async fn a_disabled_user_is_refused_at_the_next_request_and_cannot_log_in() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let helper = app.token("helper").await;
    assert_eq!(app.get(&helper, "/api/v1/me").await.status, 200);
    let id = user_id(&app, &admin, "helper-user").await;
    let r = patch(&app, &admin, id, json!({"active": false})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["active"], false);
    app.get(&helper, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.login("helper-user", STAFF_PASSWORD)
        .await
        .assert_problem(401, "unauthorized");
    // Enabled again: a new login works (the old token stays dead).
    assert_eq!(
        patch(&app, &admin, id, json!({"active": true}))
            .await
            .status,
        200
    );
    assert_eq!(app.login("helper-user", STAFF_PASSWORD).await.status, 200);
    app.get(&helper, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_role_change_takes_effect_at_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let helper = app.token("helper").await;
    let id = user_id(&app, &admin, "helper-user").await;
    assert_eq!(
        patch(&app, &admin, id, json!({"role": "secretary"}))
            .await
            .status,
        200
    );
    app.get(&helper, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let fresh = app.login("helper-user", STAFF_PASSWORD).await;
    assert_eq!(fresh.json["role"], "secretary");
    let t = fresh.json["access_token"].as_str().unwrap_or_default();
    assert_eq!(app.get(t, "/api/v1/commission-rules").await.status, 200);
}

#[tokio::test]
async fn password_resets_and_changes_end_the_old_tokens() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let sec = app.token("secretary").await;
    let station = app.token("station").await;
    let id = user_id(&app, &admin, "station-user").await;
    // The secretary resets the station's password.
    let r = app
        .post(
            &sec,
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "new-station-pass"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.get(&station, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.login("station-user", STAFF_PASSWORD)
        .await
        .assert_problem(401, "unauthorized");
    let t = app.login("station-user", "new-station-pass").await.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // The station changes its own: a wrong current password changes nothing.
    app.post(
        &t,
        "/api/v1/me/password",
        json!({"current_password": "wrong-wrong-1", "new_password": "mine-and-only-mine"}),
    )
    .await
    .assert_problem(401, "unauthorized");
    let changed = app
        .post(
            &t,
            "/api/v1/me/password",
            json!({"current_password": "new-station-pass", "new_password": "mine-and-only-mine"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(
        changed
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let new_token = changed.json["access_token"].as_str().unwrap_or_default();
    assert_eq!(app.get(new_token, "/api/v1/me").await.status, 200);
    app.get(&t, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        app.login("station-user", "mine-and-only-mine").await.status,
        200
    );
}

#[tokio::test]
async fn a_secretary_manages_staff_but_not_admins_and_nobody_disables_themselves() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let sec = app.token("secretary").await;
    app.token("helper").await;
    let helper_id = user_id(&app, &admin, "helper-user").await;
    let admin_id = user_id(&app, &admin, "admin").await;
    let sec_id = user_id(&app, &admin, "secretary-user").await;
    patch(&app, &sec, helper_id, json!({"role": "admin"}))
        .await
        .assert_problem(403, "forbidden");
    patch(&app, &sec, admin_id, json!({"active": false}))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &sec,
        &format!("/api/v1/users/{admin_id}/password"),
        json!({"password": "taken-over-1234"}),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status, 200);
    patch(&app, &sec, sec_id, json!({"active": false}))
        .await
        .assert_problem(409, "cannot_change_self");
    assert_eq!(
        patch(&app, &sec, helper_id, json!({"role": "station"}))
            .await
            .status,
        200
    );
    patch(&app, &admin, helper_id, json!({"role": "partner"}))
        .await
        .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_token_for_a_user_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": "99999", "role": "admin", "username": "ghost", "ver": 0,
        "iss": app.settings.jwt_issuer, "aud": app.settings.jwt_audience, "iat": now, "nbf": now, "exp": now + 600});
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.typ = Some("JWT".into());
    header.kid = Some(app.settings.jwt_kid.clone());
    let key = jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let token = jsonwebtoken::encode(&header, &claims, &key).unwrap_or_default();
    app.get(&token, "/api/v1/users")
        .await
        .assert_problem(401, "unauthorized");
}
