//! Group-chat robots, against a loopback receiver that answers as WeCom's and DingTalk's do: the
//! bodies are theirs, DingTalk's signature verifies by the documented algorithm (implemented here
//! on its own), a refusal is shown with its error, no robot is handed more than its rate in any
//! window, the daily summary is sent once with two replicas, and after-sales cases are told once.
//! Registration refuses addresses that are not the platform's or are private, and secrets that
//! are not DingTalk's.

use crate::helpers::{TestApp, backend_name, spawn_app_with};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "SECf00dfeed0123456789abcdef";

/// One request the receiver took.
#[derive(Clone, Debug)]
pub(crate) struct Got {
    path: String,
    query: HashMap<String, String>,
    pub(crate) body: Value,
    bytes: usize,
    at: Instant,
}

pub(crate) struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    pub(crate) fn all(&self) -> Vec<Got> {
        self.got.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn wecom(&self, key: &str) -> String {
        format!(
            "http://127.0.0.1:{}/cgi-bin/webhook/send?key={key}",
            self.port
        )
    }

    fn dingtalk(&self, token: &str) -> String {
        format!(
            "http://127.0.0.1:{}/robot/send?access_token={token}",
            self.port
        )
    }

    /// Waits up to `secs` for `n` requests (or more).
    pub(crate) async fn wait_for(&self, n: usize, secs: u64) -> Vec<Got> {
        let until = Instant::now() + Duration::from_secs(secs);
        loop {
            let all = self.all();
            if all.len() >= n || Instant::now() > until {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// DingTalk's check, as its documentation gives it: sign = urlencode(base64(HMAC-SHA256(key =
/// secret, message = timestamp + "\n" + secret))), the timestamp within an hour of now.
fn dingtalk_accepts(q: &HashMap<String, String>) -> bool {
    let (Some(ts), Some(sign)) = (q.get("timestamp"), q.get("sign")) else {
        return false;
    };
    let Ok(ms) = ts.parse::<i64>() else {
        return false;
    };
    if (chrono::Utc::now().timestamp_millis() - ms).abs() > 3_600_000 {
        return false;
    }
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()) else {
        return false;
    };
    mac.update(format!("{ts}\n{SECRET}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    // `q` holds the decoded query: the sign as base64 again.
    *sign == expected
}

/// A receiver on a free loopback port: WeCom's path answers errcode 0, or 93000 for the key
/// `bad`; DingTalk's answers 0 for a good signature, 310000 otherwise.
pub(crate) async fn receiver() -> Receiver {
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let g = got.clone();
    let server = HttpServer::new(move || {
        let g = g.clone();
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let g = g.clone();
            async move {
                let query: HashMap<String, String> =
                    url::form_urlencoded::parse(req.query_string().as_bytes())
                        .into_owned()
                        .collect();
                let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let path = req.path().to_owned();
                let answer = match path.as_str() {
                    "/cgi-bin/webhook/send" if query.get("key").is_some_and(|k| k == "bad") => {
                        json!({"errcode": 93000, "errmsg": "invalid webhook url"})
                    }
                    "/cgi-bin/webhook/send" => json!({"errcode": 0, "errmsg": "ok"}),
                    "/robot/send" if dingtalk_accepts(&query) => {
                        json!({"errcode": 0, "errmsg": "ok"})
                    }
                    "/robot/send" => json!({"errcode": 310000, "errmsg": "sign not match"}),
                    _ => return HttpResponse::NotFound().finish(),
                };
                g.lock().unwrap_or_else(|p| p.into_inner()).push(Got {
                    path,
                    query,
                    body: parsed,
                    bytes: body.len(),
                    at: Instant::now(),
                });
                HttpResponse::Ok().json(answer)
            }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap_or_else(|e| panic!("{e}"));
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    Receiver { port, got }
}

async fn robots_app(tweak: impl FnOnce(&mut zhunong_api::config::Settings)) -> TestApp {
    spawn_app_with(|s| {
        s.webhook_allow_hosts = vec!["127.0.0.1".into()];
        s.robot_poll_millis = 50;
        s.robot_tick_secs = 1;
        tweak(s);
    })
    .await
}

async fn register(app: &TestApp, body: Value) -> crate::helpers::Reply {
    app.post(&app.token("secretary").await, "/api/v1/robots", body)
        .await
}

#[tokio::test]
async fn a_robot_needs_its_platforms_address_and_dingtalk_its_secret() {
    // No allow-list here: the platforms' rules in full.
    let app = spawn_app_with(|_| {}).await;
    for (body, field) in [
        (
            json!({"name": "群", "kind": "wecom", "url": "https://10.0.0.8/cgi-bin/webhook/send?key=k"}),
            "url",
        ),
        (
            json!({"name": "群", "kind": "wecom", "url": "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
            "url",
        ),
        (
            json!({"name": "群", "kind": "dingtalk", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": SECRET}),
            "url",
        ),
        (
            json!({"name": "群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}),
            "url",
        ),
        (
            json!({"name": "群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "abc123"}),
            "secret",
        ),
        (
            json!({"name": "群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t"}),
            "secret",
        ),
        (
            json!({"name": "群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "daily_at": "25:00"}),
            "daily_at",
        ),
    ] {
        let r = register(&app, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(
            r.json["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["field"] == field),
            "{body}: {}",
            r.text
        );
    }
    let sec = app.token("secretary").await;
    assert_eq!(app.get(&sec, "/api/v1/robots").await.json, json!([]));
    let r = register(
        &app,
        json!({"name": "村干部群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456", "secret": SECRET, "daily_summary": true}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["url_hint"], "oapi.dingtalk.com …3456");
    assert_eq!(
        (r.json["signed"].as_bool(), r.json["daily_at"].as_str()),
        (Some(true), Some("21:00"))
    );
    // Neither the key nor the secret is stored or shown in the clear.
    assert!(!r.text.contains("abcdef123456") && !r.text.contains(SECRET));
    let log = app.get(&sec, "/api/v1/audit-log?entity=chat_robot").await;
    assert!(
        log.text.contains("添加了群机器人「村干部群」") && !log.text.contains(SECRET),
        "{}",
        log.text
    );
    let helper = app.token("helper").await;
    assert_eq!(app.get(&helper, "/api/v1/robots").await.status, 403);
}

#[tokio::test]
async fn wecom_and_dingtalk_get_their_bodies_dingtalk_signed_and_a_refusal_is_shown() {
    let rx = receiver().await;
    let app = robots_app(|_| {}).await;
    let wecom = register(&app, json!({"name": "企业微信群", "kind": "wecom", "url": rx.wecom("good"), "show_summary": true, "after_sales": true})).await;
    assert_eq!(wecom.status, 201, "{}", wecom.text);
    let ding = register(&app, json!({"name": "钉钉群", "kind": "dingtalk", "url": rx.dingtalk("tok"), "secret": SECRET, "show_summary": true})).await;
    assert_eq!(ding.status, 201, "{}", ding.text);
    let bad = register(
        &app,
        json!({"name": "旧群", "kind": "wecom", "url": rx.wecom("bad")}),
    )
    .await;
    let bad = bad.json["id"].as_i64().unwrap_or_default();

    // A show ends: both robots hear of it, once.
    let (session, _) = crate::live::live_show(&app, 50, 9_900, None).await;
    let end = app
        .post(
            &app.token("helper").await,
            &format!("/api/v1/live-sessions/{session}/end"),
            json!({}),
        )
        .await;
    assert_eq!(end.status, 200, "{}", end.text);
    let got = rx.wait_for(2, 10).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let w = got
        .iter()
        .find(|g| g.path == "/cgi-bin/webhook/send")
        .unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(w.body["msgtype"], "markdown");
    let content = w.body["markdown"]["content"].as_str().unwrap_or_default();
    assert!(
        content.contains("直播结束：阳光玫瑰产地直播") && content.contains("主播：第一书记"),
        "{content}"
    );
    assert!(w.bytes <= 4096 + 100 && content.len() <= 4096);
    let d = got
        .iter()
        .find(|g| g.path == "/robot/send")
        .unwrap_or_else(|| panic!("{got:?}"));
    assert!(
        dingtalk_accepts(&d.query),
        "a real DingTalk would refuse {:?}",
        d.query
    );
    assert_eq!(d.query.get("access_token").map(String::as_str), Some("tok"));
    assert_eq!(d.body["markdown"]["title"], "直播结束：阳光玫瑰产地直播");
    assert!(
        d.body["markdown"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("### 直播结束"))
    );

    // The robot that refuses: its message fails with the robot's own error, in the office.
    let sec = app.token("secretary").await;
    let t = app
        .post(&sec, &format!("/api/v1/robots/{bad}/test"), json!({}))
        .await;
    assert_eq!(t.status, 202, "{}", t.text);
    let until = Instant::now() + Duration::from_secs(10);
    let shown = loop {
        let list = app.get(&sec, "/api/v1/robots").await.json;
        let r = list
            .as_array()
            .and_then(|l| l.iter().find(|r| r["id"] == bad))
            .cloned()
            .unwrap_or_default();
        if r["failed"] == 1 || Instant::now() > until {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(shown["failed"], 1, "{shown}");
    assert_eq!(shown["last_error"], "errcode 93000: invalid webhook url");
    let msgs = app
        .get(&sec, &format!("/api/v1/robots/{bad}/messages"))
        .await;
    assert_eq!(
        (&msgs.json[0]["status"], &msgs.json[0]["attempts"]),
        (&json!("failed"), &json!(1))
    );

    // A new after-sales case is told to the robot that asked, once.
    let (order, _) = crate::after_sales::delivered_parcel(&app, true).await;
    let c = crate::after_sales::open(
        &app,
        json!({"order_id": order, "reason": "bad_fruit", "claimed_fen": 2_000, "claimed_count": 2}),
    )
    .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let got = rx.wait_for(4, 10).await;
    let cases: Vec<&Got> = got
        .iter()
        .filter(|g| {
            g.body["markdown"]["content"]
                .as_str()
                .is_some_and(|t| t.contains("售后"))
        })
        .collect();
    assert_eq!(cases.len(), 1, "{got:?}");
    let text = cases[0].body["markdown"]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("新的售后（1 件）") && text.contains("坏果") && text.contains("¥20.00"),
        "{text}"
    );
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(rx.all().len(), got.len(), "nothing is told twice");
}

#[tokio::test]
async fn no_robot_is_handed_more_than_its_rate_in_any_window() {
    let rx = receiver().await;
    // 5 a 3-second window here, so the test takes seconds, not minutes; the same code holds 20 a minute.
    let app = robots_app(|s| {
        s.robot_max_per_window = 5;
        s.robot_window_secs = 3;
    })
    .await;
    let r = register(
        &app,
        json!({"name": "群", "kind": "wecom", "url": rx.wecom("good")}),
    )
    .await;
    let id = r.json["id"].as_i64().unwrap_or_default();
    let sec = app.token("secretary").await;
    for _ in 0..12 {
        assert_eq!(
            app.post(&sec, &format!("/api/v1/robots/{id}/test"), json!({}))
                .await
                .status,
            202
        );
    }
    let got = rx.wait_for(12, 30).await;
    assert_eq!(got.len(), 12);
    for w in got.windows(6) {
        let span = w[5].at - w[0].at;
        assert!(
            span >= Duration::from_millis(2_900),
            "6 messages within {span:?}"
        );
    }
}

#[tokio::test]
async fn the_daily_summary_is_sent_once_even_with_two_replicas() {
    let rx = receiver().await;
    let app = robots_app(|_| {}).await;
    let other = (backend_name() == "postgres").then_some(app.replica().await);
    let r = register(&app, json!({"name": "群", "kind": "dingtalk", "url": rx.dingtalk("tok"), "secret": SECRET, "daily_summary": true, "daily_at": "00:00"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let got = rx.wait_for(1, 10).await;
    assert_eq!(got.len(), 1, "{got:?}");
    // Several more rounds of both schedulers: still one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = rx.all();
    assert_eq!(got.len(), 1, "{got:?}");
    let text = got[0].body["markdown"]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("销售日报") && text.contains("上周同日"),
        "{text}"
    );
    assert!(dingtalk_accepts(&got[0].query));
    drop(other);
}
