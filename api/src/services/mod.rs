//! Use cases, and the one rule for transactions: **a service opens them, a route never does.**
//!
//! - A use case a route calls takes `&Db` and opens its own transaction: `Db::write` for a plain
//!   write, `idempotency::keyed_write` for one a client may retry with an `Idempotency-Key`, or
//!   `Db::begin_write` where it commits in steps (one order at a time in a bulk settlement).
//! - A function that is one step of a use case and sends a write takes `tx: &Tx`, so it can only
//!   run inside a transaction that its caller owns and commits. Where the demo or another use
//!   case needs a step that is also a use case, the step is `…_in(tx, …)` next to it.
//! - A read takes `&impl ConnectionTrait`: the read pool, a report replica, or a `Tx`.
//!
//! Services return domain results (an `Outcome` where the status differs) or `AppError`; none
//! builds an HTTP response. `tests/api/layers.rs` holds the rule for routes.

pub mod accounts;
pub mod after_sales;
pub mod audit;
pub mod batches;
pub mod bills;
pub mod books;
pub mod buyers;
pub mod collectives;
pub mod contract_prices;
pub mod facts;
pub mod fulfilment;
pub mod growers;
pub mod idempotency;
pub mod integrity;
pub mod live;
pub mod loads;
pub mod money;
pub mod order_reads;
pub mod orders;
pub mod partner;
pub mod personal_data;
pub mod pick_list;
pub mod products;
pub mod reports;
pub mod robots;
pub mod rows;
pub mod sessions;
pub mod shop;
pub mod stored_shares;
pub mod trace;
pub mod users;
pub mod webhooks;
pub mod weighing;

use crate::dto::{Page, Paging};
use crate::error::{AppError, AppResult, ErrorCode, is_unique_violation};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QuerySelect, Select};

pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// Checks `page`/`per_page` against the configured maximum.
///
/// # Errors
/// 422 naming the parameter that is out of range.
pub fn resolve_paging(p: Paging, max_page_size: u64) -> AppResult<(u64, u64)> {
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(DEFAULT_PAGE_SIZE.min(max_page_size));
    if !(1..=1_000_000).contains(&page) {
        return Err(AppError::field("page", "must be between 1 and 1000000"));
    }
    if per_page < 1 || per_page > max_page_size {
        return Err(AppError::field(
            "per_page",
            format!("must be between 1 and {max_page_size}"),
        ));
    }
    Ok((page, per_page))
}

/// Runs `select` for one page and counts all matching rows.
///
/// # Errors
/// Database errors.
pub async fn paginate<E, C, T>(
    db: &C,
    select: Select<E>,
    (page, per_page): (u64, u64),
    map: impl Fn(E::Model) -> T,
) -> AppResult<Page<T>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let total = select.clone().count(db).await?;
    let rows = select
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: rows.into_iter().map(map).collect(),
        page,
        per_page,
        total,
    })
}

/// `to` is not before `from` (where both are given).
pub fn check_span(
    v: &mut crate::error::Validator,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) {
    v.check(
        from.zip(to).is_none_or(|(a, b)| a <= b),
        "to",
        "must not be before from",
    );
}

/// Local dates `from`..=`to` as instants: `[start of from, start of the day after to)`, each
/// bound absent when its date is; for filtering stored UTC times by the village's calendar.
pub fn local_days(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    offset: chrono::FixedOffset,
) -> (
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
) {
    let start_of = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    (
        from.and_then(start_of),
        to.and_then(|d| d.succ_opt()).and_then(start_of),
    )
}

/// Maps a unique-key violation to 409 with `detail`; other errors pass through.
pub fn conflict_on_duplicate(e: sea_orm::DbErr, detail: &str) -> AppError {
    if is_unique_violation(&e) {
        AppError::Conflict {
            code: ErrorCode::Duplicate,
            detail: detail.to_owned(),
        }
    } else {
        AppError::from(e)
    }
}

/// 404 unless the row exists.
///
/// # Errors
/// Not found, or a database error.
pub async fn must_find<E, C>(db: &C, id: i64, what: &'static str) -> AppResult<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    C: ConnectionTrait,
{
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound(what))
}

/// 422 on `field` unless the referenced row exists.
///
/// # Errors
/// Missing reference, or a database error.
pub async fn must_reference<E, C>(db: &C, id: i64, field: &str, what: &str) -> AppResult<()>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    C: ConnectionTrait,
{
    match E::find_by_id(id).one(db).await? {
        Some(_) => Ok(()),
        None => Err(AppError::field(field, format!("no {what} with id {id}"))),
    }
}

/// A `LIKE` pattern matching `q` anywhere, with the wildcard characters in `q` escaped.
pub fn contains_pattern(q: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = q
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
