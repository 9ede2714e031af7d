//! During a show the helper takes a batch off sale, reprices it and changes its limit; orders
//! follow at once, orders already taken keep their price, the board sees it, the log says it.

use crate::helpers::spawn_app;
use crate::live::{live_order, live_show};
use serde_json::json;

#[tokio::test]
async fn a_batch_is_taken_off_sale_repriced_and_limited_during_the_show() {
    let app = spawn_app().await;
    let helper = app.token("helper").await;
    let (session, batch) = live_show(&app, 100, 3_000, Some(5)).await;
    let buyer = app.buyer("individual").await;
    let first = app
        .place_order(&helper, live_order(session, buyer, batch, 1))
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let path = format!("/api/v1/live-sessions/{session}/featured/{batch}");

    let off = app.patch(&helper, &path, json!({"on_sale": false})).await;
    assert_eq!(off.status, 200, "{}", off.text);
    let refused = app
        .place_order(&helper, live_order(session, buyer, batch, 1))
        .await;
    refused.assert_problem(409, "off_sale");
    let totals = app
        .get(&helper, &format!("/api/v1/live-sessions/{session}/totals"))
        .await;
    assert_eq!(
        totals.json["batches"][0]["on_sale"], false,
        "{}",
        totals.text
    );

    let back = app
        .patch(
            &helper,
            &path,
            json!({"on_sale": true, "live_price_fen": 2_500, "per_buyer_limit": 2}),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.text);
    let second = app
        .place_order(&helper, live_order(session, buyer, batch, 1))
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        second.json["lines"][0]["unit_price_fen"], 2_500,
        "the new price"
    );
    let again = app
        .get(&helper, &format!("/api/v1/orders/{}", first.json["id"]))
        .await;
    assert_eq!(
        again.json["lines"][0]["unit_price_fen"], 3_000,
        "a taken order keeps its price"
    );
    // The new limit (2) counts what the buyer already has (2).
    let over = app
        .place_order(&helper, live_order(session, buyer, batch, 1))
        .await;
    assert_eq!(over.status, 409, "{}", over.text);
    let unlimited = app
        .patch(&helper, &path, json!({"per_buyer_limit": null}))
        .await;
    assert_eq!(unlimited.status, 200, "{}", unlimited.text);
    assert_eq!(
        app.place_order(&helper, live_order(session, buyer, batch, 1))
            .await
            .status,
        201
    );

    let nothing = app.patch(&helper, &path, json!({})).await;
    nothing.assert_problem(422, "validation_failed");
    let free = app
        .patch(&helper, &path, json!({"live_price_fen": 0}))
        .await;
    free.assert_problem(422, "validation_failed");
    let other = app
        .patch(
            &helper,
            &format!("/api/v1/live-sessions/{session}/featured/999999"),
            json!({"on_sale": false}),
        )
        .await;
    assert_eq!(other.status, 404);

    let sec = app.token("secretary").await;
    let log = app
        .get(
            &sec,
            &format!("/api/v1/audit-log?entity=live_session&entity_id={session}"),
        )
        .await;
    let said: Vec<String> = log.json["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["summary"].as_str().map(str::to_owned))
        .collect();
    assert!(said.iter().any(|s| s.contains("在售 是 → 否")), "{said:?}");
    assert!(
        said.iter()
            .any(|s| s.contains("直播价 30.00 元 → 25.00 元")),
        "{said:?}"
    );

    let ended = app
        .post(
            &helper,
            &format!("/api/v1/live-sessions/{session}/end"),
            json!({}),
        )
        .await;
    assert_eq!(ended.status, 200);
    app.patch(&helper, &path, json!({"on_sale": false}))
        .await
        .assert_problem(409, "session_ended");
}
