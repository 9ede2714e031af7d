//! The integrity check run from the office: run on the read pool in one snapshot, and kept.

use crate::check::{self, Report};
use crate::db::Db;
use crate::dto::Page;
use crate::dto::integrity::IntegrityCheckOut;
use crate::error::{AppResult, Invariant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use zhunong_entity::integrity_check::{ActiveModel, Column, Entity, Model};

/// Runs the check and keeps its report.
///
/// # Errors
/// Database errors (a broken invariant is in the report, not an error).
pub async fn run(db: &Db, actor: i64, options: check::Options) -> AppResult<IntegrityCheckOut> {
    let report = check::run(db.read.pool(), options).await?;
    let violations: u64 = report.rules.iter().map(|r| r.violations).sum();
    let kept = db
        .write(async |tx| {
            Ok(ActiveModel {
                checked_at: Set(chrono::Utc::now()),
                run_by: Set(Some(actor)),
                ok: Set(report.ok),
                violations: Set(i64::try_from(violations).unwrap_or(i64::MAX)),
                took_ms: Set(i64::try_from(report.took_ms).unwrap_or(i64::MAX)),
                report: Set(serde_json::to_value(&report).invariant("a report serialises")?),
                ..Default::default()
            }
            .insert(tx)
            .await?)
        })
        .await?;
    out(kept)
}

/// The checks run, newest first.
///
/// # Errors
/// Database errors; a kept report that does not read back (500).
pub async fn list(
    db: &impl ConnectionTrait,
    paging: (u64, u64),
) -> AppResult<Page<IntegrityCheckOut>> {
    let page = super::paginate(db, Entity::find().order_by_desc(Column::Id), paging, |m| m).await?;
    Ok(Page {
        items: page.items.into_iter().map(out).collect::<AppResult<_>>()?,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}

fn out(m: Model) -> AppResult<IntegrityCheckOut> {
    let report: Report = serde_json::from_value(m.report)
        .invariant(&format!("integrity check {} reads back", m.id))?;
    Ok(IntegrityCheckOut {
        id: m.id,
        checked_at: m.checked_at,
        run_by: m.run_by,
        ok: m.ok,
        violations: m.violations,
        took_ms: m.took_ms,
        rules: report.rules,
        findings: report.findings,
    })
}
