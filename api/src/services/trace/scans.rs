//! Counting scans of trace codes per local day, and reading them back per batch and day.

use crate::domain::sales::day_key;
use crate::dto::trace::{BatchScans, ScanDay, ScanReport};
use crate::error::{AppResult, Validator};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Statement, Value};
use std::collections::BTreeMap;

/// Adds one scan of `code_id` on `day`.
///
/// # Errors
/// Database errors.
pub async fn record(db: &crate::db::Db, code_id: i64, day: NaiveDate) -> AppResult<()> {
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    use sea_orm::{EntityTrait, Set};
    use zhunong_entity::trace_scan::{ActiveModel, Column, Entity};
    let key = day_key(day);
    db.write(async |tx| {
        Entity::insert(ActiveModel {
            code_id: Set(code_id),
            day_key: Set(key),
            scans: Set(1),
        })
        .on_conflict(
            OnConflict::columns([Column::CodeId, Column::DayKey])
                .value(Column::Scans, Expr::col((Entity, Column::Scans)).add(1))
                .to_owned(),
        )
        .exec_without_returning(tx)
        .await?;
        Ok(())
    })
    .await
}

/// Scans per batch and day between `from` and `to` (local days, inclusive).
///
/// # Errors
/// 422 for `to` before `from` or a span of more than 366 days; database errors.
pub async fn report(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<ScanReport> {
    let mut v = Validator::default();
    v.check(from <= to, "to", "must not be before from");
    v.check((to - from).num_days() <= 366, "from", "at most 366 days");
    v.finish()?;
    let backend = db.get_database_backend();
    let (a, b) = match backend {
        sea_orm::DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "SELECT c.batch_id, b.code, p.name, s.day_key, CAST(SUM(s.scans) AS BIGINT) AS scans \
         FROM trace_scans s JOIN trace_codes c ON c.id = s.code_id \
         JOIN batches b ON b.id = c.batch_id JOIN products p ON p.id = b.product_id \
         WHERE s.day_key BETWEEN {a} AND {b} \
         GROUP BY c.batch_id, b.code, p.name, s.day_key ORDER BY c.batch_id, s.day_key"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [Value::from(day_key(from)), Value::from(day_key(to))],
        ))
        .await?;
    let mut batches: BTreeMap<i64, BatchScans> = BTreeMap::new();
    for r in rows {
        let batch_id: i64 = r.try_get("", "batch_id")?;
        let key: i32 = r.try_get("", "day_key")?;
        let scans: i64 = r.try_get("", "scans")?;
        let entry = batches.entry(batch_id).or_insert(BatchScans {
            batch_id,
            batch_code: r.try_get("", "code")?,
            product_name: r.try_get("", "name")?,
            scans: 0,
            days: Vec::new(),
        });
        entry.scans += scans;
        if let Some(day) = crate::domain::sales::from_day_key(key) {
            entry.days.push(ScanDay { day, scans });
        }
    }
    let mut batches: Vec<BatchScans> = batches.into_values().collect();
    batches.sort_by(|x, y| y.scans.cmp(&x.scans).then(x.batch_id.cmp(&y.batch_id)));
    Ok(ScanReport {
        from,
        to,
        scans: batches.iter().map(|b| b.scans).sum(),
        batches,
    })
}
