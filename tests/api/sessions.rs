//! Refresh tokens: a login lasts a show; each refresh token works once; reuse ends the session.

use crate::helpers::{ADMIN_PASSWORD, Reply, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::time::Duration;

async fn login_body(app: &TestApp) -> Reply {
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Reply::from(r).await
}

async fn refresh(app: &TestApp, body: Option<Value>, cookie: Option<&str>) -> Reply {
    let mut req = app.client.post(app.url("/api/v1/auth/refresh"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

fn refresh_token(r: &Reply) -> String {
    r.json["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn each_refresh_token_works_once_and_reuse_ends_the_whole_session() {
    let app = spawn_app().await;
    let first = login_body(&app).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let r1 = refresh_token(&first);
    assert_eq!(r1.len(), 64);
    assert_eq!(first.json["refresh_expires_in"], 43_200);

    let second = refresh(&app, Some(json!({"refresh_token": r1})), None).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let r2 = refresh_token(&second);
    assert_ne!(r1, r2, "rotated");
    let access = second.json["access_token"].as_str().unwrap_or_default();
    assert_eq!(app.get(access, "/api/v1/me").await.status, 200);

    // The old one again: taken as theft, so the newer one is revoked too.
    refresh(&app, Some(json!({"refresh_token": r1})), None)
        .await
        .assert_problem(401, "unauthorized");
    refresh(&app, Some(json!({"refresh_token": r2})), None)
        .await
        .assert_problem(401, "unauthorized");
    refresh(&app, Some(json!({"refresh_token": "0".repeat(64)})), None)
        .await
        .assert_problem(401, "unauthorized");

    // Only a hash is stored.
    let db = app.raw_db().await;
    use sea_orm::ConnectionTrait;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT token_hash FROM refresh_tokens",
        ))
        .await
        .unwrap_or_default();
    assert!(rows.len() >= 2);
    for row in rows {
        let h: String = row.try_get("", "token_hash").unwrap_or_default();
        assert!(h != r1 && h != r2);
    }
}

#[tokio::test]
async fn pages_get_the_refresh_token_as_an_http_only_cookie_for_the_auth_path() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "cookie": true}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = Reply::from(r).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.json.get("refresh_token").is_none(),
        "not in the body: {}",
        r.text
    );
    let set = r
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for part in [
        "zhunong_refresh=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
    ] {
        assert!(set.contains(part), "{set}");
    }
    let cookie = set.split(';').next().unwrap_or_default().to_owned();
    let renewed = refresh(&app, None, Some(&cookie)).await;
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    assert!(renewed.headers.get("set-cookie").is_some(), "a new cookie");
    assert!(renewed.json.get("refresh_token").is_none());
    // The cookie it replaced no longer works, and logout ends the new one.
    let next = renewed
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let out = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &next)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status(), 204);
    refresh(&app, None, Some(&next))
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_and_the_session_ends_with_its_lifetime() {
    let app = spawn_app_with(|s| {
        s.jwt_ttl_secs = 1;
        s.jwt_leeway_secs = 0;
        s.refresh_ttl_secs = 3;
    })
    .await;
    let first = login_body(&app).await;
    let access = first.json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    app.get(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let renewed = refresh(
        &app,
        Some(json!({"refresh_token": refresh_token(&first)})),
        None,
    )
    .await;
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    let access = renewed.json["access_token"].as_str().unwrap_or_default();
    assert_eq!(app.get(access, "/api/v1/me").await.status, 200);
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    refresh(
        &app,
        Some(json!({"refresh_token": refresh_token(&renewed)})),
        None,
    )
    .await
    .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_password_reset_or_disabling_ends_the_refresh_tokens_too() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    app.token("helper").await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "helper-user", "password": crate::helpers::STAFF_PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let login = Reply::from(r).await;
    let users = app.get(&admin, "/api/v1/users").await.json;
    let id = users["items"]
        .as_array()
        .and_then(|a| a.iter().find(|u| u["username"] == "helper-user"))
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_default();
    let reset = app
        .post(
            &admin,
            &format!("/api/v1/users/{id}/password"),
            json!({"password": "brand-new-pass-1"}),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    refresh(
        &app,
        Some(json!({"refresh_token": refresh_token(&login)})),
        None,
    )
    .await
    .assert_problem(401, "unauthorized");
}

async fn cookie_login(app: &TestApp, headers: &[(&str, &str)]) -> Reply {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "cookie": true}));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

fn set_cookie(r: &Reply) -> String {
    r.headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn refresh_with(app: &TestApp, cookie: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", cookie);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    Reply::from(req.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

#[tokio::test]
async fn the_refresh_cookie_is_taken_only_from_our_own_pages() {
    let app = spawn_app().await;
    let set = set_cookie(&cookie_login(&app, &[]).await);
    let cookie = set.split(';').next().unwrap_or_default().to_owned();
    let host = app.base.trim_start_matches("http://").to_owned();
    let foreign = [
        vec![("origin", "https://evil.example")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![("sec-fetch-site", "same-site")],
    ];
    for headers in &foreign {
        let r = refresh_with(&app, &cookie, headers).await;
        r.assert_problem(403, "cross_site_request");
    }
    // The refused attempts spent nothing: the page itself still renews with the same cookie.
    let own_origin = format!("http://{host}");
    let ok = refresh_with(
        &app,
        &cookie,
        &[
            ("origin", own_origin.as_str()),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // Logout by cookie from another site is refused too.
    let next = set_cookie(&ok);
    let next = next.split(';').next().unwrap_or_default().to_owned();
    let out = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", &next)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status(), 403);
}

#[tokio::test]
async fn only_a_trusted_proxy_makes_the_cookie_secure() {
    let untrusted = spawn_app().await;
    let set = set_cookie(&cookie_login(&untrusted, &[("x-forwarded-proto", "https")]).await);
    assert!(!set.contains("Secure"), "{set}");
    let trusted = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".into()]).await;
    let set = set_cookie(&cookie_login(&trusted, &[("x-forwarded-proto", "https")]).await);
    assert!(set.contains("Secure"), "{set}");
}
