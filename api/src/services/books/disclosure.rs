//! The public finance sheet (财务公开): drafted from the books by the office, checked by a member
//! of the finance group (the `auditor` role), published, then frozen; a correction is the
//! period's next version, and publishing it marks the one before as replaced.

use super::accounts::{Books, collective_name};
use super::trial_balance::trial_balance;
use crate::db::Db;
use crate::db::replica::ReportReader;
use crate::domain::books::chart::AccountClass;
use crate::domain::books::disclosure::{Period, VoucherLine, income_and_spending};
use crate::domain::caller::Caller;
use crate::domain::labels::Label;
use crate::dto::disclosure::{
    DraftSheet, FinanceSheetContent, FinanceSheetOut, MAX_NOTE_CHARS, SheetBalance, SheetDebt,
    SheetNotes, SheetSale,
};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use zhunong_entity::enums::{AuditAction, AuditEntity, SheetStatus};
use zhunong_entity::{finance_sheet, user};

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

/// The sheet's figures for `period`, drawn from the collective's books now.
async fn figures(
    db: &Db,
    collective_id: i64,
    period: &Period,
    notes: SheetNotes,
    d: &Drafting,
) -> AppResult<FinanceSheetContent> {
    let mut vouchers = Vec::new();
    let mut books_closed = true;
    for month in period.months() {
        let v = super::vouchers::vouchers(&db.read, collective_id, &month, false, d.keeper_setting)
            .await?;
        books_closed &= v.closed;
        vouchers.extend(v.vouchers);
    }
    let books = Books::load(&db.read, collective_id, d.keeper_setting).await?;
    let lines: Vec<VoucherLine<'_>> = vouchers
        .iter()
        .flat_map(|v| {
            v.lines.iter().map(|l| VoucherLine {
                kind: v.kind,
                date: v.date,
                number: &v.number,
                summary: &v.summary,
                account_code: &l.account_code,
                account_name: &l.account_name,
                debit_fen: l.debit_fen,
                credit_fen: l.credit_fen,
            })
        })
        .collect();
    let (income, spending) = income_and_spending(books.chart(), &lines);
    let balances = trial_balance(
        &db.read,
        collective_id,
        period.from,
        period.to,
        d.keeper_setting,
    )
    .await?;
    let mut assets = Vec::new();
    let mut debts = Vec::new();
    for a in &balances.accounts {
        let closing = a.balance.closing_fen;
        if a.items.is_empty() {
            if a.class == AccountClass::Asset && closing != 0 {
                assets.push(SheetBalance {
                    account_code: a.account_code.clone(),
                    account_name: a.account_name.clone(),
                    closing_fen: closing,
                });
            }
            continue;
        }
        for i in a.items.iter().filter(|i| i.balance.closing_fen != 0) {
            debts.push(SheetDebt {
                account_code: a.account_code.clone(),
                account_name: a.account_name.clone(),
                party: i.auxiliary.clone(),
                owed_by_collective_fen: (-i.balance.closing_fen).max(0),
                owed_to_collective_fen: i.balance.closing_fen.max(0),
            });
        }
    }
    let owed_to_growers_fen = debts
        .iter()
        .filter(|x| x.party.starts_with(super::entries::GROWER_ITEM))
        .map(|x| x.owed_by_collective_fen - x.owed_to_collective_fen)
        .sum();
    Ok(FinanceSheetContent {
        collective_name: collective_name(&db.read, collective_id).await?,
        chart: books.chart(),
        period: period.key.clone(),
        period_text: period.text(),
        from: period.from,
        to: period.to,
        books_closed,
        income_total_fen: income.iter().map(|a| a.total_fen).sum(),
        income,
        spending_total_fen: spending.iter().map(|a| a.total_fen).sum(),
        spending,
        assets,
        debts,
        owed_to_growers_fen,
        top_sales: top_sales(db, collective_id, period, d.top_sales).await?,
        notes,
    })
}

