//! The public finance sheet (财务公开): drafted from the books by the office, checked by a member
//! of the finance group (the `auditor` role), published, then frozen; a correction is the
//! period's next version, and publishing it marks the one before as replaced.

mod figures;
mod read;

pub use read::{PublicSheet, get, list, out, public};

use crate::db::Db;
use crate::domain::books::disclosure::Period;
use crate::domain::caller::Caller;
use crate::dto::disclosure::{DraftSheet, FinanceSheetContent, MAX_NOTE_CHARS, SheetNotes};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use chrono::{NaiveDate, Utc};
use figures::figures;
use read::find;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use zhunong_entity::enums::{AuditAction, AuditEntity, SheetStatus};
use zhunong_entity::finance_sheet;

/// Longest note the finance group may give with its check.
pub const MAX_CHECK_NOTE_CHARS: usize = 500;

/// What drafting needs besides the request: today, and the settings that shape the figures.
pub struct Drafting {
    pub today: NaiveDate,
    pub keeper_setting: Option<i64>,
    pub top_sales: u64,
}

fn check_notes(v: &mut Validator, n: &SheetNotes) {
    for (field, text) in [
        ("notes.plan", &n.plan),
        ("notes.resources", &n.resources),
        ("notes.distribution", &n.distribution),
        ("notes.other", &n.other),
    ] {
        v.check(
            text.chars().count() <= MAX_NOTE_CHARS,
            field,
            format!("at most {MAX_NOTE_CHARS} characters"),
        );
    }
}

fn parse_period(text: &str, today: NaiveDate) -> AppResult<Period> {
    let period = Period::parse(text)
        .ok_or_else(|| AppError::field("period", "a quarter (2026-Q3) or a month (2026-09)"))?;
    if period.to >= today {
        return Err(AppError::field(
            "period",
            "only a period that is over can be published",
        ));
    }
    Ok(period)
}
fn frozen(s: &finance_sheet::Model) -> AppError {
    AppError::Conflict {
        code: ErrorCode::SheetPublished,
        detail: format!(
            "version {} of {} is published and frozen; draft a new version to correct it",
            s.version, s.period
        ),
    }
}

fn content_text(c: &FinanceSheetContent) -> AppResult<String> {
    serde_json::to_string(c).map_err(|e| AppError::Internal(e.into()))
}

fn audited(caller: &Caller, action: AuditAction, s: &finance_sheet::Model) -> Change {
    Change::of(
        Some(caller.user_id),
        action,
        AuditEntity::Collective,
        s.collective_id,
    )
    .after(serde_json::json!({
        "sheet_id": s.id,
        "period": s.period,
        "version": s.version,
    }))
}

/// Drafts the sheet of a quarter or month that is over: version 1, or the next version of a
/// period published already.
///
/// # Errors
/// 404 for an unknown collective; 422 for a bad period or one not over; 409
/// `sheet_in_progress` while the period has a draft not yet published.
pub async fn draft(
    db: &Db,
    caller: &Caller,
    collective_id: i64,
    req: DraftSheet,
    d: &Drafting,
) -> AppResult<finance_sheet::Model> {
    let mut v = Validator::default();
    check_notes(&mut v, &req.notes);
    v.finish()?;
    let period = parse_period(&req.period, d.today)?;
    let content = figures(db, collective_id, &period, req.notes, d).await?;
    let text = content_text(&content)?;
    db.write(async |tx| {
        let earlier = finance_sheet::Entity::find()
            .filter(finance_sheet::Column::CollectiveId.eq(collective_id))
            .filter(finance_sheet::Column::Period.eq(&period.key))
            .order_by_desc(finance_sheet::Column::Version)
            .all(tx)
            .await?;
        if let Some(open) = earlier
            .iter()
            .find(|s| matches!(s.status, SheetStatus::Drafted | SheetStatus::Checked))
        {
            return Err(AppError::Conflict {
                code: ErrorCode::SheetInProgress,
                detail: format!(
                    "version {} of {} is not published yet (sheet {}): change that one",
                    open.version, open.period, open.id
                ),
            });
        }
        let sheet = finance_sheet::ActiveModel {
            collective_id: Set(collective_id),
            period: Set(period.key.clone()),
            version: Set(earlier.first().map_or(1, |s| s.version + 1)),
            status: Set(SheetStatus::Drafted),
            content: Set(text),
            drafted_by: Set(caller.user_id),
            drafted_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(tx, audited(caller, AuditAction::DraftFinanceSheet, &sheet)).await?;
        Ok(sheet)
    })
    .await
}

/// Changes a draft's notes and draws its figures again; a check already given is withdrawn, as
/// the group has not seen the new figures.
///
/// # Errors
/// 404; 422 for notes too long; 409 `sheet_published` for a published sheet.
pub async fn edit(
    db: &Db,
    caller: &Caller,
    id: i64,
    notes: SheetNotes,
    d: &Drafting,
) -> AppResult<finance_sheet::Model> {
    let mut v = Validator::default();
    check_notes(&mut v, &notes);
    v.finish()?;
    let was = find(&db.read, id).await?;
    if !matches!(was.status, SheetStatus::Drafted | SheetStatus::Checked) {
        return Err(frozen(&was));
    }
    let period = Period::parse(&was.period)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("sheet {id} has no period")))?;
    let text = content_text(&figures(db, was.collective_id, &period, notes, d).await?)?;
    db.write(async |tx| {
        let now = find(tx, id).await?;
        if !matches!(now.status, SheetStatus::Drafted | SheetStatus::Checked) {
            return Err(frozen(&now));
        }
        let mut m = now.into_active_model();
        m.content = Set(text);
        m.status = Set(SheetStatus::Drafted);
        m.drafted_by = Set(caller.user_id);
        m.drafted_at = Set(Utc::now());
        m.checked_by = Set(None);
        m.checked_at = Set(None);
        m.check_note = Set(None);
        let sheet = m.update(tx).await?;
        audit::record(tx, audited(caller, AuditAction::DraftFinanceSheet, &sheet)).await?;
        Ok(sheet)
    })
    .await
}

