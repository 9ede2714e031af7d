//! Login, tokens and their negatives (RFC 8725): every bad token is a 401, never a 5xx.

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET, spawn_app, spawn_app_with};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims() -> Value {
    json!({"sub": "1", "role": "admin", "username": "admin", "iss": "zhunong", "aud": "zhunong-api",
           "iat": now(), "nbf": now(), "exp": now() + 600})
}

fn sign(header: Header, claims: &Value, secret: &str) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    jsonwebtoken::encode(&header, claims, &key).unwrap_or_else(|e| panic!("{e}"))
}

fn header(kid: Option<&str>, typ: Option<&str>) -> Header {
    let mut h = Header::new(Algorithm::HS256);
    h.kid = kid.map(str::to_owned);
    h.typ = typ.map(str::to_owned);
    h
}

pub fn forge(role: &str) -> String {
    let mut c = claims();
    c["role"] = json!(role);
    c["sub"] = json!("999999");
    sign(header(Some("k1"), Some("JWT")), &c, JWT_SECRET)
}

#[tokio::test]
async fn login_gives_a_token_that_works() {
    let app = spawn_app().await;
    let r = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["token_type"], "Bearer");
    assert_eq!(r.json["expires_in"], 900);
    let me = app
        .get(
            r.json["access_token"].as_str().unwrap_or_default(),
            "/api/v1/me",
        )
        .await;
    assert_eq!((me.status, me.json["role"].as_str()), (200, Some("admin")));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_the_same_401() {
    let app = spawn_app().await;
    let a = app.login("admin", "not-the-password").await;
    let b = app.login("nobody", "not-the-password").await;
    a.assert_problem(401, "unauthorized");
    b.assert_problem(401, "unauthorized");
    assert_eq!(a.json["detail"], b.json["detail"]);
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let app = spawn_app_with(|s| s.login_max_failures = 3).await;
    for _ in 0..3 {
        app.login("admin", "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    let r = app.login("admin", ADMIN_PASSWORD).await;
    r.assert_problem(429, "rate_limited");
    let retry: u64 = r
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry >= 1, "Retry-After missing");
}

#[tokio::test]
async fn bad_tokens_are_401() {
    let app = spawn_app().await;
    let good = sign(header(Some("k1"), Some("JWT")), &claims(), JWT_SECRET);
    assert_eq!(
        app.get(&good, "/api/v1/me").await.status,
        200,
        "the control token must work"
    );

    let with = |k: &str, v: Value| {
        let mut c = claims();
        c[k] = v;
        sign(header(Some("k1"), Some("JWT")), &c, JWT_SECRET)
    };
    let without = |k: &str| {
        let mut c = claims();
        c.as_object_mut().map(|o| o.remove(k));
        sign(header(Some("k1"), Some("JWT")), &c, JWT_SECRET)
    };
    let none_alg = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let hs512 = {
        let mut h = header(Some("k1"), Some("JWT"));
        h.alg = Algorithm::HS512;
        sign(h, &claims(), JWT_SECRET)
    };
    let cases = [
        ("alg none", none_alg),
        ("tampered signature", tampered),
        (
            "other secret",
            sign(
                header(Some("k1"), Some("JWT")),
                &claims(),
                "another-secret-another-secret-another",
            ),
        ),
        ("HS512", hs512),
        ("wrong aud", with("aud", json!("someone-else"))),
        ("missing aud", without("aud")),
        ("wrong iss", with("iss", json!("evil"))),
        ("missing exp", without("exp")),
        ("expired", with("exp", json!(now() - 120))),
        ("not yet valid", with("nbf", json!(now() + 600))),
        (
            "wrong typ",
            sign(header(Some("k1"), Some("at+jwt")), &claims(), JWT_SECRET),
        ),
        (
            "unknown kid",
            sign(header(Some("k9"), Some("JWT")), &claims(), JWT_SECRET),
        ),
        (
            "no kid",
            sign(header(None, Some("JWT")), &claims(), JWT_SECRET),
        ),
        ("unknown role", with("role", json!("superuser"))),
        ("garbage", "not.a.token".to_string()),
    ];
    for (name, token) in cases {
        let r = app.get(&token, "/api/v1/me").await;
        assert_eq!(r.status, 401, "{name}: {}", r.text);
        assert_eq!(r.content_type, "application/problem+json", "{name}");
    }
    let r = app.send(Method::GET, "/api/v1/me", None, None).await;
    r.assert_problem(401, "unauthorized");
    let r = crate::helpers::Reply::from(
        app.client
            .get(app.url("/api/v1/me"))
            .header("authorization", format!("Basic {good}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn short_user_passwords_and_partner_users_are_refused() {
    let app = spawn_app().await;
    let t = app.token("admin").await;
    let r = app
        .post(
            &t,
            "/api/v1/users",
            json!({"username": "x", "password": "short", "role": "helper"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.json["errors"][0]["field"], "password");
    let r = app
        .post(
            &t,
            "/api/v1/users",
            json!({"username": "p", "password": "long-enough-pw", "role": "partner"}),
        )
        .await;
    assert_eq!(r.json["errors"][0]["field"], "role");
    let r = app
        .post(
            &t,
            "/api/v1/users",
            json!({"username": "admin", "password": "long-enough-pw", "role": "helper"}),
        )
        .await;
    r.assert_problem(409, "duplicate");
}

#[tokio::test]
async fn the_secretary_creates_staff_but_not_admins() {
    let app = spawn_app().await;
    let sec = app.token("secretary").await;
    let helper = app
        .post(
            &sec,
            "/api/v1/users",
            json!({"username": "zhuli-2", "password": "long-enough-pw", "role": "helper"}),
        )
        .await;
    assert_eq!(helper.status, 201, "{}", helper.text);
    app.post(
        &sec,
        "/api/v1/users",
        json!({"username": "boss", "password": "long-enough-pw", "role": "admin"}),
    )
    .await
    .assert_problem(403, "forbidden");
    let list = app.get(&sec, "/api/v1/users?per_page=200").await;
    let names: Vec<&str> = list.json["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|u| u["username"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        names.contains(&"zhuli-2") && !names.contains(&"boss"),
        "{names:?}"
    );
    assert_eq!(app.login("zhuli-2", "long-enough-pw").await.status, 200);
}

/// Logs in as if from `addr` (behind the proxy at 127.0.0.1, when it is trusted).
pub async fn login_from(
    app: &crate::helpers::TestApp,
    addr: &str,
    username: &str,
    password: &str,
) -> crate::helpers::Reply {
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", addr)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    crate::helpers::Reply::from(r).await
}

#[tokio::test]
async fn a_stranger_cannot_lock_a_user_out_from_another_address() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 3;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    for _ in 0..3 {
        login_from(&app, "203.0.113.5", "admin", "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    let locked = login_from(&app, "203.0.113.5", "admin", ADMIN_PASSWORD).await;
    locked.assert_problem(429, "rate_limited");
    let detail = locked.json["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("秒后再试"), "{detail}");
    assert!(locked.headers.get("retry-after").is_some());
    // The real admin, at the office: never refused.
    let ok = login_from(&app, "198.51.100.7", "admin", ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // Others behind the stranger's address are not blocked either.
    app.token("helper").await;
    let other = login_from(
        &app,
        "203.0.113.5",
        "helper-user",
        crate::helpers::STAFF_PASSWORD,
    )
    .await;
    assert_eq!(other.status, 200, "{}", other.text);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let app = spawn_app_with(|s| s.login_max_failures = 3).await;
    for i in 0..3 {
        login_from(&app, &format!("203.0.113.{i}"), "admin", "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    // A new forged address changes nothing: the address is the peer's.
    login_from(&app, "203.0.113.99", "admin", "guess-guess")
        .await
        .assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn a_username_failing_from_many_addresses_is_slowed_not_locked() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 3;
        s.login_user_slowdown_after = 6;
        s.login_slowdown_millis = 400;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    for i in 0..6 {
        login_from(&app, &format!("203.0.113.{i}"), "admin", "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    let started = std::time::Instant::now();
    let ok = login_from(&app, "198.51.100.7", "admin", ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
}

#[tokio::test]
async fn one_address_spraying_many_usernames_is_slowed_then_refused() {
    let app = spawn_app_with(|s| {
        s.login_addr_slowdown_after = 6;
        s.login_addr_max_failures = 10;
        s.login_slowdown_millis = 300;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    // Sixteen usernames, one guess each: no username nor pair reaches a limit of its own.
    let mut statuses = Vec::new();
    for i in 0..16 {
        let r = login_from(&app, "203.0.113.66", &format!("user{i}"), "guess-guess").await;
        statuses.push(r.status);
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429; 6], "{statuses:?}");
    let refused = login_from(&app, "203.0.113.66", "admin", ADMIN_PASSWORD).await;
    refused.assert_problem(429, "rate_limited");
    let retry: u64 = refused
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert!(retry > 800, "until the window has passed: {retry}");
    // The office's own address is untouched.
    let ok = login_from(&app, "198.51.100.7", "admin", ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[tokio::test]
async fn past_its_slowdown_threshold_an_address_is_slowed_not_refused() {
    let app = spawn_app_with(|s| {
        s.login_addr_slowdown_after = 4;
        s.login_addr_max_failures = 100;
        s.login_slowdown_millis = 400;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    for i in 0..4 {
        login_from(&app, "203.0.113.67", &format!("user{i}"), "guess-guess")
            .await
            .assert_problem(401, "unauthorized");
    }
    let started = std::time::Instant::now();
    let ok = login_from(&app, "203.0.113.67", "admin", ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
}

#[tokio::test]
async fn a_credential_in_the_query_string_is_refused_before_anything_else() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    for query in [
        format!("access_token={token}"),
        format!("token={token}"),
        "key=znk_abc".to_owned(),
        "API_KEY=znk_abc&page=1".to_owned(),
        format!("page=1&access_token={token}"),
    ] {
        let r = app
            .send(Method::GET, &format!("/api/v1/me?{query}"), None, None)
            .await;
        r.assert_problem(401, "unauthorized");
        // Even with a valid header beside it: a token in a URL leaks into histories and logs.
        let r = app
            .send(
                Method::GET,
                &format!("/api/v1/me?{query}"),
                Some(&token),
                None,
            )
            .await;
        r.assert_problem(401, "unauthorized");
    }
    let ok = app
        .send(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(ok.status, 200);
}
