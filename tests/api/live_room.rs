//! What the live room needs: buyers found by the last digits of their phone or their Douyin
//! nickname, and a board (which goes on stream) that masks buyers' names unless the show asks.

use crate::helpers::{TestApp, spawn_app};
use crate::live::live_order;
use reqwest::Method;
use serde_json::json;

async fn new_buyer(app: &TestApp, phone: &str, name: &str, nickname: Option<&str>) -> i64 {
    let helper = app.token("helper").await;
    let r = app
        .post(
            &helper,
            "/api/v1/buyers",
            json!({"kind": "individual", "name": name, "phone": phone, "douyin_nickname": nickname}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["douyin_nickname"], json!(nickname.map(str::trim)));
    r.json["id"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn a_helper_finds_a_buyer_by_the_last_digits_of_the_phone_or_the_douyin_nickname() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let wang = new_buyer(&app, "13855556789", "王大姐", Some("  葡萄爱好者  ")).await;
    let zhao = new_buyer(&app, "13911116789", "赵先生", None).await;
    new_buyer(&app, "13722221234", "钱阿姨", None).await;

    let ids = |r: &crate::helpers::Reply| {
        let mut v: Vec<i64> = r.json["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|b| b["id"].as_i64()).collect())
            .unwrap_or_default();
        v.sort_unstable();
        v
    };
    let by_end = app.get(&helper, "/api/v1/buyers?phone_ends=6789").await;
    assert_eq!(by_end.status, 200, "{}", by_end.text);
    assert_eq!(ids(&by_end), vec![wang, zhao]);
    let exact = app.get(&helper, "/api/v1/buyers?phone_ends=56789").await;
    assert_eq!(ids(&exact), vec![wang]);
    // Stored trimmed; found by part of it.
    let by_nick = app
        .get(&helper, "/api/v1/buyers?q=%E7%88%B1%E5%A5%BD")
        .await; // 爱好
    assert_eq!(ids(&by_nick), vec![wang]);
    assert_eq!(by_nick.json["items"][0]["douyin_nickname"], "葡萄爱好者");

    let long = "长".repeat(101);
    app.get(&helper, &format!("/api/v1/buyers?q={long}"))
        .await
        .assert_problem(422, "validation_failed");
    for bad in ["12", "12a4", "%25%25%25", "123456789012"] {
        app.get(&helper, &format!("/api/v1/buyers?phone_ends={bad}"))
            .await
            .assert_problem(422, "validation_failed");
    }

    // A nickname learnt later is added, and cleared with null.
    let t = app
        .send(
            Method::PATCH,
            &format!("/api/v1/buyers/{zhao}"),
            Some(&helper),
            Some(&json!({"douyin_nickname": "老赵爱吃青菜"})),
        )
        .await;
    assert_eq!(t.json["douyin_nickname"], "老赵爱吃青菜", "{}", t.text);
    let cleared = app
        .send(
            Method::PATCH,
            &format!("/api/v1/buyers/{zhao}"),
            Some(&helper),
            Some(&json!({"douyin_nickname": null})),
        )
        .await;
    assert_eq!(
        cleared.json["douyin_nickname"],
        json!(null),
        "{}",
        cleared.text
    );
    app.send(
        Method::PATCH,
        &format!("/api/v1/buyers/{zhao}"),
        Some(&helper),
        Some(&json!({"douyin_nickname": long})),
    )
    .await
    .assert_problem(422, "validation_failed");
}

/// A show featuring one fresh batch, started; `full_names` as given at creation.
async fn show(app: &TestApp, full_names: Option<bool>) -> (i64, i64) {
    let mut body = json!({"platform": "douyin", "host": "第一书记", "title": "产地直播", "planned_start": "2026-11-28T12:00:00Z"});
    if let Some(f) = full_names {
        body["board_full_names"] = json!(f);
    }
    let (id, batch) = crate::live::live_show_as(app, body, 50, 8_800, None).await;
    let helper = app.token("helper").await;
    let s = app
        .get(&helper, &format!("/api/v1/live-sessions/{id}"))
        .await;
    assert_eq!(
        s.json["board_full_names"],
        json!(full_names.unwrap_or(false)),
        "{}",
        s.text
    );
    (id, batch)
}

#[tokio::test]
async fn the_board_masks_buyers_names_unless_the_show_wants_them_in_full() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let buyer = new_buyer(&app, "13866660001", "欧阳娜娜", Some("娜娜爱葡萄")).await;
    for (full_names, shown) in [(None, "欧***"), (Some(true), "欧阳娜娜")] {
        let (session, batch) = show(&app, full_names).await;
        let o = app
            .place_order(&helper, live_order(session, buyer, batch, 1))
            .await;
        assert_eq!(o.status, 201, "{}", o.text);
        let totals = app
            .get(&helper, &format!("/api/v1/live-sessions/{session}/totals"))
            .await;
        assert_eq!(totals.status, 200, "{}", totals.text);
        assert_eq!(
            totals.json["top_buyers"][0]["name"], shown,
            "{}",
            totals.text
        );
        assert!(
            !totals.text.contains("13866660001"),
            "no phone on the board: {}",
            totals.text
        );
    }
}