/// The finance group's sign-off on a draft. Checking a checked sheet again changes nothing.
///
/// # Errors
/// 404; 422 for a note too long; 409 `sheet_published` for a published sheet.
pub async fn check(
    db: &Db,
    caller: &Caller,
    id: i64,
    note: Option<String>,
) -> AppResult<finance_sheet::Model> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let mut v = Validator::default();
    v.check(
        note.as_ref()
            .is_none_or(|n| n.chars().count() <= MAX_CHECK_NOTE_CHARS),
        "note",
        format!("at most {MAX_CHECK_NOTE_CHARS} characters"),
    );
    v.finish()?;
    db.write(async |tx| {
        let now = find(tx, id).await?;
        match now.status {
            SheetStatus::Checked => return Ok(now),
            SheetStatus::Drafted => {}
            SheetStatus::Published | SheetStatus::Replaced => return Err(frozen(&now)),
        }
        let mut m = now.into_active_model();
        m.status = Set(SheetStatus::Checked);
        m.checked_by = Set(Some(caller.user_id));
        m.checked_at = Set(Some(Utc::now()));
        m.check_note = Set(note.clone());
        let sheet = m.update(tx).await?;
        audit::record(
            tx,
            audited(caller, AuditAction::CheckFinanceSheet, &sheet).after(serde_json::json!({
                "sheet_id": sheet.id,
                "period": sheet.period,
                "version": sheet.version,
                "note": note,
            })),
        )
        .await?;
        Ok(sheet)
    })
    .await
}

/// Publishes a checked sheet; the period's version published before it is marked replaced.
///
/// # Errors
/// 404; 409 `sheet_not_checked` for a draft the group has not checked, `sheet_published` for
/// one published already.
///
/// The robots told of finance sheets hear of it, with the public page's address under
/// `public_base`.
pub async fn publish(
    db: &Db,
    caller: &Caller,
    id: i64,
    public_base: &str,
) -> AppResult<finance_sheet::Model> {
    db.write(async |tx| {
        let now = find(tx, id).await?;
        match now.status {
            SheetStatus::Checked => {}
            SheetStatus::Drafted => {
                return Err(AppError::Conflict {
                    code: ErrorCode::SheetNotChecked,
                    detail: "the finance group has not checked this sheet".into(),
                });
            }
            SheetStatus::Published | SheetStatus::Replaced => return Err(frozen(&now)),
        }
        let at = Utc::now();
        for old in finance_sheet::Entity::find()
            .filter(finance_sheet::Column::CollectiveId.eq(now.collective_id))
            .filter(finance_sheet::Column::Period.eq(&now.period))
            .filter(finance_sheet::Column::Status.eq(SheetStatus::Published))
            .all(tx)
            .await?
        {
            let mut m = old.into_active_model();
            m.status = Set(SheetStatus::Replaced);
            m.replaced_at = Set(Some(at));
            m.update(tx).await?;
        }
        let mut m = now.into_active_model();
        m.status = Set(SheetStatus::Published);
        m.published_by = Set(Some(caller.user_id));
        m.published_at = Set(Some(at));
        let sheet = m.update(tx).await?;
        audit::record(
            tx,
            audited(caller, AuditAction::PublishFinanceSheet, &sheet),
        )
        .await?;
        tell_robots(tx, &sheet, public_base).await?;
        Ok(sheet)
    })
    .await
}

/// The robots told of finance sheets hear of a published one, with its public page's address.
async fn tell_robots(
    tx: &crate::db::Tx,
    sheet: &finance_sheet::Model,
    public_base: &str,
) -> AppResult<()> {
    let c: FinanceSheetContent = serde_json::from_str(&sheet.content)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("sheet {}: {e}", sheet.id)))?;
    let (title, text) = crate::domain::robots::messages::finance_sheet(
        &c.collective_name,
        &c.period_text,
        sheet.version,
        c.income_total_fen,
        c.spending_total_fen,
        &format!(
            "{public_base}/gongkai/{}/{}?v={}",
            sheet.collective_id, sheet.period, sheet.version
        ),
    );
    crate::services::robots::outbox::tell(
        tx,
        &crate::services::robots::outbox::Message {
            topic: zhunong_entity::enums::RobotTopic::FinanceSheet,
            key: Some(format!("sheet:{}", sheet.id)),
            title: &title,
            text: &text,
        },
    )
    .await
}
