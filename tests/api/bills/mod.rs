//! Bills reconciled against the books: the 抖店 settlement bill against imported shop orders,
//! WeChat Pay's trade bill (backticks, totals block) and Alipay's against recorded payments.
//! Every class, the fees in the ledger, the same file twice, the office's answers, bad files.
//! The bills are built here from the platforms' column names.

mod shop;
mod wallet;

use crate::helpers::{Reply, TestApp};
use serde_json::Value;

/// Uploads `body` as a bill.
pub async fn upload_bill(app: &TestApp, body: Vec<u8>, query: &str) -> Reply {
    app.upload_file(&format!("/api/v1/bills?file_name=bill.csv{query}"), body)
        .await
}

/// A bill answer's (items, bill fen, books fen) of `class`.
pub fn class(bill: &Value, class: &str) -> (i64, i64, i64) {
    let c = bill["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["class"] == class)
        .cloned()
        .unwrap_or_default();
    let n = |k: &str| c[k].as_i64().unwrap_or(-1);
    (n("items"), n("bill_amount_fen"), n("books_amount_fen"))
}

/// The bill's items.
pub async fn items(app: &TestApp, bill: i64) -> Vec<Value> {
    let r = app
        .get(
            &app.token("secretary").await,
            &format!("/api/v1/bills/{bill}/items"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json.as_array().cloned().unwrap_or_default()
}

/// Σ of every ledger entry (zero when every transaction balances), and of those on `account`.
pub async fn ledger_sums(app: &TestApp, account: &str) -> (i64, i64) {
    (
        app.sql_i64("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_entries")
            .await,
        app.sql_i64(&format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_entries WHERE account = '{account}'"
        ))
        .await,
    )
}

/// Yuan as bills write them.
pub fn y(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}
