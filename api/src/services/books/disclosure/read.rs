//! Reading finance sheets back: one, a collective's list, the version the public page shows, and
//! each as answered, its content read back and who did what by name.

use crate::domain::labels::Label;
use crate::dto::disclosure::{FinanceSheetContent, FinanceSheetOut};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use zhunong_entity::enums::SheetStatus;
use zhunong_entity::{finance_sheet, user};

pub(super) async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<finance_sheet::Model> {
    crate::services::must_find::<finance_sheet::Entity, _>(db, id, "finance sheet").await
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