/// The products whose settled sales in the period the collective's commission came from.
async fn top_sales(
    db: &Db,
    collective_id: i64,
    period: &Period,
    limit: u64,
) -> AppResult<Vec<SheetSale>> {
    let query = format!(
        "from={}&to={}&basis=settled&group_by=product&collective_id={collective_id}\
         &order_by=net_sales_fen&limit={limit}",
        period.from, period.to
    );
    let (req, _) = crate::services::reports::request::parse(&query, 1)?;
    // The primary, as the books were read: the sheet is one moment's figures.
    let reader = ReportReader::choose(&db.read, None).await;
    let limits = crate::services::reports::sales::ReportLimits {
        max_rows: limit.max(1),
    };
    let report = crate::services::reports::sales::report(&reader, &req, limits).await?;
    Ok(report
        .rows
        .into_iter()
        .filter(|r| r.metrics.net_sales_fen != 0)
        .map(|r| SheetSale {
            product: r
                .dimensions
                .get("product")
                .map(|p| p.label.clone())
                .unwrap_or_default(),
            quantity_g: r.metrics.quantity_g,
            pieces: r.metrics.pieces,
            net_sales_fen: r.metrics.net_sales_fen,
            commission_fen: r.metrics.commission_fen,
        })
        .collect())
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

async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<finance_sheet::Model> {
    crate::services::must_find::<finance_sheet::Entity, _>(db, id, "finance sheet").await
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

/// # Errors
/// 404.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<finance_sheet::Model> {
    find(db, id).await
}

/// A collective's sheets, newest period and version first.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    collective_id: i64,
) -> AppResult<Vec<finance_sheet::Model>> {
    Ok(finance_sheet::Entity::find()
        .filter(finance_sheet::Column::CollectiveId.eq(collective_id))
        .order_by_desc(finance_sheet::Column::Period)
        .order_by_desc(finance_sheet::Column::Version)
        .all(db)
        .await?)
}

/// What the public page shows: the version asked for (else the one in force), if published,
/// and the version in force when that is a later one.
pub struct PublicSheet {
    pub sheet: FinanceSheetOut,
    pub current_version: i32,
}

/// # Errors
/// Database errors; `Ok(None)` when nothing of the period is published.
pub async fn public(
    db: &impl ConnectionTrait,
    collective_id: i64,
    period: &str,
    version: Option<i32>,
) -> AppResult<Option<PublicSheet>> {
    let shown = finance_sheet::Entity::find()
        .filter(finance_sheet::Column::CollectiveId.eq(collective_id))
        .filter(finance_sheet::Column::Period.eq(period))
        .filter(
            finance_sheet::Column::Status.is_in([SheetStatus::Published, SheetStatus::Replaced]),
        )
        .order_by_desc(finance_sheet::Column::Version)
        .all(db)
        .await?;
    let Some(current) = shown.iter().find(|s| s.status == SheetStatus::Published) else {
        return Ok(None);
    };
    let Some(sheet) = shown
        .iter()
        .find(|s| version.map_or(s.id == current.id, |v| s.version == v))
    else {
        return Ok(None);
    };
    Ok(Some(PublicSheet {
        current_version: current.version,
        sheet: out(db, vec![sheet.clone()]).await?.remove(0),
    }))
}

/// The sheets as answered: their content read back, and who did what by name.
///
/// # Errors
/// Database errors; 500 for content that does not read back.
pub async fn out(
    db: &impl ConnectionTrait,
    sheets: Vec<finance_sheet::Model>,
) -> AppResult<Vec<FinanceSheetOut>> {
    let names: std::collections::HashMap<i64, String> =
        crate::services::rows::by_id::<user::Entity>(
            db,
            sheets.iter().flat_map(|s| {
                [Some(s.drafted_by), s.checked_by, s.published_by]
                    .into_iter()
                    .flatten()
            }),
        )
        .await?
        .into_iter()
        .map(|(id, u)| (id, u.display_name.unwrap_or(u.username)))
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    sheets
        .into_iter()
        .map(|s| {
            let content: FinanceSheetContent = serde_json::from_str(&s.content)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("sheet {}: {e}", s.id)))?;
            Ok(FinanceSheetOut {
                public_path: format!("/gongkai/{}/{}?v={}", s.collective_id, s.period, s.version),
                id: s.id,
                collective_id: s.collective_id,
                period: s.period,
                version: s.version,
                status: s.status,
                status_label: s.status.label().to_owned(),
                content,
                drafted_by: name(s.drafted_by),
                drafted_at: s.drafted_at,
                checked_by: s.checked_by.map(name),
                checked_at: s.checked_at,
                check_note: s.check_note,
                published_by: s.published_by.map(name),
                published_at: s.published_at,
                replaced_at: s.replaced_at,
            })
        })
        .collect()
}
