//! The login throttle's records on PostgreSQL, shared by every replica (table `login_failures`).
//! Each check is one indexed read of three rows (the pair, the username, the address); each
//! failure one upsert of the same rows, on the database's clock so that replicas with drifting
//! clocks agree.

use super::records::{Seen, SeenRecords};
use crate::auth::shared_limit::NOW_US;
use crate::db::Db;
use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use std::sync::LazyLock;
use std::time::Duration;

/// A bucket holds at most this much of a username: longer names are never real accounts, and
/// the key stays well inside the column.
const NAME_CHARS: usize = 64;

static SEEN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT bucket, failures, {NOW_US} - last_us AS age_us \
         FROM login_failures WHERE bucket IN ($1, $2, $3)"
    )
});

// A failure after the window has passed starts the count again. The rows are always upserted in
// the same order (pair, user, address), so concurrent failures cannot deadlock. An unknown
// address (empty) has no row of its own.
static FAIL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH n AS (SELECT {NOW_US} AS us) \
         INSERT INTO login_failures AS f (bucket, failures, last_us) \
         SELECT v.bucket, 1, n.us FROM n, (VALUES (1, $1), (2, $2), (3, $4)) AS v(ord, bucket) \
         WHERE v.bucket IS NOT NULL ORDER BY v.ord \
         ON CONFLICT (bucket) DO UPDATE SET \
           failures = CASE WHEN f.last_us < EXCLUDED.last_us - $3 THEN 1 \
                           ELSE LEAST(f.failures + 1, 1000000) END, \
           last_us = EXCLUDED.last_us"
    )
});

const SUCCEED: &str = "DELETE FROM login_failures WHERE bucket = $1";

static PURGE: LazyLock<String> =
    LazyLock::new(|| format!("DELETE FROM login_failures WHERE last_us < {NOW_US} - $1"));

/// The pair's, the username's and (if the address is known) the address's bucket.
fn buckets(username: &str, addr: &str) -> (String, String, Option<String>) {
    let name: String = username.chars().take(NAME_CHARS).collect();
    (
        format!("pair:{name} {addr}"),
        format!("user:{name}"),
        (!addr.is_empty()).then(|| format!("addr:{addr}")),
    )
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn statement(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The pair's, the username's and the address's records, where there are any.
///
/// # Errors
/// The database could not be read.
pub async fn seen(db: &Db, username: &str, addr: &str) -> AppResult<SeenRecords> {
    let (pair, user, at) = buckets(username, addr);
    let values = [pair.clone().into(), user.clone().into(), at.clone().into()];
    let rows = db
        .read
        .query_all_raw(statement(SEEN.as_str(), values))
        .await?;
    let mut out = SeenRecords::default();
    for row in rows {
        let bucket: String = row.try_get("", "bucket")?;
        let failures: i32 = row.try_get("", "failures")?;
        let age_us: i64 = row.try_get("", "age_us")?;
        let seen = Seen {
            failures: u32::try_from(failures).unwrap_or(0),
            age: Duration::from_micros(u64::try_from(age_us).unwrap_or(0)),
        };
        if bucket == pair {
            out.pair = Some(seen);
        } else if bucket == user {
            out.user = Some(seen);
        } else {
            out.addr = Some(seen);
        }
    }
    Ok(out)
}

/// # Errors
/// The database could not be written.
pub async fn fail(db: &Db, username: &str, addr: &str, window: Duration) -> AppResult<()> {
    let (pair, user, at) = buckets(username, addr);
    db.write(async |tx| {
        tx.execute_raw(statement(
            FAIL.as_str(),
            [pair.into(), user.into(), micros(window).into(), at.into()],
        ))
        .await?;
        Ok(())
    })
    .await
}

/// # Errors
/// The database could not be written.
pub async fn succeed(db: &Db, username: &str, addr: &str) -> AppResult<()> {
    let (pair, _, _) = buckets(username, addr);
    db.write(async |tx| {
        tx.execute_raw(statement(SUCCEED, [pair.into()])).await?;
        Ok(())
    })
    .await
}

/// Removes records whose window has passed; returns how many.
///
/// # Errors
/// The database could not be written.
pub async fn purge(db: &Db, window: Duration) -> AppResult<u64> {
    db.write(async |tx| {
        Ok(tx
            .execute_raw(statement(PURGE.as_str(), [micros(window).into()]))
            .await?
            .rows_affected())
    })
    .await
}
